"""Records management: retention rules, disposal proposals, four-eyes approval, disposal."""
