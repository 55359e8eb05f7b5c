"""A synthetic mailroom corpus with ground truth: ``generate(out_dir)`` (see generate.py)."""
