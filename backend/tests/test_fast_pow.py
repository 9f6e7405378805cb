"""fast_pow (backend/fast_pow.py) answers as the built-in pow does, and install() puts it where the SRP runs."""

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import fast_pow

# RFC 5054's 3072-bit group, the modulus Cognito's SRP uses.
N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16)


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
    import ministack.services.cognito as cognito
    fast_pow.install()
    assert cognito.pow is fast_pow.fast_pow
    assert "pow(" in Path(cognito.__file__).read_text(), "ministack's SRP still calls pow"
