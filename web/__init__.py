"""The analysts' JSON API and pages over the stored history (read-only)."""
