//! `seglint probe`, offline: an in-process STARTTLS SMTP server on 127.0.0.1 built on rustls,
//! with certificates made here by rcgen, behaving well and badly.

use crate::common::*;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use seglint::probe::{Options, Target, probe};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    Normal,
    NoStarttls,
    StallAfterBanner,
    Garbage,
    EndlessLine,
    BreakHandshake,
    DataAfterStarttls,
    /// After STARTTLS, answers the ClientHello one byte at a time, each within the read timeout.
    DripHandshake,
    /// Like Normal, but ends the handshake of a client that presents no certificate.
    RequireClientCert,
    /// Speaks only TLSv1.0: answers a TLSv1.0 hello with a ServerHello, anything else with an alert.
    LegacyTls10,
    /// Answers the ClientHello with a TLSv1.2 ServerHello, then sends nothing more.
    HelloThenStall,
    /// Accepts the connection and never says a word.
    Silent,
    /// Sends its banner one byte every 200 ms.
    DripBanner,
    /// `220-` lines, without end.
    EndlessContinuation,
    /// Reads the ClientHello, then resets the connection.
    ResetInHandshake,
    /// Speaks TLSv1.2/1.3 at once, but never answers the hand-built legacy hellos.
    LegacyStall,
}

#[derive(Clone, Copy)]
struct Peer {
    behaviour: Behaviour,
    versions: &'static [&'static rustls::SupportedProtocolVersion],
    client_auth: bool,
}

const BOTH: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13, &rustls::version::TLS12];
const ONLY12: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS12];
const ONLY13: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn server_config(peer: Peer) -> Arc<rustls::ServerConfig> {
    let server = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = CertificateDer::from(server.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server.signing_key.serialize_der()));
    let builder =
        rustls::ServerConfig::builder_with_provider(provider()).with_protocol_versions(peer.versions).unwrap();
    let config = if peer.client_auth {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, "Seglint Test CA");
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let ca = params.self_signed(&ca_key).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from(ca.der().to_vec())).unwrap();
        let mut verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider());
        if peer.behaviour != Behaviour::RequireClientCert {
            verifier = verifier.allow_unauthenticated();
        }
        let verifier = verifier.build().unwrap();
        builder.with_client_cert_verifier(verifier).with_single_cert(vec![cert], key).unwrap()
    } else {
        builder.with_no_client_auth().with_single_cert(vec![cert], key).unwrap()
    };
    Arc::new(config)
}

/// Starts the peer; returns its port. Threads end with the test process.
fn serve(peer: Peer) -> u16 {
    serve_on(TcpListener::bind("127.0.0.1:0").unwrap(), peer)
}

fn serve_on(listener: TcpListener, peer: Peer) -> u16 {
    let port = listener.local_addr().unwrap().port();
    let config = server_config(peer);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || session(stream, peer, config));
        }
    });
    port
}

fn session(mut stream: TcpStream, peer: Peer, config: Arc<rustls::ServerConfig>) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let slowly = |stream: &mut TcpStream, bytes: &[u8], pause: Duration| {
        bytes.iter().all(|b| {
            std::thread::sleep(pause);
            stream.write_all(&[*b]).is_ok()
        })
    };
    match peer.behaviour {
        Behaviour::Garbage => {
            let _ = stream.write_all(b"\x00\x01HTTP/1.1 400 Bad Request\r\n");
            return;
        }
        Behaviour::EndlessLine => {
            // 10 MB without a line end.
            for _ in 0..10_000 {
                if stream.write_all(&[b'A'; 1000]).is_err() {
                    return;
                }
            }
            return;
        }
        Behaviour::Silent => return std::thread::sleep(Duration::from_secs(5)),
        Behaviour::DripBanner => {
            slowly(&mut stream, b"220 localhost ESMTP, slowly\r\n", Duration::from_millis(200));
            return;
        }
        Behaviour::EndlessContinuation => {
            while stream.write_all(b"220-still greeting\r\n").is_ok() {}
            return;
        }
        _ => {}
    }
    let _ = stream.write_all(b"220-localhost ESMTP seglint-test\r\n220 no mail is taken here\r\n");
    if peer.behaviour == Behaviour::StallAfterBanner {
        std::thread::sleep(Duration::from_secs(5));
        return;
    }
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let verb = line.trim().to_ascii_uppercase();
        if verb.starts_with("EHLO") {
            let tls = if peer.behaviour == Behaviour::NoStarttls { "" } else { "250-STARTTLS\r\n" };
            let _ = stream
                .write_all(format!("250-localhost greets you\r\n250-PIPELINING\r\n{tls}250 8BITMIME\r\n").as_bytes());
        } else if verb == "STARTTLS" {
            return starttls(stream, peer, config);
        } else if verb == "QUIT" {
            let _ = stream.write_all(b"221 bye\r\n");
            return;
        } else {
            let _ = stream.write_all(b"502 not here\r\n");
        }
    }
}

/// After STARTTLS: the behaviour's answer, or a real rustls handshake and an SMTP dialogue.
fn starttls(mut stream: TcpStream, peer: Peer, config: Arc<rustls::ServerConfig>) {
    let reply: &[u8] = if peer.behaviour == Behaviour::DataAfterStarttls {
        b"220 2.0.0 ready\r\n250 injected\r\n"
    } else {
        b"220 2.0.0 ready\r\n"
    };
    let _ = stream.write_all(reply);
    match peer.behaviour {
        Behaviour::DataAfterStarttls => std::thread::sleep(Duration::from_millis(500)),
        Behaviour::LegacyTls10 => legacy_tls10(stream),
        Behaviour::DripHandshake => {
            let mut hello = [0u8; 512];
            let _ = std::io::Read::read(&mut stream, &mut hello);
            let record = [0x16, 0x03, 0x03, 0x04, 0x00, 0x02, 0x00, 0x03, 0xfc, 0x03, 0x03];
            for b in record.iter().chain(std::iter::repeat_n(&0u8, 60)) {
                if stream.write_all(&[*b]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        Behaviour::HelloThenStall => {
            let mut hello = [0u8; 1024];
            let _ = std::io::Read::read(&mut stream, &mut hello);
            // ServerHello: TLSv1.2, a random, no session id, ECDHE-RSA-AES128-GCM-SHA256, no
            // compression, no extensions; then silence where the Certificate should come.
            let mut record = vec![0x16, 0x03, 0x03, 0x00, 0x2c, 0x02, 0x00, 0x00, 0x28, 0x03, 0x03];
            record.extend([0x01; 32]);
            record.extend([0x00, 0xc0, 0x2f, 0x00, 0x00, 0x00]);
            let _ = stream.write_all(&record);
            std::thread::sleep(Duration::from_secs(3));
        }
        Behaviour::ResetInHandshake => {
            // Closing with the rest of the hello unread makes the close a reset (RST).
            let mut start = [0u8; 5];
            let _ = std::io::Read::read_exact(&mut stream, &mut start);
        }
        Behaviour::LegacyStall => {
            // The legacy hellos offer an older client_version (bytes 9 and 10 of the record).
            let mut head = [0u8; 11];
            let legacy = stream.peek(&mut head).is_ok_and(|n| n == 11 && [head[9], head[10]] < [3, 3]);
            if legacy {
                std::thread::sleep(Duration::from_secs(5));
            } else {
                tls_dialogue(stream, config);
            }
        }
        Behaviour::BreakHandshake => {
            // Read the ClientHello, then answer with something that is not TLS.
            let mut hello = [0u8; 512];
            let _ = std::io::Read::read(&mut stream, &mut hello);
            let _ = stream.write_all(b"not TLS at all\r\n\r\n");
        }
        _ => tls_dialogue(stream, config),
    }
}

/// Answers a TLSv1.0 hello with a ServerHello, anything else with an alert.
fn legacy_tls10(mut stream: TcpStream) {
    let mut hello = [0u8; 1024];
    let n = std::io::Read::read(&mut stream, &mut hello).unwrap_or(0);
    let offered =
        if n >= 11 && hello[0] == 0x16 && hello[5] == 0x01 { u16::from_be_bytes([hello[9], hello[10]]) } else { 0 };
    let answer: &[u8] = if offered == 0x0301 {
        &[0x16, 0x03, 0x01, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x01]
    } else {
        &[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]
    };
    let _ = stream.write_all(answer);
    std::thread::sleep(Duration::from_millis(200));
}

fn tls_dialogue(mut stream: TcpStream, config: Arc<rustls::ServerConfig>) {
    let mut conn = rustls::ServerConnection::new(config).unwrap();
    while conn.is_handshaking() {
        if conn.complete_io(&mut stream).is_err() {
            let _ = conn.write_tls(&mut stream);
            return;
        }
    }
    let mut tls = rustls::StreamOwned::new(conn, stream);
    let mut tls_reader = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        use std::io::Read;
        match tls.read(&mut byte) {
            Ok(1) => tls_reader.push(byte[0]),
            _ => return,
        }
        if byte[0] == b'\n' {
            let cmd = String::from_utf8_lossy(&tls_reader).trim().to_ascii_uppercase();
            tls_reader.clear();
            let answer: &[u8] =
                if cmd.starts_with("EHLO") { b"250-localhost\r\n250 8BITMIME\r\n" } else { b"221 bye\r\n" };
            let _ = tls.write_all(answer);
            let _ = tls.flush();
            if cmd == "QUIT" {
                return;
            }
        }
    }
}

fn options(timeout_ms: u64) -> Options {
    Options { helo: "probe.test".into(), timeout: Duration::from_millis(timeout_ms), identity: None, legacy: true }
}

fn target(port: u16) -> Target {
    Target { host: "localhost".into(), port }
}

fn normal(versions: &'static [&'static rustls::SupportedProtocolVersion], client_auth: bool) -> Peer {
    Peer { behaviour: Behaviour::Normal, versions, client_auth }
}

#[test]
fn a_client_certificate_request_and_its_ca_names_are_seen() {
    let r = probe(&target(serve(normal(BOTH, true))), &options(3000));
    assert!(r.error.is_none(), "{:?}", r.error);
    let c = r.client_certificate.unwrap();
    assert!(c.requested);
    assert_eq!(c.acceptable_cas, ["CN=Seglint Test CA"]);
}

#[test]
fn a_peer_that_requires_a_client_certificate_still_shows_what_it_agreed_to() {
    // With TLSv1.2 the refusal ends the handshake itself; with TLSv1.3 it comes after it.
    for (versions, protocol) in [(ONLY12, seglint::vocab::Protocol::Tls12), (BOTH, seglint::vocab::Protocol::Tls13)] {
        let peer = Peer { behaviour: Behaviour::RequireClientCert, versions, client_auth: true };
        let r = probe(&target(serve(peer)), &Options { legacy: false, ..options(3000) });
        assert_eq!(r.tls.as_ref().map(|t| t.protocol), Some(protocol));
        assert_eq!(r.tls_versions["TLSv1.2"], Some(true), "the refusal is not a missing protocol");
        assert!(r.client_certificate.as_ref().unwrap().requested);
        let error = r.error.as_ref().unwrap();
        assert!(error.message.contains("the peer rejected the client certificate"), "{error:?}");
        assert!(!r.unprobed(), "the peer was probed: exit 1 or 0, never 3");
        let facts = r.facts();
        assert_eq!(facts.client_certificate_requested, Some(true));
        assert!(facts.accepts.contains(&(seglint::vocab::Protocol::Tls12, Some(true))));
    }
}

#[test]
fn no_client_certificate_request() {
    let r = probe(&target(serve(normal(BOTH, false))), &options(3000));
    assert!(!r.client_certificate.unwrap().requested);
    let tls = r.tls.unwrap();
    assert_eq!(tls.protocol, seglint::vocab::Protocol::Tls13);
    assert_eq!(r.tls_versions["TLSv1.2"], Some(true), "a second handshake shows TLSv1.2 too");
    assert_eq!(r.starttls, Some(true));
    assert!(r.capabilities.contains(&"STARTTLS".to_string()));
    assert_eq!(r.banner.unwrap(), "220-localhost ESMTP seglint-test\n220 no mail is taken here", "multi-line, as sent");
    // A self-signed peer: the handshake completes, and the chain is reported untrusted.
    let check = r.certificate_check.unwrap();
    assert!(!check.trusted);
    assert!(check.hostname_valid, "the name check stands apart from trust: {check:?}");
    assert_eq!(r.peer_certificates.len(), 1);
    assert!(!r.peer_certificates[0].trusted);
    // rustls peers refuse every legacy hello.
    let legacy = r.legacy_protocols.unwrap();
    assert_eq!(legacy.values().copied().collect::<Vec<_>>(), [Some(false); 3]);
}

#[test]
fn the_host_name_check_is_independent_of_trust() {
    let port = serve(normal(BOTH, false));
    let by_ip = probe(&Target { host: "127.0.0.1".into(), port }, &Options { legacy: false, ..options(3000) });
    let check = by_ip.certificate_check.unwrap();
    assert!(!check.trusted && !check.hostname_valid, "{check:?}");
    let problem = check.problem.unwrap();
    assert!(problem.contains("UnknownIssuer") && problem.contains("not valid for the host name"), "{problem}");
}

#[test]
fn an_ipv6_peer_is_probed_like_any_other() {
    let Ok(listener) = TcpListener::bind("[::1]:0") else {
        #[allow(clippy::print_stderr)] // a skip must be visible in the test output
        {
            eprintln!("skipped: this machine has no IPv6 loopback");
        }
        return;
    };
    let port = serve_on(listener, normal(BOTH, false));
    let t = seglint::probe::parse_target(&format!("[::1]:{port}")).unwrap();
    let r = probe(&t, &Options { legacy: false, ..options(3000) });
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(r.tls.map(|t| t.protocol), Some(seglint::vocab::Protocol::Tls13));
    assert_eq!(r.target.host, "::1");
}

#[test]
fn tls12_only_and_tls13_only_peers() {
    let r = probe(&target(serve(normal(ONLY12, false))), &options(3000));
    assert_eq!(r.tls.unwrap().protocol, seglint::vocab::Protocol::Tls12);
    assert_eq!((r.tls_versions["TLSv1.2"], r.tls_versions["TLSv1.3"]), (Some(true), Some(false)));
    let r = probe(&target(serve(normal(ONLY13, false))), &options(3000));
    assert_eq!(r.tls.unwrap().protocol, seglint::vocab::Protocol::Tls13);
    assert_eq!((r.tls_versions["TLSv1.2"], r.tls_versions["TLSv1.3"]), (Some(false), Some(true)));
}

#[test]
fn no_starttls_offered() {
    let r = probe(
        &target(serve(Peer { behaviour: Behaviour::NoStarttls, versions: BOTH, client_auth: false })),
        &options(3000),
    );
    assert_eq!(r.starttls, Some(false));
    assert!(r.tls.is_none() && r.error.is_none());
}

#[test]
fn misbehaving_peers_end_with_the_stage_that_failed() {
    let cases = [
        (Behaviour::StallAfterBanner, "ehlo", "no complete reply"),
        (Behaviour::Garbage, "banner", "did not answer in SMTP"),
        (Behaviour::EndlessLine, "banner", "512"),
        (Behaviour::BreakHandshake, "handshake", ""),
        (Behaviour::DripHandshake, "handshake", "no answer within"),
        // Regression: a ServerHello and then silence was reported as a working TLSv1.2 peer.
        (Behaviour::HelloThenStall, "handshake", "no answer within"),
        // Data sent with the STARTTLS answer would be read as if it came over TLS: refused.
        (Behaviour::DataAfterStarttls, "starttls", "after its STARTTLS answer"),
        (Behaviour::Silent, "banner", "no complete reply within"),
        // Regression: each byte came within the read timeout, so the banner took 2x --timeout.
        (Behaviour::DripBanner, "banner", "no complete reply within"),
        (Behaviour::EndlessContinuation, "banner", "more than 100 lines"),
        (Behaviour::ResetInHandshake, "handshake", ""),
    ];
    for (behaviour, stage, words) in cases {
        let started = std::time::Instant::now();
        let r = probe(&target(serve(Peer { behaviour, versions: BOTH, client_auth: false })), &options(300));
        let e = r.error.as_ref().unwrap_or_else(|| panic!("{stage}: no error"));
        let json = serde_json::to_value(e).unwrap();
        assert_eq!(json["stage"], stage, "{}", e.message);
        assert!(e.message.contains(words), "{stage}: {}", e.message);
        assert!(
            r.tls.is_none() && r.strong_256.is_none(),
            "{stage}: a handshake that did not finish agreed to nothing"
        );
        assert!(r.tls_versions.values().all(|v| *v != Some(true)), "{stage}: {:?}", r.tls_versions);
        assert!(started.elapsed() < Duration::from_secs(2), "{stage}: the probe must end near its --timeout");
    }
}

/// Regression: `--timeout` bounded each step, so a peer that answered the modern handshake and
/// stalled every legacy hello kept the probe 4x --timeout (7x with more tests). The budget is
/// the peer's: what it does not cover is `null`, never a refusal, and the report says why.
#[test]
fn timeout_bounds_the_whole_probe_of_a_peer() {
    let port = serve(Peer { behaviour: Behaviour::LegacyStall, versions: BOTH, client_auth: false });
    let started = std::time::Instant::now();
    let out = seglint()
        .args(["probe", "--format", "json", "--timeout", "1s", &format!("localhost:{port}")])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(took < Duration::from_millis(2500), "the whole probe took {took:?} at --timeout 1s");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tls"]["protocol"], "TLSv1.3");
    assert_eq!(json["tls_versions"]["TLSv1.3"], true);
    for p in ["SSLv3", "TLSv1.0", "TLSv1.1"] {
        assert_eq!(json["legacy_protocols"][p], serde_json::Value::Null, "{p}: not tested, not refused");
    }
    let message = json["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("not tested, the time ran out") && message.contains("SSLv3"), "{message}");
    let human = seglint().args(["probe", "--timeout", "1s", &format!("localhost:{port}")]).output().unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("SSLv3 not tested") && text.contains("incomplete:         not tested, the time ran out"),
        "{text}"
    );
}

#[test]
fn nothing_listening_is_a_connect_error() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let r = probe(&Target { host: "127.0.0.1".into(), port }, &options(500));
    assert_eq!(serde_json::to_value(r.error.unwrap()).unwrap()["stage"], "connect");
}

#[test]
fn the_binary_joins_the_peer_with_an_array() {
    // The peer requests a client certificate; SEG301-fail's MAIL02 has none.
    let port = serve(normal(BOTH, true));
    let out = seglint()
        .args([
            "probe",
            "--format",
            "json",
            "--timeout",
            "3s",
            "--no-legacy",
            "--array",
            "testdata/rules/SEG301-fail.xml",
        ])
        .arg(format!("localhost:{port}"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["schema"], "seglint/probe/v1");
    assert_eq!(r["target"], serde_json::json!({"host": "localhost", "port": port}));
    // Spec 7: under --no-legacy the three keys stay, each null.
    assert_eq!(r["legacy_protocols"], serde_json::json!({"SSLv3": null, "TLSv1.0": null, "TLSv1.1": null}));
    let verdicts = r["verdicts"].as_array().unwrap();
    let mail02 = verdicts.iter().find(|v| v["server"] == "MAIL02").unwrap();
    assert_eq!(mail02["outcome"], "fail");
    assert_eq!(mail02["reasons"][0]["code"], "client-certificate-missing");
    assert_eq!(verdicts.iter().find(|v| v["server"] == "MAIL01").unwrap()["outcome"], "pass");
    // The human report leads with the verdict.
    let out = seglint()
        .args(["probe", "--timeout", "3s", "--no-legacy", "--array", "testdata/rules/SEG301-fail.xml"])
        .arg(format!("localhost:{port}"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().nth(1).unwrap().contains("PASS") || text.lines().nth(1).unwrap().contains("FAIL"), "{text}");
}

#[test]
fn several_peers_in_input_order() {
    let a = serve(normal(ONLY12, false));
    let b = serve(Peer { behaviour: Behaviour::NoStarttls, versions: BOTH, client_auth: false });
    let out = seglint()
        .args(["probe", "--format", "json", "--timeout", "3s", "--no-legacy", "--jobs", "2"])
        .arg(format!("localhost:{a}"))
        .arg(format!("localhost:{b}"))
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ports: Vec<u64> = r.as_array().unwrap().iter().map(|x| x["target"]["port"].as_u64().unwrap()).collect();
    assert_eq!(ports, [u64::from(a), u64::from(b)]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn bad_arguments_are_usage_errors() {
    assert_eq!(seglint().args(["probe", "mx:port"]).output().unwrap().status.code(), Some(2));
    assert_eq!(seglint().args(["probe"]).output().unwrap().status.code(), Some(2));
    assert_eq!(seglint().args(["probe", "--timeout", "soon", "mx"]).output().unwrap().status.code(), Some(2));
}

#[test]
fn a_tls10_only_peer_is_reachable_only_by_arrays_that_still_send_tlsv1_0() {
    let port = serve(Peer { behaviour: Behaviour::LegacyTls10, versions: BOTH, client_auth: false });
    let r = probe(&target(port), &options(1000));
    let legacy = r.legacy_protocols.clone().unwrap();
    assert_eq!((legacy["SSLv3"], legacy["TLSv1.0"], legacy["TLSv1.1"]), (Some(false), Some(true), Some(false)));
    assert_eq!(serde_json::to_value(r.error.as_ref().unwrap()).unwrap()["stage"], "handshake");
    assert!(!r.unprobed(), "a legacy protocol answered: the peer was probed");
    // 7.2.3 with ForceTLSv1 = 1 sends TLSv1.0 alone: it reaches the peer. 8.2.1 sends TLSv1.1+: no.
    let run = |array: &str| {
        let out = seglint()
            .args(["probe", "--format", "json", "--timeout", "1s", "--array", array])
            .arg(format!("localhost:{port}"))
            .output()
            .unwrap();
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            out.status.code(),
            r["verdicts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["outcome"].as_str().unwrap().to_string())
                .collect::<Vec<_>>(),
            r,
        )
    };
    let (code, outcomes, _) = run("testdata/versions/7.2.3");
    assert_eq!((code, outcomes), (Some(0), vec!["pass".to_string(), "pass".to_string()]));
    let (code, _, r) = run("testdata/versions/8.2.1");
    assert_eq!(code, Some(1));
    assert_eq!(r["verdicts"][0]["reasons"][0]["code"], "no-common-protocol");
}

#[test]
fn a_client_certificate_can_be_presented() {
    let dir = tempfile::tempdir().unwrap();
    let me = rcgen::generate_simple_self_signed(vec!["client.test".to_string()]).unwrap();
    let (cert, key) = (dir.path().join("client.pem"), dir.path().join("client.key"));
    std::fs::write(&cert, me.cert.pem()).unwrap();
    std::fs::write(&key, me.signing_key.serialize_pem()).unwrap();
    let port = serve(normal(BOTH, true));
    let out = seglint()
        .args(["probe", "--format", "json", "--timeout", "3s", "--no-legacy", "--client-cert"])
        .arg(&cert)
        .arg("--client-key")
        .arg(&key)
        .arg(format!("localhost:{port}"))
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The test CA did not issue it: the peer rejects it once the handshake is done, and the
    // report keeps what the handshake showed.
    assert_eq!(r["client_certificate"]["requested"], true, "{r}");
    assert_eq!(r["tls"]["protocol"], "TLSv1.3");
    assert_eq!(r["error"]["stage"], "handshake");
    assert!(r["error"]["message"].as_str().unwrap().contains("rejected the client certificate"), "{r}");
    let bad = seglint()
        .args(["probe", "--client-cert"])
        .arg(&cert)
        .arg("--client-key")
        .arg(&cert)
        .arg("localhost:1")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "a certificate is not a private key");
}

/// Runs the binary's probe against a local port; returns the exit code, stdout and stderr.
fn probe_bin(port: u16, args: &[&str]) -> (i32, String, String) {
    let out = seglint()
        .args(["probe", "--timeout", "3s", "--no-legacy"])
        .args(args)
        .arg(format!("localhost:{port}"))
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn reason_codes(json: &str) -> Vec<String> {
    let r: serde_json::Value = serde_json::from_str(json).unwrap();
    r["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| v["reasons"].as_array().unwrap().clone())
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn probe_honours_the_common_options_like_check() {
    // SEG307-pass is an 8.2.1 array: it sends with TLSv1.0 - TLSv1.2. The peer speaks TLSv1.3 only.
    let port = serve(normal(ONLY13, false));
    let array = ["--array", "testdata/rules/SEG307-pass.xml", "--format", "json"];
    let (exit, out, err) = probe_bin(port, &array);
    assert_eq!(exit, 1, "{err}");
    let codes = reason_codes(&out);
    assert!(!codes.is_empty() && codes.iter().all(|c| c == "protocol-overlap-unknown"), "{out}");
    // --seg-version: a 10.1.0 array sends with TLSv1.3 too, so the verdict passes.
    let (exit, out, _) = probe_bin(port, &[&array[..], &["--seg-version", "10.1.0"]].concat());
    assert_eq!((exit, reason_codes(&out).len()), (0, 0), "{out}");
    // --rules: a version table whose 7.3.5 - 9.x row sends with TLSv1.3 changes it the same way.
    let dir = tempfile::tempdir().unwrap();
    let table = std::fs::read_to_string(root().join("rules/versions.toml")).unwrap().replacen(
        "sending = [\"TLSv1.0\", \"TLSv1.1\", \"TLSv1.2\"]",
        "sending = [\"TLSv1.0\", \"TLSv1.1\", \"TLSv1.2\", \"TLSv1.3\"]",
        1,
    );
    std::fs::write(dir.path().join("versions.toml"), table).unwrap();
    let (exit, _, _) = probe_bin(port, &[&array[..], &["--rules", dir.path().to_str().unwrap()]].concat());
    assert_eq!(exit, 0);
    // --fail-on never, on the command line or in seglint.toml (the command line wins).
    assert_eq!(probe_bin(port, &[&array[..], &["--fail-on", "never"]].concat()).0, 0);
    let cfg = dir.path().join("seglint.toml");
    std::fs::write(&cfg, "fail-on = \"never\"\n").unwrap();
    assert_eq!(probe_bin(port, &[&array[..], &["--config", cfg.to_str().unwrap()]].concat()).0, 0);
    assert_eq!(
        probe_bin(port, &[&array[..], &["--config", cfg.to_str().unwrap(), "--fail-on", "error"]].concat()).0,
        1
    );
    std::fs::write(&cfg, "seg-version = \"10.1.0\"\n").unwrap();
    assert_eq!(probe_bin(port, &[&array[..], &["--config", cfg.to_str().unwrap()]].concat()).0, 0);
    std::fs::write(&cfg, "fail-on = \"sometimes\"\n").unwrap();
    assert_eq!(
        probe_bin(port, &[&array[..], &["--config", cfg.to_str().unwrap()]].concat()).0,
        2,
        "a bad config is a usage error"
    );
}

#[test]
fn probe_judges_the_client_certificate_at_now() {
    // MAIL01's certificate in SEG307-pass ends on 2027-06-01; the peer requests one.
    let port = serve(normal(BOTH, true));
    let args = ["--array", "testdata/rules/SEG307-pass.xml", "--format", "json"];
    let (_, out, _) = probe_bin(port, &[&args[..], &["--now", "2026-11-28"]].concat());
    assert!(!reason_codes(&out).contains(&"client-certificate-expired".to_string()), "{out}");
    let (exit, out, _) = probe_bin(port, &[&args[..], &["--now", "2027-07-01"]].concat());
    assert!(reason_codes(&out).contains(&"client-certificate-expired".to_string()), "{out}");
    assert_eq!(exit, 1);
}

#[test]
fn probe_output_follows_color_quiet_and_verbose() {
    let port = serve(normal(BOTH, false));
    let args = ["--array", "testdata/rules/SEG307-pass.xml"];
    let (_, plain, _) = probe_bin(port, &[&args[..], &["--color", "never"]].concat());
    assert!(plain.contains("PASS") && plain.contains("banner:") && !plain.contains('\u{1b}'), "{plain}");
    let (_, coloured, _) = probe_bin(port, &[&args[..], &["--color", "always"]].concat());
    assert!(coloured.contains("\u{1b}[32mPASS"), "{coloured}");
    let (_, quiet, _) = probe_bin(port, &[&args[..], &["-q"]].concat());
    assert!(quiet.contains("PASS") && !quiet.contains("banner:"), "{quiet}");
    let (_, verbose, _) = probe_bin(port, &[&args[..], &["-v"]].concat());
    assert!(verbose.contains("EHLO capabilities:  PIPELINING STARTTLS 8BITMIME"), "{verbose}");
}

#[test]
fn a_peer_without_starttls_is_a_result_with_all_legacy_keys() {
    let port = serve(Peer { behaviour: Behaviour::NoStarttls, versions: BOTH, client_auth: false });
    let (exit, out, _) = probe_bin(port, &["--format", "json", "--array", "testdata/rules/SEG307-pass.xml"]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((&r["starttls"], &r["error"]), (&serde_json::Value::Bool(false), &serde_json::Value::Null));
    assert_eq!(r["legacy_protocols"], serde_json::json!({"SSLv3": null, "TLSv1.0": null, "TLSv1.1": null}));
    let codes = reason_codes(&out);
    assert!(!codes.is_empty() && codes.iter().all(|c| c == "no-starttls"), "{out}");
    assert_eq!(exit, 1);
}

/// `verify` against the in-process rustls peer: it speaks TLSv1.2 and TLSv1.3 only, as a
/// 10.1 array told to refuse TLSv1.0/1.1 should; its certificate is not in the export.
#[test]
fn verify_holds_an_export_to_the_rustls_peer() {
    let port = serve(normal(BOTH, false));
    let dir = tempfile::tempdir().unwrap();
    let xml = format!(
        "<SegConfiguration productVersion=\"10.1.0\">\n<SenderProperties><OutboundSecurity tlsEnabled=\"true\"/></SenderProperties>\n<Servers><Server name=\"SEG01\" address=\"localhost:{port}\"><InboundSecurity tlsEnabled=\"true\"/></Server></Servers>\n</SegConfiguration>\n"
    );
    std::fs::write(dir.path().join("export.xml"), xml).unwrap();
    std::fs::write(dir.path().join("tls.settings"), "Receiver.SSLMethodTLSv1_0 = 0\nReceiver.SSLMethodTLSv1_1 = 0\n")
        .unwrap();
    let out = seglint().args(["verify", "--format", "json", "--now", NOW]).arg(dir.path()).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let server = &report["servers"][0];
    assert_eq!(server["target"], format!("localhost:{port}"));
    let tested: Vec<(&str, &str, bool)> = server["protocols"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["observed"].is_null())
        .map(|p| (p["protocol"].as_str().unwrap(), p["observed"].as_str().unwrap(), p["agrees"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        tested,
        [
            ("SSLv3", "refused", true),
            ("TLSv1.0", "refused", true),
            ("TLSv1.1", "refused", true),
            ("TLSv1.2", "accepted", true),
            ("TLSv1.3", "accepted", true)
        ]
    );
    let found: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["evidence"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("SEG603", "observed"), ("SEG303", "observed")], "{report:#}");
    assert_eq!(out.status.code(), Some(0), "both are warnings");
}

/// The rule levels of the policy sink reach probe reasons that stand for a rule.
#[test]
fn rule_levels_apply_to_probe_reasons() {
    let port = serve(normal(BOTH, true));
    let run = |extra: &[&str]| {
        let out = seglint()
            .args([
                "probe",
                "--format",
                "json",
                "--timeout",
                "3s",
                "--no-legacy",
                "--array",
                "testdata/rules/SEG301-fail.xml",
            ])
            .args(extra)
            .arg(format!("localhost:{port}"))
            .output()
            .unwrap();
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mail02 = r["verdicts"].as_array().unwrap().iter().find(|v| v["server"] == "MAIL02").unwrap().clone();
        (out.status.code(), mail02)
    };
    let (code, mail02) = run(&["--allow", "missing-client-certificate"]);
    assert_eq!((code, mail02["outcome"].as_str()), (Some(0), Some("pass")), "{mail02}");
    assert_eq!(mail02["reasons"].as_array().unwrap().len(), 0);
    let (code, mail02) = run(&["--warn", "SEG301"]);
    assert_eq!((code, mail02["outcome"].as_str()), (Some(0), Some("pass")), "a warning does not fail: {mail02}");
    assert_eq!(mail02["reasons"][0]["severity"], "warning");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("seglint.toml"), "[rules]\nSEG301 = \"allow\"\n").unwrap();
    let config = dir.path().join("seglint.toml");
    let (code, _) = run(&["--config", config.to_str().unwrap()]);
    assert_eq!(code, Some(0), "seglint.toml's levels apply too");
}
