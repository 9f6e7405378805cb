"""Modular exponentiation through GMP for the local backend's SRP: the tests' speed, not AWS's behaviour.

ministack's Cognito (the SRP challenge and the proof check) and our device SRP (cognito_devices.py)
use Python's built-in three-argument `pow` on 3072-bit numbers: about 68 ms each on the test
machine, five of them per sign-in, so the backend spent 37 of the 45 s the 200-user SRP browser
test took. gmpy2's `powmod` computes the same numbers in about 8 ms. `install()` gives those modules
a `pow` that sends three ints with a non-negative exponent and a positive modulus to gmpy2 and
anything else to the built-in; backend/tests/test_fast_pow.py holds its answers to the built-in's.
"""

import builtins
import importlib

import gmpy2

# The modules whose `pow` this replaces (a module global shadows the built-in within its module).
MODULES = ("ministack.services.cognito", "cognito_devices")


def fast_pow(base, exp, mod=None):
    """`pow(base, exp, mod)` as the built-in answers it."""
    if (mod is not None and type(base) is int and type(exp) is int and type(mod) is int
            and exp >= 0 and mod > 0):
        return int(gmpy2.powmod(base, exp, mod))
    return builtins.pow(base, exp) if mod is None else builtins.pow(base, exp, mod)


def install(modules=MODULES):
    for name in modules:
        importlib.import_module(name).pow = fast_pow
