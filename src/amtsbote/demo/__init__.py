"""Demo data for the embedded install (``make run``): a jobcenter, staff, households."""
