#!/usr/bin/env python3
"""Cross-check the two tools (ours; stdlib only).

Reads inputs.json, results-pycognito.json, results-js.json and
intermediates.json (our reference model, a third opinion), then:
  * compares SRP_A and PASSWORD_CLAIM_SIGNATURE of pycognito vs
    amazon-cognito-identity-js on EVERY case (both tools ran every case);
  * checks that every file in tests/vectors/srp/ has exactly the agreed keys
    and equals the result of the tool named in its file name;
  * regenerates the per-case table in README.md (between the markers).
Exit status 1 if a canonical case (nn < 90) disagrees or a file is wrong.
Run:  python3 tests/vectors/srp/generator/crosscheck.py
"""
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VEC = os.path.dirname(HERE)  # tests/vectors/srp/
KEYS = ["source", "pool_id", "username", "password", "a_hex", "salt_hex", "srp_b_hex",
        "secret_block_b64", "user_id_for_srp", "timestamp", "srp_a_hex", "signature_b64"]
TOOLS = {"pycognito": "results-pycognito.json", "amazon-cognito-identity-js": "results-js.json"}


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def main():
    cases = load("inputs.json")["cases"]
    inter = {c["nn"] + "/" + ",".join(c["owners"]): c for c in load("intermediates.json")["cases"]}
    res = {t: {r["nn"] + "/" + ",".join(r["owners"]): r for r in load(f)["results"]}
           for t, f in TOOLS.items()}
    bad = False
    rows = []
    for case in cases:
        key = case["nn"] + "/" + ",".join(case["owners"])
        py, js, model = res["pycognito"][key], res["amazon-cognito-identity-js"][key], inter[key]
        if "error" in py or "error" in js:
            verdict = "pycognito: " + py.get("error", "ok") + "; JS: " + js.get("error", "ok")
            agree = False
        else:
            agree = py["srp_a_hex"] == js["srp_a_hex"] and py["signature_b64"] == js["signature_b64"]
            verdict = "agree" if agree else "DISAGREE (signature)"
        model_ok = {t: res[t][key].get("signature_b64") == model["model_signature_b64"] for t in TOOLS}
        if not agree and int(case["nn"]) < 90:
            bad = True
        files = ", ".join(f"`{'pycognito' if o == 'pycognito' else 'amazon-cognito-identity-js'}-{case['nn']}.json`"
                          for o in case["owners"])
        sh = case["shapes"]
        rows.append(f"| {files} | {case['note']} | salt {sh['salt']}; A {sh['A']}; B {sh['B']}; "
                    f"u {sh['u']}; S {sh['S']}; x-hash {sh['x_hash_prefix']}.. | {case['inputs']['timestamp']} | "
                    f"{verdict}; model = py:{'Y' if model_ok['pycognito'] else 'N'} "
                    f"js:{'Y' if model_ok['amazon-cognito-identity-js'] else 'N'} |")
        print(case["nn"], case["owners"], verdict, model_ok)
    # every vector file: exact keys, equal to its tool's result
    counts = {t: 0 for t in TOOLS}
    for path in sorted(glob.glob(os.path.join(VEC, "*.json"))):
        name = os.path.basename(path)[:-5]
        tool, nn = name.rsplit("-", 1)
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
        if list(v) != KEYS:
            print("WRONG KEYS", name, list(v))
            bad = True
        case = next(c for c in cases if c["nn"] == nn and tool in c["owners"])
        r = res[tool][nn + "/" + ",".join(case["owners"])]
        same_inputs = all(v[k] == case["inputs"][k] for k in case["inputs"])
        if not same_inputs or v["signature_b64"] != r["signature_b64"] or v["srp_a_hex"] != r["srp_a_hex"]:
            print("FILE MISMATCH", name)
            bad = True
        counts[tool] += 1
    print("files per tool:", counts)
    table = ("| file(s) | what it exercises | shapes (minimal hex -> bytes hashed, per AWS JS padHex) | timestamp | cross-check |\n"
             "|---|---|---|---|---|\n" + "\n".join(rows))
    readme = os.path.join(HERE, "README.md")
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as f:
            text = f.read()
        b, e = "<!-- cases:begin -->", "<!-- cases:end -->"
        if b in text and e in text:
            text = text[:text.index(b) + len(b)] + "\n" + table + "\n" + text[text.index(e):]
            with open(readme, "w", encoding="utf-8") as f:
                f.write(text)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
