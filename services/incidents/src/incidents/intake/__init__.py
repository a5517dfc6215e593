"""Intake of incidents (警情上报) from every channel."""
