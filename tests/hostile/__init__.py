"""Hostile input against every command (issue 9); helpers.py says how the tests work."""
