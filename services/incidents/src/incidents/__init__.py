"""Pingan incidents service (警情): intake, handling workflow, patrols and analysis."""
