"""`repowright doctor`: what a user needs, checked on this machine, one line per check."""
