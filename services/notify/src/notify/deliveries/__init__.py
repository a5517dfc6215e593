"""Lists and counts of deliveries (投递) across messages."""
