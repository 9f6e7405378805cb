// The floors of the bench table: what a row costs with no SDK at all, only the work the protocol
// or the platform cannot skip. Exports the stack functions that have a floor (bench/run.mjs
// drives it like a stack on those rows) and `digestMany` for the signatures row.
//
// - signIn: Cognito's SRP done with plain BigInt and WebCrypto, the two round trips and nothing
//   else (no token storage, no session, no retries). `a` has 256 bits, RFC 5054's minimum and
//   what apiless uses (the peers use 1,024). `prepare(username)` sends InitiateAuth early, so
//   that the submit waits for RespondToAuthChallenge alone.
// - put / query: a bare fetch of a body built once, through the page's stub, and the answer read
//   as JSON: no marshalling, no signing, no unmarshalling.
// - upload: WebCrypto's SHA-256 of the bytes (what a signed payload needs), then the fetch.
// - digestMany: WebCrypto's SHA-256 of the signatures row's 1 KB body, n times.
import { body as signedBody } from "./payload.js";

let config;

export async function ready(c) {
  config = c;
}

// ---------------------------------------------------------------------------------------------
// SRP (Cognito's variant: SHA-256, the 3072-bit group of RFC 5054, HKDF "Caldera Derived Key")
// ---------------------------------------------------------------------------------------------
const N = BigInt(`0x${[
  "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
  "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
  "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
  "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
  "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
  "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
  "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
].join("")}`);
const g = 2n;

const modPow = (base, exp, m) => {
  let result = 1n;
  base %= m;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % m;
    base = (base * base) % m;
    exp >>= 1n;
  }
  return result;
};
const mod = (x, m) => ((x % m) + m) % m;

/** Cognito's hex form: even length, and a leading 00 when the top bit is set (a positive number). */
const padHex = (n) => {
  const h = n.toString(16);
  if (h.length % 2) return `0${h}`;
  return "89abcdef".includes(h[0]) ? `00${h}` : h;
};
const fromHex = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
const toHex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const text = (s) => new TextEncoder().encode(s);
const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
const hashToInt = async (...parts) => BigInt(`0x${toHex(await sha256(concat(...parts)))}`);

const kPromise = hashToInt(fromHex(padHex(N)), fromHex(padHex(g)));

async function cognito(target, payload) {
  const r = await fetch(config.endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${target}` },
    body: JSON.stringify(payload),
  });
  const answer = await r.json();
  if (!r.ok) throw new Error(`floor: ${target}: ${answer.__type}: ${answer.message}`);
  return answer;
}

/** "Mon Dec 7 01:02:03 UTC 2026": the day of the month not padded, as Cognito wants it. */
function timestamp(d) {
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const two = (n) => String(n).padStart(2, "0");
  return `${day} ${month} ${d.getUTCDate()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** InitiateAuth with a fresh `a`: resolves to `a`, `A` and the challenge's parameters. */
async function initiate(username) {
  const a = BigInt(`0x${toHex(crypto.getRandomValues(new Uint8Array(32)))}`);
  const A = modPow(g, a, N);
  const { ChallengeParameters: p } = await cognito("InitiateAuth", {
    AuthFlow: "USER_SRP_AUTH", ClientId: config.userPoolClientId, AuthParameters: { USERNAME: username, SRP_A: A.toString(16) },
  });
  return { a, A, p };
}

export async function signIn({ username, password }) {
  const started = early?.username === username ? early.started : initiate(username);
  early = undefined;
  const { a, A, p } = await started;
  const B = BigInt(`0x${p.SRP_B}`);
  const salt = BigInt(`0x${p.SALT}`);
  const user = p.USER_ID_FOR_SRP;
  const pool = config.userPoolId.split("_")[1];
  const u = await hashToInt(fromHex(padHex(A)), fromHex(padHex(B)));
  const x = await hashToInt(fromHex(padHex(salt)), await sha256(text(`${pool}${user}:${password}`)));
  const S = modPow(mod(B - (await kPromise) * modPow(g, x, N), N), a + u * x, N);
  const ikm = await crypto.subtle.importKey("raw", fromHex(padHex(S)), "HKDF", false, ["deriveBits"]);
  const key = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: fromHex(padHex(u)), info: text("Caldera Derived Key") }, ikm, 128);
  const when = timestamp(new Date());
  const hmacKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const block = Uint8Array.from(atob(p.SECRET_BLOCK), (c) => c.charCodeAt(0));
  const signature = await crypto.subtle.sign("HMAC", hmacKey, concat(text(pool + user), block, text(when)));
  const answer = await cognito("RespondToAuthChallenge", {
    ChallengeName: "PASSWORD_VERIFIER", ClientId: config.userPoolClientId,
    ChallengeResponses: {
      USERNAME: user, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, TIMESTAMP: when,
      PASSWORD_CLAIM_SIGNATURE: btoa(String.fromCharCode(...new Uint8Array(signature))),
    },
  });
  if (!answer.AuthenticationResult?.IdToken) throw new Error(`floor: no tokens: ${JSON.stringify(answer)}`);
}

let early;

/** With the username, InitiateAuth starts now (as apiless's prepareSignIn can). */
export function prepare(username) {
  if (username !== undefined) early = { username, started: initiate(username) };
}

export async function reset() {}

// ---------------------------------------------------------------------------------------------
// The stubbed data path
// ---------------------------------------------------------------------------------------------
let putBody, queryBody;

/** The stub answers by X-Amz-Target, so the identity id only shapes the bodies. */
export async function identityId() {
  return "floor";
}

const dynamodb = (target, bodyText) => fetch(config.endpoint, {
  method: "POST",
  headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDB_20120810.${target}` },
  body: bodyText,
});

export async function put(item) {
  putBody ??= JSON.stringify({ TableName: config.table, Item: { pk: { S: "floor" }, sk: { S: item.sk }, text: { S: item.text } } });
  await (await dynamodb("PutItem", putBody)).json();
}

export async function query(prefix) {
  queryBody ??= JSON.stringify({
    TableName: config.table, KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
    ExpressionAttributeValues: { ":pk": { S: "floor" }, ":p": { S: prefix } },
  });
  return (await (await dynamodb("Query", queryBody)).json()).Items;
}

export async function upload(key, bytes) {
  await crypto.subtle.digest("SHA-256", bytes);
  await fetch(`${config.endpoint}/${config.bucket}/floor/${key}`, { method: "PUT", body: bytes });
}

// ---------------------------------------------------------------------------------------------
// The signatures row
// ---------------------------------------------------------------------------------------------
const signed = text(signedBody);

/** `n` WebCrypto SHA-256 digests of the 1 KB body the signers sign, one after the other. */
export async function digestMany(n) {
  for (let i = 0; i < n; i++) await crypto.subtle.digest("SHA-256", signed);
}
