// The peers' data path: AWS SDK v3 DynamoDB DocumentClient and S3 client, and the SigV4
// signer they use (@smithy/signature-v4 with WebCrypto SHA-256), given the same temporary
// credentials apiless holds.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-browser";

export function clients({ region, endpoint, credentials }) {
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region, endpoint, credentials }));
  const s3 = new S3Client({ region, endpoint, credentials, forcePathStyle: true });
  const signer = new SignatureV4({ service: "dynamodb", region, credentials, sha256: Sha256 });
  return {
    put: (table, item) => ddb.send(new PutCommand({ TableName: table, Item: item })),
    upload: (bucket, key, body) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })),
    sign: (request) => signer.sign(request),
  };
}
