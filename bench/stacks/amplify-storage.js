// Peer (c), the peers' smallest configuration for the whole job: aws-amplify v6 auth
// (signIn + fetchAuthSession) and storage (uploadData + downloadData, Amplify's own S3 client),
// with the AWS SDK v3 DynamoDB document client given the credentials of fetchAuthSession.
// Same functions as apiless.js; this file is also what the size row bundles.
//
// Amplify Storage has no way to reach an http endpoint on a path: its
// `dangerouslyConnectToHttpEndpointForTesting` fails its own endpoint check (6.17.0: the
// localhost URL has "://"), and `customEndpoint` is a host it always prefixes with https:// and
// addresses virtual-hosted (`<bucket>.<customEndpoint>`). So it is given
// `s3.localhost:<port>`: Chromium resolves every *.localhost name to loopback, the local backend
// reads the bucket from the Host header as S3 does, and the bench page turns https:// into
// http:// for *.localhost URLs before the request leaves (the signed Host header is unchanged).
import { Amplify } from "aws-amplify";
import { fetchAuthSession, getCurrentUser, signIn as amplifySignIn, signOut } from "aws-amplify/auth";
import { downloadData, uploadData } from "aws-amplify/storage";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";

let config, ddb, customEndpoint, id;

export async function ready(c) {
  config = c;
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
  const credentials = async () => (await fetchAuthSession()).credentials;
  ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: c.region, endpoint: c.endpoint, credentials }));
}

/** Nothing can start before the submit: the peers have no early start. */
export function prepare() {}

export async function signIn({ username, password }) {
  const r = await amplifySignIn({ username, password });
  if (!r.isSignedIn) throw new Error(`amplify: sign-in stopped at ${r.nextStep?.signInStep}`);
}

/** Amplify refuses a second signIn while one user is signed in. */
export async function reset() {
  id = undefined;
  await signOut();
}

export async function restore() {
  try {
    await getCurrentUser();
    return true;
  } catch {
    return false;
  }
}

export async function identityId() {
  id ??= (await fetchAuthSession()).identityId;
  return id;
}

export async function put(item) {
  await ddb.send(new PutCommand({ TableName: config.table, Item: { pk: await identityId(), ...item } }));
}

export async function query(prefix) {
  const r = await ddb.send(new QueryCommand({
    TableName: config.table, KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
    ExpressionAttributeValues: { ":pk": await identityId(), ":p": prefix },
  }));
  return r.Items;
}

/** The path under the caller's identity id, as Amplify's `path` callback gives it. */
const under = (key) => ({ identityId: owner }) => `${owner}/${key}`;

export async function upload(key, body) {
  await uploadData({ path: under(key), data: body, options: { customEndpoint } }).result;
}

export async function download(key) {
  const { body } = await downloadData({ path: under(key), options: { customEndpoint } }).result;
  return new Uint8Array(await (await body.blob()).arrayBuffer());
}
