"""Pre-commit hooks that keep projects made from deepmodeling-template healthy.

``.pre-commit-hooks.yaml`` at the repository's top publishes them; the console
scripts are ``check-copier-conflicts`` (`.conflicts`) and
``check-template-version`` (`.freshness`).
"""
