"""repowright: research paper or spec in, verified code repository out."""

__version__ = "0.1.0"
