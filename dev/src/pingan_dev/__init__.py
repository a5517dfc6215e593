"""Pingan (平安) development tooling: local or embedded PostgreSQL and Redis, run and test."""
