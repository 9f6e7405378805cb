// The scale rows' Amplify stack (bench/scale.mjs): aws-amplify v6 auth and storage's `uploadData`,
// configured against the local backend as stack (c) of the whole-job rows is
// (bench/stacks/amplify-storage.js says why `customEndpoint` and the *.localhost host).
// `uploadData` has no part size or concurrency option: 5 MiB parts (doubled only past 10,000
// parts), 4 at a time; the other stacks are given the same.
import { Amplify } from "aws-amplify";
import { fetchAuthSession, signIn as amplifySignIn } from "aws-amplify/auth";
import { uploadData } from "aws-amplify/storage";

let customEndpoint, id;

export async function ready(c) {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: c.userPoolId, userPoolClientId: c.userPoolClientId, identityPoolId: c.identityPoolId,
        userPoolEndpoint: c.endpoint, identityPoolEndpoint: c.endpoint,
      },
    },
    Storage: { S3: { bucket: c.bucket, region: c.region } },
  });
  customEndpoint = `s3.localhost:${new URL(c.endpoint).port}`;
}

export async function signIn({ username, password }) {
  const r = await amplifySignIn({ username, password });
  if (!r.isSignedIn) throw new Error(`amplify: sign-in stopped at ${r.nextStep?.signInStep}`);
}

export async function identityId() {
  id ??= (await fetchAuthSession()).identityId;
  return id;
}

export const hasUpload = () => true;

/** `uploadData` of the Blob under the caller's identity id (its own part size and queue); with
 * `crc32`, its `checksumAlgorithm: "crc-32"`. */
export async function upload(key, blob, { crc32 }) {
  const options = { customEndpoint, ...(crc32 && { checksumAlgorithm: "crc-32" }) };
  await uploadData({ path: ({ identityId: owner }) => `${owner}/${key}`, data: blob, options }).result;
  return blob.size;
}
