"""themekit: local-first qualitative thematic analysis."""

__version__ = "0.1.0"
