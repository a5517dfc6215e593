"""Assessment rounds (考核轮次): scores, rankings, vetoes, bonuses and bulletins (通报)."""
