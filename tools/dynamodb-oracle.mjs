// make oracle: DynamoDB values through the built package in Chromium, against util-dynamodb.
//
// A property test (fast-check, @aws-sdk/util-dynamodb) that proves the rule of issue 16 point 1.
//
//   (a) For any JS value, apiless either sends what util-dynamodb's `marshall` produces
//       (numbers compared as exact decimals, binary as the view's bytes), or refuses it with an
//       InvalidInputError naming the attribute, and refuses exactly what it documents refusing
//       (checked by `refusal` below, written apart from the crate).
//   (b) For any DynamoDB item (generated wire JSON), what get, query, update's and delete's
//       ReturnValues and put's ALL_OLD return follows the one number rule (a JS number exactly
//       when the double prints back to the same decimal, else bigint for integers, else
//       NumberValue), and `put` of it sends the item unchanged (numbers as exact decimals).
//
// The app signs in to the local backend as alice (real SRP, real credentials); the page's
// DynamoDB requests are then answered here (Playwright's request routing), so each value's
// wire form is seen exactly as apiless sends it, and each answer is exactly the item generated.
//
//   node tools/dynamodb-oracle.mjs <config.json>
//   APILESS_ORACLE_RUNS (default 1000 a property), APILESS_ORACLE_SEED (default: random, printed)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import utilDynamodb from "@aws-sdk/util-dynamodb";
import { fromDir, launchChromium, serve, urlOf } from "./browser.mjs";
import { BINARY_KINDS, build, countValues, decimal, isInteger, printsBack } from "./dynamodb-values.mjs";

const { marshall, NumberValueImpl: SdkNumberValue } = utilDynamodb;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const configFile = process.argv[2] || path.join(root, ".apiless/local.json");
const config = JSON.parse(await readFile(configFile, "utf8"));
const runs = Number(process.env.APILESS_ORACLE_RUNS || 1000);
const seed = Number(process.env.APILESS_ORACLE_SEED || Math.floor(Math.random() * 2 ** 31));
/**
 * util-dynamodb's options for what apiless does: undefined members left out; numbers past 2^53
 * written as JS prints them. convertClassInstanceToMap only because marshall tells a plain
 * object by `data.constructor.name`, so it refuses one with an own `constructor` attribute
 * (`{ constructor: "x" }`); apiless refuses class instances itself, and (a) compares only what
 * apiless stores.
 */
const MARSHALL = { removeUndefinedValues: true, allowImpreciseNumbers: true, convertClassInstanceToMap: true };

const page = `<!doctype html><script type="module">
import { createClient, NumberValue } from "/pkg/index.js";
import { build, describe } from "/values.mjs";
window.ready = (async () => {
  const { users, table, bucket, indexes, ...clientConfig } = await (await fetch("/config.json")).json();
  const aws = await createClient({ ...clientConfig, storage: "memory" });
  await aws.auth.signIn(users.find((u) => u.username === "alice"));
  window.t = aws.db(table);
  return aws.identityId();
})();
const failure = (e) => ({ ok: false, name: e?.name, field: e?.field, message: String(e?.message ?? e) });
window.putRecipe = async (recipe) => {
  try {
    await window.t.put(build(recipe, NumberValue));
    return { ok: true };
  } catch (e) {
    return failure(e);
  }
};
window.readAndWriteBack = async (how) => {
  const t = window.t;
  let items;
  try {
    if (how === "get") items = [await t.get("rt")];
    else if (how === "query") items = (await t.query({ sortKey: { beginsWith: "rt" } })).items;
    else if (how === "update") items = [await t.update("rt", { update: "SET #a = :a", names: { "#a": "a" }, values: { ":a": 1 }, returnValues: "ALL_NEW" })];
    else if (how === "delete") items = [await t.delete("rt", { returnValues: "ALL_OLD" })];
    else items = [await t.put({ sk: "rt" }, { returnValues: "ALL_OLD" })];
    const described = items.map((item) => describe(item, NumberValue));
    for (const item of items) await t.put(item);
    return { ok: true, described };
  } catch (e) {
    return failure(e);
  }
};
</script>`;

// ---- the page and its DynamoDB ---------------------------------------------------------------

/** Opens the page signed in as alice; DynamoDB requests get `dynamo.answers` in turn, then `{}`, and are kept in `dynamo.sent`. */
async function openPage() {
  const server = await serve(
    async (url) => (url === "/" ? { body: page, type: "text/html" } : undefined),
    async (url) => (url === "/config.json" ? { body: JSON.stringify(config), type: "application/json" } : undefined),
    async (url) => (url === "/values.mjs"
      ? { body: await readFile(path.join(root, "tools/dynamodb-values.mjs")), type: "text/javascript" } : undefined),
    fromDir(path.join(root, "pkg"), "/pkg/"),
  );
  const browser = await launchChromium();
  const tab = await browser.newPage();
  const errors = [];
  tab.on("pageerror", (e) => errors.push(String(e)));
  const dynamo = { answers: [], sent: [] };
  await tab.route((url) => url.href.startsWith(config.endpoint), async (route) => {
    const request = route.request();
    const target = request.headers()["x-amz-target"] || "";
    if (!target.startsWith("DynamoDB_20120810.")) return route.continue();
    dynamo.sent.push({ op: target.slice("DynamoDB_20120810.".length), body: JSON.parse(request.postData()) });
    const answer = dynamo.answers.shift() ?? "{}";
    return route.fulfill({
      status: 200,
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "access-control-allow-origin": "*",
        "access-control-expose-headers": "x-amzn-requestid",
        "x-amzn-requestid": "oracle",
      },
      body: answer,
    });
  });
  const close = async () => {
    await browser.close();
    server.close();
  };
  try {
    await tab.goto(urlOf(server));
    const identityId = await tab.evaluate(() => window.ready);
    return { tab, dynamo, identityId, errors, close };
  } catch (e) {
    await close(); // a page that failed to start must not keep the test process alive
    throw e;
  }
}

// ---- (a) JS values: what apiless sends, against marshall --------------------------------------

const loneSurrogates = fc.string({
  unit: fc.oneof(fc.constantFrom("a", "\uFFFD", "\uD83D\uDE42"), fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))),
  minLength: 1, maxLength: 3,
});
/** Text of any kind: unicode, U+0000 first (apiless's own marker), U+FFFD, now and then a lone surrogate. */
const text = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: "grapheme", maxLength: 10 }) },
  { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 10 }) },
  { weight: 2, arbitrary: fc.constantFrom("", "\0", "\u00000", "\uFFFD", "🙂", "$number", "N") },
  { weight: 1, arbitrary: loneSurrogates },
);
/**
 * Attribute names: any text but the table's keys, now and then empty or with a lone surrogate;
 * "__proto__" is left to (b), since marshall's `map[key] =` turns it into a prototype.
 */
const name = fc.oneof(
  { weight: 20, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }) },
  { weight: 8, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 8 }) },
  { weight: 4, arbitrary: fc.constantFrom("$number", "constructor", "toString", "0", "10", "a b", "M", "\0", "\uFFFD") },
  { weight: 1, arbitrary: fc.oneof(fc.constant(""), loneSurrogates) },
).filter((k) => k !== "pk" && k !== "sk" && k !== "__proto__");

/** Decimal text of `digits` with leading digit at 10^lead, written in one of several notations. */
function written({ negative, digits, lead, style, zeros }) {
  const len = digits.length;
  let mantissa, exponent;
  if (style === 0) {
    if (lead >= len - 1) mantissa = digits + "0".repeat(lead - len + 1);
    else if (lead >= 0) mantissa = `${digits.slice(0, lead + 1)}.${digits.slice(lead + 1)}`;
    else mantissa = `0.${"0".repeat(-lead - 1)}${digits}`;
  } else if (style === 1) [mantissa, exponent] = [len > 1 ? `${digits[0]}.${digits.slice(1)}` : digits, lead];
  else if (style === 2) [mantissa, exponent] = [digits, lead - len + 1];
  else [mantissa, exponent] = [`.${digits}`, lead + 1];
  if (zeros && style !== 0) mantissa = (mantissa.includes(".") ? mantissa : mantissa + ".") + "0".repeat(zeros);
  return `${negative ? "-" : ""}${mantissa}${exponent === undefined ? "" : `e${exponent}`}`;
}
/** Significant digits, 1 to `max` of them (no leading or trailing zero), lengths spread evenly. */
const digitsOf = (max, min = 1) => fc.integer({ min, max }).chain((n) => fc.tuple(
  fc.integer({ min: 1, max: 9 }),
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: Math.max(0, n - 2), maxLength: Math.max(0, n - 2) }),
  fc.integer({ min: 1, max: 9 }),
).map(([first, middle, last]) => (n === 1 ? String(first) : `${first}${middle.join("")}${last}`)));
/** Decimal text within DynamoDB's range (38 digits, 1E-130 to below 1E126), or past it when `wide`. */
const decimalText = (wide) => fc.record({
  negative: fc.boolean(),
  digits: fc.oneof(digitsOf(17), digitsOf(wide ? 42 : 38)),
  lead: fc.oneof(fc.integer({ min: -20, max: 40 }), wide ? fc.integer({ min: -140, max: 135 }) : fc.integer({ min: -130, max: 125 })),
  style: fc.integer({ min: 0, max: 3 }),
  zeros: fc.nat(2),
}).filter((r) => wide || r.digits.length <= 38).map(written);
/** Numbers around the rule's edges: 1e15 to 2^60, 16-17 digits, DynamoDB's limits. */
const jsNumber = fc.oneof(
  { weight: 1, arbitrary: fc.double() },
  { weight: 4, arbitrary: fc.double({ min: -1e30, max: 1e30, noNaN: true }).filter((x) => x === 0 || Math.abs(x) > 1e-100) },
  { weight: 3, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.double({ min: 1e15, max: 2 ** 60 }).map(Math.round) },
  { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 9n }).chain((n) => fc.integer({ min: 6, max: 22 }).map((k) => Number(n * 10n ** BigInt(k)))) },
  { weight: 1, arbitrary: fc.constantFrom(0.1, 0.3, 2 ** 53, 2 ** 53 + 2, 1e21, 1e-130, 1e-131, 9.999e125, 1e126, 5e-324, Number.MAX_VALUE) },
).map((x) => ({ t: "n", v: Object.is(x, -0) ? "-0" : String(x) }));
const bigintValue = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }) },
)
  .map((b) => ({ t: "big", v: String(b) }));
const numberValue = fc.oneof(
  { weight: 4, arbitrary: decimalText(false) },
  { weight: 1, arbitrary: decimalText(true) },
  { weight: 1, arbitrary: fc.constantFrom("", "abc", "1e", "NaN", "0x10", " 1") },
)
  .map((v) => ({ t: "nv", v }));
const binaryValue = fc.record({ kind: fc.constantFrom(...Object.keys(BINARY_KINDS)), n: fc.nat(4), pad: fc.nat(2) })
  .chain(({ kind, n, pad }) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n * BINARY_KINDS[kind], maxLength: n * BINARY_KINDS[kind] })
    .map((bytes) => ({ t: "bin", kind, bytes, pad })));
const numberish = fc.oneof(jsNumber, bigintValue, numberValue);
const leaf = fc.oneof(
  { weight: 4, arbitrary: text.map((v) => ({ t: "s", v })) },
  { weight: 4, arbitrary: numberish },
  { weight: 1, arbitrary: fc.boolean().map((v) => ({ t: "bool", v })) },
  { weight: 1, arbitrary: fc.constant({ t: "null" }) },
  { weight: 2, arbitrary: binaryValue },
  { weight: 1, arbitrary: text.map((v) => ({ t: "boxS", v })) },
  { weight: 1, arbitrary: jsNumber.map(({ v }) => ({ t: "boxN", v })) },
  { weight: 1, arbitrary: fc.boolean().map((v) => ({ t: "boxB", v })) },
  { weight: 1, arbitrary: fc.constant({ t: "undef" }) },
);
/** Values apiless refuses, as util-dynamodb does (or should). */
const refused = fc.constantFrom(...["date", "class", "fn", "blob", "sym"].map((t) => ({ t })));
const { value: jsValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 24, arbitrary: leaf },
    { weight: 1, arbitrary: refused },
    { weight: 2, arbitrary: tie("list") },
    { weight: 2, arbitrary: tie("map") },
    { weight: 2, arbitrary: tie("jsMap") },
    { weight: 2, arbitrary: tie("set") },
  ),
  list: fc.array(tie("value"), { maxLength: 4 }).map((v) => ({ t: "L", v })),
  map: fc.record({ v: fc.uniqueArray(fc.tuple(name, tie("value")), { maxLength: 4, selector: (e) => e[0] }), bare: fc.boolean() })
    .map(({ v, bare }) => ({ t: "M", v, bare })),
  jsMap: fc.uniqueArray(fc.tuple(fc.oneof({ weight: 12, arbitrary: name }, { weight: 1, arbitrary: fc.integer() }), tie("value")),
    { maxLength: 4, selector: (e) => e[0] }).map((v) => ({ t: "Map", v })),
  set: fc.oneof(
    fc.uniqueArray(text, { minLength: 1, maxLength: 4 }).map((v) => ({ t: "Set", v: v.map((s) => ({ t: "s", v: s })) })),
    fc.array(numberish, { minLength: 1, maxLength: 4 }).map((v) => ({ t: "Set", v })),
    fc.array(binaryValue, { minLength: 1, maxLength: 3 }).map((v) => ({ t: "Set", v })),
    fc.array(fc.oneof(leaf, refused), { maxLength: 3 }).map((v) => ({ t: "Set", v })),
  ),
}));
const jsItem = fc.uniqueArray(fc.tuple(name, jsValue), { maxLength: 6, selector: (e) => e[0] });

const wellFormed = (s) => { try { encodeURIComponent(s); return true; } catch { return false; } };
/** Whether a decimal is a DynamoDB number: at most 38 digits, 1E-130 <= |n| < 1E126, or zero. */
function inRange(textValue) {
  const d = decimal(textValue);
  if (d === null) return false;
  if (d === "0") return true;
  const [digits, exponent] = d.replace(/^-/, "").split("e");
  const lead = BigInt(exponent) + BigInt(digits.length) - 1n;
  return digits.length <= 38 && lead >= -130n && lead <= 125n;
}
/** The decimal a JS number, bigint or NumberValue is written as, or undefined when it is none of them. */
function numberText(v) {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "NaN";
  if (typeof v === "bigint") return String(v);
  if (v instanceof SdkNumberValue) return v.value;
  return undefined;
}
const isBinary = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
const bytesOf = (v) => (v instanceof ArrayBuffer ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength));

/**
 * Why apiless must refuse a JS value (the documented rules, written apart from the crate), or
 * null when it must store it.
 */
function refusal(v, depth = 0) {
  if (v === null || typeof v === "boolean") return null;
  if (typeof v === "string") return wellFormed(v) ? null : "a lone surrogate";
  const n = numberText(v);
  if (n !== undefined) return inRange(n) ? null : `not a DynamoDB number: ${n}`;
  if (typeof v !== "object") return `no DynamoDB type: ${typeof v}`;
  if (Array.isArray(v)) {
    for (const x of v) {
      if (x === undefined) return "undefined in a list";
      const why = refusal(x, depth + 1);
      if (why) return why;
    }
    return null;
  }
  const entries = (() => {
    const proto = Object.getPrototypeOf(v);
    if (proto === null || proto === Object.prototype) return Object.entries(v);
    if (v instanceof Map) return [...v];
    return undefined;
  })();
  if (entries) {
    for (const [k, x] of entries) {
      if (typeof k !== "string") return "a Map key that is not a string";
      if (x === undefined) continue;
      if (k === "") return "an empty attribute name";
      if (!wellFormed(k)) return "a lone surrogate in a name";
      const why = refusal(x, depth + 1);
      if (why) return why;
    }
    return null;
  }
  if (isBinary(v)) return null;
  if (v instanceof Set) {
    const members = [...v];
    if (members.length === 0) return "an empty set";
    const kind = (m) => (typeof m === "string" ? "S" : numberText(m) !== undefined ? "N" : isBinary(m) ? "B" : "?");
    const first = kind(members[0]);
    if (first === "?" || members.some((m) => kind(m) !== first)) return "a set of mixed or unsupported members";
    for (const m of members) {
      const why = refusal(m, depth + 1);
      if (why) return why;
    }
    const keys = members.map((m) => (first === "S" ? m : first === "N" ? decimal(numberText(m)) : bytesOf(m).toString("hex")));
    if (new Set(keys).size !== keys.length) return "a set with two equal members";
    return null;
  }
  if (v instanceof String) return refusal(v.valueOf(), depth);
  if (v instanceof Number) return refusal(v.valueOf(), depth);
  if (v instanceof Boolean) return null;
  return `no DynamoDB type: ${Object.prototype.toString.call(v)}`;
}

/** An attribute value with numbers as exact decimals and binary as base64, for comparing. */
function normal(av) {
  const [[type, inner]] = Object.entries(av);
  switch (type) {
    case "N": return { N: decimal(inner) };
    case "NS": return { NS: inner.map(decimal) };
    case "B": return { B: typeof inner === "string" ? inner : bytesOf(inner).toString("base64") };
    case "BS": return { BS: inner.map((b) => (typeof b === "string" ? b : bytesOf(b).toString("base64"))) };
    case "L": return { L: inner.map(normal) };
    case "M": return { M: normalItem(inner) };
    default: return av;
  }
}
const normalItem = (item) => Object.fromEntries(Object.keys(item).sort().map((k) => [k, normal(item[k])]));

// ---- (b) DynamoDB items: read as apiless returns them, written back -------------------------

const wellFormedText = text.filter(wellFormed);
const wireName = fc.oneof(
  { weight: 4, arbitrary: wellFormedText.filter((k) => k !== "") },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "$number", "constructor", "0", "10", "1") },
).filter((k) => k !== "pk" && k !== "sk");
const doubleText = fc.double({ noNaN: true, noDefaultInfinity: true }).map(String).filter(inRange);
/** Number text in DynamoDB's range, with the rule's edges over-weighted. */
const wireNumber = fc.oneof(
  decimalText(false),
  doubleText,
  // A double's digits with the last one changed: it may or may not still print back.
  fc.tuple(doubleText, fc.integer({ min: 0, max: 9 })).map(([t, d]) => (/\d$/.test(t.split("e")[0]) ? t.replace(/\d(?=(e.*)?$)/, String(d)) : t)).filter(inRange),
  fc.bigInt({ min: 10n ** 15n, max: 2n ** 60n }).map(String),
  // Fractions of 16 to 38 digits: a few print back, most need a NumberValue.
  fc.tuple(digitsOf(38, 16), fc.integer({ min: -5, max: 14 }), fc.boolean())
    .map(([digits, lead, negative]) => written({ negative, digits, lead, style: 0, zeros: 0 })),
  fc.bigInt({ min: 1n, max: 10n ** 12n }).chain((n) => fc.integer({ min: 3, max: 25 }).map((k) => String(n * 10n ** BigInt(k)))),
  fc.constantFrom("9007199254740993", "9007199254740992", "1152921504606846976", "0.30000000000000004", "0.1", "-0", "1E-130"),
);
const bytes = fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString("base64"));
const { av: wireValue } = fc.letrec((tie) => ({
  av: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    wellFormedText.map((S) => ({ S })),
    wireNumber.map((N) => ({ N })),
    bytes.map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true }),
    tie("L"),
    tie("M"),
    fc.uniqueArray(wellFormedText, { minLength: 1, maxLength: 4 }).map((SS) => ({ SS })),
    fc.uniqueArray(wireNumber, { minLength: 1, maxLength: 4, selector: decimal }).map((NS) => ({ NS })),
    fc.uniqueArray(bytes, { minLength: 1, maxLength: 3 }).map((BS) => ({ BS })),
  ),
  L: fc.array(tie("av"), { maxLength: 4 }).map((L) => ({ L })),
  // fromEntries: "__proto__" is an own attribute, as JSON.parse makes it.
  M: fc.uniqueArray(fc.tuple(wireName, tie("av")), { maxLength: 4, selector: (e) => e[0] }).map((e) => ({ M: Object.fromEntries(e) })),
}));
const wireAttributes = fc.uniqueArray(fc.tuple(wireName, wireValue), { maxLength: 6, selector: (e) => e[0] });

/** Checks what apiless returned for a wire value against the one number rule; counts the numbers by JS type. */
function checkRead(av, got, where, counts) {
  const [[type, inner]] = Object.entries(av);
  const fail = (why) => assert.fail(`${where}: ${why}: ${JSON.stringify(av)} read as ${JSON.stringify(got)}`);
  const number = (t, g, at) => {
    const kind = printsBack(t) ? "number" : isInteger(t) ? "bigint" : "nv";
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (g.t !== kind) fail(`${at}: the number ${t} must be read as ${kind}, not ${g.t}`);
    if (decimal(g.v) !== decimal(t)) fail(`${at}: the number ${t} read as ${g.v}`);
    if (kind === "nv" && !(g.frozen && g.text === g.v && g.json === JSON.stringify(g.v))) fail(`${at}: NumberValue's shape`);
  };
  const bin = (b64, g) => g.t === "u8" && Buffer.from(g.v).toString("base64") === b64;
  switch (type) {
    case "S": if (got.t !== "s" || got.v !== inner) fail("string"); break;
    case "N": number(inner, got, where); break;
    case "B": if (!bin(inner, got)) fail("binary"); break;
    case "BOOL": if (got.t !== "bool" || got.v !== inner) fail("boolean"); break;
    case "NULL": if (got.t !== "null") fail("null"); break;
    case "L":
      if (got.t !== "L" || got.v.length !== inner.length) fail("list");
      inner.forEach((x, i) => checkRead(x, got.v[i], `${where}[${i}]`, counts));
      break;
    case "M": {
      if (got.t !== "M") fail("map");
      const names = Object.keys(inner);
      const gotMap = new Map(got.v);
      if (gotMap.size !== names.length || !names.every((k) => gotMap.has(k))) fail("map names");
      for (const k of names) checkRead(inner[k], gotMap.get(k), `${where}.${k}`, counts);
      break;
    }
    case "SS": if (got.t !== "Set" || JSON.stringify(got.v) !== JSON.stringify(inner.map((v) => ({ t: "s", v })))) fail("string set"); break;
    case "NS":
      if (got.t !== "Set" || got.v.length !== inner.length) fail("number set");
      inner.forEach((t, i) => number(t, got.v[i], `${where}<${i}>`));
      break;
    case "BS": if (got.t !== "Set" || got.v.length !== inner.length || !inner.every((b, i) => bin(b, got.v[i]))) fail("binary set"); break;
    default: fail(`unknown type ${type}`);
  }
}

// ---- the two properties ----------------------------------------------------------------------

const stats = { itemsA: 0, valuesA: 0, accepted: 0, refused: 0, itemsB: 0, numbersB: {}, paths: {} };
let opened;

test("(a) apiless sends what util-dynamodb's marshall sends, or refuses what it documents refusing", async () => {
  opened ??= await openPage();
  const { tab, dynamo, identityId } = opened;
  await fc.assert(fc.asyncProperty(jsItem, async (attributes) => {
    const recipe = { t: "M", v: [["pk", { t: "s", v: identityId }], ["sk", { t: "s", v: "oracle" }], ...attributes] };
    dynamo.sent.length = 0;
    const r = await tab.evaluate((x) => window.putRecipe(x), recipe);
    const value = build(recipe, SdkNumberValue);
    const why = refusal(value);
    stats.itemsA++;
    stats.valuesA += countValues(recipe) - 1;
    if (r.ok) {
      assert.equal(why, null, `apiless stored a value it must refuse (${why})`);
      assert.equal(dynamo.sent.length, 1, "one PutItem");
      let expected;
      try {
        expected = marshall(value, MARSHALL);
      } catch (e) {
        assert.fail(`apiless stored what util-dynamodb refuses: ${e.message}`);
      }
      assert.deepEqual(normalItem(dynamo.sent[0].body.Item), normalItem(expected));
      stats.accepted++;
    } else {
      assert.notEqual(why, null, `apiless refused a value it must store: ${r.name}: ${r.message}`);
      assert.equal(r.name, "InvalidInputError", r.message);
      assert.match(r.field ?? "", /^item([.[]|$)/, `the field names the attribute: ${r.field}`);
      assert.ok(r.message.startsWith(`${r.field}: `), r.message);
      assert.equal(dynamo.sent.length, 0, "nothing sent");
      stats.refused++;
      (stats.why ??= {})[why.replace(/:.*/, "")] = (stats.why[why.replace(/:.*/, "")] ?? 0) + 1;
    }
  }), { numRuns: runs, seed, includeErrorInReport: true });
});

test("(b) whatever get, query, update and delete return, put stores unchanged", async () => {
  opened ??= await openPage();
  const { tab, dynamo, identityId } = opened;
  const how = fc.constantFrom("get", "query", "update", "delete", "put");
  try {
    await fc.assert(fc.asyncProperty(wireAttributes, how, async (attributes, path) => {
      const item = { pk: { S: identityId }, sk: { S: "rt" }, ...Object.fromEntries(attributes) };
      const answer = path === "get" ? { Item: item } : path === "query" ? { Items: [item], Count: 1, ScannedCount: 1 } : { Attributes: item };
      dynamo.sent.length = 0;
      dynamo.answers = [JSON.stringify(answer)];
      const r = await tab.evaluate((x) => window.readAndWriteBack(x), path);
      assert.ok(r.ok, `${path}: ${r.name}: ${r.message}`);
      const counts = {};
      checkRead({ M: item }, r.described[0], "item", counts);
      const writes = dynamo.sent.slice(1);
      assert.equal(writes.length, 1, "one PutItem writes the item back");
      assert.equal(writes[0].op, "PutItem");
      assert.equal(JSON.stringify(normalItem(writes[0].body.Item)), JSON.stringify(normalItem(item)), "written back unchanged");
      stats.itemsB++;
      stats.paths[path] = (stats.paths[path] ?? 0) + 1;
      for (const [k, n] of Object.entries(counts)) stats.numbersB[k] = (stats.numbersB[k] ?? 0) + n;
    }), { numRuns: runs, seed, includeErrorInReport: true });
  } finally {
    assert.deepEqual(opened.errors, []);
    await opened.close();
    const numbers = Object.values(stats.numbersB).reduce((a, b) => a + b, 0);
    console.log(`dynamodb oracle: ${stats.valuesA} values, ${stats.itemsA + stats.itemsB} items tried, seed ${seed}`);
    console.log(`dynamodb oracle: (a) ${stats.itemsA} items of ${stats.valuesA} JS values: ${stats.accepted} sent as marshall sends them, ${stats.refused} refused with InvalidInputError (${Object.entries(stats.why ?? {}).map(([k, n]) => `${n} ${k}`).join(", ")})`);
    console.log(`dynamodb oracle: (b) ${stats.itemsB} DynamoDB items (${Object.entries(stats.paths).map(([k, n]) => `${n} ${k}`).join(", ")}) written back unchanged; ${numbers} numbers read as ${stats.numbersB.number ?? 0} number, ${stats.numbersB.bigint ?? 0} bigint, ${stats.numbersB.nv ?? 0} NumberValue`);
  }
});
