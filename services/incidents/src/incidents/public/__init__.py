"""Residents' reports without an account (群众上报): anonymous if they wish, followed by receipt."""
