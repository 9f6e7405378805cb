// The scale rows' apiless stack (bench/scale.mjs): `queryAll` over the seeded items, and
// `files(bucket).upload` of a large Blob; also the floor's presigned PUT URL (the floor page loads
// this bundle only to sign in and presign, then sends the bytes with a plain fetch).
import { createClient } from "../../pkg/index.js";

let aws, table, files;

export async function ready(c) {
  aws = await createClient({
    region: c.region, userPoolId: c.userPoolId, userPoolClientId: c.userPoolClientId,
    identityPoolId: c.identityPoolId, endpoint: c.endpoint, storage: "local",
  });
  table = aws.db(c.table);
  files = aws.files(c.bucket);
}

export async function signIn({ username, password }) {
  const r = await aws.auth.signIn({ username, password });
  if (!r.signedIn) throw new Error(`apiless: sign-in stopped at ${r.nextStep?.name}`);
}

export const identityId = () => aws.identityId();

/** Every item under the caller's partition key whose sort key starts with `prefix`, counted. */
export async function countAll(prefix) {
  let n = 0;
  for await (const item of table.queryAll({ sortKey: { beginsWith: prefix } })) {
    if (item.sk !== undefined) n++;
  }
  return n;
}

/** Whether this build has the resumable upload (issue #21 point 1). */
export const hasUpload = () => typeof files.upload === "function";

/** `blob` to `key` under the caller's prefix, in parts of `partSize`, `concurrency` at a time;
 * with `crc32`, each part's CRC32 and the whole object's. */
export async function upload(key, blob, { partSize, concurrency, crc32 }) {
  const { size } = await files.upload(key, blob, { partSize, concurrency, ...(crc32 && { checksum: "CRC32" }) }).result;
  return size;
}

/** A presigned PUT URL for `key` under the caller's prefix (the floor's; UNSIGNED-PAYLOAD). */
export const presignPut = (key) => files.presign(key, { method: "PUT", expiresIn: 3600 });
