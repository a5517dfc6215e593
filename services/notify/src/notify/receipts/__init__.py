"""Providers' delivery receipts (回执) moving deliveries to delivered or failed."""
