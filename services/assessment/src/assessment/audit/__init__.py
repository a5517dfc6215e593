"""The tamper-evident audit log (审计日志): an append-only hash chain."""
