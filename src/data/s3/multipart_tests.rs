use super::*;
use crate::json;

const ID: &str = "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
const GIB: u64 = 1024 * MIB;

fn local() -> Bucket {
    Bucket {
        name: "apiless-demo".into(),
        endpoint: "http://127.0.0.1:4566".into(),
        virtual_host: false,
    }
}

fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    Response {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn bodies_are_cut_within_s3s_limits() {
    let plan = PartPlan::new(20 * MIB + 1, None).unwrap();
    assert_eq!((plan.part_size, plan.count), (8 * MIB, 3));
    assert_eq!(plan.range(1), (0, 8 * MIB));
    assert_eq!(plan.range(3), (16 * MIB, 20 * MIB + 1));
    // The parts cover the body exactly, each but the last of the part size.
    for (size, part) in [(1, None), (8 * MIB, None), (GIB, Some(5 * MIB)), (0, None)] {
        let plan = PartPlan::new(size, part).unwrap();
        let mut next = 0;
        for n in 1..=plan.count {
            let (start, end) = plan.range(n);
            assert_eq!(start, next);
            assert!(end - start <= plan.part_size);
            if n < plan.count {
                assert_eq!(end - start, plan.part_size);
            }
            next = end;
        }
        assert_eq!(next, size);
    }
    // The default grows by whole MiB so that 10,000 parts hold the body; 5 TiB is the most.
    let huge = PartPlan::new(MAX_OBJECT_BYTES, None).unwrap();
    assert!(u64::from(huge.count) <= MAX_PARTS);
    assert_eq!(huge.part_size % MIB, 0);
    assert_eq!(huge.part_size, 525 * MIB);
    assert_eq!(
        PartPlan::new(MAX_OBJECT_BYTES + 1, None)
            .unwrap_err()
            .field
            .as_deref(),
        Some("body")
    );
    // A part size of the caller's that S3 refuses, or too small for 10,000 parts.
    for bad in [MIN_PART_BYTES - 1, MAX_PART_BYTES + 1] {
        let e = PartPlan::new(GIB, Some(bad)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("partSize"));
    }
    let e = PartPlan::new(100 * GIB, Some(5 * MIB)).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("partSize"));
    assert!(
        text::contains(&e.message, "11534336 bytes or more"),
        "{}",
        e.message
    );
    assert!(PartPlan::new(100 * GIB, Some(11 * MIB)).is_ok());
}

#[test]
fn the_requests_name_the_upload_and_sort_their_query() {
    let b = local();
    let key = format!("{ID}/videos/a b.mp4");
    let create = create_request(
        &b,
        &key,
        Some("video/mp4"),
        &[("album".to_owned(), "cats".to_owned())],
        None,
    )
    .unwrap();
    assert_eq!(create.method, "POST");
    assert_eq!(
        create.url,
        "http://127.0.0.1:4566/apiless-demo/us-east-1%3A0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9/videos/a%20b.mp4?uploads"
    );
    assert_eq!(
        create.headers,
        vec![
            ("content-type".to_owned(), "video/mp4".to_owned()),
            ("x-amz-meta-album".to_owned(), "cats".to_owned())
        ]
    );
    assert!(create_request(&b, &key, None, &[("a b".into(), "x".into())], None).is_err());
    let checked = create_request(&b, &key, None, &[], Some(Algorithm::Crc64Nvme)).unwrap();
    assert_eq!(
        checked.headers[1..],
        [
            (
                "x-amz-checksum-algorithm".to_owned(),
                "CRC64NVME".to_owned()
            ),
            ("x-amz-checksum-type".to_owned(), "FULL_OBJECT".to_owned())
        ]
    );

    let id = "VXBsb2Fk+/=.id";
    let part = upload_part_request(&b, &key, id, 7);
    assert_eq!(part.method, "PUT");
    assert!(
        part.url
            .ends_with("a%20b.mp4?partNumber=7&uploadId=VXBsb2Fk%2B%2F%3D.id"),
        "{}",
        part.url
    );
    let abort = abort_request(&b, &key, id);
    assert_eq!(abort.method, "DELETE");
    assert!(abort.url.ends_with("?uploadId=VXBsb2Fk%2B%2F%3D.id"));
    let first = list_parts_request(&b, &key, id, 0);
    assert!(first
        .url
        .ends_with("a%20b.mp4?uploadId=VXBsb2Fk%2B%2F%3D.id"));
    let next = list_parts_request(&b, &key, id, 1000);
    assert!(next
        .url
        .ends_with("?part-number-marker=1000&uploadId=VXBsb2Fk%2B%2F%3D.id"));
}

#[test]
fn completing_names_every_part_in_order_once() {
    let b = local();
    let mut parts = Vec::new();
    for (number, etag) in [(2, "\"b&<\""), (1, "\"x\""), (1, "\"a\"")] {
        insert_part(
            &mut parts,
            Part {
                number,
                etag: etag.into(),
                size: 0,
                checksum: None,
            },
        );
    }
    assert_eq!(
        parts.iter().map(|p| p.number).collect::<Vec<_>>(),
        [1, 2],
        "kept in order, a part sent again replacing its first ETag"
    );
    let r = complete_request(&b, "k", "id", &parts, None).unwrap();
    assert_eq!(r.method, "POST");
    assert!(r.url.ends_with("/k?uploadId=id"));
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
         <Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag></Part>\
         <Part><PartNumber>2</PartNumber><ETag>&quot;b&amp;&lt;&quot;</ETag></Part>\
         </CompleteMultipartUpload>"
    );
    // What the XML says reads back as the ETags given.
    let body = String::from_utf8(r.body.clone()).unwrap();
    let etags: Vec<String> = elements(&body, "ETag").into_iter().map(unescape).collect();
    assert_eq!(etags, ["\"a\"", "\"b&<\""]);
    assert!(complete_request(&b, "k", "id", &[], None).is_err());
    let twice = [parts[0].clone(), parts[0].clone()];
    assert!(complete_request(&b, "k", "id", &twice, None).is_err());
    let backwards = [parts[1].clone(), parts[0].clone()];
    assert!(complete_request(&b, "k", "id", &backwards, None).is_err());

    // With a checksum: each part's in its element, the whole object's in the header.
    let whole = Some((Algorithm::Crc32, "y/Q5Jg=="));
    assert!(
        complete_request(&b, "k", "id", &parts, whole).is_err(),
        "a part without its checksum"
    );
    let summed: Vec<Part> = parts
        .iter()
        .map(|p| Part {
            checksum: Some(format!("c{}==", p.number)),
            ..p.clone()
        })
        .collect();
    let r = complete_request(&b, "k", "id", &summed, whole).unwrap();
    let body = String::from_utf8(r.body.clone()).unwrap();
    assert!(
        text::contains(
            &body,
            "<Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag><ChecksumCRC32>c1==</ChecksumCRC32></Part>"
        ),
        "{body}"
    );
    assert_eq!(
        r.headers[1..],
        [
            ("x-amz-checksum-crc32".to_owned(), "y/Q5Jg==".to_owned()),
            ("x-amz-checksum-type".to_owned(), "FULL_OBJECT".to_owned())
        ]
    );
}

#[test]
fn answers_are_read_as_s3_writes_them() {
    let created = answer(
        200,
        &[],
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket><Key>k</Key><UploadId>abc&amp;def</UploadId></InitiateMultipartUploadResult>",
    );
    assert_eq!(read_upload_id(&created).unwrap(), "abc&def");
    assert!(read_upload_id(&answer(200, &[], "<x/>")).is_err());

    assert_eq!(
        read_part_etag(&answer(200, &[("etag", "\"e1\"")], "")).unwrap(),
        "\"e1\""
    );
    let e = read_part_etag(&answer(200, &[], "")).unwrap_err();
    assert!(text::contains(&e.message, "expose the ETag"));

    let page = answer(
        200,
        &[],
        "<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><UploadId>u</UploadId>\
         <PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker>\
         <MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>\
         <Part><PartNumber>1</PartNumber><LastModified>2026-12-07T00:00:00.000Z</LastModified><ETag>&quot;a&quot;</ETag><Size>5242880</Size></Part>\
         <Part><PartNumber>2</PartNumber><ETag>\"b\"</ETag><ChecksumCRC64NVME>AAAAAAAAAAE=</ChecksumCRC64NVME><Size>7</Size></Part></ListPartsResult>",
    );
    let (parts, next) = read_parts(&page).unwrap();
    assert_eq!(next, Some(2));
    assert_eq!(
        parts,
        vec![
            Part {
                number: 1,
                etag: "\"a\"".into(),
                size: 5_242_880,
                checksum: None,
            },
            Part {
                number: 2,
                etag: "\"b\"".into(),
                size: 7,
                checksum: Some("AAAAAAAAAAE=".into()),
            }
        ]
    );
    let last = answer(
        200,
        &[],
        "<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>",
    );
    assert_eq!(read_parts(&last).unwrap(), (vec![], None));
    for broken in [
        "<ListPartsResult><IsTruncated>true</IsTruncated></ListPartsResult>",
        "<ListPartsResult><Part><ETag>x</ETag></Part></ListPartsResult>",
        "<ListPartsResult><Part><PartNumber>0</PartNumber><ETag>x</ETag></Part></ListPartsResult>",
    ] {
        assert!(read_parts(&answer(200, &[], broken)).is_err(), "{broken}");
    }

    let done = answer(
        200,
        &[],
        "<?xml version=\"1.0\"?><CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>l</Location><Bucket>b</Bucket><Key>k</Key><ETag>&quot;x-2&quot;</ETag></CompleteMultipartUploadResult>",
    );
    assert_eq!(read_complete(&done).unwrap().as_deref(), Some("\"x-2\""));
    let failed = answer(
        200,
        &[],
        "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>",
    );
    let e = read_complete(&failed).unwrap_err();
    assert_eq!(e.code, "InternalError");
    assert!(read_complete(&answer(200, &[], "")).is_err());
}

#[test]
fn an_unfinished_upload_is_found_again_only_for_the_same_body() {
    let record = Resumable {
        upload_id: "u-1".into(),
        plan: PartPlan::new(100 * MIB, Some(16 * MIB)).unwrap(),
        fingerprint: "clip.mp4|1796601600000".into(),
        checksum: None,
    };
    let text = record.to_text();
    assert_eq!(Resumable::parse(&text), Some(record.clone()));
    assert!(record.continues(100 * MIB, "clip.mp4|1796601600000", None));
    assert!(!record.continues(100 * MIB + 1, "clip.mp4|1796601600000", None));
    assert!(!record.continues(100 * MIB, "clip.mp4|1796601600001", None));
    assert!(
        !record.continues(100 * MIB, "clip.mp4|1796601600000", Some(Algorithm::Crc32)),
        "S3 completes an upload only with the checksum it began with"
    );
    let summed = Resumable {
        checksum: Some(Algorithm::Crc64Nvme),
        ..record.clone()
    };
    assert_eq!(Resumable::parse(&summed.to_text()), Some(summed.clone()));
    assert!(summed.continues(
        100 * MIB,
        "clip.mp4|1796601600000",
        Some(Algorithm::Crc64Nvme)
    ));
    let unmarked = Resumable {
        fingerprint: String::new(),
        ..record.clone()
    };
    assert!(
        !unmarked.continues(100 * MIB, "", None),
        "a body without a mark is never taken for another"
    );
    for broken in [
        "",
        "{}",
        "not json",
        r#"{"uploadId":"","size":1,"partSize":5242880,"fingerprint":"f"}"#,
        r#"{"uploadId":"u","size":1,"partSize":1,"fingerprint":"f"}"#,
        r#"{"uploadId":"u","size":-1,"partSize":5242880,"fingerprint":"f"}"#,
        r#"{"uploadId":"u","size":1,"partSize":5242880,"fingerprint":"f","checksum":"MD5"}"#,
    ] {
        assert_eq!(Resumable::parse(broken), None, "{broken}");
    }
    assert_eq!(
        resumable_key("apiless-demo", &format!("{ID}/a b.mp4")),
        "apiless.upload.apiless-demo/us-east-1%3A0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9/a%20b.mp4"
    );
}

#[test]
fn a_resumed_upload_keeps_only_the_parts_its_plan_cut() {
    let plan = PartPlan::new(20 * MIB + 3, Some(8 * MIB)).unwrap();
    assert_eq!(plan.count, 3);
    let part = |number, size| Part {
        number,
        etag: format!("\"e{number}\""),
        size,
        checksum: Some("y/Q5Jg==".into()),
    };
    let kept = reusable(
        &plan,
        vec![
            part(1, 8 * MIB),
            part(1, 8 * MIB),     // listed twice: kept once
            part(2, 5 * MIB),     // cut by another plan
            part(3, 4 * MIB + 3), // the short last part
            part(4, 8 * MIB),     // beyond this plan
        ],
        None,
    );
    assert_eq!(kept, vec![part(1, 8 * MIB), part(3, 4 * MIB + 3)]);
    assert_eq!(reusable(&plan, Vec::new(), None), Vec::new());
    // With a checksum, a part S3 lists without one of that algorithm is sent again.
    let unsummed = Part {
        checksum: None,
        ..part(3, 4 * MIB + 3)
    };
    assert_eq!(
        reusable(
            &plan,
            vec![part(1, 8 * MIB), unsummed],
            Some(Algorithm::Crc32)
        ),
        vec![part(1, 8 * MIB)]
    );
    assert_eq!(
        reusable(&plan, vec![part(1, 8 * MIB)], Some(Algorithm::Crc64Nvme)),
        vec![],
        "a CRC32 is not a CRC64NVME"
    );
}

#[test]
fn progress_counts_each_part_once_and_falls_back_when_a_part_is_sent_again() {
    let mut p = Progress::default();
    assert_eq!(p.set(1, 100), 100);
    assert_eq!(p.set(2, 50), 150);
    assert_eq!(p.set(1, 300), 350);
    // Part 2's attempt failed and goes again from its start.
    assert_eq!(p.set(2, 0), 300);
    assert_eq!(p.set(2, 10), 310);
    assert_eq!(p.total(), 310);
}

/// One request of each multipart operation, with a checksum and metadata, as the builders make
/// them (and as `js/upload.rs` adds a part's checksum header): `tests/vectors/s3_multipart/
/// requests.json` holds them, and `backend/tests/test_request_shapes.py` holds that file to
/// botocore's serialisation of the same operations (the S3 service model), an oracle
/// independent of apiless.
fn shape_requests() -> Json {
    let b = local();
    let key = format!("{ID}/videos/a b&c.mp4");
    let a = Algorithm::Crc64Nvme;
    let create = create_request(
        &b,
        &key,
        Some("video/mp4"),
        &[("album".to_owned(), "cats & dogs".to_owned())],
        Some(a),
    )
    .unwrap();
    let mut part = upload_part_request(&b, &key, "VXBsb2Fk+/=.id", 7);
    part.headers
        .push((checksum::header(a).into(), "AAAAAAAAAAE=".into()));
    let parts = [
        Part {
            number: 1,
            etag: "\"e1\"".into(),
            size: 5 * MIB,
            checksum: Some("AAAAAAAAAAE=".into()),
        },
        Part {
            number: 2,
            etag: "\"e&2\"".into(),
            size: 7,
            checksum: Some("AAAAAAAAAAI=".into()),
        },
    ];
    let complete = complete_request(
        &b,
        &key,
        "VXBsb2Fk+/=.id",
        &parts,
        Some((a, "AAAAAAAAAAM=")),
    )
    .unwrap();
    let request = |r: Request| {
        json!({
            "method": r.method.clone(),
            "url": r.url.clone(),
            "headers": Json::Array(
                r.headers
                    .iter()
                    .map(|(n, v)| Json::Array(vec![Json::String(n.clone()), Json::String(v.clone())]))
                    .collect()
            ),
            "body": String::from_utf8(r.body.clone()).unwrap(),
        })
    };
    json!({
        "CreateMultipartUpload": request(create),
        "UploadPart": request(part),
        "CompleteMultipartUpload": request(complete),
        "ListParts": request(list_parts_request(&b, &key, "VXBsb2Fk+/=.id", 1000)),
        "AbortMultipartUpload": request(abort_request(&b, &key, "VXBsb2Fk+/=.id")),
    })
}

#[test]
fn the_requests_botocore_serialises_alike_are_the_ones_built() {
    let file = include_str!("../../../tests/vectors/s3_multipart/requests.json");
    let expected = Json::parse(file.as_bytes()).unwrap();
    assert_eq!(expected["requests"], shape_requests());
}

#[test]
#[ignore = "writes the vector file: cargo test --lib -- --ignored print_the_multipart_requests"]
fn print_the_multipart_requests() {
    println!("{}", shape_requests().to_text());
}
