//! `seglint headers` over messages written in every form of spec 8.4 (testdata/messages/):
//! each product string, folded versions, IPv6, SSLv23, plaintext, a site's own text in place of
//! the product, an mbox of several messages, a pasted header block, non-SEG hops, bad input; and
//! the join with an export (SEG601, SEG606, SEG608). Also `--seg-version-from`.

use crate::common::*;
use serde_json::Value;

fn headers(args: &[&str]) -> (i32, Value, String) {
    let out = seglint().args(["headers", "--format", "json"]).args(args).output().unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn hops(report: &Value) -> &Vec<Value> {
    report["hops"].as_array().unwrap()
}

fn codes_of(report: &Value) -> Vec<&str> {
    report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect()
}

#[test]
fn the_spec_example_gives_every_field() {
    let (code, r, _) = headers(&["testdata/messages/partner-8x.eml"]);
    assert_eq!((code, r["schema"].as_str()), (0, Some("seglint/headers/v1")));
    let h = &hops(&r)[0];
    assert_eq!(h["by"], "mx1.contoso.example");
    assert_eq!((h["from"].as_str(), h["from_ip"].as_str()), (Some("mail.partner.example"), Some("192.0.2.7")));
    assert_eq!(
        (h["product"].as_str(), h["version"].as_str(), h["build"].as_str()),
        (Some("Trustwave SEG"), Some("8.2.6"), Some("11305"))
    );
    assert_eq!(
        (h["tls"]["protocol"].as_str(), h["tls"]["cipher"].as_str(), h["tls"]["bits"].as_u64()),
        (Some("TLSv1.2"), Some("AES256-GCM-SHA384"), Some(256))
    );
    assert_eq!((h["plaintext"].as_bool(), h["date"].as_str()), (Some(false), Some("Fri, 20 Sep 2024 14:16:32 +0200")));
    assert_eq!((h["file"].as_str(), h["line"].as_u64()), (Some("testdata/messages/partner-8x.eml"), Some(1)));
    // The Postfix hop is not an SEG hop: left out, counted with the message.
    assert_eq!(hops(&r).len(), 1);
    assert_eq!(r["messages"][0]["other_hops"].as_array().unwrap().len(), 1);
}

#[test]
fn a_version_folded_inside_and_an_ipv6_address() {
    let (_, r, _) = headers(&["testdata/messages/seg10-folded.eml"]);
    let h = &hops(&r)[0];
    assert_eq!(
        (h["product"].as_str(), h["version"].as_str(), h["build"].as_str()),
        (Some("Trustwave MailMarshal"), Some("10.2.5"), Some("6043"))
    );
    assert_eq!(h["from_ip"], "2001:db8:25::1");
    assert_eq!(h["tls"]["protocol"], "TLSv1.3");
}

#[test]
fn sslv23_plaintext_and_a_site_text_product() {
    let (_, r, _) = headers(&["testdata/messages/mailmarshal-6.eml", "testdata/messages/site-text.eml"]);
    let (old, site) = (&hops(&r)[0], &hops(&r)[1]);
    assert_eq!((old["product"].as_str(), old["version"].as_str()), (Some("MailMarshal"), Some("6.2.2")));
    assert_eq!((old["tls"]["protocol"].is_null(), old["tls"]["protocol_text"].as_str()), (true, Some("SSLv23")));
    assert_eq!(old["plaintext"], false, "SSLv23: TLS used, version not written");
    assert!(site["product"].is_null() && site["version"].is_null(), "{site}");
    assert_eq!((site["plaintext"].as_bool(), site["id"].as_str()), (Some(true), Some("B60aa00220000")));
}

#[test]
fn an_mbox_gives_each_message_with_its_lines() {
    let (code, r, _) = headers(&["testdata/messages/inbox.mbox"]);
    assert_eq!(code, 0);
    let lines: Vec<u64> = hops(&r).iter().map(|h| h["line"].as_u64().unwrap()).collect();
    let messages: Vec<u64> = hops(&r).iter().map(|h| h["message"].as_u64().unwrap()).collect();
    assert_eq!(messages, [1, 2, 3]);
    // Each hop's line is where its Received field starts in the mbox file.
    let text = std::fs::read_to_string(root().join("testdata/messages/inbox.mbox")).unwrap();
    for line in lines {
        assert!(text.lines().nth(line as usize - 1).unwrap().starts_with("Received: "), "line {line}");
    }
    assert_eq!(hops(&r)[2]["tls"]["weak"], serde_json::json!(["RC4"]));
}

#[test]
fn standard_input_takes_a_pasted_header_block() {
    let text = std::fs::read(root().join("testdata/messages/pasted-headers.txt")).unwrap();
    let out = seglint().args(["headers", "--format", "json", "-"]).write_stdin(text).output().unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hops(&r)[0]["file"], "-");
    assert_eq!(hops(&r)[0]["tls"]["cipher"], "RC4-SHA");
}

#[test]
fn the_join_with_an_export() {
    // SEG01 (10.1.0, TLSv1.0 off when receiving) stamped 8.2.6 and TLSv1 RC4-SHA.
    let (code, r, _) = headers(&["--array", "testdata/versions/10.1.0", "testdata/messages/pasted-headers.txt"]);
    assert_eq!(code, 1);
    assert_eq!(hops(&r)[0]["server"], "SEG01", "the by-host's first label");
    let mut codes = codes_of(&r);
    codes.sort();
    assert_eq!(codes, ["SEG601", "SEG606", "SEG608"]);
    for f in r["findings"].as_array().unwrap() {
        assert_eq!(f["evidence"], "observed");
        assert_eq!(f["observation"]["kind"], "headers");
        assert_eq!(f["observation"]["target"], "testdata/messages/pasted-headers.txt:1");
        assert_eq!(f["observation"]["at"], "2024-09-21T10:00:00Z");
        assert_eq!(f["server"], "SEG01");
    }
    let seg601 = r["findings"].as_array().unwrap().iter().find(|f| f["code"] == "SEG601").unwrap();
    assert_eq!(
        (seg601["direction"].as_str(), seg601["location"]["file"].as_str()),
        (Some("inbound"), Some("testdata/versions/10.1.0/tls.settings"))
    );
    // A hop of another host, named to SEG02 with --server.
    let (_, r, _) = headers(&[
        "--array",
        "testdata/versions/10.1.0",
        "--server",
        "SEG02=mx1.contoso.example",
        "testdata/messages/partner-8x.eml",
    ]);
    assert_eq!(hops(&r)[0]["server"], "SEG02");
    assert_eq!(codes_of(&r), ["SEG608"], "TLSv1.2 and AES256-GCM agree; 8.2.6 is not 10.1.0");
    // Without a match, a hop is listed and not judged.
    let (code, r, _) = headers(&["--array", "testdata/versions/10.1.0", "testdata/messages/partner-8x.eml"]);
    assert_eq!((code, hops(&r)[0]["server"].is_null(), codes_of(&r).len()), (0, true, 0));
}

#[test]
fn bad_input_is_exit_3_for_that_file_only() {
    let (code, r, stderr) = headers(&[
        "testdata/messages/bad-version.eml",
        "testdata/messages/not-a-message.txt",
        "testdata/messages/partner-8x.eml",
    ]);
    assert_eq!(code, 3);
    assert_eq!(hops(&r).len(), 1, "the good file is still reported");
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert!(errors[0]["message"].as_str().unwrap().contains("out of shape"));
    assert_eq!(errors[0]["location"]["line"], 1);
    assert!(errors[1]["message"].as_str().unwrap().contains("does not start with a header field"));
    assert!(stderr.contains("bad-version.eml") && stderr.contains("not-a-message.txt"), "{stderr}");
    // A field cut off inside its version, and a header over 1 MiB.
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.eml");
    std::fs::write(
        &cut,
        "Subject: x\r\nReceived: from a (Not Verified[192.0.2.1]) by mx with Trustwave SEG (v10, 2, 5,\r\n",
    )
    .unwrap();
    let (code, r, _) = headers(&[cut.to_str().unwrap()]);
    assert_eq!(code, 3);
    assert!(r["errors"][0]["message"].as_str().unwrap().contains("cut off"), "{r}");
    assert_eq!(r["errors"][0]["location"]["line"], 2);
    let huge = dir.path().join("huge.eml");
    std::fs::write(&huge, format!("Subject: {}\r\n\r\n", "x".repeat(1_100_000))).unwrap();
    let (code, r, _) = headers(&[huge.to_str().unwrap()]);
    assert_eq!(code, 3);
    assert!(r["errors"][0]["message"].as_str().unwrap().contains("over 1048576 bytes"), "{r}");
    // A directory or device is refused, not read.
    let (code, _, stderr) = headers(&["/dev/zero"]);
    assert_eq!(code, 3);
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn seg_version_from_fills_a_missing_product_version() {
    let (dir, path, _) =
        variant("testdata/versions/10.1.0/export.xml", " productVersion=\"10.1.0.1203\"", "", "export.xml");
    let _keep = dir;
    let p = path.to_str().unwrap();
    let (exit, r) = check_json(p, &["--seg-version-from", "testdata/messages/seg10-folded.eml"]);
    assert_ne!(exit, 3, "{r}");
    assert_eq!(r["arrays"][0]["product_version"], "10.2.5+6043");
    // The export's own version wins over the message's, --seg-version over both.
    let (_, r) = check_json("testdata/versions/10.1.0", &["--seg-version-from", "testdata/messages/seg10-folded.eml"]);
    assert_eq!(r["arrays"][0]["product_version"], "10.1.0+1203");
    let explain = seglint()
        .args(["explain", "--format", "json", "--seg-version-from", "testdata/messages/partner-8x.eml", p])
        .output()
        .unwrap();
    assert!(explain.status.success(), "{}", String::from_utf8_lossy(&explain.stderr));
    // A message without a versioned SEG hop is an input error.
    let out = seglint().args(["check", "--seg-version-from", "testdata/messages/site-text.eml", p]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no SEG hop in it names a product version"));
}

#[test]
fn the_human_table_and_the_ci_formats() {
    let out = seglint()
        .args(["headers", "--color", "never", "--verbose", "testdata/messages/partner-8x.eml"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Trustwave SEG") && text.contains("8.2.6 build 11305") && text.contains("AES256-GCM-SHA384"),
        "{text}"
    );
    assert!(text.contains("other hop: from mail-wr1.google.com"), "--verbose lists the other hops: {text}");
    let out = seglint()
        .args([
            "headers",
            "--format",
            "sarif",
            "--array",
            "testdata/versions/10.1.0",
            "testdata/messages/pasted-headers.txt",
        ])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> =
        sarif["runs"][0]["results"].as_array().unwrap().iter().filter_map(|r| r["ruleId"].as_str()).collect();
    assert!(rules.contains(&"SEG601") && rules.contains(&"SEG606"), "{rules:?}");
    let out = seglint()
        .args([
            "headers",
            "--format",
            "junit",
            "--array",
            "testdata/versions/10.1.0",
            "testdata/messages/pasted-headers.txt",
        ])
        .output()
        .unwrap();
    let junit = String::from_utf8_lossy(&out.stdout);
    assert!(junit.contains("SEG608") && !junit.contains("SEG101"), "JUnit lists what headers judges: {junit}");
}

#[test]
fn byte_order_marks_utf16_and_leading_blank_lines_lose_no_hop() {
    let dir = tempfile::tempdir().unwrap();
    let eml = std::fs::read_to_string(root().join("testdata/messages/partner-8x.eml")).unwrap();
    let bom = dir.path().join("bom.eml");
    std::fs::write(&bom, format!("\u{feff}{eml}")).unwrap();
    let utf16 = dir.path().join("utf16.txt");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(eml.encode_utf16().flat_map(|u| u.to_le_bytes()));
    std::fs::write(&utf16, bytes).unwrap();
    let blank = dir.path().join("pasted.txt");
    std::fs::write(&blank, format!("\r\n  \r\n{eml}")).unwrap();
    let (code, r, _) = headers(&[bom.to_str().unwrap(), utf16.to_str().unwrap(), blank.to_str().unwrap()]);
    assert_eq!(code, 0, "{r}");
    let lines: Vec<u64> = hops(&r).iter().map(|h| h["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 1, 3], "one hop each, the pasted one two lines down");
}

#[test]
fn what_is_not_a_message_is_refused_not_passed() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("mail.log");
    std::fs::write(&log, "2024-09-20 14:16:32 delivered to mx1\n2024-09-20 14:16:33 queued\n").unwrap();
    let binary = dir.path().join("box.gz");
    std::fs::write(&binary, [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x41]).unwrap();
    for file in [&log, &binary] {
        let (code, r, _) = headers(&[file.to_str().unwrap()]);
        assert_eq!(code, 3, "{}: {r}", file.display());
    }
}

#[test]
fn seg_version_from_takes_the_newest_message_of_an_mbox() {
    // inbox.mbox: 8.2.6 (Sep 2024), then 10.2.5 (Feb 2025), then 8.2.6 again (Sep 2024).
    let (dir, path, _) =
        variant("testdata/versions/10.1.0/export.xml", " productVersion=\"10.1.0.1203\"", "", "export.xml");
    let _keep = dir;
    let (_, r) = check_json(path.to_str().unwrap(), &["--seg-version-from", "testdata/messages/inbox.mbox"]);
    assert_eq!(r["arrays"][0]["product_version"], "10.2.5+6043");
}

#[test]
fn a_weak_suite_points_at_the_inbound_minimum_that_predicted_otherwise() {
    let (_, r, _) = headers(&["--array", "testdata/versions/10.1.0", "testdata/messages/pasted-headers.txt"]);
    let f = r["findings"].as_array().unwrap().iter().find(|f| f["code"] == "SEG606").unwrap();
    assert_eq!(f["observation"]["predicted_evidence"], "explicit");
    assert_eq!(
        (f["location"]["file"].as_str(), f["location"]["line"].as_u64()),
        (Some("testdata/versions/10.1.0/export.xml"), Some(8))
    );
    assert_eq!(f["setting"], "minimumCipherStrength");
}

#[test]
fn sarif_tells_an_unreadable_message_file() {
    let out = seglint()
        .args([
            "headers",
            "--format",
            "sarif",
            "testdata/messages/partner-8x.eml",
            "testdata/messages/not-a-message.txt",
        ])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let inv = &sarif["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(inv["toolExecutionNotifications"].as_array().unwrap().len(), 1);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn an_unescaped_from_line_in_a_body_stays_in_that_message() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = std::fs::read_to_string(root().join("testdata/messages/inbox.mbox")).unwrap();
    let broken = mbox.replacen(">From the archive", "From the archive, as a careless client wrote it", 1);
    let path = dir.path().join("broken.mbox");
    std::fs::write(&path, broken).unwrap();
    let (code, r, _) = headers(&[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(hops(&r).len(), 3);
    assert_eq!(r["messages"].as_array().unwrap().len(), 3);
}

#[test]
fn an_unreadable_array_is_told_in_json_and_the_hops_still_listed() {
    let (code, r, _) = headers(&["--array", "testdata/malformed/unclosed.xml", "testdata/messages/partner-8x.eml"]);
    assert_eq!(code, 3);
    assert!(r["array"]["error"]["message"].as_str().unwrap().contains("malformed"), "{r}");
    assert_eq!(hops(&r).len(), 1);
}
