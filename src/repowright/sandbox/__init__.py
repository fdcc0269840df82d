"""Run untrusted generated code in isolation: backends, limits, and probes of what really holds."""
