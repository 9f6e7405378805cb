//! The `Files` class: S3 objects under the user's own prefix.

use super::*;

/// TypeScript types: the `Files` class's options and results.
#[wasm_bindgen(typescript_custom_section)]
const FILES_TYPES: &'static str = r##"
/**
 * Options of `files(bucket, options)`; the bucket name follows S3's rules (3 to 63 lower-case
 * letters, digits, '.' and '-', no IP address, ...).
 */
export interface FilesOptions {
  /** Virtual-hosted URLs (bucket.s3.region.amazonaws.com); path-style otherwise. */
  virtualHost?: boolean;
}
export interface PutObjectOptions extends CallOptions {
  contentType?: string;
  /**
   * x-amz-meta-* headers. Names: letters, digits, '-' and '_', distinct ignoring case; values:
   * printable ASCII; at most 2,048 bytes of names and values together (S3's limit).
   */
  metadata?: StringMap;
  /** Sign with UNSIGNED-PAYLOAD instead of hashing the body. */
  unsignedPayload?: boolean;
}
/** What `put` resolves to: the key under your prefix, and the ETag S3 gave the object. */
export interface PutObjectResult { key: string; etag?: string }
export interface GetObjectOptions extends CallOptions {
  as?: "bytes" | "text" | "json" | "blob";
  /** e.g. "bytes=0-99". */
  range?: string;
  /**
   * Called as the body comes in: `loaded` bytes so far, of `total` (the answer's
   * Content-Length; left out when it names none). Starts again from 0 if the download is
   * retried.
   */
  onProgress?: (progress: { loaded: number; total?: number }) => void;
}
/** What `head` resolves to: the object's metadata, without its body. */
export interface ObjectHead {
  contentType?: string; contentLength?: number; etag?: string; lastModified?: string;
  metadata: Record<string, string>;
}
export interface ListOptions extends CallOptions {
  prefix?: string;
  /** At most this many objects (a whole number from 1; S3 returns at most 1000). */
  maxKeys?: number;
  continuationToken?: string;
}
/** One page of `list`: keys relative to your prefix; `continuationToken` when there is more. */
export interface ObjectList {
  objects: { key: string; size: number; etag: string; lastModified: string }[];
  continuationToken?: string;
}
/**
 * Options of `copy`. Without `contentType` and `metadata` the copy keeps the source's; with
 * either, the copy gets exactly these (S3's `REPLACE` directive).
 */
export interface CopyObjectOptions extends CallOptions {
  contentType?: string;
  metadata?: StringMap;
}
/** Options of `presignPost`. */
export interface PresignPostOptions extends CallOptions {
  /**
   * The smallest and largest upload the form accepts, in bytes (whole numbers, 0 to 5 GiB).
   * Required: a form without a bound lets whoever holds it upload up to S3's 5 GiB.
   */
  contentLengthRange: [number, number];
  /**
   * Accept every key that starts with `key` (e.g. `"uploads/"`; `""` for anywhere under your
   * prefix): the form's `key` field is then `<your prefix><key>${filename}`, and S3 puts the
   * uploaded file's name in place of `${filename}`. Otherwise `key` exactly.
   */
  startsWith?: boolean;
  /** The one Content-Type the upload may have (the form's `Content-Type` field). */
  contentType?: string;
  /**
   * Whole seconds the form is valid, 1 to 604800 (900 by default), clamped to what the signing
   * credentials have left (at most an hour): a form never outlives them.
   */
  expiresIn?: number;
}
/**
 * A presigned POST upload: POST a `multipart/form-data` body to `url` with every one of
 * `fields`, in order, then the file as the field `file` (last). S3 answers 204.
 */
export interface PresignedPost { url: string; fields: Record<string, string> }
export interface PresignOptions extends CallOptions {
  method?: "GET" | "PUT";
  /**
   * Whole seconds the URL is valid, 1 to 604800 (900 by default), clamped to what the signing
   * credentials have left (at most an hour): a URL never outlives them.
   */
  expiresIn?: number;
}
"##;

/// The signed-in user's objects in one bucket, all under `<identityId>/`.
#[wasm_bindgen(js_name = Files)]
pub struct Files {
    pub(super) session: Rc<Session<Fetch>>,
    pub(super) bucket: Rc<s3::Bucket>,
}

/// Options common to every call: `signal` and the loudly named scope bypass.
pub(super) struct CallOptions {
    pub(super) signal: Option<AbortSignal>,
    pub(super) scope: ScopeCheck,
}

/// The body of a PutObject: a string (UTF-8), `Uint8Array`, `ArrayBuffer` or `Blob`/`File`.
async fn body_bytes(body: JsValue) -> Result<(Vec<u8>, Option<String>), Error> {
    if let Some(s) = body.as_string() {
        return Ok((s.into_bytes(), Some("text/plain; charset=utf-8".into())));
    }
    if let Some(bytes) = binary_of(&body) {
        return Ok((bytes, None));
    }
    if let Some(blob) = body.dyn_ref::<web_sys::Blob>() {
        let kind = blob.type_();
        let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
            .await
            .map_err(|_| Error::invalid_input("body", "the Blob could not be read"))?;
        return Ok((
            js_sys::Uint8Array::new(&buffer).to_vec(),
            (!kind.is_empty()).then_some(kind),
        ));
    }
    Err(Error::invalid_input(
        "body",
        "the body must be a string, Uint8Array, ArrayBuffer or Blob",
    ))
}

/// SHA-256 of `bytes` by WebCrypto (native code, not on the wasm side), as hex.
pub(super) async fn sha256_hex(bytes: &[u8]) -> Result<String, Error> {
    let subtle = Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .and_then(|c| Reflect::get(&c, &"subtle".into()).ok())
        .and_then(|s| s.dyn_into::<web_sys::SubtleCrypto>().ok())
        .ok_or_else(|| Error::config("crypto", "crypto.subtle is not available (a page served over plain http from a non-local host?)"))?;
    let data = js_sys::Uint8Array::from(bytes);
    let digest = subtle
        .digest_with_str_and_buffer_source("SHA-256", &data)
        .map_err(|_| Error::protocol("crypto.subtle.digest refused SHA-256"))?;
    let digest = wasm_bindgen_futures::JsFuture::from(digest)
        .await
        .map_err(|_| Error::protocol("SHA-256 failed"))?;
    Ok(hex::encode(js_sys::Uint8Array::new(&digest).to_vec()))
}

/// Bodies at least this large are hashed by WebCrypto; smaller ones on the wasm side.
pub(super) const WEBCRYPTO_FROM_BYTES: usize = 64 * 1024;

pub(super) fn relative_key(identity_id: &str, key: &str) -> String {
    key.strip_prefix(&format!("{identity_id}/"))
        .unwrap_or(key)
        .to_owned()
}

#[wasm_bindgen(js_class = Files)]
impl Files {
    /// Uploads `body` (string, Uint8Array, ArrayBuffer, Blob/File) to `key` under your prefix
    /// (PutObject).
    ///
    /// Options: `contentType`, `metadata` (an object of strings), `unsignedPayload` (skip hashing
    /// the body), `signal`. Resolves to `{ key, etag? }`.
    ///
    /// @throws `InvalidInputError` for an empty key, a body of another type, metadata S3 would
    /// refuse (names, values, over 2 KB) or a bad option.
    /// @throws `OutOfScopeError` for a key under another identity's prefix.
    /// @throws S3's own names: `AccessDenied` (IAM), `NoSuchBucket`, `SlowDown` (retryable, after
    /// the retries).
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// await files.put("notes/1.txt", "hello", { contentType: "text/plain" });
    /// await files.put("photos/cat.jpg", file, { contentType: file.type, metadata: { album: "cats" } });
    /// ```
    #[wasm_bindgen(js_name = put, unchecked_return_type = "Promise<PutObjectResult>")]
    pub fn put(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer | Blob")]
        body: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PutObjectOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, PUT_OBJECT_OPTIONS);
        let opts = o.call();
        let content_type = o.string("contentType");
        let unsigned = o.bool("unsignedPayload") == Some(true);
        let metadata = o.pairs("metadata");
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        run_signed_call(
            &self.session,
            Service::S3,
            opts.signal,
            signed_call_body(move |identity, ctx| {
                Box::pin(async move {
                    let full = s3::scoped_key(&identity.identity_id, &key, opts.scope)?;
                    let (bytes, detected) = body_bytes(body).await?;
                    let hash = if unsigned {
                        PayloadHash::Unsigned
                    } else if bytes.len() >= WEBCRYPTO_FROM_BYTES {
                        PayloadHash::Sha256Hex(sha256_hex(&bytes).await?)
                    } else {
                        PayloadHash::Compute
                    };
                    let request = bucket.put_request(
                        &full,
                        bytes,
                        content_type.as_deref().or(detected.as_deref()),
                        &metadata,
                    )?;
                    let response = s3::send(ctx, request, hash).await?;
                    let out = js_sys::Object::new();
                    set(
                        &out,
                        "key",
                        &relative_key(&identity.identity_id, &full).into(),
                    );
                    set(
                        &out,
                        "etag",
                        &response
                            .header("etag")
                            .map_or(JsValue::UNDEFINED, JsValue::from),
                    );
                    Ok(JsValue::from(out))
                })
            }),
        )
    }

    /// Downloads `key` (GetObject): `as` `"bytes"` (a Uint8Array, the default), `"text"`, `"json"`
    /// or `"blob"`; `range` (`"bytes=0-99"`); `onProgress({ loaded, total })` as the body comes
    /// in; `signal`.
    ///
    /// @throws `NoSuchKey` when there is no such object; `InvalidRange`.
    /// @throws `OutOfScopeError` for a key under another identity's prefix.
    /// @throws `InvalidInputError` for a bad key or option; `ProtocolError` when `as: "json"` and
    /// the body is not JSON.
    /// @throws S3's own names: `AccessDenied` (IAM), `NoSuchBucket`, `SlowDown` (retryable, after
    /// the retries).
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// const text = (await files.get("notes/1.txt", { as: "text" })) as string;
    /// const photo = (await files.get("photos/cat.jpg", {
    ///   as: "blob",
    ///   onProgress: ({ loaded, total }) => console.log(loaded, "of", total),
    /// })) as Blob;
    /// console.log(text, URL.createObjectURL(photo));
    /// ```
    #[wasm_bindgen(js_name = get, unchecked_return_type = "Promise<unknown>")]
    pub fn get(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_optional_param_type = "GetObjectOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, GET_OBJECT_OPTIONS);
        let opts = o.call();
        let as_ = o
            .one_of("as", &["bytes", "text", "json", "blob"])
            .unwrap_or("bytes");
        let range = o.string("range");
        let on_progress = o
            .read("onProgress", "a function", JsValue::is_function)
            .map(JsCast::unchecked_into::<Function>);
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        run_signed_call(
            &self.session,
            Service::S3,
            opts.signal,
            signed_call_body(move |identity, ctx| {
                Box::pin(async move {
                    let full = s3::scoped_key(&identity.identity_id, &key, opts.scope)?;
                    // With onProgress: the same fetch, reading the body chunk by chunk.
                    let counting = SessionBoundFetch {
                        fetch: Fetch {
                            progress: on_progress,
                            ..ctx.transport.fetch.clone()
                        },
                        session: ctx.transport.session.clone(),
                        generation: ctx.transport.generation,
                    };
                    let response = s3::send(
                        &ctx.over(&counting),
                        bucket.get_request(&full, range.as_deref()),
                        PayloadHash::Compute,
                    )
                    .await?;
                    match as_ {
                        "text" => Ok(JsValue::from_str(&String::from_utf8_lossy(&response.body))),
                        "json" => js_sys::JSON::parse(&String::from_utf8_lossy(&response.body))
                            .map_err(|_| {
                                Error::protocol(format!(
                                    "the object {} is not JSON",
                                    crate::codec::json::quoted(&key)
                                ))
                            }),
                        "blob" => {
                            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(
                                response.body.as_slice(),
                            ));
                            let props = web_sys::BlobPropertyBag::new();
                            props.set_type(response.header("content-type").unwrap_or(""));
                            web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &props)
                                .map(JsValue::from)
                                .map_err(|_| Error::protocol("could not build a Blob"))
                        }
                        _ => Ok(js_sys::Uint8Array::from(response.body.as_slice()).into()),
                    }
                })
            }),
        )
    }

    /// The object's metadata without its body (HeadObject): `contentType`, `contentLength`, `etag`,
    /// `lastModified`, `metadata` (the `x-amz-meta-*` headers the bucket's CORS exposes).
    ///
    /// @throws `NotFound` when there is no such object (a HEAD answer has no body to name the
    /// error).
    /// @throws `OutOfScopeError` for a key under another identity's prefix.
    /// @throws `InvalidInputError` for a bad key or option.
    /// @throws S3's own names: `AccessDenied` (IAM), `NoSuchBucket`, `SlowDown` (retryable, after
    /// the retries).
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// const { contentLength, metadata } = await files.head("photos/cat.jpg");
    /// console.log(contentLength, metadata.album);
    /// ```
    #[wasm_bindgen(js_name = head, unchecked_return_type = "Promise<ObjectHead>")]
    pub fn head(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, CALL_OPTIONS);
        let opts = o.call();
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        run_signed_call(
            &self.session,
            Service::S3,
            opts.signal,
            signed_call_body(move |identity, ctx| {
                Box::pin(async move {
                    let full = s3::scoped_key(&identity.identity_id, &key, opts.scope)?;
                    let response =
                        s3::send(ctx, bucket.head_request(&full), PayloadHash::Compute).await?;
                    let out = js_sys::Object::new();
                    let header = |name: &str| {
                        response
                            .header(name)
                            .map_or(JsValue::UNDEFINED, JsValue::from)
                    };
                    set(&out, "contentType", &header("content-type"));
                    set(
                        &out,
                        "contentLength",
                        &response
                            .header("content-length")
                            .and_then(|l| l.parse::<u64>().ok().map(|n| n as f64))
                            .map_or(JsValue::UNDEFINED, JsValue::from),
                    );
                    set(&out, "etag", &header("etag"));
                    set(&out, "lastModified", &header("last-modified"));
                    // Header names come lower-case from fetch.
                    let metadata = response.headers.iter().filter_map(|(name, value)| {
                        Some((name.strip_prefix("x-amz-meta-")?, value.as_str()))
                    });
                    set(&out, "metadata", &object_of(metadata));
                    Ok(JsValue::from(out))
                })
            }),
        )
    }

    /// Deletes `key` (DeleteObject); deleting an object that is not there succeeds.
    ///
    /// @throws `OutOfScopeError` for a key under another identity's prefix.
    /// @throws `InvalidInputError` for a bad key or option.
    /// @throws S3's own names: `AccessDenied` (IAM), `NoSuchBucket`, `SlowDown` (retryable, after
    /// the retries).
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// await files.delete("notes/1.txt");
    /// ```
    #[wasm_bindgen(js_name = delete, unchecked_return_type = "Promise<void>")]
    pub fn delete(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, CALL_OPTIONS);
        let opts = o.call();
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        run_signed_call(
            &self.session,
            Service::S3,
            opts.signal,
            signed_call_body(move |identity, ctx| {
                Box::pin(async move {
                    let full = s3::scoped_key(&identity.identity_id, &key, opts.scope)?;
                    s3::send(ctx, bucket.delete_request(&full), PayloadHash::Compute).await?;
                    Ok(JsValue::UNDEFINED)
                })
            }),
        )
    }

    /// Lists your objects, one page (ListObjectsV2): `prefix` (under your prefix), `maxKeys`,
    /// `continuationToken` from the previous page, `signal`. Keys come back relative to your
    /// prefix.
    ///
    /// @throws `InvalidInputError` for a `maxKeys` that is not a whole number from 1, or a bad
    /// option.
    /// @throws S3's own names: `AccessDenied` (IAM), `NoSuchBucket`, `SlowDown` (retryable, after
    /// the retries).
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// let token: string | undefined;
    /// do {
    ///   const page = await files.list({ prefix: "photos/", continuationToken: token });
    ///   for (const o of page.objects) console.log(o.key, o.size);
    ///   token = page.continuationToken;
    /// } while (token);
    /// ```
    #[wasm_bindgen(js_name = list, unchecked_return_type = "Promise<ObjectList>")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, LIST_OPTIONS);
        let opts = o.call();
        let prefix = o.string("prefix").unwrap_or_default();
        let token = o.string("continuationToken");
        let max_keys = o.whole("maxKeys", MAX_INT);
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        run_signed_call(
            &self.session,
            Service::S3,
            opts.signal,
            signed_call_body(move |identity, ctx| {
                Box::pin(async move {
                    let full_prefix = if opts.scope == ScopeCheck::UnscopedForDemoOnly {
                        prefix.clone()
                    } else {
                        if prefix.split('/').any(|s| s == "." || s == "..") {
                            return Err(Error::invalid_input(
                                "prefix",
                                "the prefix has a '.' or '..' segment",
                            ));
                        }
                        format!("{}/{prefix}", identity.identity_id)
                    };
                    let response = s3::send(
                        ctx,
                        bucket.list_request(&full_prefix, token.as_deref(), max_keys, None),
                        PayloadHash::Compute,
                    )
                    .await?;
                    let listing = s3::read_listing(&response)?;
                    let objects = js_sys::Array::new();
                    for o in &listing.objects {
                        let item = js_sys::Object::new();
                        set(
                            &item,
                            "key",
                            &relative_key(&identity.identity_id, &o.key).into(),
                        );
                        set(&item, "size", &(o.size as f64).into());
                        set(&item, "etag", &o.etag.as_str().into());
                        set(&item, "lastModified", &o.last_modified.as_str().into());
                        objects.push(&item);
                    }
                    let out = js_sys::Object::new();
                    set(&out, "objects", &objects);
                    set(
                        &out,
                        "continuationToken",
                        &listing
                            .next_continuation_token
                            .as_deref()
                            .map_or(JsValue::UNDEFINED, JsValue::from),
                    );
                    Ok(JsValue::from(out))
                })
            }),
        )
    }

    /// Copies `source` to `destination`, both under your prefix (CopyObject: S3 copies, no
    /// bytes pass through the browser). Options: `contentType` and `metadata` to give the copy
    /// (else it keeps the source's), `signal`. Resolves to `{ key, etag? }` of the copy.
    ///
    /// @throws `OutOfScopeError` when either key is under another identity's prefix.
    /// @throws `InvalidInputError` for an empty key, metadata S3 would refuse or a bad option.
    /// @throws `NoSuchKey` when there is no source; S3's other names: `AccessDenied` (IAM, which
    /// checks reading the source and writing the copy), `NoSuchBucket`, `SlowDown` (retryable,
    /// after the retries); `InternalError` (retryable) when S3 failed after accepting the copy.
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// await files.copy("photos/cat.jpg", "albums/best/cat.jpg");
    /// await files.copy("drafts/a.md", "published/a.md", { contentType: "text/markdown" });
    /// ```
    #[wasm_bindgen(js_name = copy, unchecked_return_type = "Promise<PutObjectResult>")]
    pub fn copy(
        &self,
        source: String,
        destination: String,
        #[wasm_bindgen(unchecked_optional_param_type = "CopyObjectOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, COPY_OPTIONS);
        let opts = o.call();
        let content_type = o.string("contentType");
        let replace_metadata = o.get("metadata").is_some();
        let metadata = o.pairs("metadata");
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        run_signed_call(
            &self.session,
            Service::S3,
            opts.signal,
            signed_call_body(move |identity, ctx| {
                Box::pin(async move {
                    let from = s3::scoped_key(&identity.identity_id, &source, opts.scope)
                        .map_err(field_named("source"))?;
                    let to = s3::scoped_key(&identity.identity_id, &destination, opts.scope)
                        .map_err(field_named("destination"))?;
                    let replace = (content_type.is_some() || replace_metadata)
                        .then_some((content_type.as_deref(), metadata.as_slice()));
                    let request = bucket.copy_request(&from, &to, replace)?;
                    let response = s3::send(ctx, request, PayloadHash::Compute).await?;
                    let etag = s3::read_copy(&response)?;
                    let out = js_sys::Object::new();
                    set(
                        &out,
                        "key",
                        &relative_key(&identity.identity_id, &to).into(),
                    );
                    set(
                        &out,
                        "etag",
                        &etag.as_deref().map_or(JsValue::UNDEFINED, JsValue::from),
                    );
                    Ok(JsValue::from(out))
                })
            }),
        )
    }

    /// A presigned POST upload for `key` under your prefix (or, with `startsWith`, every key
    /// under `key`): the URL and the form fields a browser `<form>` or `fetch` with `FormData`
    /// sends, the file last. The policy bounds the size (`contentLengthRange`, required), may
    /// fix the Content-Type, and expires after `expiresIn` seconds (default 900, never past the
    /// credentials' own expiry). Signed here, no request to S3; S3 checks the policy, the
    /// signature and IAM (the signer's role) when the form is posted.
    ///
    /// @throws `InvalidInputError` for a bad key, a missing or bad `contentLengthRange`, a bad
    /// `expiresIn` or option.
    /// @throws `OutOfScopeError` for a key under another identity's prefix.
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError`, and the identity pool's errors while fetching credentials.
    /// @example
    /// ```ts
    /// const { url, fields } = await files.presignPost("uploads/", {
    ///   startsWith: true, contentLengthRange: [1, 10 * 1024 * 1024], contentType: "image/png",
    /// });
    /// const form = new FormData();
    /// for (const [name, value] of Object.entries(fields)) form.append(name, value);
    /// form.append("file", file); // last
    /// await fetch(url, { method: "POST", body: form });
    /// ```
    #[wasm_bindgen(js_name = presignPost, unchecked_return_type = "Promise<PresignedPost>")]
    pub fn presign_post(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_param_type = "PresignPostOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::new("options", &options, PRESIGN_POST_OPTIONS);
        let opts = o.call();
        let range = content_length_range(&mut o);
        let starts_with = o.bool("startsWith") == Some(true);
        let content_type = o.string("contentType");
        let expires = f64::from(o.whole("expiresIn", 604_800).unwrap_or(900));
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        run_signed_call(
            &self.session,
            Service::S3,
            opts.signal,
            signed_call_body(move |identity, ctx| {
                Box::pin(async move {
                    let full = if starts_with && key.is_empty() {
                        match opts.scope {
                            ScopeCheck::Enforce => format!("{}/", identity.identity_id),
                            ScopeCheck::UnscopedForDemoOnly => String::new(),
                        }
                    } else {
                        s3::scoped_key(&identity.identity_id, &key, opts.scope)?
                    };
                    let now = ctx.clock.corrected((ctx.now)());
                    let left = ((identity.credentials.expires_at_ms as f64 - now) / 1000.0)
                        .floor()
                        .max(1.0);
                    let scope = sigv4::Scope {
                        service: Service::S3.name(),
                        region: ctx.region,
                        time_ms: now,
                    };
                    let signing = sigv4::PostPolicySigning::new(ctx.credentials, &scope)?;
                    let policy = s3::PostPolicy {
                        key: if starts_with {
                            s3::PostKey::StartsWith(&full)
                        } else {
                            s3::PostKey::Exact(&full)
                        },
                        content_length: range,
                        content_type: content_type.as_deref(),
                        expires_at_ms: now + 1000.0 * expires.min(left),
                    };
                    let (url, fields) = bucket.presigned_post(
                        &policy,
                        &signing,
                        ctx.credentials.session_token.as_deref(),
                    )?;
                    let form = js_sys::Object::new();
                    for (name, value) in &fields {
                        set(&form, name, &value.as_str().into());
                    }
                    let out = js_sys::Object::new();
                    set(&out, "url", &url.into());
                    set(&out, "fields", &form);
                    Ok(JsValue::from(out))
                })
            }),
        )
    }

    /// A presigned URL for GET (default) or PUT on `key`, valid `expiresIn` seconds (default 900,
    /// at most 604800 and never past the credentials' own expiry); signed here, no request to S3.
    ///
    /// @throws `InvalidInputError` for a bad key, `method` or `expiresIn`, or a bad option.
    /// @throws `OutOfScopeError` for a key under another identity's prefix.
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError`, and the identity pool's errors while fetching credentials.
    /// @example
    /// ```ts
    /// const url = await files.presign("photos/cat.jpg", { expiresIn: 300 });
    /// const upload = await files.presign("photos/dog.jpg", { method: "PUT" });
    /// await fetch(upload, { method: "PUT", body: file });
    /// console.log(url);
    /// ```
    #[wasm_bindgen(js_name = presign, unchecked_return_type = "Promise<string>")]
    pub fn presign(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_optional_param_type = "PresignOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, PRESIGN_OPTIONS);
        let opts = o.call();
        let method = o.one_of("method", &["GET", "PUT"]).unwrap_or("GET");
        let expires = f64::from(o.whole("expiresIn", 604_800).unwrap_or(900));
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        run_signed_call(
            &self.session,
            Service::S3,
            opts.signal,
            signed_call_body(move |identity, ctx| {
                Box::pin(async move {
                    let full = s3::scoped_key(&identity.identity_id, &key, opts.scope)?;
                    let now = ctx.clock.corrected((ctx.now)());
                    let left = ((identity.credentials.expires_at_ms as f64 - now) / 1000.0)
                        .floor()
                        .max(1.0);
                    let scope = sigv4::Scope {
                        service: Service::S3.name(),
                        region: ctx.region,
                        time_ms: now,
                    };
                    let url = sigv4::presign(
                        method,
                        &bucket.object_url(&full),
                        ctx.credentials,
                        &scope,
                        expires.min(left) as u64,
                    )?;
                    Ok(JsValue::from_str(&url))
                })
            }),
        )
    }
}

/// `contentLengthRange`: `[min, max]`, whole numbers of bytes from 0 to 5 GiB, required. (No
/// f64 is formatted: that costs kilobytes of wasm.)
fn content_length_range(o: &mut InputReader) -> (u64, u64) {
    let Some(v) = o.get("contentLengthRange") else {
        o.wrong("contentLengthRange", "given: [min, max] bytes");
        return (0, 0);
    };
    let bound = |n: Option<f64>| {
        n.filter(|n| n.fract() == 0.0 && (0.0..=s3::MAX_POST_BYTES as f64).contains(n))
            .map(|n| n as u64)
    };
    let pair = v.dyn_ref::<js_sys::Array>().filter(|a| a.length() == 2);
    match pair.map(|a| (bound(a.get(0).as_f64()), bound(a.get(1).as_f64()))) {
        Some((Some(min), Some(max))) if min <= max => (min, max),
        _ => {
            o.wrong(
                "contentLengthRange",
                "[min, max]: whole numbers of bytes, 0 <= min <= max <= 5 GiB",
            );
            (0, 0)
        }
    }
}

/// An error of the scope guard (about `key`) renamed to the argument it was about.
fn field_named(name: &'static str) -> impl Fn(Error) -> Error {
    move |mut e| {
        if e.field.as_deref() == Some("key") {
            e.field = Some(name.to_owned());
        }
        e
    }
}
