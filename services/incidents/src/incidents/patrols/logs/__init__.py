"""Patrol logs (巡防记录) from phones: check-in, track, check-out, findings."""
