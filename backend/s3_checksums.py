"""Full-object checksums of S3 multipart uploads, as the S3 API reference describes them.

A CreateMultipartUpload names its checksum algorithm (`x-amz-checksum-algorithm`) and may name
its checksum type (`x-amz-checksum-type`): COMPOSITE, the checksum of the parts' checksums with
the part count after a dash, or FULL_OBJECT, the CRC of the whole object as if it had been sent
in one PUT. S3 takes FULL_OBJECT for the CRCs only (CRC32, CRC32C, CRC64NVME) and COMPOSITE for
all but CRC64NVME; without a type, CRC64NVME is FULL_OBJECT and the others COMPOSITE. The
CompleteMultipartUpload of a FULL_OBJECT upload may carry the whole object's CRC in
`x-amz-checksum-<algorithm>`, which must match (BadDigest otherwise), and may repeat the type in
`x-amz-checksum-type`, which must be the upload's; its answer, the object's Head and Get (with
`x-amz-checksum-mode: ENABLED`) report the full-object value and `ChecksumType` FULL_OBJECT.

Stock ministack 1.5.33 makes every multipart checksum COMPOSITE: the type header is ignored, a
CRC64NVME upload gets a composite no AWS SDK can reproduce, and a full-object CRC sent at
completion is refused as BadDigest. `install(s3)` wraps `_create_multipart_upload` and
`_complete_multipart_upload` to do what S3 does; the parts' own checksums stay ministack's (it
validates each part's `x-amz-checksum-*` header against the part's bytes, and ListParts lists
them).
"""

import re
from xml.etree.ElementTree import ParseError, fromstring

FULL_OBJECT = "FULL_OBJECT"
COMPOSITE = "COMPOSITE"
_CRCS = ("CRC32", "CRC32C", "CRC64NVME")
_PART_NUMBER = re.compile(r"<(?:\w+:)?PartNumber>\s*(\d+)\s*</(?:\w+:)?PartNumber>")


def checksum_type(algorithm, requested):
    """The type an upload with `algorithm` gets when `requested` (the header, or None) names one;
    or an error message (InvalidRequest) for a pair S3 refuses."""
    if requested is None:
        return FULL_OBJECT if algorithm == "CRC64NVME" else COMPOSITE
    requested = requested.strip().upper()
    if requested not in (FULL_OBJECT, COMPOSITE):
        return None, f"Value for x-amz-checksum-type header is invalid: {requested}"
    if algorithm is None:
        return None, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
    if requested == FULL_OBJECT and algorithm not in _CRCS:
        return None, f"The {FULL_OBJECT} checksum type cannot be used with the {algorithm.lower()} checksum algorithm."
    if requested == COMPOSITE and algorithm == "CRC64NVME":
        return None, f"The {COMPOSITE} checksum type cannot be used with the crc64nvme checksum algorithm."
    return requested


class Checksums:
    def __init__(self, s3):
        self.s3 = s3

    def creating(self, original):
        s3 = self.s3

        def create_multipart_upload(bucket_name, key, headers):
            raw = headers.get("x-amz-checksum-algorithm") or headers.get("x-amz-sdk-checksum-algorithm")
            algorithm = raw.upper().replace("_", "") if raw else None
            kind = checksum_type(algorithm, headers.get("x-amz-checksum-type"))
            if isinstance(kind, tuple):
                return s3._error("InvalidRequest", kind[1], 400, f"/{bucket_name}/{key}")
            status, out_headers, body = original(bucket_name, key, headers)
            if status != 200 or algorithm is None:
                return status, out_headers, body
            upload_id = _upload_id(body)
            upload = s3._multipart_uploads.get(upload_id)
            if upload is not None:
                upload["checksum_type"] = kind
                out_headers = {**out_headers, "x-amz-checksum-type": kind}
            return status, out_headers, body
        return create_multipart_upload

    def completing(self, original):
        s3 = self.s3

        def complete_multipart_upload(bucket_name, key, body, query_params, headers=None):
            headers = headers or {}
            upload_id = s3._qp(query_params, "uploadId")
            upload = s3._multipart_uploads.get(upload_id)
            if upload is None or upload.get("bucket") != bucket_name or upload.get("key") != key:
                return original(bucket_name, key, body, query_params, headers)
            algorithm = upload.get("checksum_algorithm")
            kind = upload.get("checksum_type") or (checksum_type(algorithm, None) if algorithm else None)
            asked = headers.get("x-amz-checksum-type")
            if asked is not None and asked.strip().upper() != (kind or ""):
                return s3._error(
                    "InvalidRequest",
                    f"The upload was created using the {kind or 'null'} checksum mode. "
                    f"The complete request must use the same checksum mode.",
                    400, f"/{bucket_name}/{key}")
            if kind != FULL_OBJECT:
                return original(bucket_name, key, body, query_params, headers)
            header = f"x-amz-checksum-{algorithm.lower()}"
            whole = _whole_object(upload, body)
            full = s3._compute_s3_checksum(algorithm, whole) if whole is not None else None
            given = headers.get(header)
            if given is not None and full is not None and given != full:
                return s3._error("BadDigest", f"The {algorithm} you specified did not match the calculated checksum.",
                                 400, f"/{bucket_name}/{key}")
            # Stock completion builds a composite and compares the header to it: it gets neither.
            status, out_headers, out_body = original(
                bucket_name, key, body, query_params, {k: v for k, v in headers.items() if k != header})
            if status != 200 or full is None:
                return status, out_headers, out_body
            stored = s3._ensure_bucket(bucket_name)["objects"].get(key)
            if stored is not None:
                stored["checksums"] = {algorithm: full}
                stored["checksum_type"] = FULL_OBJECT
            out_body = _report_full_object(out_body, algorithm, full)
            response = (status, out_headers, out_body)
            replay = s3._completed_multipart_uploads.get(upload_id)
            if replay is not None:
                replay["response"] = response
            return response
        return complete_multipart_upload


def _upload_id(body):
    text = body.decode() if isinstance(body, bytes) else body
    found = re.search(r"<UploadId>([^<]+)</UploadId>", text)
    return found.group(1) if found else None


def _whole_object(upload, body):
    """The object the completion would assemble (the listed parts' bytes in order), or None when
    a part is missing or the XML is bad: stock completion then gives its own error."""
    try:
        fromstring(body)
    except ParseError:
        return None
    text = body.decode(errors="replace") if isinstance(body, bytes) else body
    numbers = sorted(int(n) for n in _PART_NUMBER.findall(text))
    parts = upload.get("parts") or {}
    if not numbers or any(n not in parts for n in numbers):
        return None
    return b"".join(parts[n]["body"] for n in numbers)


def _report_full_object(body, algorithm, value):
    """The completion's XML with the full-object checksum and type in place of the composite's."""
    text = body.decode() if isinstance(body, bytes) else body
    element = f"Checksum{algorithm}"
    text = re.sub(rf"<{element}>[^<]*</{element}>", "", text)
    text = re.sub(r"<ChecksumType>[^<]*</ChecksumType>", "", text)
    text = text.replace("</CompleteMultipartUploadResult>",
                        f"<{element}>{value}</{element}><ChecksumType>{FULL_OBJECT}</ChecksumType>"
                        "</CompleteMultipartUploadResult>")
    return text.encode() if isinstance(body, bytes) else text
