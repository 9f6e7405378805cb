/**
 * `import { useSession } from "apiless/react"`: the session as React state.
 *
 * @module apiless/react
 */
import type { Apiless, User } from "./index.js";

/**
 * The signed-in user of an apiless client as React state; re-renders on every session change
 * (sign-in, refresh, sign-out, expiry, and the same in another tab with `storage: "local"`).
 * `aws` may be `null` while `createClient` is still running.
 *
 * @throws never; it reads the session in memory and makes no request.
 * @example
 * ```ts
 * import { useSession } from "apiless/react";
 * function Greeting(): string {
 *   const { user, signedIn } = useSession(aws);
 *   return signedIn && user ? `Hello, ${user.username}` : "Please sign in";
 * }
 * ```
 */
export function useSession(aws: Apiless | null): {
  /** The signed-in user, or `null`. */
  user: User | null;
  /** Whether someone is signed in (`user !== null`). */
  signedIn: boolean;
};
