"""Registered places (场所): institutions, compounds, campuses, markets, streets, guard points …"""
