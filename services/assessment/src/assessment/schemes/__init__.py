"""Assessment schemes (考核方案) as data: blocks, indicators, bonus items, vetoes, rating bands."""
