"""Messages (消息) and their per-recipient deliveries (投递)."""
