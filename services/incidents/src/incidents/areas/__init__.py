"""Areas (区划) — county, town, community or village, grid — and their duty contacts."""
