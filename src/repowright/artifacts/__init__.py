"""Typed artifacts of a run, as they are written to disk (leaf: imports only pydantic)."""
