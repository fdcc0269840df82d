"""Code indexes: Python modules through the AST, other languages through tree-sitter."""
