#!/usr/bin/env python3
"""Proves that no secret leaked into what the tests printed or stored.

The test backend appends every secret that crosses it to a file (APILESS_SECRETS_LOG, one
`<field>\t<value>` line each: the tokens Cognito issued, the secret keys and session tokens it
vended, the passwords that reached it); the seeded users' passwords come from the backend's
config. Each is searched for, whole, in every output file (the test run's output with the
browser console lines), and every storage dump (what the tests found in localStorage and
sessionStorage), where only the user pool's tokens may be, and the AWS credentials in the one
entry that keeps them (`apiless.<identityPoolId>.<owner>.credentials`, SECURITY.md). A JWT is
also searched for by its signature alone, so a token cut short still counts.

    tools/secrets-check.py --secrets LOG --config CONFIG.json [--storage DUMP]... OUTPUT...
    tools/secrets-check.py --self-test

Prints one line of figures; exits 1 naming the file, line and kind (never the secret) of a leak.
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

MIN_LENGTH = 8  # shorter values (a 6-digit code) would match by chance
STORED_TOKENS = {"IdToken", "AccessToken", "RefreshToken"}  # what a signed-in app must keep
KEPT_CREDENTIALS = {"SecretKey", "SessionToken"}  # kept, by design, in their own entry only


def stored_allowed(line):
    """What a storage dump line (`{"key": ..., "value": ...}`) may hold."""
    try:
        key = json.loads(line).get("key", "")
    except (ValueError, AttributeError):
        key = ""
    if isinstance(key, str) and key.startswith("apiless.") and key.endswith(".credentials"):
        return STORED_TOKENS | KEPT_CREDENTIALS
    return STORED_TOKENS


def needles(entries):
    """{string to search for: field it came from}, from (field, value) pairs."""
    found = {}
    for field, value in entries:
        if len(value) < MIN_LENGTH:
            continue
        found[value] = field
        parts = value.split(".")
        if len(parts) == 3 and all(parts) and len(parts[2]) >= 16:
            found[parts[2]] = field  # a JWT's signature
    return found


def scan(files, found, allowed=lambda line: frozenset()):
    """(file, line, field) of each leak, and the bytes searched; `allowed(line)` names the
    fields that line may hold."""
    leaks, searched = [], 0
    for path in files:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        searched += len(text.encode())
        for number, line in enumerate(text.splitlines(), 1):
            may = allowed(line)
            for needle, field in found.items():
                if field not in may and needle in line:
                    leaks.append((str(path), number, field))
    return leaks, searched


def read_log(path):
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        field, _, value = line.partition("\t")
        if value:
            entries.append((field, value))
    return entries


def check(entries, outputs, storage):
    found = needles(entries)
    leaks, searched = scan(outputs, found)
    stored_leaks, stored = scan(storage, found, allowed=stored_allowed)
    fields = sorted({field for field in found.values()})
    print(f"secrets-check: {len(found)} secrets ({', '.join(fields)}) searched for in "
          f"{searched:,} bytes of output ({len(outputs)} files) and {stored:,} bytes of browser "
          f"storage ({len(storage)} dumps, where only {', '.join(sorted(STORED_TOKENS))} may be, "
          f"and {', '.join(sorted(KEPT_CREDENTIALS))} in a credentials entry): "
          f"{len(leaks) + len(stored_leaks)} found")
    for path, number, field in (leaks + stored_leaks)[:20]:
        print(f"  LEAK: a {field} in {path}:{number}", file=sys.stderr)
    return not (leaks or stored_leaks)


def self_test():
    """The check finds planted secrets and a cut-short token, and passes clean files."""
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
    key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    entries = [("IdToken", token), ("SecretKey", key), ("SecretCode", "123456")]
    with tempfile.TemporaryDirectory() as tmp:
        clean, leaky, cut, storage = (Path(tmp, n) for n in ("clean", "leaky", "cut", "storage"))
        clean.write_text("test a ... ok\nsigned in as alice\n")
        leaky.write_text(f"ok\nerror: bad key {key}\n")
        cut.write_text(f"token tail {token.split('.')[2]}\n")
        storage.write_text("\n".join(json.dumps(e) for e in [
            {"key": "x.idToken", "value": token},
            {"key": "apiless.pool.sub.credentials", "value": json.dumps({"SecretKey": key})},
            {"key": "apiless.pool.sub.identityId", "value": key},
            {"k": key},
        ]) + "\n")
        found = needles(entries)
        assert "123456" not in found
        assert scan([clean], found)[0] == []
        assert scan([leaky], found)[0] == [(str(leaky), 2, "SecretKey")]
        assert scan([cut], found)[0] == [(str(cut), 1, "IdToken")]
        assert scan([storage], found, allowed=stored_allowed)[0] == [
            (str(storage), 3, "SecretKey"), (str(storage), 4, "SecretKey")]
    print("secrets-check self-test: planted keys and a cut-short token are found, tokens are "
          "allowed in storage only and credentials in their own entry only, clean output passes")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secrets", help="the backend's secrets log")
    parser.add_argument("--config", help="the backend's config (seeded users' passwords)")
    parser.add_argument("--storage", action="append", default=[], help="a browser storage dump")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("outputs", nargs="*")
    args = parser.parse_args()
    if args.self_test:
        return 0 if self_test() else 1
    entries = read_log(args.secrets) if args.secrets and Path(args.secrets).exists() else []
    if not entries:
        print("secrets-check: the backend logged no secrets; the check would prove nothing", file=sys.stderr)
        return 1
    if args.config:
        entries += [("password", u["password"]) for u in json.loads(Path(args.config).read_text())["users"]]
    missing = [f for f in args.outputs + args.storage if not Path(f).exists()]
    if missing:
        print(f"secrets-check: missing {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0 if check(entries, args.outputs, args.storage) else 1


if __name__ == "__main__":
    sys.exit(main())
