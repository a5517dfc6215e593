"""Awareness and participation surveys (知晓率 / 参与率)."""
