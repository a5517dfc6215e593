"""Assessed units (被考核对象): 平安单位/小区/校园/市场/家庭, communities and village committees."""
