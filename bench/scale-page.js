// The scale rows' page script (bench/scale.mjs serves it after bench/page.js, whose `bench.load`,
// `bench.signIn`, `timed` and *.localhost rewriting it reuses): the large Blob, and the calls the
// scale rows measure.
/* global stack */
let bigBlob = null;
let floorUrl = null;

/** 1 MiB of pseudo-random bytes, the same in every page (xorshift32 from a fixed seed). */
function chunk() {
  const words = new Uint32Array(1 << 18);
  let x = 2463534242;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer);
}

Object.assign(window.bench, {
  identityId: () => stack.identityId(),
  countAll: (prefix) => stack.countAll(prefix),
  hasUpload: () => stack.hasUpload(),
  // A Blob of `bytes` made of one 1 MiB chunk repeated: the renderer holds that one chunk (dropped
  // on return), the bytes themselves live in the browser's blob storage.
  makeBlob(bytes) {
    const one = chunk();
    const parts = Array(Math.floor(bytes / one.length)).fill(one);
    if (bytes % one.length) parts.push(one.subarray(0, bytes % one.length));
    bigBlob = new Blob(parts, { type: "application/octet-stream" });
    return bigBlob.size;
  },
  dropBlob() {
    bigBlob = null;
    floorUrl = null;
  },
  upload: (key, options) => stack.upload(key, bigBlob, options),
  async presign(key) {
    floorUrl = await stack.presignPut(key);
  },
  // The floor: one plain fetch PUT of the same Blob to a presigned URL (UNSIGNED-PAYLOAD).
  async floorPut() {
    const r = await fetch(floorUrl, { method: "PUT", body: bigBlob });
    if (!r.ok) throw new Error(`floor: PUT answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
    return bigBlob.size;
  },
});
