"""Patrol coverage figures (巡防覆盖): hours patrolled and distinct places covered."""
