"""Pingan assessment service (考核): assessed units, schemes, inspections, scores and bulletins."""
