//! `seglint verify` against SMTP servers whose TLS is OpenSSL's, not ours: Python's `ssl`
//! module behind a small SMTP front (tests/peers/smtp_openssl.py), on 127.0.0.1, configured to
//! agree or disagree with an export in known ways. python3 is a counterpart `.ci/run` installs;
//! without it these tests fail, they never pass silently.

use crate::common::html;
use crate::common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running OpenSSL peer; killed when dropped.
struct Peer {
    child: Child,
    port: u16,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl_peer(args: &[&str]) -> Peer {
    let script = root().join("tests/peers/smtp_openssl.py");
    let mut child = Command::new("python3")
        .arg(script)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 is needed for the OpenSSL peers of these tests (.ci/run installs it)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).unwrap_or_else(|| {
        panic!("the OpenSSL peer did not start (said {line:?}); run it by hand: python3 tests/peers/smtp_openssl.py")
    });
    Peer { child, port }
}

/// A self-signed certificate for `cn`, written as cert.pem / key.pem into `dir`.
fn certificate(dir: &Path, cn: &str, until: (i32, u8, u8), client_auth: bool) -> (PathBuf, PathBuf) {
    let mut params = rcgen::CertificateParams::new(vec![cn.to_string()]).unwrap();
    params.distinguished_name.push(rcgen::DnType::CommonName, cn);
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(until.0, until.1, until.2);
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    if client_auth {
        params.extended_key_usages.push(rcgen::ExtendedKeyUsagePurpose::ClientAuth);
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let (c, k) = (dir.join(format!("{cn}.pem")), dir.join(format!("{cn}.key")));
    std::fs::write(&c, cert.pem()).unwrap();
    std::fs::write(&k, key.serialize_pem()).unwrap();
    (c, k)
}

/// One server of an export: its name, where it is reached, and its InboundSecurity element.
struct Server<'a> {
    name: &'a str,
    address: String,
    inbound: String,
}

fn export(dir: &Path, version: &str, servers: &[Server<'_>], settings: &str) -> PathBuf {
    let servers: String = servers
        .iter()
        .map(|s| {
            format!("    <Server name=\"{}\" address=\"{}\">\n      {}\n    </Server>\n", s.name, s.address, s.inbound)
        })
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<SegConfiguration productVersion=\"{version}\" arrayName=\"Verify\">\n  <SenderProperties>\n    <OutboundSecurity tlsEnabled=\"true\" minimumCipherStrength=\"Medium\" offerClientCertificate=\"true\"/>\n  </SenderProperties>\n  <Servers>\n{servers}  </Servers>\n</SegConfiguration>\n"
    );
    std::fs::write(dir.join("export.xml"), xml).unwrap();
    if !settings.is_empty() {
        std::fs::write(dir.join("tls.settings"), settings).unwrap();
    }
    dir.to_path_buf()
}

fn tls_with_file(file: &Path) -> String {
    format!("<InboundSecurity tlsEnabled=\"true\"><Certificate file=\"{}\"/></InboundSecurity>", file.display())
}

fn verify(array: &Path, extra: &[&str]) -> (i32, Value, String) {
    let timeout = if extra.contains(&"--timeout") { &[][..] } else { &["--timeout", "3s"][..] };
    let out = seglint()
        .args(["verify", "--format", "json", "--now", NOW])
        .args(timeout)
        .args(extra)
        .arg(array)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}\nstderr: {stderr}"));
    (out.status.code().unwrap_or(-1), json, stderr)
}

fn server<'v>(report: &'v Value, name: &str) -> &'v Value {
    report["servers"].as_array().unwrap().iter().find(|s| s["server"] == name).unwrap_or_else(|| panic!("no {name}"))
}

fn protocol<'v>(server: &'v Value, p: &str) -> &'v Value {
    server["protocols"].as_array().unwrap().iter().find(|x| x["protocol"] == p).unwrap_or_else(|| panic!("no {p}"))
}

fn findings<'v>(report: &'v Value, code: &str) -> Vec<&'v Value> {
    report["findings"].as_array().unwrap().iter().filter(|f| f["code"] == code).collect()
}

#[test]
fn a_server_that_does_what_the_export_says_agrees_on_every_protocol() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "seg01.verify.test", (2027, 6, 1), true);
    let peer = openssl_peer(&[
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--min",
        "TLSv1.2",
        "--max",
        "TLSv1.3",
        "--banner",
        "Trustwave MailMarshal (v10.1.0.1203) ready",
    ]);
    let address = format!("127.0.0.1:{}", peer.port);
    let servers = [Server { name: "SEG01", address: address.clone(), inbound: tls_with_file(&cert) }];
    let array =
        export(dir.path(), "10.1.0.1203", &servers, "Receiver.SSLMethodTLSv1_0 = 0\nReceiver.SSLMethodTLSv1_1 = 0\n");
    let (code, report, stderr) = verify(&array, &[]);
    assert_eq!(report["schema"], "seglint/verify/v1");
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report:#}");
    assert_eq!(code, 0, "{stderr}");
    let s = server(&report, "SEG01");
    assert_eq!(s["target"], address);
    assert_eq!(s["error"], Value::Null);
    assert_eq!(s["starttls"], serde_json::json!({"predicted": true, "observed": true}));
    let names: Vec<&str> = s["protocols"].as_array().unwrap().iter().map(|p| p["protocol"].as_str().unwrap()).collect();
    assert_eq!(names, ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"], "oldest first");
    assert_eq!(protocol(s, "SSLv2")["observed"], Value::Null, "SSLv2 is never tested");
    assert_eq!(protocol(s, "SSLv2")["agrees"], Value::Null);
    for (p, predicted, observed, evidence) in [
        ("SSLv3", "off", "refused", "default"),
        ("TLSv1.0", "off", "refused", "explicit"),
        ("TLSv1.1", "off", "refused", "explicit"),
        ("TLSv1.2", "on", "accepted", "default"),
        ("TLSv1.3", "on", "accepted", "default"),
    ] {
        let x = protocol(s, p);
        assert_eq!((x["predicted"].as_str(), x["observed"].as_str()), (Some(predicted), Some(observed)), "{p}: {x}");
        assert_eq!(x["predicted_evidence"], evidence, "{p}");
        assert_eq!(x["agrees"], true, "{p}");
    }
    assert_eq!(s["certificate"]["predicted"]["subject"], "CN=seg01.verify.test");
    assert_eq!(s["certificate"]["predicted"], s["certificate"]["observed"], "the export names the served file");
    assert_eq!(s["certificate_agrees"], true);
    // Read as a person would: the table says that every protocol agrees.
    let human = seglint().args(["verify", "--now", NOW, "--timeout", "3s"]).arg(&array).output().unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    let row = human.lines().find(|l| l.trim_start().starts_with("TLSv1.0")).unwrap_or_default();
    assert!(row.contains("off (explicit, inferred)") && row.ends_with("yes: confirmed by observation"), "{human}");
    assert!(human.contains("TLSv1.3   on (version default)"), "{human}");
    assert!(!human.contains("NO") && human.contains("no findings"), "{human}");
    assert!(human.contains("certificate in the export: CN=seg01.verify.test, until 2027-06-01: agrees"), "{human}");
}

#[test]
fn each_direction_of_a_protocol_mismatch_is_its_own_rule() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "mail01.verify.test", (2027, 6, 1), true);
    let (c, k) = (cert.to_str().unwrap(), key.to_str().unwrap());
    // 8.2.1 receives TLSv1.0 – TLSv1.2 by default. One server adds TLSv1.3, one offers TLSv1.2 only.
    let wide = openssl_peer(&["--cert", c, "--key", k, "--min", "TLSv1", "--max", "TLSv1.3"]);
    let narrow = openssl_peer(&["--cert", c, "--key", k, "--min", "TLSv1.2", "--max", "TLSv1.2"]);
    let servers = [
        Server { name: "MAIL01", address: format!("127.0.0.1:{}", wide.port), inbound: tls_with_file(&cert) },
        Server { name: "MAIL02", address: format!("127.0.0.1:{}", narrow.port), inbound: tls_with_file(&cert) },
    ];
    let array = export(dir.path(), "8.2.1.5620", &servers, "");
    let (code, report, _) = verify(&array, &[]);
    assert_eq!(code, 1, "SEG601 is an error");
    let beyond = findings(&report, "SEG601");
    assert_eq!(beyond.len(), 1, "{report:#}");
    let f = beyond[0];
    assert_eq!(
        (f["server"].as_str(), f["direction"].as_str(), f["evidence"].as_str()),
        (Some("MAIL01"), Some("inbound"), Some("observed"))
    );
    assert_eq!(f["name"], "observed-protocol-beyond-posture");
    assert_eq!(f["severity"], "error");
    let o = &f["observation"];
    assert_eq!(o["kind"], "verify");
    assert_eq!(o["target"], format!("127.0.0.1:{}", wide.port));
    assert_eq!(
        (o["observed"].as_str(), o["predicted"].as_str(), o["predicted_evidence"].as_str()),
        (Some("accepted"), Some("off"), Some("default"))
    );
    assert!(
        time::OffsetDateTime::parse(o["at"].as_str().unwrap(), &time::format_description::well_known::Rfc3339).is_ok(),
        "{o}"
    );
    assert_eq!(f["location"], Value::Null, "a default decided: no location");
    assert!(f["rules_data"]["file"].as_str().unwrap().contains("versions.toml"), "the row that decided: {f}");
    assert!(f["message"].as_str().unwrap().contains("TLSv1.3"));
    let missing = findings(&report, "SEG602");
    let missing: Vec<(&str, &str)> =
        missing.iter().map(|f| (f["server"].as_str().unwrap(), f["setting"].as_str().unwrap())).collect();
    assert_eq!(missing, [("MAIL02", "SSLMethodTLSv1_0"), ("MAIL02", "SSLMethodTLSv1_1")]);
    let mail02 = server(&report, "MAIL02");
    assert_eq!(protocol(mail02, "TLSv1.0")["agrees"], false);
    assert_eq!(protocol(mail02, "TLSv1.2")["agrees"], true);
    // The policy sink applies as in `check`: allowed rules are not reported.
    let (code, report, _) = verify(&array, &["--allow", "SEG601", "--allow", "observed-protocol-missing"]);
    assert_eq!((code, report["findings"].as_array().unwrap().len()), (0, 0), "{report:#}");
    // A baseline of today's mismatches: they no longer fail, and are reported as known.
    let baseline = dir.path().join("verify-baseline.json");
    let (code, _, stderr) = verify(&array, &["--write-baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 1, "writing a baseline still reports");
    assert!(stderr.contains("wrote baseline") && stderr.contains("3 findings"), "{stderr}");
    let (code, report, _) = verify(&array, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 0, "{report:#}");
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["baseline"] == "known"), "{report:#}");
}

#[test]
fn no_starttls_is_a_result_that_agrees_only_with_inbound_tls_off() {
    let dir = tempfile::tempdir().unwrap();
    let plain = openssl_peer(&["--no-starttls"]);
    let address = format!("127.0.0.1:{}", plain.port);
    let servers = [
        Server { name: "MAIL01", address: address.clone(), inbound: "<InboundSecurity tlsEnabled=\"true\"/>".into() },
        Server { name: "MAIL02", address: address.clone(), inbound: "<InboundSecurity tlsEnabled=\"false\"/>".into() },
    ];
    let array = export(dir.path(), "8.2.1", &servers, "");
    let (code, report, _) = verify(&array, &[]);
    assert_eq!(code, 0, "SEG604 is a warning; no server failed");
    let f = findings(&report, "SEG604");
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(
        (f[0]["server"].as_str(), f[0]["observation"]["observed"].as_str()),
        (Some("MAIL01"), Some("no STARTTLS"))
    );
    assert_eq!(f[0]["observation"]["predicted"], "on");
    assert_eq!(f[0]["observation"]["predicted_evidence"], "explicit");
    assert!(f[0]["location"]["line"].as_u64().is_some(), "the tlsEnabled attribute decided");
    for name in ["MAIL01", "MAIL02"] {
        let s = server(&report, name);
        assert_eq!((s["starttls"]["observed"].as_bool(), s["error"].is_null()), (Some(false), true), "{s}");
        assert_eq!(s["protocols"].as_array().unwrap().len(), 0, "no protocol is compared without STARTTLS");
    }
    let (code, _, _) = verify(&array, &["--fail-on", "warning"]);
    assert_eq!(code, 1);
}

#[test]
fn a_different_certificate_and_a_missing_one_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (served, key) = certificate(dir.path(), "new.verify.test", (2026, 12, 10), false);
    let (other, _) = certificate(dir.path(), "old.verify.test", (2027, 6, 1), true);
    let peer = openssl_peer(&["--cert", served.to_str().unwrap(), "--key", key.to_str().unwrap()]);
    let address = format!("127.0.0.1:{}", peer.port);
    let servers = [
        Server { name: "MAIL01", address: address.clone(), inbound: tls_with_file(&other) },
        Server { name: "MAIL02", address: address.clone(), inbound: "<InboundSecurity tlsEnabled=\"true\"/>".into() },
    ];
    let array = export(dir.path(), "10.1.0", &servers, "");
    let (_, report, _) = verify(&array, &[]);
    let mismatch = findings(&report, "SEG603");
    assert_eq!(mismatch.len(), 2, "{report:#}");
    let (replaced, unlisted) = (mismatch[0], mismatch[1]);
    assert_eq!(replaced["server"], "MAIL01");
    assert!(
        replaced["message"].as_str().unwrap().contains("thumbprint"),
        "the export has one from the file: {replaced}"
    );
    assert!(replaced["observation"]["observed"].as_str().unwrap().starts_with("CN=new.verify.test"));
    assert!(replaced["observation"]["predicted"].as_str().unwrap().starts_with("CN=old.verify.test"));
    assert_eq!(unlisted["server"], "MAIL02");
    assert_eq!(server(&report, "MAIL01")["certificate_agrees"], false);
    assert_eq!(unlisted["observation"]["predicted"], "no certificate in the export");
    // With none in the export, the served one is judged by the certificate rules, observed.
    let mail02: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["server"] == "MAIL02" && f["code"].as_str().is_some_and(|c| c.starts_with("SEG30")))
        .map(|f| (f["code"].as_str().unwrap(), f["evidence"].as_str().unwrap()))
        .collect();
    assert_eq!(mail02, [("SEG303", "observed"), ("SEG305", "observed"), ("SEG306", "observed")], "{report:#}");
    assert!(findings(&report, "SEG303").iter().all(|f| f["observation"]["kind"] == "verify"));
    assert_eq!(server(&report, "MAIL02")["certificate"]["predicted"], Value::Null);
    assert_eq!(server(&report, "MAIL02")["certificate"]["observed"]["subject"], "CN=new.verify.test");
}

#[test]
fn an_unreachable_or_stalling_server_is_an_input_error_and_the_others_are_still_verified() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "ok.verify.test", (2027, 6, 1), true);
    let ok = openssl_peer(&[
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--min",
        "TLSv1",
        "--max",
        "TLSv1.2",
    ]);
    let stall = openssl_peer(&["--behaviour", "stall"]);
    let garbage = openssl_peer(&["--behaviour", "garbage"]);
    let drip = openssl_peer(&["--behaviour", "drip"]);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let tls = || tls_with_file(&cert);
    let servers = [
        Server { name: "GOOD", address: format!("127.0.0.1:{}", ok.port), inbound: tls() },
        Server { name: "STALLS", address: format!("127.0.0.1:{}", stall.port), inbound: tls() },
        Server { name: "DOWN", address: format!("127.0.0.1:{closed_port}"), inbound: tls() },
        Server { name: "GARBLED", address: format!("127.0.0.1:{}", garbage.port), inbound: tls() },
        // Regression: a byte within each read's timeout kept the banner going for 2x --timeout.
        Server { name: "DRIPS", address: format!("127.0.0.1:{}", drip.port), inbound: tls() },
    ];
    let array = export(dir.path(), "8.2.1", &servers, "");
    let started = std::time::Instant::now();
    let (code, report, stderr) = verify(&array, &["--timeout", "1s", "--jobs", "5"]);
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_millis(2500), "five servers at --jobs 5 took {took:?} at --timeout 1s");
    assert_eq!(code, 3, "{report:#}");
    for (name, stage) in [("STALLS", "banner"), ("DOWN", "connect"), ("GARBLED", "banner"), ("DRIPS", "banner")] {
        let s = server(&report, name);
        assert_eq!(s["error"]["stage"], stage, "{name}: {s}");
        assert!(stderr.contains(name), "the failure is also told on stderr: {stderr}");
    }
    let good = server(&report, "GOOD");
    assert_eq!(good["error"], Value::Null);
    assert!(
        good["protocols"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["observed"] != Value::Null)
            .all(|p| p["agrees"] == true),
        "{good}"
    );
    assert_eq!(protocol(good, "TLSv1.0")["observed"], "accepted", "OpenSSL speaks TLSv1.0 when allowed");
    assert!(
        report["findings"].as_array().unwrap().iter().all(|f| f["server"] == "GOOD"),
        "nothing is said of servers not probed"
    );
    let error = report["arrays"][0]["error"]["message"].as_str().unwrap();
    assert!(error.starts_with("4 servers could not be probed: STALLS"), "{error}");
    // The formats of `check` tell it as an input error too.
    for (format, says) in [
        ("sarif", "toolExecutionNotifications"),
        ("junit", "could not be probed"),
        ("junit", "SEG601 observed-protocol-beyond-posture"),
        ("github", "::error"),
        ("markdown", "could not be probed"),
    ] {
        let out = seglint().args(["verify", "--timeout", "1s", "--format", format]).arg(&array).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(says) && text.contains("DOWN"), "{format}: {text}");
        assert_eq!(out.status.code(), Some(3), "{format}");
        assert!(format != "junit" || !text.contains("SEG101"), "verify evaluates no file rule: {text}");
    }
}

#[test]
fn a_legacy_only_server_still_has_its_certificate_read() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "old.verify.test", (2027, 6, 1), true);
    let peer = openssl_peer(&[
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--min",
        "TLSv1",
        "--max",
        "TLSv1",
    ]);
    let servers = [Server { name: "OLD", address: format!("127.0.0.1:{}", peer.port), inbound: tls_with_file(&cert) }];
    let array = export(dir.path(), "7.3.0", &servers, "");
    let (_, report, _) = verify(&array, &[]);
    let s = server(&report, "OLD");
    assert_eq!(s["error"], Value::Null, "{s}");
    assert_eq!(protocol(s, "TLSv1.0")["observed"], "accepted");
    assert_eq!(protocol(s, "TLSv1.2")["observed"], "refused");
    assert_eq!(s["certificate"]["observed"]["subject"], "CN=old.verify.test", "read from the TLSv1.0 handshake");
    assert!(findings(&report, "SEG603").is_empty(), "the same certificate: {report:#}");
    let missing: Vec<&str> = findings(&report, "SEG602").iter().map(|f| f["setting"].as_str().unwrap()).collect();
    assert_eq!(missing, ["SSLMethodSSLv3", "SSLMethodTLSv1_1", "SSLMethodTLSv1_2"], "7.3.0 receives SSLv3 – TLSv1.2");
}

#[test]
fn a_banner_that_names_another_version_and_server_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "mail01.verify.test", (2027, 6, 1), true);
    let (c, k) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let peer =
        openssl_peer(&["--cert", c, "--key", k, "--max", "TLSv1.2", "--banner", "MailMarshal (v7.3.5.1000) Ready"]);
    // The export's address is wrong; --server wins over it.
    let servers = [Server { name: "MAIL01", address: "127.0.0.1:1".into(), inbound: tls_with_file(&cert) }];
    let array =
        export(dir.path(), "8.2.1.5620", &servers, "Receiver.SSLMethodTLSv1_0 = 0\nReceiver.SSLMethodTLSv1_1 = 0\n");
    let at = format!("mail01=127.0.0.1:{}", peer.port);
    let (code, report, _) = verify(&array, &["--server", &at, "--fail-on", "warning"]);
    assert_eq!(server(&report, "MAIL01")["target"], format!("127.0.0.1:{}", peer.port));
    let f = findings(&report, "SEG608");
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(f[0]["direction"], Value::Null);
    assert_eq!(
        (f[0]["observation"]["observed"].as_str(), f[0]["observation"]["predicted"].as_str()),
        (Some("7.3.5 build 1000"), Some("8.2.1 build 5620"))
    );
    assert_eq!(code, 1, "every protocol agrees, but the export's version is stale: {report:#}");
    let out = seglint().args(["verify", "--server", "MAIL09=127.0.0.1:25"]).arg(&array).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "a server no array has is a usage error");
    assert!(stderr.contains("MAIL09") && stderr.contains("MAIL01"), "{stderr}");
    let twice =
        seglint().args(["verify", "--server", "MAIL01=a", "--server", "mail01=b"]).arg(&array).output().unwrap();
    assert_eq!(twice.status.code(), Some(2), "which address is meant?");
    let out = seglint().args(["verify", "--server", "MAIL01"]).arg(&array).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NAME=HOST[:PORT]"));
}

#[test]
fn every_reporter_of_check_carries_the_observed_findings() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "mail01.verify.test", (2027, 6, 1), true);
    let peer = openssl_peer(&["--cert", cert.to_str().unwrap(), "--key", key.to_str().unwrap(), "--max", "TLSv1.3"]);
    let servers =
        [Server { name: "MAIL01", address: format!("127.0.0.1:{}", peer.port), inbound: tls_with_file(&cert) }];
    let array = export(dir.path(), "8.2.1", &servers, "");
    for format in ["human", "sarif", "github", "junit", "markdown"] {
        let out = seglint().args(["verify", "--now", NOW, "--format", format]).arg(&array).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(text.contains("SEG601") && text.contains("TLSv1.3"), "{format}: {text}");
        assert!(text.contains("SEG602"), "{format}: TLSv1.0/1.1 refused: {text}");
        assert!(
            text.contains("observed at") || ["markdown", "sarif"].contains(&format),
            "{format}: the observation is told: {text}"
        );
        assert!(text.contains(&format!("127.0.0.1:{}", peer.port)), "{format}: the target is named: {text}");
    }
    let out = seglint().args(["verify", "--now", NOW, "--format", "sarif"]).arg(&array).output().unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["observation"]["kind"], "verify", "{result:#}");
}

#[test]
fn starttls_offered_while_inbound_tls_is_off_and_an_unreadable_array_among_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "mail01.verify.test", (2027, 6, 1), true);
    let peer = openssl_peer(&["--cert", cert.to_str().unwrap(), "--key", key.to_str().unwrap()]);
    let good = dir.path().join("good");
    std::fs::create_dir(&good).unwrap();
    let off = "<InboundSecurity tlsEnabled=\"false\"/>".to_string();
    let servers = [Server { name: "MAIL01", address: format!("127.0.0.1:{}", peer.port), inbound: off }];
    let good = export(&good, "10.1.0", &servers, "");
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, "<SegConfiguration productVersion=\"10.1\"><Servers><Server></Servers>").unwrap();
    let out = seglint()
        .args(["verify", "--format", "json", "--now", NOW, "--timeout", "3s"])
        .arg(&bad)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "an array that cannot be read is an input error");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let arrays = report["arrays"].as_array().unwrap();
    assert_eq!(arrays.len(), 2, "both arrays, in the arguments' order: {arrays:?}");
    assert!(arrays[0]["source"].as_str().unwrap().ends_with("bad.xml"));
    assert!(arrays[0]["error"]["message"].is_string() && arrays[0]["error"]["location"]["line"].is_u64(), "{arrays:?}");
    assert_eq!(arrays[1]["error"], Value::Null);
    assert_eq!(arrays[1]["servers"], serde_json::json!(["MAIL01"]));
    let f = findings(&report, "SEG604");
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(
        (f[0]["observation"]["observed"].as_str(), f[0]["observation"]["predicted"].as_str()),
        (Some("STARTTLS offered"), Some("off"))
    );
    assert_eq!(server(&report, "MAIL01")["protocols"].as_array().unwrap().len(), 0, "TLS off: no protocol compared");
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.xml"), "the unreadable array is told on stderr");
}

#[test]
fn a_cbc_only_tls12_server_is_seen_to_speak_tlsv1_2_and_a_handshake_stall_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "cbc.verify.test", (2027, 6, 1), true);
    let (c, k) = (cert.to_str().unwrap(), key.to_str().unwrap());
    // rustls offers only AEAD suites; this OpenSSL peer takes only ECDHE-ECDSA-AES256-SHA (CBC).
    let cbc = openssl_peer(&[
        "--cert",
        c,
        "--key",
        k,
        "--min",
        "TLSv1.2",
        "--max",
        "TLSv1.2",
        "--ciphers",
        "ECDHE-ECDSA-AES256-SHA",
    ]);
    let stall = openssl_peer(&["--cert", c, "--key", k, "--behaviour", "stall-tls"]);
    let servers = [
        Server { name: "CBC", address: format!("127.0.0.1:{}", cbc.port), inbound: tls_with_file(&cert) },
        Server { name: "STALLTLS", address: format!("127.0.0.1:{}", stall.port), inbound: tls_with_file(&cert) },
    ];
    let array = export(
        dir.path(),
        "10.1.0",
        &servers,
        "Receiver.SSLMethodTLSv1_0 = 0\nReceiver.SSLMethodTLSv1_1 = 0\nReceiver.SSLMethodTLSv1_3 = 0\n",
    );
    let (code, report, _) = verify(&array, &["--timeout", "1s"]);
    let s = server(&report, "CBC");
    assert_eq!(s["error"], Value::Null, "{s}");
    assert_eq!(protocol(s, "TLSv1.2")["observed"], "accepted", "{s}");
    assert_eq!(s["certificate"]["observed"]["subject"], "CN=cbc.verify.test", "read from the hand-built TLSv1.2 hello");
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["server"] != "CBC"), "{report:#}");
    assert_eq!(server(&report, "STALLTLS")["error"]["stage"], "handshake");
    assert_eq!(code, 3);
}

#[test]
fn a_suppression_of_an_observed_rule_works_in_verify_and_is_not_unused_in_check() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "mail01.verify.test", (2027, 6, 1), true);
    let peer = openssl_peer(&["--cert", cert.to_str().unwrap(), "--key", key.to_str().unwrap()]);
    let servers =
        [Server { name: "MAIL01", address: format!("127.0.0.1:{}", peer.port), inbound: tls_with_file(&cert) }];
    let settings = "Receiver.SSLMethodTLSv1_0 = 0\nReceiver.SSLMethodTLSv1_1 = 0\n# seglint-allow SEG601: TLSv1.3 stays on until the change window\nReceiver.SSLMethodTLSv1_3 = 0\n";
    let array = export(dir.path(), "10.1.0", &servers, settings);
    let (code, report, _) = verify(&array, &[]);
    let f = findings(&report, "SEG601");
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(f[0]["suppressed"]["reason"], "TLSv1.3 stays on until the change window");
    assert_eq!(f[0]["location"]["line"], 4, "the setting that decided");
    assert_eq!(code, 0, "a suppressed error does not fail");
    assert!(
        findings(&report, "SEG902").is_empty() && findings(&report, "SEG901").is_empty(),
        "comments are check's to judge"
    );
    let (_, checked) = check_json(array.to_str().unwrap(), &[]);
    assert!(!codes(&checked).contains(&"SEG902".to_string()), "check cannot match SEG601: {checked:#}");
}

#[test]
fn the_html_page_shows_each_server_predicted_beside_observed_with_the_differences_marked() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "mail01.verify.test", (2027, 6, 1), true);
    let (c, k) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let wide = openssl_peer(&["--cert", c, "--key", k, "--min", "TLSv1", "--max", "TLSv1.3"]);
    let servers =
        [Server { name: "MAIL01", address: format!("127.0.0.1:{}", wide.port), inbound: tls_with_file(&cert) }];
    let array = export(dir.path(), "8.2.1.5620", &servers, "");
    let (json_code, report, _) = verify(&array, &[]);
    let out =
        seglint().args(["verify", "--format", "html", "--now", NOW, "--timeout", "3s"]).arg(&array).output().unwrap();
    assert_eq!(out.status.code(), Some(json_code));
    let page = String::from_utf8(out.stdout).unwrap();
    let doc = html::parse(&page);
    let rows = html::select(&doc, "table.observed tbody tr");
    let s = server(&report, "MAIL01");
    let protocols = s["protocols"].as_array().unwrap();
    assert_eq!(rows.len(), 1 + protocols.len() + 1, "STARTTLS, each protocol, the certificate");
    for (row, p) in rows[1..].iter().zip(protocols) {
        let t = html::text(row);
        let want = match p["agrees"].as_bool() {
            Some(true) => "✓ agrees",
            Some(false) => "✖ differs",
            None => "– not tested",
        };
        assert!(t.starts_with(p["protocol"].as_str().unwrap()) && t.ends_with(want), "{t} / {p}");
    }
    assert!(html::texts(&doc, "table.observed td.mismatch").len() == 1, "TLSv1.3 accepted, predicted off");
    assert_eq!(html::select(&doc, "tr[data-rule=SEG601]").len(), 1);
    assert_eq!(html::select(&doc, "tr[data-rule]").len(), report["findings"].as_array().unwrap().len());
    html::render_in_browser(&html::save(dir.path(), "verify", &page), "verify");
}
