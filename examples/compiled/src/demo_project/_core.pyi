"""Types of the compiled extension module (src/cpp/bindings.cpp).

Keep this stub in step with the bindings: the tests compare the two.
"""

def lennard_jones(r: float, *, epsilon: float = 1.0, sigma: float = 1.0) -> float:
    """Lennard-Jones pair energy of two particles."""
