"""The forms customers fill in, defined in code with versions; see docs/eforms.md."""
