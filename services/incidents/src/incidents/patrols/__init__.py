"""Patrols (巡防管面,保安守点): patrol and village guard teams, fixed guard points, shifts and
schedules, patrol logs from phones, and coverage figures."""
