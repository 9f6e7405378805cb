/**
 * A DynamoDB number as its exact decimal text. apiless returns one for a fraction a JS number
 * would change (a `bigint` for such an integer), and writes one as exactly its text.
 * `x instanceof NumberValue` holds for every NumberValue apiless returns or takes; no plain
 * object passes for one.
 */
export declare class NumberValue {
  /**
   * A number to write exactly: its decimal text ("0.1000000000000000000001"), or a number or
   * bigint to take it from.
   *
   * @throws `TypeError` when `value` is not a string, number or bigint; text that is not a
   * DynamoDB number is refused when written (`InvalidInputError` from `put`).
   * @example
   * ```ts
   * import { NumberValue } from "apiless";
   * await notes.put({ sk: "price", amount: new NumberValue("0.1000000000000000000001") });
   * ```
   */
  constructor(value: string | number | bigint);
  /** The decimal text, as DynamoDB stores it. */
  readonly value: string;
  /**
   * The decimal text.
   *
   * @throws never.
   * @example
   * ```ts
   * import { NumberValue } from "apiless";
   * console.log(`${new NumberValue(2n ** 70n)}`); // "1180591620717411303424"
   * ```
   */
  toString(): string;
  /**
   * The decimal text, so that `JSON.stringify` keeps every digit.
   *
   * @throws never.
   * @example
   * ```ts
   * import { NumberValue } from "apiless";
   * JSON.stringify({ amount: new NumberValue("0.10") }); // '{"amount":"0.10"}'
   * ```
   */
  toJSON(): string;
}
