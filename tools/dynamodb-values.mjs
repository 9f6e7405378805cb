// Value recipes, value descriptions and exact decimals, for dynamodb-oracle.mjs and its page.
//
// What tools/dynamodb-oracle.mjs shares between node (where fast-check generates and
// util-dynamodb marshalls) and the page (where apiless runs): JS values built from JSON recipes,
// JS values described as JSON, and DynamoDB numbers compared as exact decimals. Plain ES, no
// imports: the page loads this file as it is.

/** The binary kinds a recipe may ask for, with their element size. */
export const BINARY_KINDS = {
  ArrayBuffer: 1, DataView: 1, Uint8Array: 1, Int8Array: 1, Uint8ClampedArray: 1, Uint16Array: 2,
  Int16Array: 2, Uint32Array: 4, Int32Array: 4, Float32Array: 4, Float64Array: 8,
  BigInt64Array: 8, BigUint64Array: 8,
};

/**
 * A JS value from a recipe (JSON), with `NumberValue` the class a NumberValue recipe makes:
 * apiless's in the page, util-dynamodb's in node, so that each side gets what it knows.
 *   {t:"s", v}  {t:"n", v: String(number) or "-0"}  {t:"big", v}  {t:"nv", v}  {t:"bool", v}
 *   {t:"null"}  {t:"undef"}  {t:"bin", kind, bytes, pad}  {t:"L", v: [r]}  {t:"M", v: [[k, r]], bare}
 *   {t:"Map", v: [[k, r]]}  {t:"Set", v: [r]}  {t:"boxS"|"boxN"|"boxB", v}
 *   {t:"date"}  {t:"class"}  {t:"fn"}  {t:"blob"}  {t:"sym"}
 */
export function build(r, NumberValue) {
  const again = (x) => build(x, NumberValue);
  switch (r.t) {
    case "s": return r.v;
    case "n": return Number(r.v);
    case "big": return BigInt(r.v);
    case "nv": return new NumberValue(r.v);
    case "bool": return r.v;
    case "null": return null;
    case "undef": return undefined;
    case "bin": return binary(r);
    case "L": return r.v.map(again);
    case "M": {
      // defineProperty: "__proto__" is an own attribute like any other, never the prototype.
      const o = r.bare ? Object.create(null) : {};
      for (const [k, x] of r.v) {
        Object.defineProperty(o, k, { value: again(x), enumerable: true, writable: true, configurable: true });
      }
      return o;
    }
    case "Map": return new Map(r.v.map(([k, x]) => [k, again(x)]));
    case "Set": return new Set(r.v.map(again));
    case "boxS": return new String(r.v);
    case "boxN": return new Number(Number(r.v));
    case "boxB": return new Boolean(r.v);
    case "date": return new Date(0);
    case "class": return new (class Point { constructor() { this.x = 1; } })();
    case "fn": return () => 1;
    case "blob": return new Blob(["x"]);
    case "sym": return Symbol("s");
    default: throw new Error(`unknown recipe ${r.t}`);
  }
}

/** An ArrayBuffer, or a view of `r.kind` over `r.bytes` placed `r.pad` elements into a larger buffer. */
function binary(r) {
  const size = BINARY_KINDS[r.kind];
  const offset = r.pad * size;
  const buffer = new ArrayBuffer(offset + r.bytes.length + size);
  new Uint8Array(buffer).set(r.bytes, offset);
  if (r.kind === "ArrayBuffer") return buffer.slice(offset, offset + r.bytes.length);
  if (r.kind === "DataView") return new DataView(buffer, offset, r.bytes.length);
  return new globalThis[r.kind](buffer, offset, r.bytes.length / size);
}

/** How many values a recipe holds, itself included. */
export function countValues(r) {
  if (r.t === "L" || r.t === "Set") return 1 + r.v.reduce((n, x) => n + countValues(x), 0);
  if (r.t === "M" || r.t === "Map") return 1 + r.v.reduce((n, [, x]) => n + countValues(x), 0);
  return 1;
}

/** A JS value as JSON, with its JS type: what a get or query returned, for node to check. */
export function describe(v, NumberValue) {
  const again = (x) => describe(x, NumberValue);
  if (v === null) return { t: "null" };
  switch (typeof v) {
    case "string": return { t: "s", v };
    case "boolean": return { t: "bool", v };
    case "number": return { t: "number", v: Object.is(v, -0) ? "-0" : String(v) };
    case "bigint": return { t: "bigint", v: String(v) };
    case "undefined": return { t: "undefined" };
    default: break;
  }
  if (v instanceof NumberValue) return { t: "nv", v: v.value, frozen: Object.isFrozen(v), text: String(v), json: JSON.stringify(v) };
  if (v instanceof Uint8Array) return { t: "u8", v: Array.from(v) };
  if (Array.isArray(v)) return { t: "L", v: v.map(again) };
  if (v instanceof Set) return { t: "Set", v: [...v].map(again) };
  if (Object.getPrototypeOf(v) === Object.prototype) {
    return { t: "M", v: Object.keys(v).map((k) => [k, again(v[k])]) };
  }
  return { t: "other", v: Object.prototype.toString.call(v) };
}

/**
 * DynamoDB number text as its exact decimal value, `[-]<digits>e<exponent>` with no leading or
 * trailing zero ("0" for zero), or null when it is no decimal: `1.50e2` and `150` are both
 * "15e1". Written apart from the crate's own canonical form, to check it.
 */
export function decimal(text) {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(String(text));
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const fraction = m[3] ?? "";
  let digits = (m[2] + fraction).replace(/^0+/, "");
  if (digits === "") return "0";
  let exponent = BigInt(m[4] ?? 0) - BigInt(fraction.length);
  const kept = digits.replace(/0+$/, "");
  exponent += BigInt(digits.length - kept.length);
  digits = kept;
  return `${m[1] === "-" ? "-" : ""}${digits}e${exponent}`;
}

/** Whether the double nearest to a decimal prints back (String) to that decimal: apiless's rule for a JS number. */
export function printsBack(text) {
  return decimal(String(Number(text))) === decimal(text);
}

/** Whether a decimal is an integer. */
export function isInteger(text) {
  const d = decimal(text);
  return d === "0" || !d.includes("e-");
}
