"""A tiny todo list."""
