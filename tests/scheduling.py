"""How the tests are spread over pytest-xdist's workers (a plugin: tests/conftest.py loads it).

Each module runs on one worker (``--dist loadscope``), so its session and module
fixtures (rendered projects, builds) are made once per worker; each project's
gates in test_gates.py run as a unit of their own, so both workers share them.
The units are handed out in collection order (``--no-loadscope-reorder``),
which puts the longest modules first.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import ANSWER_SETS

# The modules that take longest on two cores (`--durations`), scheduled first so
# that both workers finish together. A hint only: a stale entry costs seconds,
# never a result.
LONGEST_FIRST = (
    "tests/template/test_gates.py",
    "tests/template/test_cpp.py",
    "tests/template/test_update_bot.py",
    "tests/template/test_update.py",
    "tests/template/test_adoption.py",
)
GATES = "tests/template/test_gates.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collect the longest modules first (the order xdist hands them out in)."""

    def rank(item: pytest.Item) -> int:
        module = item.nodeid.split("::")[0]
        return (
            LONGEST_FIRST.index(module)
            if module in LONGEST_FIRST
            else len(LONGEST_FIRST)
        )

    items.sort(key=rank)


def xdist_scope(nodeid: str) -> str:
    """The tests that run together on one worker: a module, or one project's gates.

    A module's session and module fixtures (rendered projects, builds) are then
    made once, while the gates of the projects of test_gates.py, its ``project``
    parameter (the first part of a test's parameter ID), spread over workers.
    """
    module, _, test = nodeid.partition("::")
    if module != GATES or "[" not in test:
        return module
    params = test.partition("[")[2].removesuffix("]")
    projects = [
        name for name in ANSWER_SETS if params == name or params.startswith(f"{name}-")
    ]
    return f"{module}[{max(projects, key=len, default='')}]"


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadscope`` with the units of :func:`xdist_scope`.

    (``--dist loadgroup`` would say the same with marks, but pytest-xdist 3.8
    does not see them under pytest 9.2: it renames ``item._nodeid``, which
    pytest no longer reads.)
    """
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByModuleAndProject(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

    return ByModuleAndProject(config, log)
