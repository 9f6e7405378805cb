"""fast_pow (backend/fast_pow.py) answers as the built-in pow does, and install() puts it where the SRP runs."""

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import fast_pow

import ministack.services.cognito as cognito

# RFC 5054's 3072-bit group, the modulus of Cognito's SRP, as ministack has it.
N = cognito._SRP_N


def test_the_answers_are_the_builtins():
    rng = random.Random(5054)
    cases = [(2, 0, N), (0, 5, N), (N + 3, 7, N), (-2, 3, 5), (7, 3, 1), (3, 4, None), (2.0, 3, None),
             (3, -1, 7), (3, 2, -7), (True, 3, 5)]
    for _ in range(300):
        bits = rng.choice((8, 64, 3072, 3100))
        cases.append((rng.getrandbits(bits) - (rng.random() < 0.1) * (1 << bits),
                      rng.getrandbits(rng.choice((1, 16, 256, 3072))), rng.choice((N, rng.getrandbits(bits) | 1))))
    for base, exp, mod in cases:
        expected = pow(base, exp) if mod is None else pow(base, exp, mod)
        got = fast_pow.fast_pow(base, exp) if mod is None else fast_pow.fast_pow(base, exp, mod)
        assert (got, type(got)) == (expected, type(expected)), (base, exp, mod)


def test_an_error_is_the_builtins():
    for args in ((3, 2, 0), (2, -1, 4)):
        with pytest.raises(ValueError):
            pow(*args)
        with pytest.raises(ValueError):
            fast_pow.fast_pow(*args)


def test_install_gives_the_srp_modules_the_fast_pow():
    fast_pow.install()
    assert cognito.pow is fast_pow.fast_pow
    assert "pow(" in Path(cognito.__file__).read_text(), "ministack's SRP still calls pow"
