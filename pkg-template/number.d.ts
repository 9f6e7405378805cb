/**
 * A DynamoDB number as its exact decimal text. apiless returns one for a fraction a JS number
 * would change (a `bigint` for such an integer), and writes one as exactly its text.
 * `x instanceof NumberValue` holds for every NumberValue apiless returns or takes; no plain
 * object passes for one.
 */
export declare class NumberValue {
  /** The decimal text ("0.1000000000000000000001"), or a number or bigint to take it from. */
  constructor(value: string | number | bigint);
  /** The decimal text, as DynamoDB stores it. */
  readonly value: string;
  toString(): string;
  /** The decimal text, so that `JSON.stringify` keeps every digit. */
  toJSON(): string;
}
