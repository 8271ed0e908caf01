from __future__ import annotations

import ast
import doctest
import math
from pathlib import Path

import pytest

import demo_project
from demo_project import _core
from demo_project.potentials import lennard_jones


def test_minimum_is_minus_epsilon_at_two_to_the_sixth_sigma():
    sigma, epsilon = 3.4, 0.997  # argon, roughly: angstrom and kJ/mol
    r_min = 2 ** (1 / 6) * sigma
    assert lennard_jones(r_min, epsilon=epsilon, sigma=sigma) == pytest.approx(-epsilon)


def test_agrees_with_the_formula():
    r, epsilon, sigma = 1.3, 2.0, 1.1
    expected = 4 * epsilon * ((sigma / r) ** 12 - (sigma / r) ** 6)
    assert lennard_jones(r, epsilon=epsilon, sigma=sigma) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("r", "epsilon", "sigma", "message"),
    [
        (0.0, 1.0, 1.0, "distance r must be positive"),
        (-1.0, 1.0, 1.0, "distance r must be positive"),
        (math.nan, 1.0, 1.0, "distance r must be positive"),
        (1.0, 1.0, 0.0, "sigma must be positive"),
        (1.0, -1.0, 1.0, "epsilon must not be negative"),
    ],
)
def test_invalid_input_raises_value_error(r, epsilon, sigma, message):
    with pytest.raises(ValueError, match=message):
        lennard_jones(r, epsilon=epsilon, sigma=sigma)


def test_docstring_examples():
    results = doctest.testmod(_core)
    assert results.attempted > 0
    assert results.failed == 0


def _shape(function: ast.FunctionDef) -> str:
    """Parameter names, kinds and defaults, and the return type of ``function``."""
    for node in ast.walk(function.args):
        if isinstance(node, ast.arg):
            node.annotation = None  # pybind11 names the accepted types its own way
    assert function.returns is not None, f"{function.name} has no return type"
    return f"({ast.unparse(function.args)}) -> {ast.unparse(function.returns)}"


def test_stub_matches_the_extension():
    """_core.pyi declares every function of _core, with the same parameters."""
    stub = Path(demo_project.__file__).with_name("_core.pyi")
    declared = {
        node.name: _shape(node)
        for node in ast.parse(stub.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef)
    }
    defined = sorted(name for name in dir(_core) if not name.startswith("_"))
    assert sorted(declared) == defined
    for name, shape in declared.items():
        # pybind11 writes the signature as the first line of the docstring.
        signature = getattr(_core, name).__doc__.splitlines()[0]
        runtime = ast.parse(f"def {signature}: ...").body[0]
        assert isinstance(runtime, ast.FunctionDef), signature
        assert _shape(runtime) == shape, name
