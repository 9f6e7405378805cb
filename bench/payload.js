// The 1 KB DynamoDB PutItem body every signer of the signatures/s row signs, and whose SHA-256
// WebCrypto digests for that row's floor.
export const body = JSON.stringify({
  TableName: "t",
  Item: { pk: { S: "us-east-1:00000000-0000-0000-0000-000000000000" }, sk: { S: "x" }, text: { S: "x".repeat(900) } },
});
