//! `aws.fetch(input, init)`: a signed request to the app's own API (API Gateway, a Lambda
//! function URL, AppSync) with the caller's credentials, answered with a real `Response`.

use super::*;
use crate::data::api;
use js_sys::Uint8Array;

/// TypeScript types: `aws.fetch`'s init.
#[wasm_bindgen(typescript_custom_section)]
const API_FETCH_TYPES: &'static str = r##"
/**
 * Where `aws.fetch` signs a request. Read from the host for API Gateway
 * (`{id}.execute-api.{region}.amazonaws.com`), Lambda function URLs
 * (`{id}.lambda-url.{region}.on.aws`) and AppSync (`{id}.appsync-api.{region}.amazonaws.com`);
 * give it for a custom domain or a local emulator.
 */
export interface AwsSigning {
  /** The signing name: "execute-api" (API Gateway), "lambda" (function URLs), "appsync". */
  service: "execute-api" | "lambda" | "appsync";
  /** The region; by default the host's, else the client's. */
  region?: string;
}
/** `fetch`'s `RequestInit`, plus where to sign. */
export interface AwsFetchInit extends RequestInit {
  /** Needed when the host names no AWS service (a custom domain). */
  aws?: AwsSigning;
}
"##;

/// `aws.fetch`'s `init.aws` fields.
const AWS_SIGNING: &[&str] = &["service", "region"];

#[wasm_bindgen(module = "/src/host.js")]
extern "C" {
    /// `new Request(input, init)` (fetch's own rules: the method normalised, forbidden headers
    /// dropped, Content-Type from the body), as `[request, method, url, headers as
    /// "name\nvalue\n...", signal, init.aws]`; throws fetch's `TypeError` for what fetch refuses.
    #[wasm_bindgen(catch, js_name = apiRequest)]
    fn api_request(input: &JsValue, init: &JsValue) -> Result<js_sys::Array, JsValue>;

    /// The request's body, whole, as bytes.
    #[wasm_bindgen(js_name = apiBody)]
    fn api_body(request: &JsValue) -> Promise;

    /// `new Response(body, { status, headers })` (a null body for 204, 205 and 304).
    #[wasm_bindgen(catch, js_name = apiResponse)]
    fn api_response(status: u16, head: &str, body: &Uint8Array) -> Result<JsValue, JsValue>;
}

fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| "it is not a valid request".into())
}

/// `"name\nvalue\n..."` into pairs (no name or value holds a line break).
fn header_pairs(head: &str) -> Vec<(String, String)> {
    head.split_terminator('\n')
        .collect::<Vec<_>>()
        .chunks_exact(2)
        .map(|pair| (pair[0].to_owned(), pair[1].to_owned()))
        .collect()
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// `fetch`, signed with your credentials (a guest's when signed out with `guestAccess`) for
    /// your own API: API Gateway with IAM authorization (`execute-api`), a Lambda function URL
    /// with `AWS_IAM` auth (`lambda`), AppSync with IAM auth (`appsync`). The service and region
    /// come from the host, or from `init.aws` (needed for a custom domain).
    ///
    /// Takes what `fetch` takes (a URL, string or `Request`; `method`, `headers`, `body` as
    /// fetch takes it, `signal`) and signs the request exactly as the browser sends it: the
    /// body's bytes (their SHA-256) and every header given (an `Authorization` of your own is
    /// replaced by the signature). The other `init` members (`mode`, `credentials`, `cache`,
    /// ...) are not used: the request goes out with the HTTP cache off, as every apiless call.
    ///
    /// Resolves to a real `Response` for every answer, whatever its status, as `fetch` does
    /// (check `ok`): your API's own errors are yours to read. Before resolving, apiless does what
    /// it does for every call: a 5xx or throttling answer (429) is retried with backoff (3
    /// attempts; the last answer is returned), a refusal for clock skew is re-signed with the
    /// server's time and sent again, each attempt has the client's `attemptTimeoutMs`. The body
    /// is read whole before the promise resolves; the `Response`'s `url` is empty, and its
    /// headers are those CORS lets the page read.
    ///
    /// @throws (rejects) `InvalidInputError` for what `fetch` refuses (`field: "init"`), a host
    /// that names no service without `init.aws`, a service other than the three, plain `http:`
    /// to a host other than this machine (the session token would travel in clear);
    /// `NotAuthorizedException` when no one is signed in (without guests), `ConfigError` without
    /// an `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` when no answer
    /// came (after the retries; CORS refusals too).
    /// @example
    /// ```ts
    /// const response = await aws.fetch("https://abc123.execute-api.us-east-1.amazonaws.com/prod/orders", {
    ///   method: "POST",
    ///   headers: { "content-type": "application/json" },
    ///   body: JSON.stringify({ item: "book" }),
    /// });
    /// if (!response.ok) console.log(response.status, await response.text());
    /// const custom = await aws.fetch("https://api.example.com/orders", { aws: { service: "execute-api", region: "us-east-1" } });
    /// ```
    #[wasm_bindgen(js_name = fetch, unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInfo | URL")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AwsFetchInit")] init: JsValue,
    ) -> Promise {
        let parts = match api_request(&input, &init) {
            Ok(parts) => parts,
            Err(e) => {
                return rejected(Error::invalid_input(
                    "init",
                    format!("fetch would refuse this request: {}", js_message(&e)),
                ))
            }
        };
        let request = parts.get(0);
        let method = parts.get(1).as_string().unwrap_or_default();
        let url = parts.get(2).as_string().unwrap_or_default();
        let headers = header_pairs(&parts.get(3).as_string().unwrap_or_default());
        let signal = parts.get(4).dyn_into::<AbortSignal>().ok();
        let mut o = InputReader::optional("init.aws", &parts.get(5), AWS_SIGNING);
        let service = o.string("service");
        let region = o.string("region");
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let target = match api::target(
            &url,
            service.as_deref(),
            region.as_deref(),
            &self.session.config().region,
        ) {
            Ok(target) => target,
            Err(e) => return rejected(e),
        };
        run_signed_call_as(
            &self.session,
            target.service,
            Some(target.region),
            Policy::STANDARD,
            signal,
            signed_call_body(move |_identity, ctx| {
                Box::pin(async move {
                    let body = if matches!(method.as_str(), "GET" | "HEAD") {
                        Vec::new()
                    } else {
                        wasm_bindgen_futures::JsFuture::from(api_body(&request))
                            .await
                            .map_err(|e| {
                                Error::invalid_input(
                                    "init.body",
                                    format!("the body could not be read: {}", js_message(&e)),
                                )
                            })?
                            .unchecked_into::<Uint8Array>()
                            .to_vec()
                    };
                    let hash = if body.len() >= WEBCRYPTO_FROM_BYTES {
                        PayloadHash::Sha256Hex(sha256_hex(&body).await?)
                    } else {
                        PayloadHash::Compute
                    };
                    let answer = ctx
                        .send_for_answer(
                            api::request(&method, &url, headers, body),
                            hash,
                            api::read_error,
                        )
                        .await?;
                    let mut head = String::new();
                    for (name, value) in &answer.headers {
                        head.push_str(name);
                        head.push('\n');
                        head.push_str(value);
                        head.push('\n');
                    }
                    api_response(
                        answer.status,
                        &head,
                        &Uint8Array::from(answer.body.as_slice()),
                    )
                    .map_err(|e| {
                        Error::protocol(format!(
                            "the answer cannot be a Response: {}",
                            js_message(&e)
                        ))
                    })
                })
            }),
        )
    }
}
