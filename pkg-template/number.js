// NumberValue: a DynamoDB number as its exact decimal text. apiless returns one for a fraction a
// JS number would change (a bigint for such an integer), and takes one to write any number
// exactly. The wasm module imports this file (wasm-bindgen copies it under snippets/) and the
// package entry re-exports that same copy (tools/build.py), so a page holds one class. The
// brand makes `instanceof` hold across copies too (a bundler that duplicates the file), and no
// plain object (JSON, structured clones, user data) can carry it.
const brand = Symbol.for("apiless.NumberValue");

export class NumberValue {
  /** @param {string | number | bigint} value the decimal text, e.g. "0.1000000000000000000001" */
  constructor(value) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") {
      throw new TypeError("NumberValue takes a number's decimal text, a number or a bigint");
    }
    this.value = String(value);
    Object.freeze(this);
  }

  toString() {
    return this.value;
  }

  toJSON() {
    return this.value;
  }

  static [Symbol.hasInstance](v) {
    return typeof v === "object" && v !== null && Object.getPrototypeOf(v) !== Object.prototype && v[brand] === true;
  }
}

Object.defineProperty(NumberValue.prototype, brand, { value: true });
