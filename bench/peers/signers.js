// The peers' SigV4 signers alone, for the signatures/s row (not part of any whole-job bundle):
// @smithy/signature-v4 with WebCrypto SHA-256, which the AWS SDK v3 clients of both peers use,
// and Amplify's own signRequest (its REST/GraphQL/Storage categories).
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-browser";
import { signRequest } from "@aws-amplify/core/internals/aws-client-utils";
import { body } from "../payload.js";

const credentials = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE12", secretAccessKey: "x".repeat(40), sessionToken: "IQoJb3JpZ2luX2Vj".repeat(50),
};
const host = "dynamodb.us-east-1.amazonaws.com";
const headers = { host, "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.PutItem" };
const smithy = new SignatureV4({ service: "dynamodb", region: "us-east-1", credentials, sha256: Sha256 });

/** `n` signatures of a 1 KB PutItem with @smithy/signature-v4. */
export async function smithyMany(n) {
  for (let i = 0; i < n; i++) {
    await smithy.sign({ method: "POST", protocol: "https:", hostname: host, path: "/", query: {}, headers: { ...headers }, body });
  }
}

/** `n` signatures of the same request with Amplify's signRequest (synchronous). */
export function amplifyMany(n) {
  for (let i = 0; i < n; i++) {
    signRequest(
      { method: "POST", url: new URL(`https://${host}/`), headers: { ...headers }, body },
      { credentials, signingRegion: "us-east-1", signingService: "dynamodb" },
    );
  }
}
