"""Crime analysis statistics (案情分析): times, hot spots, near repeats, before and after."""
