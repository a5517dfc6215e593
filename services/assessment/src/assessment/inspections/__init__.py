"""Inspections (检查): regular, spot, open and covert; findings, four eyes, draws, rectification."""
