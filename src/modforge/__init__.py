"""modforge: create and evolve ModKit modules through a human-gated, LLM-assisted pipeline."""

__version__ = "0.3.0"
