"""Patrol teams (义务巡防队) and village guard teams (义务护村队) with their members."""
