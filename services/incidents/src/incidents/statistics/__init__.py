"""Incident statistics other services and county systems ask for (警情统计)."""
