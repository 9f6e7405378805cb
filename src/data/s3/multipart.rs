//! S3 multipart uploads, the pure part: how a body is cut into parts within S3's limits, the
//! requests of CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload
//! and ListParts, their answers, and the record an upload keeps in the app's storage so that a
//! reloaded page can find it again. Sending, reading the body slice by slice and the progress
//! are the caller's.

use super::{checksum, element, elements, unescape, Bucket};
use crate::codec::json::{Json, Map};
use crate::codec::text;
use crate::crc::Algorithm;
use crate::error::{Error, Result};
use crate::http::{Request, Response};

const MIB: u64 = 1024 * 1024;
/// The smallest part S3 takes (the last part may be smaller).
pub const MIN_PART_BYTES: u64 = 5 * MIB;
/// The largest part S3 takes.
pub const MAX_PART_BYTES: u64 = 5 * 1024 * MIB;
/// The most parts one upload may have.
pub const MAX_PARTS: u64 = 10_000;
/// The largest object S3 keeps: 5 TiB.
pub const MAX_OBJECT_BYTES: u64 = 5 * 1024 * 1024 * MIB;
/// The part size when the caller names none (grown for bodies over 80,000 MiB, so that 10,000
/// parts hold them).
pub const DEFAULT_PART_BYTES: u64 = 8 * MIB;

/// How a body of `size` bytes is cut: parts of `part_size` bytes, the last one shorter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartPlan {
    /// The body's size.
    pub size: u64,
    /// Every part's size but the last's.
    pub part_size: u64,
    /// How many parts (at least 1).
    pub count: u32,
}

impl PartPlan {
    /// The plan for `size` bytes in parts of `part_size` (the caller's), or of the default,
    /// grown by whole MiB until 10,000 parts hold the body. A part size of the caller's that S3
    /// would refuse, or that needs more than 10,000 parts, is an `InvalidInputError` naming
    /// what would do.
    pub fn new(size: u64, part_size: Option<u64>) -> Result<PartPlan> {
        if size > MAX_OBJECT_BYTES {
            return Err(Error::invalid_input(
                "body",
                "the body is larger than S3's largest object (5 TiB)",
            ));
        }
        let smallest = size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB;
        let part_size = match part_size {
            None => DEFAULT_PART_BYTES.max(smallest),
            Some(p) if !(MIN_PART_BYTES..=MAX_PART_BYTES).contains(&p) => {
                return Err(Error::invalid_input(
                    "partSize",
                    "the part size must be 5 MiB (5,242,880 bytes) to 5 GiB, as S3 takes them",
                ));
            }
            Some(p) if size.div_ceil(p) > MAX_PARTS => {
                return Err(Error::invalid_input(
                    "partSize",
                    format!(
                        "this body needs more than S3's 10,000 parts at that size; \
                         {smallest} bytes or more would do"
                    ),
                ));
            }
            Some(p) => p,
        };
        Ok(PartPlan {
            size,
            part_size,
            count: size.div_ceil(part_size).max(1) as u32,
        })
    }

    /// The bytes `[start, end)` of part `number` (1 to `count`).
    pub fn range(&self, number: u32) -> (u64, u64) {
        let start = u64::from(number.saturating_sub(1)) * self.part_size;
        (
            start.min(self.size),
            (start + self.part_size).min(self.size),
        )
    }
}

/// One uploaded part, as CompleteMultipartUpload names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// 1 to 10,000.
    pub number: u32,
    /// The part's ETag, quotes included, as S3 gave it.
    pub etag: String,
    /// Its size in bytes (from ListParts; 0 when not known).
    pub size: u64,
    /// Its checksum as S3 writes it, when the upload has one (`ChecksumCRC32`,
    /// `ChecksumCRC64NVME`).
    pub checksum: Option<String>,
}

fn upload_query(upload_id: &str) -> String {
    format!("uploadId={}", text::percent_encode(upload_id, false))
}

/// `CreateMultipartUpload` of `full_key` (already scoped), with the object's content type and
/// user metadata (checked as `put` checks them); with `checksum`, every part carries one and
/// the object gets the CRC of its whole body (the FULL_OBJECT type).
pub fn create_request(
    bucket: &Bucket,
    full_key: &str,
    content_type: Option<&str>,
    metadata: &[(String, String)],
    checksum: Option<Algorithm>,
) -> Result<Request> {
    // A PutObject's headers, without a body, posted to `?uploads`.
    let mut request = bucket.put_request(full_key, Vec::new(), content_type, metadata)?;
    request.method = "POST".into();
    request.url.push_str("?uploads");
    if let Some(algorithm) = checksum {
        request.headers.push((
            "x-amz-checksum-algorithm".into(),
            checksum::name(algorithm).into(),
        ));
        request
            .headers
            .push(("x-amz-checksum-type".into(), checksum::FULL_OBJECT.into()));
    }
    Ok(request)
}

/// `UploadPart` number `number` of the upload; the body is the caller's to attach.
pub fn upload_part_request(
    bucket: &Bucket,
    full_key: &str,
    upload_id: &str,
    number: u32,
) -> Request {
    Request {
        method: "PUT".into(),
        // Query parameters sorted by name, as the canonical request has them.
        url: format!(
            "{}?partNumber={number}&{}",
            bucket.object_url(full_key),
            upload_query(upload_id)
        ),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// Adds `part` to `parts`, kept in part-number order (as [`complete_request`] takes them); a
/// part of the same number is replaced. (Parts finish nearly in order: the place is found from
/// the end.)
pub fn insert_part(parts: &mut Vec<Part>, part: Part) {
    let at = parts.partition_point(|p| p.number < part.number);
    if parts.get(at).is_some_and(|p| p.number == part.number) {
        parts[at] = part;
    } else {
        parts.insert(at, part);
    }
}

/// `CompleteMultipartUpload` with every part, given in part-number order (see
/// [`insert_part`]); with `checksum`, each part's and the whole object's (`value`, as S3 writes
/// it), which S3 checks.
pub fn complete_request(
    bucket: &Bucket,
    full_key: &str,
    upload_id: &str,
    parts: &[Part],
    checksum: Option<(Algorithm, &str)>,
) -> Result<Request> {
    if parts.is_empty() || parts.windows(2).any(|w| w[0].number >= w[1].number) {
        return Err(Error::internal(
            "a multipart upload completes with one ETag per part, in order, and at least one part",
        ));
    }
    if checksum.is_some() && parts.iter().any(|p| p.checksum.is_none()) {
        return Err(Error::internal(
            "an upload with a checksum completes with every part's checksum",
        ));
    }
    let mut xml =
        String::from("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    for part in parts {
        xml.push_str("<Part><PartNumber>");
        xml.push_str(&part.number.to_string());
        xml.push_str("</PartNumber><ETag>");
        escape_into(&mut xml, &part.etag);
        xml.push_str("</ETag>");
        if let (Some((algorithm, _)), Some(value)) = (checksum, &part.checksum) {
            let name = checksum::element(algorithm);
            for piece in ["<", name, ">"] {
                xml.push_str(piece);
            }
            escape_into(&mut xml, value);
            for piece in ["</", name, ">"] {
                xml.push_str(piece);
            }
        }
        xml.push_str("</Part>");
    }
    xml.push_str("</CompleteMultipartUpload>");
    let mut headers = vec![("content-type".to_owned(), "application/xml".to_owned())];
    if let Some((algorithm, value)) = checksum {
        headers.push((checksum::header(algorithm).into(), value.into()));
        headers.push(("x-amz-checksum-type".into(), checksum::FULL_OBJECT.into()));
    }
    Ok(Request {
        method: "POST".into(),
        url: format!(
            "{}?{}",
            bucket.object_url(full_key),
            upload_query(upload_id)
        ),
        headers,
        body: xml.into_bytes(),
    })
}

/// `AbortMultipartUpload`: S3 drops the parts uploaded so far.
pub fn abort_request(bucket: &Bucket, full_key: &str, upload_id: &str) -> Request {
    Request {
        method: "DELETE".into(),
        url: format!(
            "{}?{}",
            bucket.object_url(full_key),
            upload_query(upload_id)
        ),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// `ListParts` of the upload, from after part `marker` (0 for the first page).
pub fn list_parts_request(
    bucket: &Bucket,
    full_key: &str,
    upload_id: &str,
    marker: u32,
) -> Request {
    let marker = if marker == 0 {
        String::new()
    } else {
        format!("part-number-marker={marker}&")
    };
    Request {
        method: "GET".into(),
        url: format!(
            "{}?{marker}{}",
            bucket.object_url(full_key),
            upload_query(upload_id)
        ),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// The `UploadId` of a CreateMultipartUpload answer.
pub fn read_upload_id(response: &Response) -> Result<String> {
    let xml = std::str::from_utf8(&response.body).unwrap_or("");
    element(xml, "UploadId")
        .map(unescape)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| Error::protocol("S3 started a multipart upload without an UploadId"))
}

/// The `ETag` an UploadPart answer carries in its header (the bucket's CORS rule must expose
/// it: without it the part cannot be named when completing).
pub fn read_part_etag(response: &Response) -> Result<String> {
    response
        .header("etag")
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            Error::protocol(
                "S3's answer to UploadPart has no ETag the page may read: the bucket's CORS \
                 rule must expose the ETag header",
            )
        })
}

/// One page of ListParts: the parts, and the marker of the next page when there is one.
pub fn read_parts(response: &Response) -> Result<(Vec<Part>, Option<u32>)> {
    let xml = std::str::from_utf8(&response.body)
        .map_err(|_| Error::protocol("S3 listed the parts in a body that is not UTF-8"))?;
    let mut parts = Vec::new();
    for part in elements(xml, "Part") {
        let number = element(part, "PartNumber").and_then(|n| n.trim().parse::<u32>().ok());
        let etag = element(part, "ETag").map(unescape);
        let size = element(part, "Size").and_then(|n| n.trim().parse::<u64>().ok());
        let checksum = [Algorithm::Crc32, Algorithm::Crc64Nvme]
            .into_iter()
            .find_map(|a| element(part, checksum::element(a)))
            .map(unescape);
        match (number, etag) {
            (Some(number), Some(etag)) if (1..=10_000).contains(&number) => parts.push(Part {
                number,
                etag,
                size: size.unwrap_or(0),
                checksum,
            }),
            _ => {
                return Err(Error::protocol(
                    "S3 listed a part without its number or ETag",
                ))
            }
        }
    }
    let truncated = element(xml, "IsTruncated").map(str::trim) == Some("true");
    let next = element(xml, "NextPartNumberMarker").and_then(|n| n.trim().parse::<u32>().ok());
    match (truncated, next) {
        (true, Some(marker)) => Ok((parts, Some(marker))),
        (true, None) => Err(Error::protocol(
            "S3 said more parts follow but named no NextPartNumberMarker",
        )),
        (false, _) => Ok((parts, None)),
    }
}

/// The ETag of the finished object. S3 may answer CompleteMultipartUpload with 200 and an
/// `<Error>` body (a failure after it began assembling the parts): that error, as the AWS
/// SDKs read it.
pub fn read_complete(response: &Response) -> Result<Option<String>> {
    super::error_in_200(response)?;
    let xml = std::str::from_utf8(&response.body).unwrap_or("");
    if !text::contains(xml, "<CompleteMultipartUploadResult") {
        return Err(Error::protocol(
            "S3 answered CompleteMultipartUpload without a CompleteMultipartUploadResult",
        ));
    }
    Ok(element(xml, "ETag").map(unescape))
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// What an unfinished upload keeps in the app's storage, so that the same body given again
/// (after a reload, say) continues it: the upload, and what identifies the body and its cut.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resumable {
    /// S3's UploadId.
    pub upload_id: String,
    /// The plan the parts were cut by.
    pub plan: PartPlan,
    /// The body's own mark: a `File`'s name and `lastModified`, empty for other bodies.
    pub fingerprint: String,
    /// The checksum the parts carry, if any.
    pub checksum: Option<Algorithm>,
}

impl Resumable {
    /// The JSON kept in storage.
    pub fn to_text(&self) -> String {
        let mut map = Map::new();
        map.insert("uploadId".into(), Json::String(self.upload_id.clone()));
        map.insert("size".into(), Json::Number(self.plan.size.to_string()));
        map.insert(
            "partSize".into(),
            Json::Number(self.plan.part_size.to_string()),
        );
        map.insert("fingerprint".into(), Json::String(self.fingerprint.clone()));
        if let Some(algorithm) = self.checksum {
            map.insert(
                "checksum".into(),
                Json::String(checksum::name(algorithm).into()),
            );
        }
        Json::Object(map).to_text()
    }

    /// The record in `text`, if it is one this version wrote and it fits S3's limits.
    pub fn parse(text: &str) -> Option<Resumable> {
        let value = Json::parse(text.as_bytes()).ok()?;
        let upload_id = value.get("uploadId")?.as_str()?.to_owned();
        let size = value.get("size")?.as_u64()?;
        let part_size = value.get("partSize")?.as_u64()?;
        let fingerprint = value.get("fingerprint")?.as_str()?.to_owned();
        let checksum = match value.get("checksum") {
            None => None,
            Some(name) => Some(checksum::from_name(name.as_str()?)?),
        };
        let plan = PartPlan::new(size, Some(part_size)).ok()?;
        (!upload_id.is_empty()).then_some(Resumable {
            upload_id,
            plan,
            fingerprint,
            checksum,
        })
    }

    /// Whether this record continues the upload of a body of `size` bytes marked
    /// `fingerprint`, with `checksum`: the same size, mark and checksum (and a mark at all: a
    /// body without one cannot be told from another of its size; S3 completes an upload only
    /// with the checksum it was created with).
    pub fn continues(&self, size: u64, fingerprint: &str, checksum: Option<Algorithm>) -> bool {
        !fingerprint.is_empty()
            && self.plan.size == size
            && self.fingerprint == fingerprint
            && self.checksum == checksum
    }
}

/// Of the parts ListParts found for an upload cut by `plan`, those a resumed upload keeps: each
/// part number of the plan once, with the size the plan gives it (a part of another size was
/// cut by another plan, and is sent again) and, for an upload with `checksum`, a checksum of
/// that algorithm S3 listed; in part-number order.
pub fn reusable(plan: &PartPlan, listed: Vec<Part>, checksum: Option<Algorithm>) -> Vec<Part> {
    let mut kept: Vec<Part> = Vec::new();
    for part in listed {
        let (start, end) = plan.range(part.number);
        let checked = match checksum {
            None => true,
            Some(a) => part
                .checksum
                .as_deref()
                .is_some_and(|v| checksum::decode(a, v).is_some()),
        };
        if part.number <= plan.count && part.size == end - start && checked {
            insert_part(&mut kept, part);
        }
    }
    kept
}

/// The bytes of an upload sent so far: the parts done, and what the attempts going out have
/// sent of theirs (which falls back to 0 when an attempt is sent again).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    sent: Vec<(u32, u64)>,
    total: u64,
}

impl Progress {
    /// Part `number` has `bytes` of it sent now; the upload's bytes sent in all.
    pub fn set(&mut self, number: u32, bytes: u64) -> u64 {
        match self.sent.iter_mut().find(|(n, _)| *n == number) {
            Some((_, was)) => {
                self.total = self.total - *was + bytes;
                *was = bytes;
            }
            None => {
                self.total += bytes;
                self.sent.push((number, bytes));
            }
        }
        self.total
    }

    /// The upload's bytes sent in all.
    pub fn total(&self) -> u64 {
        self.total
    }
}

/// The storage key of the unfinished upload of `full_key` to `bucket`.
pub fn resumable_key(bucket: &str, full_key: &str) -> String {
    format!(
        "apiless.upload.{}/{}",
        text::percent_encode(bucket, false),
        text::percent_encode(full_key, true)
    )
}

#[cfg(test)]
#[path = "multipart_tests.rs"]
mod tests;
