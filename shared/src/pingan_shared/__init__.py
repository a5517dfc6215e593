"""Pingan (平安) shared infrastructure: what every service is built on, and no domain logic."""
