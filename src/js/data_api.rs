//! The data exports of `Client`: `db(table)` and `files(bucket)`, their options, and the
//! identity id and credentials that scope them.

use super::*;

/// TypeScript types: the `db` options.
#[wasm_bindgen(typescript_custom_section)]
const DATA_TYPES: &'static str = r##"
/** Options of `db(table, options)`; the table name is 3 to 255 letters, digits, '_', '.' and '-'. */
export interface TableOptions {
  /** The partition key attribute, which holds the identity id ("pk" by default). */
  partitionKey?: string;
  /** The sort key attribute ("sk" by default; null for a table without one). */
  sortKey?: string | null;
  /**
   * Secondary indexes whose partition key attribute holds an identity id, by index name. A
   * write that sets one of these attributes to another identity's id is refused before it is
   * signed (OutOfScopeError), and `query({ index: "name" })` finds the index here.
   */
  indexes?: Record<string, IndexKeys>;
}
/** The key attributes of a secondary index. */
export interface IndexKeys {
  /** The index's partition key attribute (it holds an identity id). */
  partitionKey: string;
  /** The index's sort key attribute, if it has one. */
  sortKey?: string;
}
"##;

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// The signed-in user's identity id in the identity pool (or, with `guestAccess` and no one
    /// signed in, the guest's): the partition key and S3 prefix of their data. Fetches
    /// credentials if there are none yet.
    ///
    /// @throws `NotAuthorizedException` when no one is signed in and the client has no
    /// `guestAccess`, `ConfigError` (`field:
    /// "identityPoolId"`) when the config has none, and the identity pool's own errors
    /// (`ResourceNotFoundException`, ...).
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const id = await aws.identityId(); // "us-east-1:0f1e2d3c-..."
    /// await notes.put({ sk: "shared", owner: id });
    /// ```
    #[wasm_bindgen(js_name = identityId, unchecked_return_type = "Promise<string>")]
    pub fn identity_id(&self) -> Promise {
        let future = self.session.aws_identity();
        promise(async move { Ok(JsValue::from_str(&future.await?.identity_id)) })
    }

    /// When the cached AWS credentials expire (ms since the epoch, AWS's clock), or `undefined`
    /// before the first data call; no request.
    ///
    /// @throws never.
    /// @example
    /// ```ts
    /// const at = aws.credentialsExpireAt();
    /// console.log(at === undefined ? "no credentials yet" : `credentials until ${new Date(at).toISOString()}`);
    /// ```
    #[wasm_bindgen(js_name = credentialsExpireAt)]
    pub fn credentials_expire_at(&self) -> Option<f64> {
        self.session.credentials_expire_at_ms().map(|ms| ms as f64)
    }

    /// Your items in DynamoDB table `table` (3 to 255 letters, digits, `_`, `.` and `-`), whose
    /// partition key (default `"pk"`) holds the identity id; `sortKey` defaults to `"sk"`
    /// (`null` for a table without one). Throws an `InvalidInputError` naming a bad name or
    /// option.
    #[wasm_bindgen(js_name = db)]
    pub fn db(
        &self,
        table: String,
        #[wasm_bindgen(unchecked_optional_param_type = "TableOptions")] options: JsValue,
    ) -> Result<Table, JsValue> {
        crate::config::validate_table_name(&table)?;
        let mut o = InputReader::optional("options", &options, TABLE_OPTIONS);
        let pk = o.string("partitionKey").unwrap_or_else(|| "pk".into());
        // `null`: a table without a sort key.
        let sk = match o.get("sortKey") {
            Some(v) if v.is_null() => None,
            Some(_) => o
                .read("sortKey", "a string or null", JsValue::is_string)
                .and_then(|v| v.as_string()),
            None => Some("sk".to_owned()),
        };
        let indexes = o.indexes();
        o.finish()?;
        Ok(Table {
            session: self.session.clone(),
            table: Rc::new(dynamodb::TableSchema {
                name: table,
                pk_name: pk,
                sk_name: sk,
                indexes,
            }),
        })
    }

    /// Your objects in S3 bucket `bucket` (a name by S3's rules), under `<identityId>/`.
    /// `virtualHost` defaults to true on AWS and false with a custom endpoint. Throws an
    /// `InvalidInputError` naming a bad name or option.
    #[wasm_bindgen(js_name = files)]
    pub fn files(
        &self,
        bucket: String,
        #[wasm_bindgen(unchecked_optional_param_type = "FilesOptions")] options: JsValue,
    ) -> Result<Files, JsValue> {
        crate::config::validate_bucket_name(&bucket)?;
        let mut o = InputReader::optional("options", &options, FILES_OPTIONS);
        let custom = self.session.config().endpoint.is_some();
        let virtual_host = o
            .bool("virtualHost")
            .unwrap_or(!custom && !bucket.contains('.'));
        o.finish()?;
        let endpoint = self.session.config().endpoint_for(Service::S3);
        Ok(Files {
            session: self.session.clone(),
            bucket: Rc::new(s3::Bucket {
                name: bucket,
                endpoint,
                virtual_host,
            }),
        })
    }
}
