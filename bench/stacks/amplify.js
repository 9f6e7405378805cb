// Peer (a): aws-amplify v6 (aws-amplify/auth signIn + fetchAuthSession) with the AWS SDK v3
// DynamoDB document client and S3 client, given the credentials of fetchAuthSession. Same
// functions as apiless.js; this file is also what the size row bundles.
import { Amplify } from "aws-amplify";
import { fetchAuthSession, getCurrentUser, signIn as amplifySignIn, signOut } from "aws-amplify/auth";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

let config, ddb, s3, id;

export async function ready(c) {
  config = c;
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: c.userPoolId, userPoolClientId: c.userPoolClientId, identityPoolId: c.identityPoolId,
        // The local backend serves both Cognito APIs (Amplify warns about custom endpoints).
        userPoolEndpoint: c.endpoint, identityPoolEndpoint: c.endpoint,
      },
    },
  });
  // The v3 clients ask Amplify for credentials (cached by Amplify, then by each client).
  const credentials = async () => (await fetchAuthSession()).credentials;
  ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: c.region, endpoint: c.endpoint, credentials }));
  s3 = new S3Client({ region: c.region, endpoint: c.endpoint, credentials, forcePathStyle: true });
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

export async function upload(key, body) {
  await s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: `${await identityId()}/${key}`, Body: body }));
}

export async function download(key) {
  const r = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: `${await identityId()}/${key}` }));
  return r.Body.transformToByteArray();
}
