import type { Apiless, User } from "./index.js";

/** The signed-in user of an apiless client as React state; re-renders on every session change. */
export function useSession(aws: Apiless | null): { user: User | null; signedIn: boolean };
