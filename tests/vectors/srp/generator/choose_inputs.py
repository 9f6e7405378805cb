#!/usr/bin/env python3
"""Choose the INPUTS of the Cognito SRP known-answer vectors (ours; stdlib only).

This script does NOT produce any expected output that ends up in
tests/vectors/srp/.  It only picks inputs (a, salt, B, secret block, ...)
by deterministic search so that the hex-padding edge cases are hit, and
writes them to inputs.json.  The expected outputs (srp_a_hex,
signature_b64) are computed by the third-party tools in gen_py.py
(pycognito) and gen_js.mjs (amazon-cognito-identity-js).

To steer the search it uses a tiny reference model of Cognito's SRP
(same maths as AWS's AuthenticationHelper.js).  The intermediate values
of that model (u, x, S, HKDF key, and our own signature) are written to
intermediates.json for debugging a new implementation step by step;
crosscheck.py compares that model with both tools as a third opinion.

Everything is seeded: rerunning gives byte-identical inputs.json.
Run:  python3 tests/vectors/srp/generator/choose_inputs.py   (takes ~1 min)
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

# RFC 5054 / RFC 3526 3072-bit group, as in AuthenticationHelper.js (initN).
N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D"
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D"
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9"
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B"
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31"
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2


def pad_bytes(n):
    """Java BigInteger.toByteArray(): minimal two's-complement, big-endian.
    Same bytes as AuthenticationHelper.padHex (odd -> '0'+, top bit -> '00'+,
    negatives -> two's complement)."""
    if n >= 0:
        length = (n.bit_length() + 8) // 8
    else:
        length = ((-n - 1).bit_length() + 8) // 8
    return n.to_bytes(length, "big", signed=True)


def H(b):
    return hashlib.sha256(b).digest()


K = int.from_bytes(H(pad_bytes(N) + pad_bytes(G)), "big")


def model(c):
    """Reference model; returns dict of intermediates (ints and bytes)."""
    pool_name = c["pool_id"].split("_", 1)[1]
    a = int(c["a_hex"], 16)
    A = pow(G, a, N)
    B = int(c["srp_b_hex"], 16)
    salt = int(c["salt_hex"], 16)  # signed parse, like new BigInteger(SALT, 16)
    uid = c["user_id_for_srp"]
    u_hash = H(pad_bytes(A) + pad_bytes(B))
    u = int.from_bytes(u_hash, "big")
    up_hash = H(f"{pool_name}{uid}:{c['password']}".encode("utf-8"))
    x_hash = H(pad_bytes(salt) + up_hash)
    x = int.from_bytes(x_hash, "big")
    S = pow(B - K * pow(G, x, N), a + u * x, N)
    prk = hmac.new(pad_bytes(u), pad_bytes(S), hashlib.sha256).digest()
    key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
    msg = (pool_name.encode() + uid.encode() + base64.b64decode(c["secret_block_b64"])
           + c["timestamp"].encode())
    sig = base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()
    return dict(A=A, B=B, u=u, u_hash=u_hash, x=x, x_hash=x_hash, S=S, key=key, sig=sig,
                salt_bytes=pad_bytes(salt))


# ---------------------------------------------------------------- shapes

def hshape(n):
    """Shape of the minimal lowercase hex of a non-negative integer."""
    h = format(n, "x")
    if len(h) % 2:
        return "odd"
    return "msb" if h[0] in "89abcdef" else "even"


def describe(n, full_hex):
    h = format(n, "x")
    p = pad_bytes(n)
    how = {"odd": "odd length -> '0'+", "msb": "top bit set -> '00'+",
           "even": "even, top bit clear -> as is"}[hshape(n)]
    lz = f", {full_hex - len(h)} leading zero nibbles vs {full_hex}" if len(h) < full_hex - 1 else ""
    return f"{len(h)} hex ({how}{lz}) = {len(p)} bytes"


def fmt_ts(dt):
    # Cognito: "ddd MMM d HH:mm:ss UTC yyyy", day NOT zero-padded.
    return dt.strftime("%a %b ") + str(dt.day) + dt.strftime(" %H:%M:%S UTC %Y")


# ---------------------------------------------------------------- case specs
UUIDS = [
    "3f1c9a52-6d0e-4b7a-9c1e-2f8b7d4a6e01",
    "0b7e4c2a-91d3-4f5e-8a6b-c3d2e1f0a9b8",
    "a9d8e7f6-0011-4c22-b333-44d455e66f77",
    "e2c1b0a9-8f7e-46d5-9c4b-3a2918070605",
]

# Each spec: id, owner(s), pool, username, user_id_for_srp, password,
# salt kind, targets (predicates on shapes), day kind, secret block length, note.
SPECS = [
    # -- salt shapes (Cognito sends SALT as Java BigInteger.toString(16): no leading zeros, may be odd)
    dict(n=1, own="js", pool="us-east-1_AbCdEf123", user="alice", uid=None, pw="Passw0rd!",
         salt="32even", tgt=dict(A="msb", B="msb", u="msb", S="msb"), day=1, sb=1140,
         note="all of A, B, u, S have the top bit set (all get a 00 prefix); 16-byte salt, top bit clear"),
    dict(n=1, own="py", pool="us-west-2_Zx81QwErT", user="bob@example.com", uid="uuid0", pw="correct horse battery staple",
         salt="32msb", tgt=dict(A="even", B="even", u="even", S="even"), day=2, sb=1141,
         note="salt top bit set (00+salt = 17 bytes); A, B, u, S all even-length with top bit clear (no padding)"),
    dict(n=2, own="js", pool="eu-west-1_9aBcDeFgH", user="carol", uid="uuid1", pw="p@$$w0rd:with:colons",
         salt="31", tgt=dict(A="odd"), day=1, sb=1142,
         note="31-hex salt (leading zero nibble stripped -> '0'+); A has odd hex length (767); password contains ':'"),
    dict(n=2, own="py", pool="ap-southeast-2_QQ7yU0pLm", user="dave", uid=None, pw="Tr0ub4dor&3",
         salt="30even", tgt=dict(S="odd"), day=2, sb=1143,
         note="30-hex salt (one leading zero byte stripped: 15 bytes); S has odd hex length"),
    dict(n=3, own="js", pool="us-east-2_MmNnOoPp1", user="erin", uid="uuid2", pw="Zürich-Straße-42",
         salt="30msb", tgt=dict(B="odd"), day=1, sb=1144,
         note="30-hex salt with top bit set (zero byte stripped, then 00+ -> 16 bytes); B odd length; umlaut/eszett password"),
    dict(n=3, own="py", pool="ca-central-1_LkJhGfDsA", user="frank", uid=None, pw="🔐secret🗝️ key",
         salt="29", tgt=dict(u="odd"), day=2, sb=1145,
         note="29-hex salt (odd, 15 bytes); u hash starts with one 0 nibble (63-hex u, '0'+); emoji password (4-byte UTF-8, JS surrogate pairs)"),
    dict(n=4, own="js", pool="sa-east-1_Short1", user="grace", uid=None, pw="密码口令パスワード",
         salt="lit:1", tgt=dict(), day=1, sb=1146,
         note="tiny salt '1' (odd -> '01', 1 byte); CJK password"),
    dict(n=4, own="py", pool="eu-central-1_aaaaaaaaa", user="heidi", uid="uuid3", pw="\u0645\u0631\u062d\u0628\u0627 123",
         salt="lit:ab", tgt=dict(), day=2, sb=1147,
         note="tiny salt 'ab' (top bit -> '00ab', 2 bytes); Arabic (RTL) password with space"),
    dict(n=5, own="js", pool="us-east-1_XYZ987abc", user="ivan", uid="uuid0", pw="a" * 256,
         salt="lit:80", tgt=dict(), day=1, sb=1148,
         note="salt '80' (exactly the top bit -> '0080'); 256-char password"),
    dict(n=5, own="py", pool="us-east-1_XYZ987abc", user="judy", uid=None, pw="x",
         salt="lit:7f", tgt=dict(), day=2, sb=1149,
         note="salt '7f' (largest 1-byte value without padding); 1-char password"),
    dict(n=6, own="js", pool="ap-northeast-1_P0o9I8u7Y", user="mallory", uid=None, pw="Ünïcödé-NFC-é",
         salt="64msb", tgt=dict(), day=1, sb=1150,
         note="64-hex (32-byte) salt with top bit set (00+ -> 33 bytes); NFC accented password"),
    dict(n=6, own="py", pool="ap-northeast-1_P0o9I8u7Y", user="mallory", uid=None, pw="Ünïcödé-NFC-e\u0301",
         salt="lit:100", tgt=dict(), day=2, sb=1151,
         note="salt '100' (odd -> '0100'); NFD password (e + U+0301): must NOT be normalised"),
    # -- A / B / S / u rare shapes (found by search)
    dict(n=7, own="js", pool="us-west-1_AaBbCcDd2", user="niaj", uid="uuid1", pw="S3cure!Pass",
         salt="32even", tgt=dict(A="lz"), day=1, sb=1152,
         note="A has a leading zero byte and the next byte < 0x80: pad(A) is 383 bytes (a fixed 384-byte encoding would be wrong)"),
    dict(n=7, own="py", pool="us-west-1_AaBbCcDd2", user="olivia", uid=None, pw="S3cure!Pass",
         salt="32msb", tgt=dict(B="lz"), day=2, sb=1153,
         note="B has a leading zero byte and the next byte < 0x80: pad(B) is 383 bytes"),
    dict(n=8, own="js", pool="eu-north-1_Qwerty123", user="peggy", uid=None, pw="hunter2",
         salt="31", tgt=dict(S="lz"), day=1, sb=1154,
         note="S has a leading zero byte: pad(S) is 383 bytes into HKDF"),
    dict(n=8, own="py", pool="eu-north-1_Qwerty123", user="rupert", uid="uuid2", pw="hunter2",
         salt="32even", tgt=dict(u="lz"), day=2, sb=1155,
         note="u hash starts with 00 (62-hex u -> 31-byte HKDF salt)"),
    dict(n=9, own="js", pool="us-east-1_u00Test01", user="sybil", uid="uuid3", pw="u-three-zeros",
         salt="32msb", tgt=dict(u="lz3"), day=1, sb=1156,
         note="u hash starts with 000 (61-hex u, odd -> '0'+, 31 bytes)"),
    dict(n=9, own="py", pool="us-east-1_u00Test01", user="trent", uid=None, pw="odd-odd-odd",
         salt="32even", tgt=dict(A="odd", B="odd", S="odd"), day=2, sb=1157,
         note="A, B and S all odd hex length"),
    dict(n=10, own="js", pool="eu-west-3_Odd1Odd2", user="victor", uid=None, pw="mix-u-S",
         salt="30even", tgt=dict(u="odd", S="msb", B="msb"), day=1, sb=1158,
         note="u odd (63 hex), S and B top bit set"),
    dict(n=10, own="py", pool="eu-west-3_Odd1Odd2", user="walter", uid="uuid0", pw="S-lz-A-msb",
         salt="31", tgt=dict(A="msb", S="lz"), day=2, sb=1159,
         note="A top bit set, S has a leading zero byte (pad(S) 383 bytes)"),
    # -- x (H(salt | H(pool user:pw))) shapes: x is only an exponent, never padded; included to prove it
    dict(n=11, own="js", pool="us-east-1_XhashTest", user="xavier", uid=None, pw="x-starts-0",
         salt="search32", tgt=dict(x="odd"), day=1, sb=1160,
         note="x hash starts with a 0 nibble (x is used only as an integer exponent: no padding involved)"),
    dict(n=11, own="py", pool="us-east-1_XhashTest", user="yvonne", uid="uuid1", pw="x-starts-00",
         salt="search32", tgt=dict(x="lz"), day=2, sb=1161,
         note="x hash starts with 00"),
    # -- tiny / special a values
    dict(n=12, own="js", pool="us-east-1_TinyA0001", user="zoe", uid=None, pw="tiny-a",
         salt="32even", tgt=dict(), a_fixed="3ff", day=1, sb=1162,
         note="a = 0x3ff: A = 2^1023 = '8' + 255 zeros (256 hex, top bit -> 00+, 129 bytes): a short A"),
    dict(n=12, own="py", pool="us-east-1_TinyA0001", user="zoe", uid=None, pw="tiny-a",
         salt="32even", tgt=dict(), a_fixed="10", day=2, sb=1163,
         note="a = 0x10: A = 2^16 = '10000' (5 hex, odd -> '010000', 3 bytes)"),
    # -- usernames, pool ids, timestamps, secret blocks
    dict(n=13, own="js", pool="us-gov-west-1_GovPool99", user="Firstname.Lastname+tag@example.co.uk", uid=None,
         pw="!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", salt="32even", tgt=dict(), day=1, sb=1,
         note="email-like USER_ID_FOR_SRP with '+'; all ASCII punctuation in password; 1-byte secret block; timestamp 00:00:00"),
    dict(n=13, own="py", pool="us-gov-west-1_GovPool99", user="UPPER.case_User-1", uid=None,
         pw="  leading and trailing spaces  ", salt="32msb", tgt=dict(), day=2, sb=2,
         note="mixed-case username used verbatim; spaces at both ends of password; 2-byte secret block; timestamp 23:59:59"),
    dict(n=14, own="js", pool="me-south-1_Jose1", user="josé", uid="uuid2", pw="tab\tand\nnewline",
         salt="31", tgt=dict(), day=1, sb=3,
         note="control chars (TAB, LF) in password; 3-byte secret block; username non-ASCII but USER_ID_FOR_SRP is a UUID"),
    dict(n=14, own="py", pool="af-south-1_nonAsciiU", user="Ωmega-ユーザー", uid=None, pw="pw-for-unicode-user",
         salt="32even", tgt=dict(), day=2, sb=1500,
         note="non-ASCII USER_ID_FOR_SRP (Greek + Katakana) goes into both x and the signature; 1500-byte secret block"),
    dict(n=15, own="js", pool="us-east-1_LongPwd01", user="longpw", uid=None, pw=("Ω≈ç√∫˜µ≤≥÷" * 30) + "END",
         salt="32msb", tgt=dict(A="msb", B="odd"), day=1, sb=1165,
         note="303-char non-ASCII password (~900 UTF-8 bytes); A top bit, B odd"),
    dict(n=15, own="py", pool="us-east-1_LongPwd01", user="longpw2", uid="uuid3", pw="P" * 1000,
         salt="30msb", tgt=dict(B="msb", u="msb"), day=2, sb=1166,
         note="1000-char password; B and u top bit set"),
    dict(n=16, own="js", pool="ap-south-1_LeapDay29", user="leap", uid=None, pw="Feb29!",
         salt="29", tgt=dict(S="msb"), day="leap", sb=1167,
         note="timestamp on 29 Feb 2024 (two-digit day); S top bit set"),
    dict(n=16, own="py", pool="ap-south-1_LeapDay29", user="newyear", uid=None, pw="Jan1!",
         salt="31", tgt=dict(A="odd"), day="jan1", sb=1168,
         note="timestamp 1 Jan 2025 00:00:05 (single-digit day, zero-padded seconds); A odd"),
    dict(n=17, own="js", pool="eu-south-1_YearEnd31", user="yearend", uid="uuid0", pw="Dec31!",
         salt="32even", tgt=dict(u="even", S="even", A="even", B="even"), day="dec31", sb=1169,
         note="timestamp 31 Dec 2023 23:59:59; A, B, u, S all unpadded (even, top bit clear)"),
    dict(n=17, own="py", pool="eu-south-1_YearEnd31", user="tenth", uid=None, pw="day-ten",
         salt="32even", tgt=dict(S="odd", u="odd"), day=10, sb=1170,
         note="day exactly 10 (first two-digit day); S and u odd"),
    dict(n=18, own="js", pool="il-central-1_Nine9", user="ninth", uid=None, pw="day-nine",
         salt="30even", tgt=dict(A="lzmsb"), day=9, sb=1171,
         note="day 9 (last single-digit day); A is 766 hex with top bit set: a zero byte is lost but 00+ brings pad(A) back to 384 bytes"),
    dict(n=18, own="py", pool="il-central-1_Nine9", user="ninth2", uid="uuid1", pw="day-nine-2",
         salt="29", tgt=dict(B="lz", S="msb"), day=9, sb=1172,
         note="day 9; B has a leading zero byte (pad(B) 383 bytes), S top bit"),
]

# Divergence cases (numbered 90+): inputs outside what Cognito sends for a
# real user, where the two tools are known to behave differently.
DIVERGENT = [
    dict(n=90, own="both", pool="us-east-1_NonCanon1", user="noncanon", uid=None, pw="leading-zero-salt",
         salt="lit:0012" + "3a5b7c9d1e2f405162738495a6b7", tgt=dict(), day=3, sb=1173,
         note="NON-CANONICAL salt string '0012...' (explicit leading zero byte, 16 bytes). pycognito hashes the "
              "string as given (00 12 ...); amazon-cognito-identity-js parses it to an integer first (12 ...) -> "
              "different x, different signature. Cognito never sends this form (Java BigInteger.toString(16))."),
    dict(n=91, own="js", pool="us-east-1_NegSalt01", user="ghost", uid=None, pw="whatever",
         salt="lit:-16e462a84f2df159eee0c14642974ee7", tgt=dict(), day=4, sb=1174,
         note="NEGATIVE salt (the form Cognito was reported to return for non-existent users, 2019-2021). "
              "JS parses it signed and hashes its two's complement (e9 1b 9d ... 19, 16 bytes); "
              "pycognito raises ValueError (bytearray.fromhex on '-...'), so no pycognito vector exists."),
    dict(n=92, own="js", pool="us-east-1_NegSalt02", user="ghost2", uid=None, pw="whatever2",
         salt="lit:-80" + "0" * 30, tgt=dict(), day=14, sb=1175,
         note="NEGATIVE salt -0x80000...0 (32 hex): two's complement is exactly 80 00 .. 00 (16 bytes, JS drops "
              "its FF prefix). pycognito raises ValueError."),
]

# ---------------------------------------------------------------- search


def rand_salt(rng, kind):
    """Canonical (BigInteger.toString(16)) hex of a random salt of a given shape."""
    if kind.startswith("lit:"):
        return kind[4:]
    want = {"32even": (32, "1234567"), "32msb": (32, "89abcdef"), "31": (31, "123456789abcdef"),
            "30even": (30, "1234567"), "30msb": (30, "89abcdef"), "29": (29, "123456789abcdef"),
            "64msb": (64, "89abcdef"), "search32": (32, "123456789abcdef")}[kind]
    length, first = want
    while True:
        h = format(rng.getrandbits(4 * length), "x")
        if len(h) == length and h[0] in first:
            return h


def shape_ok(kind, value, full_hex):
    h = format(value, "x")
    if kind == "lz":  # a whole leading zero byte is lost: fewer bytes than full width
        return len(pad_bytes(value)) < full_hex // 2
    if kind == "lzmsb":  # zero byte lost, next byte has top bit: 00-prefix restores full width
        return len(h) == full_hex - 2 and h[0] in "89abcdef"
    if kind == "lz3":  # only for u: >= 3 leading zero nibbles
        return len(h) <= full_hex - 3
    if kind in ("odd", "msb", "even"):
        # for 'odd'/'msb'/'even' we want exactly one missing nibble at most,
        # so the rarer 'lz' cases stay separate
        if len(h) < full_hex - 1:
            return False
        return hshape(value) == kind
    raise ValueError(kind)


def pick_ts(rng, day):
    if day == "leap":
        return datetime.datetime(2024, 2, 29, 14, 3, 7)
    if day == "jan1":
        return datetime.datetime(2025, 1, 1, 0, 0, 5)
    if day == "dec31":
        return datetime.datetime(2023, 12, 31, 23, 59, 59)
    year = rng.randint(2019, 2030)
    month = rng.randint(1, 12)
    if day == 1:  # any single-digit day
        d = rng.randint(1, 9)
    elif day == 2:  # any two-digit day
        d = rng.randint(10, 28)
    else:
        d = day
    return datetime.datetime(year, month, d, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))


def build(spec):
    src = spec["own"]
    rng = random.Random(f"apiless-srp-{src}-{spec['n']}")
    uid = spec["uid"]
    uid = UUIDS[int(uid[4:])] if uid else spec["user"]
    ts = pick_ts(rng, spec["day"])
    if spec["n"] == 13 and src == "js":
        ts = ts.replace(hour=0, minute=0, second=0)
    if spec["n"] == 13 and src == "py":
        ts = ts.replace(hour=23, minute=59, second=59)
    c = dict(pool_id=spec["pool"], username=spec["user"], password=spec["pw"],
             user_id_for_srp=uid, timestamp=fmt_ts(ts),
             secret_block_b64=base64.b64encode(rng.randbytes(spec["sb"])).decode())
    tgt = spec["tgt"]
    pool_name = c["pool_id"].split("_", 1)[1]
    up_hash = H(f"{pool_name}{uid}:{c['password']}".encode("utf-8"))
    # 1) salt (and x, which depends only on salt + identity)
    while True:
        c["salt_hex"] = rand_salt(rng, spec["salt"])
        x = int.from_bytes(H(pad_bytes(int(c["salt_hex"], 16)) + up_hash), "big")
        if "x" not in tgt or shape_ok(tgt["x"], x, 64):
            break
    # 2) a (A = g^a mod N); 128 random bytes, like both tools
    while True:
        a = int(spec["a_fixed"], 16) if "a_fixed" in spec else rng.getrandbits(1024)
        A = pow(G, a, N)
        if "A" not in tgt or shape_ok(tgt["A"], A, 768):
            break
    c["a_hex"] = format(a, "x")
    # 3) b: B = (k*v + g^b) mod N with v = g^x, i.e. a genuine server value,
    #    searched until B, u and S have the wanted shapes.
    v = pow(G, x, N)
    tries = 0
    while True:
        tries += 1
        b = rng.getrandbits(1024)
        B = (K * v + pow(G, b, N)) % N
        if "B" in tgt and not shape_ok(tgt["B"], B, 768):
            continue
        u = int.from_bytes(H(pad_bytes(A) + pad_bytes(B)), "big")
        if "u" in tgt and not shape_ok(tgt["u"], u, 64):
            continue
        S = pow(B - K * v, a + u * x, N)
        if "S" in tgt and not shape_ok(tgt["S"], S, 768):
            continue
        # server side of SRP-6a must agree: S = (A * v^u)^b mod N
        assert S == pow(A * pow(v, u, N), b, N)
        break
    c["srp_b_hex"] = format(B, "x")
    owners = {"py": ["pycognito"], "js": ["amazon-cognito-identity-js"],
              "both": ["pycognito", "amazon-cognito-identity-js"]}[src]
    m = model(c)
    found = []
    for k in tgt:
        found.append(f"{k}:{tgt[k]}")
    shapes = {
        "salt": f"'{c['salt_hex']}' -> {len(m['salt_bytes'])} bytes hashed ({m['salt_bytes'].hex()[:8]}...)",
        "A": describe(m["A"], 768), "B": describe(m["B"], 768),
        "u": describe(m["u"], 64), "S": describe(m["S"], 768),
        "x_hash_prefix": m["x_hash"].hex()[:4],
    }
    case = dict(nn=f"{spec['n']:02d}", owners=owners, note=spec["note"], search=" ".join(found),
                b_tries=tries, shapes=shapes, inputs=c)
    inter = dict(nn=case["nn"], owners=owners, A_padded_hex=pad_bytes(m["A"]).hex(),
                 B_padded_hex=pad_bytes(m["B"]).hex(), u_padded_hex=pad_bytes(m["u"]).hex(),
                 salt_bytes_hex=m["salt_bytes"].hex(), x_hex=format(m["x"], "x"),
                 S_padded_hex=pad_bytes(m["S"]).hex(), hkdf_key_hex=m["key"].hex(),
                 model_signature_b64=m["sig"])
    return case, inter


def main():
    cases, inters = [], []
    for spec in SPECS + DIVERGENT:
        case, inter = build(spec)
        print(case["owners"], case["nn"], case["search"], "b_tries", case["b_tries"], flush=True)
        cases.append(case)
        inters.append(inter)
    meta = dict(N_hex=N_HEX.lower(), g=G, k_hex=format(K, "x"))
    with open(os.path.join(HERE, "inputs.json"), "w", encoding="utf-8") as f:
        json.dump(dict(meta=meta, cases=cases), f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "intermediates.json"), "w", encoding="utf-8") as f:
        json.dump(dict(meta=meta, cases=inters), f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
