"""The copier template seen from Python: where it is, rendering its skeletons and the answers file
outside copier, the Jinja functions it shares with the prompts, and the prompts themselves."""
