"""Shifts (班次), weekly schedules (排班) and who is on duty (在岗)."""
