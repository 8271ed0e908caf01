"""Pre-commit hooks that keep projects made from deepmodeling-template healthy."""
