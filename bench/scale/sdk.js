// The scale rows' AWS SDK v3 stack (bench/scale.mjs): aws-amplify v6 auth for the credentials (as
// peer (a) of the whole-job rows), the DynamoDB document client's `paginateQuery`, and
// @aws-sdk/lib-storage's `Upload` with the S3 client. Both clients sign with the same Cognito
// identity's credentials as apiless (the same user signs in).
import { Amplify } from "aws-amplify";
import { fetchAuthSession, signIn as amplifySignIn } from "aws-amplify/auth";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, paginateQuery } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

let config, ddb, s3, id;

export async function ready(c) {
  config = c;
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: c.userPoolId, userPoolClientId: c.userPoolClientId, identityPoolId: c.identityPoolId,
        userPoolEndpoint: c.endpoint, identityPoolEndpoint: c.endpoint,
      },
    },
  });
  const credentials = async () => (await fetchAuthSession()).credentials;
  ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: c.region, endpoint: c.endpoint, credentials }));
  s3 = new S3Client({ region: c.region, endpoint: c.endpoint, credentials, forcePathStyle: true });
}

export async function signIn({ username, password }) {
  const r = await amplifySignIn({ username, password });
  if (!r.isSignedIn) throw new Error(`sdk: sign-in stopped at ${r.nextStep?.signInStep}`);
}

export async function identityId() {
  id ??= (await fetchAuthSession()).identityId;
  return id;
}

/** The same query as apiless's `queryAll`, page after page, the items counted. */
export async function countAll(prefix) {
  const pk = await identityId();
  let n = 0;
  const pages = paginateQuery({ client: ddb }, {
    TableName: config.table, KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
    ExpressionAttributeValues: { ":pk": pk, ":p": prefix },
  });
  for await (const page of pages) {
    for (const item of page.Items) if (item.sk !== undefined) n++;
  }
  return n;
}

export const hasUpload = () => true;

/** lib-storage's Upload with the same part size and concurrency (`queueSize`) as the others. It
 * sends every part's CRC32 whatever `crc32` says (the v3 SDK's default integrity protection). */
export async function upload(key, blob, { partSize, concurrency }) {
  const up = new Upload({
    client: s3, queueSize: concurrency, partSize, leavePartsOnError: false,
    params: { Bucket: config.bucket, Key: `${await identityId()}/${key}`, Body: blob },
  });
  await up.done();
  return blob.size;
}
