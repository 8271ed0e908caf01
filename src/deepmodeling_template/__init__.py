"""The Python side of deepmodeling-template.

- `.standard`: the DeepModeling standard (STANDARD.md) as repo-review rules,
  and the ``dp-standard`` command that runs them;
- `.hooks`: the pre-commit hooks generated projects run
  (``check-copier-conflicts``, ``check-template-version``);
- `.common`: what both read, YAML files and pre-commit hook lists.
"""
