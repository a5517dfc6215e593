"""Fixed guard points (保安守点) and the guards who hold them."""
