"""Dead letters (死信): deliveries that exhausted their tries, and re-driving them."""
