"""Focus problems (突出问题): hot spots, hot places, areas or series a leader follows up until solved."""
