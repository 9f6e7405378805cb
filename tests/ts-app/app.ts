// A TypeScript app against the package's types (`tsc --noEmit` in make test): every call an
// app makes, typed, with the @ts-expect-error lines proving that wrong uses do not type-check.
import { createClient, NumberValue, type Apiless, type ApilessError, type AwsSigning, type AttributeValue, type FirstFactor, type WebAuthnCredential, type Item, type NextStep, type QueryPage, type PutObjectResult, type PresignPostOptions, type PresignedPost, type UploadTask, type UploadOptions, type UploadResult, type UploadState, type RedirectResult, type OAuthConfig } from "apiless";
import { useSession } from "apiless/react";

async function main(): Promise<void> {
  const aws: Apiless = await createClient({
    region: "us-east-1",
    userPoolId: "us-east-1_AbC123",
    userPoolClientId: "4lq2abc9r6vq8",
    identityPoolId: "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
    storage: "session",
  });
  // @ts-expect-error storage is one of three names
  await createClient({ region: "us-east-1", userPoolId: "x", userPoolClientId: "y", storage: "cookie" });
  const guests = await createClient({ region: "us-east-1", userPoolId: "x", userPoolClientId: "y", identityPoolId: "z", guestAccess: true });
  console.log(await guests.identityId());
  // @ts-expect-error guestAccess is a boolean
  await createClient({ region: "us-east-1", userPoolId: "x", userPoolClientId: "y", guestAccess: "yes" });

  // Redirect sign-in through the managed login.
  const oauth: OAuthConfig = { domain: "myapp.auth.us-east-1.amazoncognito.com", redirectSignIn: "http://localhost:3000/", scopes: ["openid"] };
  const redirecting = await createClient({ region: "us-east-1", userPoolId: "x", userPoolClientId: "y", oauth });
  const back: RedirectResult | null = await redirecting.auth.handleRedirect();
  if (back) console.log(back.user.username, back.customState ?? "/");
  await redirecting.auth.signInWithRedirect();
  await redirecting.auth.signInWithRedirect({ provider: "Google", customState: "/notes" });
  await redirecting.auth.signInWithRedirect({ provider: { custom: "MySAML" } });
  // @ts-expect-error providers are the four social ones or { custom }
  await redirecting.auth.signInWithRedirect({ provider: "Yahoo" });
  // @ts-expect-error only the code flow
  await createClient({ region: "us-east-1", userPoolId: "x", userPoolClientId: "y", oauth: { ...oauth, responseType: "token" } });
  // @ts-expect-error redirectSignIn is required
  await createClient({ region: "us-east-1", userPoolId: "x", userPoolClientId: "y", oauth: { domain: "d" } });

  aws.auth.prepareSignIn();
  const r = await aws.auth.signIn({ username: "alice", password: "Alice-Passw0rd!" });
  if (!r.signedIn) {
    const step: NextStep = r.nextStep;
    const next = await aws.auth.confirmSignIn(step.name === "NEW_PASSWORD_REQUIRED" ? { newPassword: "N3w-Passw0rd!" } : { code: "123456" });
    console.log(next.signedIn);
  } else {
    console.log(r.user.username, r.user.expiresAt.toFixed());
  }
  // Choice-based sign-in: a username alone, a preferred code factor, or the password through SRP.
  const chosen = await aws.auth.signIn({ username: "alice" });
  if (!chosen.signedIn && chosen.nextStep.name === "SELECT_CHALLENGE") {
    const factors: FirstFactor[] = chosen.nextStep.availableChallenges;
    const factor: FirstFactor = factors.includes("EMAIL_OTP") ? "EMAIL_OTP" : "PASSWORD_SRP";
    await aws.auth.confirmSignIn(factor === "PASSWORD_SRP" ? { firstFactor: factor, password: "Alice-Passw0rd!" } : { firstFactor: factor });
  }
  await aws.auth.signIn({ username: "alice", preferredChallenge: "SMS_OTP" });
  await aws.auth.signIn({ username: "alice", preferredChallenge: "PASSWORD_SRP", password: "Alice-Passw0rd!" });
  // @ts-expect-error a password factor takes the password
  await aws.auth.signIn({ username: "alice", preferredChallenge: "PASSWORD_SRP" });
  // @ts-expect-error a code factor takes no password
  await aws.auth.signIn({ username: "alice", preferredChallenge: "EMAIL_OTP", password: "x" });
  // Passkeys: a first factor, and the signed-in user's list to add to and remove from.
  await aws.auth.confirmSignIn({ firstFactor: "WEB_AUTHN" });
  await aws.auth.signIn({ username: "alice", preferredChallenge: "WEB_AUTHN" });
  // @ts-expect-error a passkey takes no password
  await aws.auth.signIn({ username: "alice", preferredChallenge: "WEB_AUTHN", password: "x" });
  await aws.auth.associateWebAuthnCredential();
  const passkeys: WebAuthnCredential[] = await aws.auth.listWebAuthnCredentials({ pageSize: 20 });
  const created: Date | undefined = passkeys[0]?.createdAt;
  console.log(created, passkeys[0]?.authenticatorAttachment === "platform");
  await aws.auth.deleteWebAuthnCredential({ credentialId: passkeys[0].credentialId });
  // @ts-expect-error deleteWebAuthnCredential needs the credentialId
  await aws.auth.deleteWebAuthnCredential({});
  // Passwordless sign-up, then the sign-in its confirmation allows.
  await aws.auth.signUp({ username: "carol", attributes: { email: "carol@example.com" } });
  await aws.auth.confirmSignUp({ username: "carol", code: "123456" });
  const auto = await aws.auth.autoSignIn();
  console.log(auto.signedIn);

  const res: Response = await aws.fetch("https://abc123.execute-api.us-east-1.amazonaws.com/prod/orders", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ item: "book" }),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) console.log(res.status, await res.text());
  const signing: AwsSigning = { service: "lambda", region: "eu-west-1" };
  await aws.fetch(new URL("https://fn.example.com/run"), { aws: signing, body: new URLSearchParams({ a: "1" }), method: "PUT" });
  // @ts-expect-error aws.fetch signs for execute-api, lambda and appsync only
  await aws.fetch("https://api.example.com/", { aws: { service: "dynamodb" } });
  // @ts-expect-error the service is required in init.aws
  await aws.fetch("https://api.example.com/", { aws: { region: "us-east-1" } });

  try {
    await aws.db("apiless-demo").put({ sk: "once" }, { condition: "attribute_not_exists(sk)" });
  } catch (e) {
    const error = e as ApilessError;
    if (error.name === "ConditionalCheckFailedException" || error.kind === "Internal") console.log(error.retryable, error.requestId ?? "", error.httpStatus ?? 0);
    // @ts-expect-error kind is one of the listed kinds
    if (error.kind === "Unknown") console.log(error.field);
  }

  const session = await aws.auth.currentSession();
  await aws.auth.currentSession({ forceRefresh: true });
  // @ts-expect-error forceRefresh is a boolean
  await aws.auth.currentSession({ forceRefresh: "yes" });
  const token: string = session.idToken;
  const off: () => void = aws.auth.onChange((event) => console.log(event.toUpperCase()));
  off();

  const id: string = await aws.identityId();
  const notes = aws.db("apiless-demo", { partitionKey: "pk", sortKey: "sk" });
  await notes.put({ sk: "note-1", text: "hi", n: 1, big: 2n ** 70n, tags: new Set(["a"]), bytes: new Uint8Array([1]) });
  const note: Item | undefined = await notes.get("note-1", { consistentRead: true });
  // Precise numbers, Maps and binary views go in; whatever get returned goes back as it is.
  await notes.put({ sk: "note-2", price: new NumberValue("0.1000000000000000000001"), ids: new Set([1, 2n, new NumberValue("3.5")]),
    meta: new Map([["a", 1]]), raw: new Uint16Array([1]), view: new DataView(new ArrayBuffer(2)), gone: undefined });
  if (note) await notes.put(note);
  const price: AttributeValue | undefined = note?.price;
  if (price instanceof NumberValue) console.log(price.value.length);
  // @ts-expect-error a Date has no DynamoDB type
  await notes.put({ sk: "note-3", when: new Date() }, undefined);
  // @ts-expect-error a NumberValue takes text, a number or a bigint
  new NumberValue({ N: "1" });
  // @ts-expect-error reads never return a Map
  const never: Map<string, AttributeValue> | undefined = note?.meta;
  const page: QueryPage = await notes.query({ sortKey: { beginsWith: "note-" }, limit: 10, reverse: true });
  for await (const item of notes.queryAll({ sortKey: { between: ["a", "z"] } })) {
    console.log(item.sk);
  }
  await notes.update("note-1", { update: "SET #t = :t", names: { "#t": "text" }, values: { ":t": "edited" }, returnValues: "ALL_NEW" });
  // @ts-expect-error returnValues is one of DynamoDB's names
  await notes.delete("note-1", { returnValues: "EVERYTHING" });
  await notes.delete("note-1", { names: new Map([["#t", "text"]]), condition: "attribute_exists(#t)", returnValues: "ALL_OLD" });
  // @ts-expect-error an option no call takes (refused at run time too, with "did you mean limit?")
  await notes.query({ limt: 10 });
  // @ts-expect-error limit is a number
  await notes.query({ limit: "10" });
  // @ts-expect-error put writes the item's own partition key, so takes no partitionKeyForDemoOnly
  await notes.put({ sk: "x" }, { partitionKeyForDemoOnly: "x" });
  // @ts-expect-error get has no expression values
  await notes.get("note-1", { values: { ":v": 1 } });
  // @ts-expect-error queryAll pages by itself
  notes.queryAll({ pageToken: "x" });

  // Batches and transactions: the same keys and values as the single-item calls.
  await notes.batchWrite([{ put: { sk: "b-1", tags: new Set(["a"]) } }, { delete: "b-0" }], { maxAttempts: 3 });
  const found: Item[] = await notes.batchGet(["b-1", "b-2"], { projection: "#s", names: { "#s": "sk" }, consistentRead: true });
  const pair: (Item | undefined)[] = await notes.transactGet(["b-1", "b-2"], { projection: "sk" });
  console.log(found.length, pair[0]?.sk);
  try {
    await notes.transactWrite([
      { conditionCheck: "account", condition: "balance >= :n", values: { ":n": 5 } },
      { update: "stats", updateExpression: "ADD orders :one", values: { ":one": 1 } },
      { put: { sk: "order-7", total: 5 }, condition: "attribute_not_exists(sk)" },
      { delete: "draft-7" },
    ], { clientRequestToken: "order-7" });
  } catch (e) {
    const failed = e as ApilessError;
    console.log(failed.cancellationReasons?.map((r) => r.code + (r.message ?? "")), failed.unprocessed?.length);
  }
  // @ts-expect-error a batch request is a put or a delete
  await notes.batchWrite([{ update: "b-1" }]);
  // @ts-expect-error an update action needs its updateExpression
  await notes.transactWrite([{ update: "b-1" }]);
  // @ts-expect-error a conditionCheck needs its condition
  await notes.transactWrite([{ conditionCheck: "b-1" }]);
  // @ts-expect-error maxAttempts is a number
  await notes.batchGet(["b-1"], { maxAttempts: "3" });

  // Every options bag may be left out: each call below takes only what it needs.
  await notes.get("note-1");
  await notes.get();
  await notes.delete("note-1");
  await notes.query();
  await notes.batchGet(["b-1"]);
  await notes.batchWrite([{ delete: "b-1" }]);
  await notes.transactGet(["b-1"]);
  await notes.transactWrite([{ delete: "b-1" }]);
  const quick = aws.files("apiless-demo");
  await quick.put("b.txt", "hi");
  await quick.get("b.txt");
  await quick.list();
  await quick.delete("b.txt");
  await quick.presign("b.txt");
  await aws.auth.signOut();

  const files = aws.files("apiless-demo");
  const put = await files.put("a b.txt", new Blob(["hi"]), { contentType: "text/plain", metadata: { owner: "alice" } });
  const text = await files.get(put.key, { as: "text", range: "bytes=0-1" });
  const listing = await files.list({ prefix: "", maxKeys: 10 });
  const url: string = await files.presign("a b.txt", { method: "PUT", expiresIn: 300 });
  const copy: PutObjectResult = await files.copy("a b.txt", "c.txt", { metadata: { owner: "alice" } });
  const postOptions: PresignPostOptions = { startsWith: true, contentLengthRange: [1, 1024], contentType: "text/plain" };
  const post: PresignedPost = await files.presignPost("uploads/", postOptions);
  const form = new FormData();
  for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
  console.log(copy.etag, post.url, form);
  const controller = new AbortController();
  const uploadOptions: UploadOptions = {
    partSize: 8 * 1024 * 1024, concurrency: 4, contentType: "video/mp4", metadata: { owner: "alice" },
    signal: controller.signal, onProgress: ({ loaded, total }) => console.log(loaded / total),
  };
  const upload: UploadTask = files.upload("videos/clip.mp4", new File(["..."], "clip.mp4"), uploadOptions);
  upload.pause();
  upload.resume();
  const state: UploadState = upload.state;
  const uploaded: UploadResult = await upload.result;
  console.log(state, uploaded.key, uploaded.etag, uploaded.size);
  await files.get("videos/clip.mp4", { as: "blob", onProgress: ({ loaded, total }) => console.log(loaded, total ?? "?") });
  upload.cancel();
  await files.delete("a b.txt", { signal: controller.signal });
  console.log(token, id, note, page.items.length, text, listing.objects[0]?.key, url, never);

  const { user, signedIn } = useSession(aws);
  console.log(user?.username, signedIn);
}

void main();
