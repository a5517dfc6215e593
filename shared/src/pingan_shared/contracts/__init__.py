"""Cross-service message contracts: the one definition both producer and consumer import."""
