#!/usr/bin/env python3
"""Compute Cognito SRP vectors with pycognito (third party, PyPI).

Drives pycognito's own USER_SRP_AUTH flow, AWSSRP.authenticate_user(), with
a fake boto3 client, at fixed inputs:
  * the random `a` is replaced after construction (small_a_value), and
    large_a_value is recomputed with pycognito's own calculate_a();
  * "now" is frozen by replacing the `datetime` module seen by
    pycognito.aws_srp, so pycognito's own get_cognito_formatted_timestamp()
    produces the TIMESTAMP (we assert it equals the wanted string);
  * the fake client answers InitiateAuth with the PASSWORD_VERIFIER challenge
    (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP) and records what pycognito
    sends: SRP_A in InitiateAuth, PASSWORD_CLAIM_SIGNATURE in
    RespondToAuthChallenge.

Every case of inputs.json is computed (for the cross-check); vector files
are written only for the cases this tool owns:
  tests/vectors/srp/pycognito-NN.json
All results (incl. errors) go to tests/vectors/srp/generator/results-pycognito.json.

Run with the scratch venv:  /tmp/srpvec-venv/bin/python tests/vectors/srp/generator/gen_py.py
"""
import datetime as real_datetime
import importlib.metadata
import json
import os
import types

import pycognito.aws_srp as aws_srp

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)  # tests/vectors/srp/
VERSION = importlib.metadata.version("pycognito")
SOURCE = f"pycognito {VERSION} (pycognito.aws_srp.AWSSRP)"
KEYS = ["source", "pool_id", "username", "password", "a_hex", "salt_hex", "srp_b_hex",
        "secret_block_b64", "user_id_for_srp", "timestamp", "srp_a_hex", "signature_b64"]


class FakeCognito:
    """Stands in for boto3's cognito-idp client; records the requests."""

    def __init__(self, challenge):
        self.challenge = challenge
        self.calls = []

    def initiate_auth(self, **kw):
        self.calls.append(("InitiateAuth", kw))
        return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": self.challenge}

    def respond_to_auth_challenge(self, **kw):
        self.calls.append(("RespondToAuthChallenge", kw))
        return {"AuthenticationResult": {}}  # no further challenge: flow ends


def frozen_datetime_module(ts):
    """A stand-in for the `datetime` module whose utcnow() is fixed."""
    fixed = real_datetime.datetime.strptime(ts, "%a %b %d %H:%M:%S UTC %Y")

    class FrozenDT(real_datetime.datetime):
        @classmethod
        def utcnow(cls):
            return fixed

        @classmethod
        def now(cls, tz=None):
            return fixed if tz is None else fixed.replace(tzinfo=tz)

    return types.SimpleNamespace(datetime=FrozenDT, timezone=real_datetime.timezone)


def run_case(c):
    challenge = {
        "SALT": c["salt_hex"],
        "SRP_B": c["srp_b_hex"],
        "SECRET_BLOCK": c["secret_block_b64"],
        "USER_ID_FOR_SRP": c["user_id_for_srp"],
        "USERNAME": c["user_id_for_srp"],
    }
    fake = FakeCognito(challenge)
    srp = aws_srp.AWSSRP(username=c["username"], password=c["password"], pool_id=c["pool_id"],
                         client_id="vectorsclientid", client=fake)
    srp.small_a_value = int(c["a_hex"], 16)        # fixed `a`
    srp.large_a_value = srp.calculate_a()         # A = g^a mod N, pycognito's own code
    saved = aws_srp.datetime
    aws_srp.datetime = frozen_datetime_module(c["timestamp"])
    try:
        srp.authenticate_user()
    finally:
        aws_srp.datetime = saved
    (op1, init), (op2, resp) = fake.calls
    assert op1 == "InitiateAuth" and op2 == "RespondToAuthChallenge"
    cr = resp["ChallengeResponses"]
    assert cr["TIMESTAMP"] == c["timestamp"], (cr["TIMESTAMP"], c["timestamp"])
    assert cr["PASSWORD_CLAIM_SECRET_BLOCK"] == c["secret_block_b64"]
    return dict(srp_a_hex=init["AuthParameters"]["SRP_A"],
                signature_b64=cr["PASSWORD_CLAIM_SIGNATURE"], timestamp=cr["TIMESTAMP"])


def main():
    with open(os.path.join(HERE, "inputs.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    os.makedirs(OUT, exist_ok=True)
    results = []
    for case in cases:
        c = case["inputs"]
        try:
            r = run_case(c)
        except Exception as e:  # reported, not hidden: see results file / README
            r = dict(error=f"{type(e).__name__}: {e}")
        results.append(dict(nn=case["nn"], owners=case["owners"], **r))
        print(case["nn"], case["owners"], r.get("signature_b64", r.get("error")), flush=True)
        if "pycognito" in case["owners"]:
            if "error" in r:
                raise SystemExit(f"owned case {case['nn']} failed in pycognito: {r['error']}")
            vec = dict(c, source=SOURCE, srp_a_hex=r["srp_a_hex"], signature_b64=r["signature_b64"])
            with open(os.path.join(OUT, f"pycognito-{case['nn']}.json"), "w", encoding="utf-8") as f:
                json.dump({k: vec[k] for k in KEYS}, f, ensure_ascii=False, indent=2)
                f.write("\n")
    with open(os.path.join(HERE, "results-pycognito.json"), "w", encoding="utf-8") as f:
        json.dump(dict(source=SOURCE, results=results), f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
