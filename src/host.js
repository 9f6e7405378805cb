// The JavaScript the wasm module imports: each function does in one crossing what would
// otherwise take a crossing per step from Rust (a whole fetch, a timer, one JSON.parse).
// wasm-bindgen copies this file into the package as one snippet, so a page loads one module
// for all of them. Nothing here decides anything: the flows stay in Rust.

export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal !== undefined && signal.aborted) return resolve();
    // No timers (an unusual host): do not wait rather than never resolve.
    if (typeof globalThis.setTimeout !== 'function') return resolve();
    const done = () => {
      clearTimeout(timer);
      if (signal !== undefined) signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal !== undefined) signal.addEventListener('abort', done);
  });
}

// The headers as "name\nvalue\n...", each pair given to `set`.
function eachHeader(head, set) {
  const parts = head.split('\n');
  for (let i = 0; i + 1 < parts.length; i += 2) set(parts[i], parts[i + 1]);
}

const hostFetch = typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined;
export async function exchange(url, method, head, body, signal, timeoutMs, progress) {
  if (hostFetch === undefined) throw new Error('this JavaScript host has no fetch');
  const headers = {};
  eachHeader(head, (name, value) => { headers[name] = value; });
  const attempt = new AbortController();
  // Never the HTTP cache: S3 answers carry Last-Modified and no Cache-Control, so the browser
  // could answer a signed GET from an earlier one of the same URL (another identity's, or the
  // object before it was overwritten) without asking S3, or IAM.
  const init = { method, headers, signal: attempt.signal, cache: 'no-store' };
  if (body !== undefined) init.body = body;
  const stop = () => attempt.abort();
  if (signal !== undefined) {
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  }
  let timedOut = false;
  let timer;
  // With `progress`, the timeout counts from the last bytes that came, not from the start.
  const idle = () => {
    clearTimeout(timer);
    if (timeoutMs > 0) timer = setTimeout(() => { timedOut = true; stop(); }, timeoutMs);
  };
  idle();
  try {
    const response = await hostFetch(url, init);
    let text = '';
    for (const [name, value] of response.headers) text += name + '\n' + value + '\n';
    const bytes = progress === undefined || response.body === null
      ? new Uint8Array(await response.arrayBuffer())
      : await readCounting(response, progress, idle);
    if (method !== 'HEAD' && cutShort(response, bytes)) {
      throw new TypeError('the answer was cut short');
    }
    return [response.status, text, bytes];
  } catch (e) {
    if (timedOut) throw new Error('no answer within ' + timeoutMs + ' ms', { cause: e });
    throw e;
  } finally {
    clearTimeout(timer);
    if (signal !== undefined) signal.removeEventListener('abort', stop);
  }
}

// The body of `response`, read chunk by chunk: `progress({ loaded, total })` after each (total
// is the Content-Length, left out when the answer names none or is compressed).
async function readCounting(response, progress, idle) {
  const length = Number(response.headers.get('content-length') ?? NaN);
  const total = Number.isSafeInteger(length) && !response.headers.has('content-encoding') ? length : undefined;
  const chunks = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    idle();
    progress({ loaded: received, total });
  }
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  return bytes;
}

// The same exchange over XMLHttpRequest, for a body the page holds (a Blob slice, which the
// browser reads from disk as it sends, or an ArrayBuffer): fetch reports no upload progress,
// XHR does. `progress(sent)` is called with the bytes of this attempt sent so far. The timeout
// counts from the last progress, not the start: a large body on a slow link is not a stall.
export function upload(url, method, head, body, signal, timeoutMs, progress) {
  return new Promise((resolve, reject) => {
    if (typeof XMLHttpRequest !== 'function') return reject(new Error('this JavaScript host has no XMLHttpRequest'));
    const stop = xhrExchange({ url, method, head, body, timeoutMs }, progress, (error, answer) => {
      if (signal !== undefined) signal.removeEventListener('abort', stop);
      if (error !== undefined) return reject(errorOf(error));
      resolve([answer[0], answer[1], new Uint8Array(answer[2])]);
    });
    if (signal !== undefined) {
      if (signal.aborted) return stop();
      signal.addEventListener('abort', stop, { once: true });
    }
  });
}

// One XMLHttpRequest exchange of `m` ({ url, method, head, body, timeoutMs }): `report(sent)`
// as the body goes out, then `finish(error)` or `finish(undefined, [status, headers as
// "name\nvalue\n...", body ArrayBuffer])`, once. Returns the function that stops it. Errors are
// plain { name, message } (they cross to the page from the part worker). Self-contained: the
// part worker's source includes its text.
// `report` hears at most one progress event in 50 ms (the pace the XHR standard names), and the
// last, whole one always: WebKit fires one per 8 KiB sent, a message to the page each and a call
// of the app's `onProgress`, 130,000 of them for 1 GiB.
function xhrExchange(m, report, finish) {
  const xhr = new XMLHttpRequest();
  xhr.open(m.method, m.url);
  xhr.responseType = 'arraybuffer';
  const parts = m.head.split('\n');
  for (let i = 0; i + 1 < parts.length; i += 2) xhr.setRequestHeader(parts[i], parts[i + 1]);
  let timer;
  let done = false;
  const end = (error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (error !== undefined) return finish(error);
    let text = '';
    for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
      const colon = line.indexOf(':');
      if (colon > 0) text += line.slice(0, colon).trim().toLowerCase() + '\n' + line.slice(colon + 1).trim() + '\n';
    }
    finish(undefined, [xhr.status, text, xhr.response ?? new ArrayBuffer(0)]);
  };
  const stopped = { name: 'AbortError', message: 'the upload was stopped' };
  const idle = () => {
    clearTimeout(timer);
    if (m.timeoutMs > 0) {
      timer = setTimeout(() => { xhr.abort(); end({ name: 'Error', message: 'no progress within ' + m.timeoutMs + ' ms' }); }, m.timeoutMs);
    }
  };
  let reported = -Infinity;
  xhr.upload.onprogress = (e) => {
    idle();
    if (e.loaded === e.total || e.timeStamp - reported >= 50) {
      reported = e.timeStamp;
      report(e.loaded);
    }
  };
  xhr.onload = () => end();
  xhr.onerror = () => end({ name: 'TypeError', message: 'the upload failed on the network' });
  xhr.onabort = () => end(stopped);
  idle();
  xhr.send(m.body);
  return () => { xhr.abort(); end(stopped); };
}

// The Error an exchange's plain { name, message } stands for.
function errorOf({ name, message }) {
  if (name === 'AbortError') return new DOMException(message, 'AbortError');
  return name === 'TypeError' ? new TypeError(message) : new Error(message);
}

// One part of an upload: `blob`'s bytes [start, end), sent by a worker of this page when it has
// one, so that slicing the Blob, the request and its progress cost the page's main thread only a
// message each way (a CPU profile of the bench's 256 MiB upload found 233 of its 404 ms of
// main-thread time in `slice` and `fetch`, `make bench`'s --cpu-profile). The worker is made
// once, from the source below; where the page cannot have it (a
// Content-Security-Policy without `worker-src blob:`, a host without Worker), the part goes from
// here, as `upload` and `exchange` send it. Resolves as `exchange` does; `progress(sent)` only
// when given.
export function part(url, method, head, blob, start, end, signal, timeoutMs, progress) {
  const w = partWorker();
  if (w === null) return sendHere(url, method, head, blob, start, end, signal, timeoutMs, progress);
  return new Promise((resolve, reject) => {
    const id = ++lastPart;
    const stop = () => w.postMessage({ id, abort: true });
    const settle = () => {
      pendingParts.delete(id);
      if (signal !== undefined) signal.removeEventListener('abort', stop);
      if (pendingParts.size === 0) idleSince(w);
    };
    pendingParts.set(id, {
      progress,
      done: (answer) => { settle(); resolve(answer); },
      failed: (e) => { settle(); reject(e); },
      // The worker could not start (a policy refused it): the part goes from here instead.
      here: () => { settle(); sendHere(url, method, head, blob, start, end, signal, timeoutMs, progress).then(resolve, reject); },
    });
    if (signal !== undefined) {
      if (signal.aborted) return pendingParts.get(id).failed(new DOMException('the upload was stopped', 'AbortError'));
      signal.addEventListener('abort', stop, { once: true });
    }
    clearTimeout(idleTimer);
    // The Blob crosses once per worker (cloning one costs the main thread more than the rest
    // of a part's message); its parts name it by number.
    let blobId = sentBlobs.get(blob);
    if (blobId === undefined) {
      blobId = ++lastBlob;
      sentBlobs.set(blob, blobId);
      w.postMessage({ blobId, blob });
    }
    w.postMessage({ id, url, method, head, blobId, start, end, timeoutMs, progress: progress !== undefined });
  });
}

function sendHere(url, method, head, blob, start, end, signal, timeoutMs, progress) {
  const body = blob.slice(start, end);
  return progress === undefined
    ? exchange(url, method, head, body, signal, timeoutMs, undefined)
    : upload(url, method, head, body, signal, timeoutMs, progress);
}

// The part worker: `xhrExchange` for each part asked, the answer posted back with its bytes
// transferred; an abort message stops one. Its source is the text of these two functions, so
// they use nothing else of this module, only the worker's globals.
function partWorkerMain() {
  const running = new Map();
  const blobs = new Map();
  self.onmessage = ({ data: m }) => {
    if (m.blob) {
      blobs.set(m.blobId, m.blob);
      return;
    }
    if (m.abort) {
      const stop = running.get(m.id);
      if (stop) stop();
      return;
    }
    const report = (sent) => { if (m.progress) self.postMessage({ id: m.id, sent }); };
    // Object.assign, not a spread: a bundler transpiling for older browsers may turn a spread
    // into a call of a helper of its own, which the worker's source would not have.
    const asked = Object.assign({}, m, { body: blobs.get(m.blobId).slice(m.start, m.end) });
    running.set(m.id, xhrExchange(asked, report, (error, answer) => {
      running.delete(m.id);
      if (error !== undefined) self.postMessage({ id: m.id, error });
      else self.postMessage({ id: m.id, answer }, [answer[2]]);
    }));
  };
}
const PART_WORKER = xhrExchange.toString() + '\n(' + partWorkerMain.toString() + ')();';

let worker; // undefined until asked (or let go when idle); null where the page cannot have one
let lastPart = 0;
const pendingParts = new Map();
// The Blobs the current worker was sent, and their numbers.
let sentBlobs = new WeakMap();
let lastBlob = 0;
let workerUrl;
let idleTimer;

// The part worker is let go once an upload has ended (or after a second without a part), and
// with it every Blob it was sent: an idle worker's garbage may wait long for collection, and a
// Blob it still holds keeps its bytes in the browser's blob memory. A worker with parts of
// another upload under way stays.
export function partsDone() {
  if (worker && pendingParts.size === 0) {
    clearTimeout(idleTimer);
    worker.terminate();
    worker = undefined;
  }
}

function idleSince(w) {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (pendingParts.size === 0 && worker === w) {
      w.terminate();
      worker = undefined;
    }
  }, 1000);
}

function partWorker() {
  if (worker !== undefined) return worker;
  worker = null;
  if (typeof Worker !== 'function' || typeof URL.createObjectURL !== 'function') return worker;
  try {
    // One URL for the page's part workers (making it cost a new worker's main thread more than
    // the rest of its start).
    workerUrl ??= URL.createObjectURL(new Blob([PART_WORKER], { type: 'text/javascript' }));
    const w = new Worker(workerUrl);
    sentBlobs = new WeakMap();
    w.onmessage = ({ data: m }) => {
      const p = pendingParts.get(m.id);
      if (p === undefined) return;
      if (m.sent !== undefined) { if (p.progress !== undefined) p.progress(m.sent); return; }
      if (m.error !== undefined) return p.failed(errorOf(m.error));
      p.done([m.answer[0], m.answer[1], new Uint8Array(m.answer[2])]);
    };
    // A worker that never started (refused by the page's policy), or that failed: it is let go,
    // and every part it held, and every part after, goes from here (a part it had sent in part
    // is sent whole again: S3 keeps the last UploadPart of a number).
    w.onerror = (e) => {
      e.preventDefault();
      w.terminate();
      worker = null;
      for (const p of [...pendingParts.values()]) p.here();
    };
    worker = w;
  } catch {
    worker = null;
  }
  return worker;
}

// A body short of its Content-Length (WebKitGTK passes a cut one on as whole): a network fault.
// Not for a decoded body, nor JSON that parses (a compressed answer's length counts encoded bytes).
function cutShort(response, bytes) {
  const promised = Number(response.headers.get('content-length') ?? NaN);
  if (!(bytes.length < promised) || response.headers.has('content-encoding')) return false;
  if (!/json/.test(response.headers.get('content-type') ?? '')) return true;
  try { JSON.parse(new TextDecoder().decode(bytes)); return false; } catch { return true; }
}

// aws.fetch: the request as fetch sends it (`new Request` applies fetch's rules), init.aws own only.
export function apiRequest(input, init) {
  const request = new Request(input, init);
  let head = '';
  for (const [name, value] of request.headers) head += name + '\n' + value + '\n';
  const aws = init !== null && typeof init === 'object' && Object.hasOwn(init, 'aws') ? init.aws : undefined;
  return [request, request.method, request.url, head, request.signal, aws];
}

export async function apiBody(request) {
  return new Uint8Array(await request.arrayBuffer());
}

export function apiResponse(status, head, body) {
  const headers = new Headers();
  const parts = head.split('\n');
  for (let i = 0; i + 1 < parts.length; i += 2) headers.append(parts[i], parts[i + 1]);
  const nullBody = status === 204 || status === 205 || status === 304;
  return new Response(nullBody ? null : body, { status, headers });
}

export function wellFormed(s) {
  try { encodeURIComponent(s); return true; } catch { return false; }
}

export function parseItems(text, specials) {
  if (specials.length === 0) return JSON.parse(text);
  return JSON.parse(text, (key, value) =>
    typeof value === 'string' && value.charCodeAt(0) === 0 ? specials[+value.slice(1)] : value);
}

export function pagesToItems(fetchPage) {
  return (async function* () {
    let token;
    do {
      const page = await fetchPage(token);
      yield* page.items;
      token = page.pageToken;
    } while (token !== undefined);
  })();
}

// Web Locks: resolves with [release, waited] once this tab holds the lock `name` (tabs of one
// origin queue for it; `waited` when another held it first), or with undefined at once where
// there are no Web Locks (an older browser, a worker without them, an opaque origin).
export function tabLock(name) {
  const locks = globalThis.navigator === undefined ? undefined : globalThis.navigator.locks;
  if (locks === undefined || locks === null || typeof locks.request !== 'function') return Promise.resolve(undefined);
  return new Promise((held) => {
    const hold = (waited) => new Promise((release) => held([release, waited]));
    const queue = () => { locks.request(name, () => hold(true)).catch(() => held(undefined)); };
    locks.request(name, { ifAvailable: true }, (lock) => (lock === null ? queue() : hold(false)))
      .catch(() => held(undefined));
  });
}

// ---- Passkeys (src/js/passkeys_api.rs) ----------------------------------------------------
// The browser's passkey prompt for the wasm module: Cognito's JSON forms of the WebAuthn options
// (binary fields base64url) to navigator.credentials and the credential back as JSON text.
// Nothing here decides anything: a refusal keeps the browser's DOMException name (NotAllowedError
// for a cancelled or timed-out prompt), and Rust names the error.

const b64urlOf = (buffer) => {
  let s = '';
  for (const b of new Uint8Array(buffer)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const fromB64url = (b64url) => Uint8Array.from(atob(b64url.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const withIdBytes = (list) => (list || []).map((c) => ({ ...c, id: fromB64url(c.id) }));

function webAuthn() {
  const credentials = globalThis.navigator && globalThis.navigator.credentials;
  if (typeof globalThis.PublicKeyCredential !== 'function' || !credentials) {
    const e = new Error('no WebAuthn in this host');
    e.name = 'PasskeyNotSupportedError';
    throw e;
  }
  return credentials;
}

function credentialJson(c, response) {
  if (c === null) throw new DOMException('the authenticator gave no credential', 'NotAllowedError');
  const json = { id: c.id, rawId: b64urlOf(c.rawId), type: c.type, clientExtensionResults: c.getClientExtensionResults(), response };
  if (c.authenticatorAttachment) json.authenticatorAttachment = c.authenticatorAttachment;
  return JSON.stringify(json);
}

export async function passkeyGet(options) {
  const o = JSON.parse(options);
  const c = await webAuthn().get({ publicKey: { ...o, challenge: fromB64url(o.challenge), allowCredentials: withIdBytes(o.allowCredentials) } });
  const r = c && c.response;
  return credentialJson(c, c && {
    clientDataJSON: b64urlOf(r.clientDataJSON),
    authenticatorData: b64urlOf(r.authenticatorData),
    signature: b64urlOf(r.signature),
    ...(r.userHandle ? { userHandle: b64urlOf(r.userHandle) } : {}),
  });
}

export async function passkeyCreate(options) {
  const o = JSON.parse(options);
  const c = await webAuthn().create({
    publicKey: { ...o, challenge: fromB64url(o.challenge), user: { ...o.user, id: fromB64url(o.user.id) }, excludeCredentials: withIdBytes(o.excludeCredentials) },
  });
  const r = c && c.response;
  return credentialJson(c, c && {
    clientDataJSON: b64urlOf(r.clientDataJSON),
    attestationObject: b64urlOf(r.attestationObject),
    transports: r.getTransports ? r.getTransports() : [],
  });
}
