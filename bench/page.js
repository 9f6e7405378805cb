// The bench page's script (bench/run.mjs serves it on a blank page, before any stack loads): a
// `bench` object that drives whichever stack the page loads, the stubbed network of the data
// rows, and `timed`, which reports each call's in-page wall time.
/* global stack, item, uploadBody, signers, floor, signMany */
const realFetch = window.fetch.bind(window);
// A stack may take fetch once when it loads (apiless does): this forwarder, in place before any
// stack loads, is what each of them takes, and stub() swaps what it forwards to.
let fetchImpl = realFetch;
// Stack (c)'s Amplify Storage can only reach https://<bucket>.<customEndpoint> (see
// stacks/amplify-storage.js): its *.localhost URLs go out as http://, the Host header unchanged.
const localUrl = (url) => String(url).replace(/^https:[/][/]([^/?#]*[.]localhost(?::[0-9]+)?)(?=[/?#]|$)/, "http://$1");
window.fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const local = localUrl(url);
  if (local === url) return fetchImpl(input, init);
  return fetchImpl(input instanceof Request ? new Request(local, input) : local, init);
};
const RealXHR = window.XMLHttpRequest;
const realOpen = RealXHR.prototype.open;
RealXHR.prototype.open = function (method, url, ...rest) {
  return realOpen.call(this, method, localUrl(url), ...rest);
};
let s3PutAt = null;
let queryItemCount = 0;
window.bench = {
  // Cold start: from here to the stack's ready() (module fetch + parse + eval; for apiless also
  // wasm compile + instantiate, and any stored session restored).
  async load(name, config) {
    const t0 = performance.now();
    const m = await import("/stacks/" + name + ".js");
    await m.ready(config);
    window.stack = m;
    window.config = config;
    return performance.now() - t0;
  },
  prepare: (username) => stack.prepare(username),
  // The user typing the password after the username field lost focus.
  pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  signIn: (user) => stack.signIn(user),
  reset: () => stack.reset(),
  restore: () => stack.restore(),
  identityId: () => stack.identityId(),
  async firstQuery() {
    const items = await stack.query("bench-");
    return Array.isArray(items) ? items.length : -1;
  },
  // The rest of the whole job, for real against the backend; returns what the harness checks.
  async rest(tag) {
    const identityId = await stack.identityId();
    await stack.put({ sk: "bench-" + tag, text: "whole job" });
    const items = await stack.query("bench-" + tag);
    const body = new TextEncoder().encode("apiless bench " + tag);
    await stack.upload("bench-" + tag + ".txt", body);
    const back = await stack.download("bench-" + tag + ".txt");
    return { identityId, queried: items.length, roundTrip: new TextDecoder().decode(back) === new TextDecoder().decode(body) };
  },

  // The network stubbed in the page: DynamoDB and S3 PUT are answered here, so what is left is
  // each stack's own work (marshal, hash, sign, build the request, read the answer).
  stub(pk, queryItems) {
    queryItemCount = queryItems;
    const text = "x".repeat(900);
    const items = [];
    for (let i = 0; i < queryItems; i++) {
      items.push({ pk: { S: pk }, sk: { S: "bench-" + i }, n: { N: String(i) }, text: { S: text }, flag: { BOOL: true },
        tags: { L: [{ S: "a" }, { S: "b" }, { S: "c" }] } });
    }
    const queryAnswer = JSON.stringify({ Items: items, Count: queryItems, ScannedCount: queryItems });
    fetchImpl = (input, init) => {
      const at = performance.now();
      // What fetch() itself does first (the body is taken in here), so every stack pays it
      // whether it hands fetch a Request or a URL and an init object.
      const req = new Request(input, init);
      const method = req.method;
      const target = req.headers.get("x-amz-target") || "";
      const json = { "content-type": "application/x-amz-json-1.0" };
      if (target === "DynamoDB_20120810.PutItem") return Promise.resolve(new Response("{}", { status: 200, headers: json }));
      if (target === "DynamoDB_20120810.Query") return Promise.resolve(new Response(queryAnswer, { status: 200, headers: json }));
      if (method === "PUT" && !target) {
        s3PutAt ??= at;
        return Promise.resolve(new Response("", { status: 200, headers: { etag: '"0"' } }));
      }
      return realFetch(req);
    };
    // Amplify Storage makes every S3 call with XMLHttpRequest (for its progress events): this
    // stand-in answers them after the same new Request() that takes the body in: an S3 PUT as
    // above, and the two POSTs of a multipart upload (stack (c) sends more than 5 MiB in 5 MiB
    // parts, Amplify's default), and the HEAD that checks the object's size afterwards.
    let partBytes = 0;
    const multipart = (url) => {
      const query = new URL(url).searchParams;
      if (query.has("uploads")) {
        partBytes = 0;
        return "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>stub</UploadId></InitiateMultipartUploadResult>";
      }
      if (query.has("uploadId")) return '<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"0-2"</ETag></CompleteMultipartUploadResult>';
      throw new Error("the stub answers no S3 POST but a multipart upload's two: " + url);
    };
    window.XMLHttpRequest = class extends EventTarget {
      constructor() {
        super();
        Object.assign(this, { readyState: 0, status: 0, responseType: "", response: "", responseText: "", upload: new EventTarget() });
      }
      get DONE() { return 4; }
      open(method, url) { Object.assign(this, { method, url: localUrl(url), readyState: 1 }); }
      setRequestHeader() {}
      getAllResponseHeaders() { return this.status ? 'etag: "0"\r\n' + this.extraHeaders : ""; }
      abort() {}
      send(body) {
        const at = performance.now();
        new Request(this.url, { method: this.method, body });
        let text = "";
        this.extraHeaders = "";
        if (this.method === "PUT") {
          s3PutAt ??= at;
          partBytes += body.size ?? body.byteLength;
        } else if (this.method === "POST") text = multipart(this.url);
        else if (this.method === "HEAD") this.extraHeaders = "content-length: " + partBytes + "\r\n";
        else throw new Error("the stub answers S3 PUT, POST (multipart) and HEAD, not " + this.method + " " + this.url);
        setTimeout(() => {
          Object.assign(this, { readyState: 4, status: 200, response: text, responseText: text });
          for (const e of ["readystatechange", "load", "loadend"]) this.dispatchEvent(new Event(e));
        });
      }
    };
    window.item = (i) => ({ sk: "bench-" + i, n: i, text, flag: true, tags: ["a", "b", "c"] });
  },
  async putMany(n) {
    for (let i = 0; i < n; i++) await stack.put(item(i));
  },
  async queryMany(n) {
    for (let i = 0; i < n; i++) {
      const items = await stack.query("bench-");
      if (items.length !== queryItemCount) throw new Error("query answered " + items.length + " items");
    }
  },
  // Once before the measured rounds: each client fetches its credentials (for real; with (b)
  // the S3 client asks the Identity Pool on its own).
  async warm() {
    await stack.put(item(0));
    await stack.query("bench-");
    await stack.upload("bench-warm.bin", new Uint8Array(16));
  },
  makeUpload(bytes) {
    window.uploadBody = new Uint8Array(bytes).map((_, i) => i % 251);
  },
  async upload() {
    s3PutAt = null;
    const t0 = performance.now();
    await stack.upload("bench-upload.bin", uploadBody);
    if (s3PutAt === null) throw new Error("the upload never called fetch with PUT");
    return s3PutAt - t0;
  },

  // The signers alone (the signer page).
  async loadSigners() {
    window.signers = await import("/signers.js");
    window.floor = await import("/stacks/floor.js");
    const sign = await import("/bench-pkg/sign_bench.js");
    await sign.default();
    window.signMany = sign.signMany;
  },
  signApiless: (n) => { if (signMany(n) !== n) throw new Error("signMany"); },
  signSmithy: (n) => signers.smithyMany(n),
  signAmplify: (n) => signers.amplifyMany(n),
  digestFloor: (n) => floor.digestMany(n),
};
// Every call through here reports its own in-page wall time.
window.timed = async (fn, args) => {
  const t0 = performance.now();
  const value = await window.bench[fn](...args);
  return { wall: performance.now() - t0, value };
};
