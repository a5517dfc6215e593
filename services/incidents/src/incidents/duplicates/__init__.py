"""Possible duplicates (疑似重复警情): the same thing reported twice, by place, time and text."""
