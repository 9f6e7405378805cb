// apiless doing the whole job through its npm facade: SRP sign-in, identity id + credentials,
// DynamoDB Put + Query, S3 Put + Get. Every stack module in this folder exports the same
// functions, so bench/run.mjs drives them alike; this file is also what the size row bundles.
import { createClient } from "../../pkg/index.js";

let aws, table, files;

/** Cold start ends here: the wasm compiled and instantiated, a stored session restored. */
export async function ready(c) {
  aws = await createClient({
    region: c.region, userPoolId: c.userPoolId, userPoolClientId: c.userPoolClientId,
    identityPoolId: c.identityPoolId, endpoint: c.endpoint, storage: "local",
  });
  table = aws.db(c.table);
  files = aws.files(c.bucket);
}

/** Optional work before the form is submitted: SRP's A, and with the username InitiateAuth. */
export function prepare(username) {
  aws.auth.prepareSignIn(username === undefined ? undefined : { username });
}

export async function signIn({ username, password }) {
  const r = await aws.auth.signIn({ username, password });
  if (!r.signedIn) throw new Error(`apiless: sign-in stopped at ${r.nextStep?.name}`);
}

/** Between two measured sign-ins (not measured). */
export async function reset() {}

/** After a page reload: is a stored session there? */
export async function restore() {
  return aws.auth.currentUser() !== null;
}

export const identityId = () => aws.identityId();

export const put = (item) => table.put(item);

export async function query(prefix) {
  const { items } = await table.query({ sortKey: { beginsWith: prefix } });
  return items;
}

export const upload = (key, body) => files.put(key, body);

export const download = (key) => files.get(key, { as: "bytes" });
