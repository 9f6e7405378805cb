//! `files.upload`: a body of any size, in one PUT or in parts sent side by side, with byte
//! progress, pause, resume and cancel; after a reload, the same `File` given again continues
//! from the parts S3 already has. The body stays a `Blob` on the JavaScript side: each part is
//! a slice the browser reads as it sends it, so no part ever enters wasm memory.

use std::cell::{Cell, RefCell};

use wasm_bindgen_futures::JsFuture;

use super::*;
use crate::crc::{Algorithm, Crc};
use crate::data::s3::checksum;
use crate::data::s3::multipart::{self, Part, PartPlan, Progress, Resumable};

/// TypeScript types: `upload`'s options, handle state and result.
#[wasm_bindgen(typescript_custom_section)]
const UPLOAD_TYPES: &'static str = r##"
/** Options of `upload`. */
export interface UploadOptions extends CallOptions {
  contentType?: string;
  /** x-amz-meta-* headers, as `put` takes them. */
  metadata?: StringMap;
  /**
   * Bytes per part, 5 MiB to 5 GiB (8 MiB by default, grown for bodies over 80,000 MiB so that
   * 10,000 parts hold them). A body no larger than one part goes in one PUT.
   */
  partSize?: number;
  /** Parts sent at the same time, 1 to 16 (4 by default). */
  concurrency?: number;
  /**
   * Called as bytes go out: `loaded` of `total` sent so far. It can go back when a part that
   * failed is sent again.
   */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /**
   * A checksum S3 checks as the bytes arrive, refusing what does not match (`BadDigest`): of
   * each part, and of the whole object (the FULL_OBJECT type: the same value whatever the
   * parts). Computed in wasm as the body is read, 1 MiB at a time, before each part goes out.
   * The object keeps it: `result` gives it, as HeadObject does.
   */
  checksum?: UploadChecksumAlgorithm;
}
/** The checksums `upload` computes. */
export type UploadChecksumAlgorithm = "CRC32" | "CRC64NVME";
/** An upload under way, from `files.upload`. */
export interface UploadTask {
  /**
   * Resolves to `{ key, etag, size }` once S3 has the whole object; rejects with the error that
   * ended the upload (`AbortError` once cancelled).
   */
  readonly result: Promise<UploadResult>;
  /** Where the upload is. */
  readonly state: UploadState;
  /**
   * Stops sending: the parts going out are dropped (S3 keeps the finished ones) until
   * `resume()`. Does nothing unless the upload is running.
   *
   * @throws never.
   * @example
   * ```ts
   * const upload = files.upload("videos/clip.mp4", file);
   * upload.pause();
   * console.log(upload.state); // "paused"
   * ```
   */
  pause(): void;
  /**
   * Goes on after `pause()`, with the parts not yet sent. Does nothing unless paused.
   *
   * @throws never.
   * @example
   * ```ts
   * const upload = files.upload("videos/clip.mp4", file);
   * upload.pause();
   * upload.resume();
   * await upload.result;
   * ```
   */
  resume(): void;
  /**
   * Ends the upload: S3 drops the parts it has (AbortMultipartUpload), the record kept for a
   * reload is removed, and `result` rejects with an `AbortError`. Does nothing once the upload
   * has ended.
   *
   * @throws never (`result` rejects with `AbortError`).
   * @example
   * ```ts
   * const upload = files.upload("videos/clip.mp4", file);
   * upload.cancel();
   * await upload.result.catch((e: Error) => console.log(e.name)); // "AbortError"
   * ```
   */
  cancel(): void;
}
/** Where an upload is. */
export type UploadState = "running" | "paused" | "done" | "cancelled" | "failed";
/**
 * What an upload resolves to: the key under your prefix, the object's ETag, its size, and with
 * the `checksum` option the whole object's checksum (base64 of its big-endian bytes, as S3
 * writes it in `x-amz-checksum-crc32` and `ChecksumCRC32`).
 */
export interface UploadResult {
  key: string;
  etag?: string;
  size: number;
  checksum?: { algorithm: UploadChecksumAlgorithm; value: string };
}
"##;

/// Parts sent at the same time when the caller names no number.
const DEFAULT_CONCURRENCY: u32 = 4;
const MAX_CONCURRENCY: u32 = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Running,
    Paused,
    Done,
    Cancelled,
    Failed,
}

/// The caller's `signal` and the listener that cancels the upload when it aborts.
type AbortListener = (AbortSignal, Closure<dyn FnMut()>);

/// What the handle and the running upload share.
struct Shared {
    session: Rc<Session<Fetch>>,
    generation: u64,
    status: Cell<Status>,
    /// Aborted by `pause` and `cancel`: the attempts going out stop at once.
    controller: RefCell<Option<web_sys::AbortController>>,
    /// Resolved by `resume` and `cancel`: what a paused upload waits on.
    wake: RefCell<Option<(Promise, Function)>>,
    progress: RefCell<Progress>,
    size: u64,
    on_progress: Option<Function>,
    /// The first error that failed the upload.
    failure: RefCell<Option<Error>>,
    /// The caller's `signal` listener (it cancels), removed when the upload ends.
    on_abort: RefCell<Option<AbortListener>>,
}

/// An upload under way: `result`, `state`, `pause()`, `resume()`, `cancel()` (typed as
/// `UploadTask`, where their documentation is).
#[wasm_bindgen(js_name = Upload)]
pub struct Upload {
    shared: Rc<Shared>,
    result: Promise,
}

#[wasm_bindgen(js_class = Upload)]
impl Upload {
    /// Resolves to `{ key, etag, size }` once S3 has the whole object; rejects with the error
    /// that ended it (`AbortError` once cancelled).
    #[wasm_bindgen(getter, unchecked_return_type = "Promise<UploadResult>")]
    pub fn result(&self) -> Promise {
        self.result.clone()
    }

    /// `"running"`, `"paused"`, `"done"`, `"cancelled"` or `"failed"`.
    #[wasm_bindgen(getter, unchecked_return_type = "UploadState")]
    pub fn state(&self) -> String {
        match self.shared.status.get() {
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Done => "done",
            Status::Cancelled => "cancelled",
            Status::Failed => "failed",
        }
        .into()
    }

    /// Stops sending: the parts going out are dropped (S3 keeps the finished ones) until
    /// `resume()`. Does nothing unless the upload is running.
    pub fn pause(&self) {
        let s = &self.shared;
        if s.status.get() == Status::Running {
            s.status.set(Status::Paused);
            let mut resolve = None;
            let promise = Promise::new(&mut |r, _| resolve = Some(r));
            if let Some(r) = resolve {
                s.wake.replace(Some((promise, r)));
            }
            s.stop();
        }
    }

    /// Goes on after `pause()`, with the parts not yet sent. Does nothing unless paused.
    pub fn resume(&self) {
        let s = &self.shared;
        if s.status.get() == Status::Paused {
            s.status.set(Status::Running);
            s.wake_up();
        }
    }

    /// Ends the upload: S3 drops the parts it has (AbortMultipartUpload), the record kept for a
    /// reload is removed, and `result` rejects with an `AbortError`. Does nothing once the
    /// upload has ended.
    pub fn cancel(&self) {
        self.shared.cancel();
    }
}

impl Shared {
    fn cancel(&self) {
        if matches!(self.status.get(), Status::Running | Status::Paused) {
            self.status.set(Status::Cancelled);
            self.stop();
            self.wake_up();
        }
    }

    /// The first failure ends the upload: the other parts stop.
    fn fail(&self, e: Error) {
        if matches!(self.status.get(), Status::Running | Status::Paused) {
            self.failure.replace(Some(e));
            self.status.set(Status::Failed);
            self.stop();
            self.wake_up();
        }
    }

    /// Aborts the attempts going out.
    fn stop(&self) {
        if let Some(c) = self.controller.borrow().as_ref() {
            c.abort();
        }
    }

    /// A fresh controller for the attempts to come, and the paused upload woken.
    fn wake_up(&self) {
        self.controller
            .replace(web_sys::AbortController::new().ok());
        if let Some((_, resolve)) = self.wake.take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }

    /// Returns once the upload runs; an error once it has ended.
    async fn running(&self) -> Result<(), Error> {
        loop {
            match self.status.get() {
                Status::Running | Status::Done => return Ok(()),
                Status::Paused => {
                    let wake = self.wake.borrow().as_ref().map(|(p, _)| p.clone());
                    if let Some(wake) = wake {
                        let _ = JsFuture::from(wake).await;
                    }
                }
                Status::Cancelled | Status::Failed => return Err(Error::aborted()),
            }
        }
    }

    /// The CRC of `blob`'s bytes `[start, end)`, read 1 MiB at a time into one buffer (so
    /// memory stays bounded whatever its size); a pause waits between reads, a cancel stops
    /// them.
    async fn crc_of(
        &self,
        blob: &web_sys::Blob,
        (start, end): (f64, f64),
        algorithm: Algorithm,
    ) -> Result<Crc, Error> {
        const CHUNK: f64 = 1024.0 * 1024.0;
        let unreadable = || Error::invalid_input("body", "the body could not be read");
        let mut crc = Crc::new(algorithm);
        let mut buffer = Vec::new();
        let mut at = start;
        while at < end {
            self.running().await?;
            let to = (at + CHUNK).min(end);
            let slice = blob
                .slice_with_f64_and_f64(at, to)
                .map_err(|_| unreadable())?;
            let bytes = JsFuture::from(slice.array_buffer())
                .await
                .map_err(|_| unreadable())?;
            let view = js_sys::Uint8Array::new(&bytes);
            buffer.resize(view.length() as usize, 0);
            view.copy_to(&mut buffer);
            release(&bytes);
            crc.update(&buffer);
            at = to;
        }
        Ok(crc)
    }

    /// `number`'s part has `sent` bytes out: the caller's `onProgress` hears the whole.
    fn report(&self, number: u32, sent: u64) {
        self.progress.borrow_mut().set(number, sent);
        self.notify();
    }

    /// The caller's `onProgress` hears the bytes out so far.
    fn notify(&self) {
        let loaded = self.progress.borrow().total();
        if let Some(f) = &self.on_progress {
            let p = js_sys::Object::new();
            set(&p, "loaded", &JsValue::from(loaded as f64));
            set(&p, "total", &JsValue::from(self.size as f64));
            // The app's callback throwing does not stop the upload.
            let _ = f.call1(&JsValue::UNDEFINED, &p);
        }
    }

    /// Sends `request` signed, with the standard retries; with `body` (part `number`'s bytes)
    /// over XHR, reporting progress. A pause drops the attempt, waits, and sends it again.
    async fn send(
        self: &Rc<Self>,
        request: &Request,
        body: Option<(u32, &web_sys::Blob, (f64, f64))>,
    ) -> Result<Response, Error> {
        loop {
            self.running().await?;
            match self.attempt(request, body).await {
                Err(e) if e.kind == crate::error::ErrorKind::Aborted => {
                    if let Some((number, _, _)) = body {
                        self.report(number, 0);
                    }
                    if self.status.get() != Status::Paused {
                        return Err(e);
                    }
                }
                result => return result,
            }
        }
    }

    /// One signed call, with the standard retries, as the user's credentials stand now (a long
    /// upload outlives one set), stopped by the upload's controller.
    async fn attempt(
        self: &Rc<Self>,
        request: &Request,
        body: Option<(u32, &web_sys::Blob, (f64, f64))>,
    ) -> Result<Response, Error> {
        let identity = self.session.aws_identity().await?;
        // Progress only for a caller who listens: each report is a message from the part
        // worker (or, where there is none, XHR's upload events instead of fetch).
        let progress = body
            .filter(|_| self.on_progress.is_some())
            .map(|(number, _, _)| {
                let this = self.clone();
                Closure::<dyn FnMut(f64)>::new(move |sent: f64| this.report(number, sent as u64))
            });
        let transport = SessionBoundFetch {
            fetch: Fetch {
                signal: self.controller.borrow().as_ref().map(|c| c.signal()),
                timeout_ms: f64::from(self.session.config().attempt_timeout_ms),
                body: body.map(|(_, blob, _)| JsValue::from(blob)),
                range: body.map(|(_, _, range)| range),
                progress: progress
                    .as_ref()
                    .map(|c| c.as_ref().unchecked_ref::<Function>().clone()),
            },
            session: self.session.clone(),
            generation: self.generation,
        };
        let jitter = js_sys::Math::random;
        let now = || self.session.local_now_ms();
        let ctx = signed_call::SignedCall {
            transport: &transport,
            clock: self.session.clock(),
            now: &now,
            credentials: &identity.credentials,
            region: &self.session.config().region,
            service: "s3",
            policy: Policy::STANDARD,
            jitter: &jitter,
        };
        // A part unhashed: hashing it would mean reading it into memory.
        let hash = if body.is_some() {
            PayloadHash::Unsigned
        } else {
            PayloadHash::Compute
        };
        s3::send(&ctx, request.clone(), hash).await
    }
}

/// The whole object's checksum, S3's FULL_OBJECT value, from its parts' (in part-number order)
/// and their sizes; `None` when a part's is missing or unreadable (S3 then refuses the
/// completion, which never happens with parts this upload checked).
fn whole_checksum(algorithm: Algorithm, parts: &[Part]) -> Option<(Algorithm, String)> {
    let mut whole: Option<u64> = None;
    for part in parts {
        let crc = checksum::decode(algorithm, part.checksum.as_deref()?)?;
        whole = Some(match whole {
            None => crc,
            Some(before) => algorithm.combine(before, crc, part.size),
        });
    }
    Some((algorithm, checksum::encode(algorithm, whole?)))
}

/// The body as a `Blob`: a string (UTF-8, `text/plain`), `Uint8Array`, `ArrayBuffer`, `Blob` or
/// `File`; with the `File`'s mark (name, size and time) that a reloaded page's upload of the
/// same file is known by.
fn body_blob(body: &JsValue) -> Result<(web_sys::Blob, String), Error> {
    if let Some(blob) = body.dyn_ref::<web_sys::Blob>() {
        let mark = if body.is_instance_of::<web_sys::File>() {
            let file: &web_sys::File = body.unchecked_ref();
            format!("{}|{}", file.name(), file.last_modified() as u64)
        } else {
            String::new()
        };
        return Ok((blob.clone(), mark));
    }
    let props = web_sys::BlobPropertyBag::new();
    if body.is_string() {
        props.set_type("text/plain; charset=utf-8");
    } else if !(body.is_instance_of::<js_sys::Uint8Array>()
        || body.is_instance_of::<js_sys::ArrayBuffer>())
    {
        return Err(Error::invalid_input(
            "body",
            "the body must be a string, Uint8Array, ArrayBuffer or Blob",
        ));
    }
    web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(body), &props)
        .map(|b| (b, String::new()))
        .map_err(|_| Error::invalid_input("body", "the body could not be read"))
}

#[wasm_bindgen(js_class = Files)]
impl Files {
    /// Uploads `body` (a `File`, `Blob`, string, `Uint8Array` or `ArrayBuffer`) to `key` under
    /// your prefix, whatever its size: one PutObject up to `partSize`, a multipart upload above,
    /// its parts sent `concurrency` at a time, each retried alone. Returns at once a handle:
    /// `result` (a Promise of `{ key, etag, size }`), `state`, `pause()`, `resume()`,
    /// `cancel()`.
    ///
    /// `onProgress({ loaded, total })` hears the bytes as they go out. A `File` is read slice by
    /// slice as each part is sent, never whole. An unfinished upload of a `File` is kept in the
    /// app's storage (its UploadId): the same file uploaded to the same key after a reload
    /// continues from the parts S3 already has. `cancel()`, the `signal`, or a failure past the
    /// retries end the upload and S3 drops its parts (AbortMultipartUpload).
    ///
    /// The parts are signed with UNSIGNED-PAYLOAD: hashing a part would mean reading it into
    /// memory; HTTPS guards the bytes on the way.
    ///
    /// @throws `InvalidInputError` (through `result`) for an empty key, a body of another type,
    /// metadata S3 would refuse, a `partSize` outside 5 MiB to 5 GiB or needing more than
    /// 10,000 parts, or a bad option.
    /// @throws `OutOfScopeError` for a key under another identity's prefix.
    /// @throws S3's own names: `AccessDenied` (IAM), `NoSuchBucket`, `EntityTooSmall`,
    /// `SlowDown` (after the retries); `ProtocolError` when the bucket's CORS rule hides the
    /// `ETag` header, without which the parts cannot be named.
    /// @throws `AbortError` once cancelled, `NotAuthorizedException` when no one is signed in or
    /// the user signs out meanwhile, `NetworkError` (after the retries).
    /// @example
    /// ```ts
    /// const upload = files.upload(`videos/${file.name}`, file, {
    ///   contentType: file.type,
    ///   onProgress: ({ loaded, total }) => console.log(`${Math.round((100 * loaded) / total)}%`),
    /// });
    /// document.querySelector("#pause")?.addEventListener("click", () => upload.pause());
    /// document.querySelector("#resume")?.addEventListener("click", () => upload.resume());
    /// const { key, size } = await upload.result;
    /// console.log(key, size);
    /// ```
    #[wasm_bindgen(js_name = upload, unchecked_return_type = "UploadTask")]
    pub fn upload(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_param_type = "File | Blob | string | Uint8Array | ArrayBuffer")]
        body: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UploadOptions")] options: JsValue,
    ) -> Upload {
        let mut o = InputReader::optional("options", &options, UPLOAD_OPTIONS);
        let opts = o.call();
        let content_type = o.string("contentType");
        let metadata = o.pairs("metadata");
        let part_size = o
            .read("partSize", "a number", |v| v.as_f64().is_some())
            .and_then(|v| v.as_f64());
        let concurrency = o.whole("concurrency", MAX_CONCURRENCY);
        let on_progress = o
            .read("onProgress", "a function", JsValue::is_function)
            .map(JsCast::unchecked_into::<Function>);
        let algorithm = o
            .read("checksum", "\"CRC32\" or \"CRC64NVME\"", |v| {
                v.as_string()
                    .is_some_and(|name| checksum::from_name(&name).is_some())
            })
            .and_then(|v| checksum::from_name(&v.as_string()?));
        let part_size = match part_size {
            Some(p) if p.fract() != 0.0 || p < 0.0 => {
                o.wrong("partSize", "a whole number of bytes");
                None
            }
            p => p.map(|p| p as u64),
        };
        let checked = o.finish().and_then(|()| body_blob(&body));
        let size = checked.as_ref().map_or(0, |(b, _)| b.size() as u64);
        let shared = Rc::new(Shared {
            session: self.session.clone(),
            generation: self.session.generation(),
            status: Cell::new(Status::Running),
            controller: RefCell::new(web_sys::AbortController::new().ok()),
            wake: RefCell::new(None),
            progress: RefCell::new(Progress::default()),
            size,
            on_progress,
            failure: RefCell::new(None),
            on_abort: RefCell::new(None),
        });
        if let Some(signal) = &opts.signal {
            if signal.aborted() {
                shared.status.set(Status::Cancelled);
            }
            let weak = Rc::downgrade(&shared);
            let on_abort = Closure::<dyn FnMut()>::new(move || {
                if let Some(s) = weak.upgrade() {
                    s.cancel();
                }
            });
            let _ =
                signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
            shared.on_abort.replace(Some((signal.clone(), on_abort)));
        }
        let job = Job {
            shared: shared.clone(),
            bucket: self.bucket.clone(),
            key,
            scope: opts.scope,
            content_type,
            metadata,
            part_size,
            concurrency: concurrency.unwrap_or(DEFAULT_CONCURRENCY),
            algorithm,
        };
        let result = promise(async move {
            let s = job.shared.clone();
            // Refused input ends here too: the listener removed, the state "failed".
            let outcome = match checked {
                Ok((blob, mark)) => job.run(blob, mark).await,
                Err(e) => Err(e),
            };
            crate::http::parts_done();
            if let Some((signal, f)) = s.on_abort.take() {
                let _ =
                    signal.remove_event_listener_with_callback("abort", f.as_ref().unchecked_ref());
            }
            match outcome {
                Ok(v) => {
                    s.status.set(Status::Done);
                    Ok(v)
                }
                Err(e) => {
                    let ended = s.status.get();
                    if ended == Status::Cancelled {
                        let mut e = Error::aborted();
                        e.message = "the upload was cancelled".into();
                        return Err(e);
                    }
                    s.status.set(Status::Failed);
                    Err(s.failure.take().unwrap_or(e))
                }
            }
        });
        Upload { shared, result }
    }
}

/// Lets the memory of `buffer` go now rather than at the next collection, where the browser can
/// (`ArrayBuffer.prototype.transfer`, which detaches it): the 1 MiB reads of a checksummed upload
/// otherwise pile up, 83 MiB at the peak of a 256 MiB upload (`bench/scale.mjs --checksum`).
fn release(buffer: &JsValue) {
    if let Ok(transfer) = js_sys::Reflect::get(buffer, &"transfer".into()) {
        if let Some(transfer) = transfer.dyn_ref::<Function>() {
            let _ = transfer.call1(buffer, &JsValue::from(0));
        }
    }
}

/// One upload's settings.
struct Job {
    shared: Rc<Shared>,
    bucket: Rc<s3::Bucket>,
    key: String,
    scope: ScopeCheck,
    content_type: Option<String>,
    metadata: Vec<(String, String)>,
    part_size: Option<u64>,
    concurrency: u32,
    algorithm: Option<Algorithm>,
}

impl Job {
    async fn run(self, blob: web_sys::Blob, mark: String) -> Result<JsValue, Error> {
        let s = &self.shared;
        s.running().await?;
        let identity = s.session.aws_identity().await?;
        let full = s3::scoped_key(&identity.identity_id, &self.key, self.scope)?;
        let detected = blob.type_();
        let content_type = self
            .content_type
            .as_deref()
            .or((!detected.is_empty()).then_some(detected.as_str()));
        let plan = PartPlan::new(s.size, self.part_size)?;
        let bucket = &self.bucket;
        let (etag, sum) = if plan.count == 1 {
            let mut request =
                bucket.put_request(&full, Vec::new(), content_type, &self.metadata)?;
            let sum = match self.algorithm {
                Some(a) => {
                    let value = checksum::of(&s.crc_of(&blob, (0.0, blob.size()), a).await?);
                    request
                        .headers
                        .push((checksum::header(a).into(), value.clone()));
                    Some((a, value))
                }
                None => None,
            };
            let response = s
                .send(&request, Some((1, &blob, (0.0, blob.size()))))
                .await?;
            (response.header("etag").map(str::to_owned), sum)
        } else {
            let create = multipart::create_request(
                bucket,
                &full,
                content_type,
                &self.metadata,
                self.algorithm,
            )?;
            self.multipart(&blob, &mark, &full, plan, &create).await?
        };
        let out = js_sys::Object::new();
        set(
            &out,
            "key",
            &files::relative_key(&identity.identity_id, &full).into(),
        );
        set(
            &out,
            "etag",
            &etag.map_or(JsValue::UNDEFINED, JsValue::from),
        );
        set(&out, "size", &JsValue::from(s.size as f64));
        if let Some((algorithm, value)) = sum {
            let c = js_sys::Object::new();
            set(&c, "algorithm", &checksum::name(algorithm).into());
            set(&c, "value", &value.into());
            set(&out, "checksum", &c.into());
        }
        Ok(out.into())
    }

    /// The parts: continued from the app's record of an unfinished upload of the same `File`,
    /// or a new upload; sent `concurrency` at a time; then completed. A cancel or a failure
    /// aborts the upload, so that S3 keeps no parts. The ETag, and with a checksum the whole
    /// object's (combined from the parts').
    async fn multipart(
        &self,
        blob: &web_sys::Blob,
        mark: &str,
        full: &str,
        plan: PartPlan,
        create: &Request,
    ) -> Result<(Option<String>, Option<(Algorithm, String)>), Error> {
        let s = &self.shared;
        let bucket = &self.bucket;
        let store = s.session.store();
        let record_key = multipart::resumable_key(&bucket.name, full);
        let (upload_id, plan, done) = match self.continued(mark, full, &record_key).await? {
            Some(found) => found,
            None => {
                let response = s.send(create, None).await?;
                let upload_id = multipart::read_upload_id(&response)?;
                if !mark.is_empty() {
                    let record = Resumable {
                        upload_id: upload_id.clone(),
                        plan,
                        fingerprint: mark.to_owned(),
                        checksum: self.algorithm,
                    };
                    // A storage that refuses (full, private mode) loses only the resuming.
                    let _ = store.set(&record_key, &record.to_text());
                }
                (upload_id, plan, Vec::new())
            }
        };
        if !done.is_empty() {
            for part in &done {
                s.progress.borrow_mut().set(part.number, part.size);
            }
            s.notify();
        }
        let mut queue: Vec<u32> = (1..=plan.count)
            .rev()
            .filter(|n| done.binary_search_by_key(n, |p| p.number).is_err())
            .collect();
        let done = RefCell::new(done);
        {
            let queue = RefCell::new(std::mem::take(&mut queue));
            let worker = || async {
                loop {
                    let Some(number) = queue.borrow_mut().pop() else {
                        return;
                    };
                    let (start, end) = plan.range(number);
                    let range = (start as f64, end as f64);
                    let mut request =
                        multipart::upload_part_request(bucket, full, &upload_id, number);
                    let sum = match self.algorithm {
                        Some(a) => match s.crc_of(blob, range, a).await {
                            Ok(crc) => Some(checksum::of(&crc)),
                            Err(e) => {
                                s.fail(e);
                                return;
                            }
                        },
                        None => None,
                    };
                    if let (Some(a), Some(value)) = (self.algorithm, &sum) {
                        request
                            .headers
                            .push((checksum::header(a).into(), value.clone()));
                    }
                    let etag = match s.send(&request, Some((number, blob, range))).await {
                        Ok(response) => multipart::read_part_etag(&response),
                        Err(e) => Err(e),
                    };
                    match etag {
                        Ok(etag) => multipart::insert_part(
                            &mut done.borrow_mut(),
                            Part {
                                number,
                                etag,
                                size: end - start,
                                checksum: sum,
                            },
                        ),
                        Err(e) => {
                            s.fail(e);
                            return;
                        }
                    }
                }
            };
            let workers = self.concurrency.min(plan.count).max(1);
            crate::http::join::join((0..workers).map(|_| worker()).collect()).await;
        }
        let done = done.into_inner();
        let whole = self.algorithm.and_then(|a| whole_checksum(a, &done));
        let completed = match s.running().await {
            Ok(()) => {
                let request = multipart::complete_request(
                    bucket,
                    full,
                    &upload_id,
                    &done,
                    whole.as_ref().map(|(a, v)| (*a, v.as_str())),
                )?;
                match s.send(&request, None).await {
                    Ok(response) => multipart::read_complete(&response),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        match completed {
            Ok(etag) => {
                store.remove(&record_key);
                Ok((etag, whole))
            }
            Err(e) => {
                s.fail(e.clone());
                store.remove(&record_key);
                self.abort(full, &upload_id).await;
                Err(e)
            }
        }
    }

    /// The unfinished upload the app's storage records for this `File` and key, with the parts
    /// S3 has of it (ListParts, every page); `None` when there is none to continue.
    async fn continued(
        &self,
        mark: &str,
        full: &str,
        record_key: &str,
    ) -> Result<Option<(String, PartPlan, Vec<Part>)>, Error> {
        let s = &self.shared;
        let store = s.session.store();
        let Some(record) = store.get(record_key).and_then(|t| Resumable::parse(&t)) else {
            return Ok(None);
        };
        if !record.continues(s.size, mark, self.algorithm) {
            return Ok(None);
        }
        let mut listed = Vec::new();
        let mut marker = 0;
        loop {
            let request =
                multipart::list_parts_request(&self.bucket, full, &record.upload_id, marker);
            let page = match s.send(&request, None).await {
                Ok(response) => multipart::read_parts(&response)?,
                // Completed, aborted or expired meanwhile: start again.
                Err(e) if e.code == "NoSuchUpload" => {
                    store.remove(record_key);
                    return Ok(None);
                }
                Err(e) => return Err(e),
            };
            listed.extend(page.0);
            match page.1 {
                Some(next) if next > marker => marker = next,
                _ => break,
            }
        }
        let kept = multipart::reusable(&record.plan, listed, self.algorithm);
        Ok(Some((record.upload_id, record.plan, kept)))
    }

    /// AbortMultipartUpload, once the upload has stopped (cancelled or failed: its attempts
    /// are aborted by now, so no part is still going in), under a controller of its own.
    async fn abort(&self, full: &str, upload_id: &str) {
        let s = &self.shared;
        s.controller.replace(web_sys::AbortController::new().ok());
        let request = multipart::abort_request(&self.bucket, full, upload_id);
        let _ = s.attempt(&request, None).await;
    }
}
