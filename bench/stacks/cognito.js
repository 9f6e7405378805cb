// Peer (b): amazon-cognito-identity-js (CognitoUser.authenticateUser, SRP) with
// @aws-sdk/credential-providers (fromCognitoIdentityPool) and the AWS SDK v3 DynamoDB document
// client and S3 client. Same functions as apiless.js; this file is also what the size row
// bundles.
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

let config, pool, ddb, s3, id;

export async function ready(c) {
  config = c;
  pool = new CognitoUserPool({ UserPoolId: c.userPoolId, ClientId: c.userPoolClientId, endpoint: `${c.endpoint}/` });
}

/** The clients, as the library's docs show them: one credentials provider from the ID token. */
function connect(session) {
  const credentials = fromCognitoIdentityPool({
    identityPoolId: config.identityPoolId,
    logins: { [`cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`]: session.getIdToken().getJwtToken() },
    clientConfig: { region: config.region, endpoint: config.endpoint },
  });
  ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region, endpoint: config.endpoint, credentials }));
  s3 = new S3Client({ region: config.region, endpoint: config.endpoint, credentials, forcePathStyle: true });
  id = undefined;
}

/** Nothing can start before the submit: the peers have no early start. */
export function prepare() {}

export function signIn({ username, password }) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve, reject) =>
    user.authenticateUser(details, {
      onSuccess: (session) => resolve(connect(session)),
      onFailure: reject,
      newPasswordRequired: () => reject(new Error("cognito: NEW_PASSWORD_REQUIRED")),
    }),
  );
}

export async function reset() {}

/** After a reload: the stored session (refreshed if expired), then the same clients. */
export function restore() {
  const user = pool.getCurrentUser();
  if (!user) return Promise.resolve(false);
  return new Promise((resolve, reject) =>
    user.getSession((err, session) => {
      if (err) return reject(err);
      if (!session?.isValid()) return resolve(false);
      connect(session);
      resolve(true);
    }),
  );
}

/** The identity id, from the DynamoDB client's own (cached) credentials. */
export async function identityId() {
  id ??= (await ddb.config.credentials()).identityId;
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
