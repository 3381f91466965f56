//! `seglint probe`: will outbound TLS from this array work with that peer? Connects to each
//! `HOST[:PORT]`, speaks SMTP up to STARTTLS, upgrades with rustls, tests legacy protocols with
//! hand-built ClientHellos, and joins what it saw with the `--array` postures into verdicts.
//! It never sends mail; reads are bounded, and one deadline (`--timeout`) bounds each peer's
//! probe as a whole: tests the time left cannot cover are reported as not tested.

pub mod legacy;
pub mod smtp;
pub mod tls;
pub mod verdict;

use crate::vocab::Protocol;
use serde::Serialize;
use smtp::{Budget, Conversation, Stage, StageError, Timed, fail};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use verdict::{PeerFacts, Verdict};

pub use crate::target::{Target, TargetError, parse_target};

#[derive(Debug, Clone, Serialize)]
pub struct TlsInfo {
    pub protocol: Protocol,
    pub cipher_suite: String,
    pub cipher_bits: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientCertInfo {
    pub requested: bool,
    pub acceptable_cas: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeerCert {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub trusted: bool,
    /// SHA-1 thumbprint, upper-case hex.
    pub sha1: String,
    pub self_signed: bool,
    /// Enhanced key usages; `null` when the certificate lists none.
    pub eku: Option<Vec<String>>,
    /// The fields as read, for the certificate rules (`verify`).
    #[serde(skip)]
    pub fields: crate::input::certificate::CertFields,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertificateCheck {
    /// The chain leads to a Mozilla root (webpki-roots).
    pub trusted: bool,
    /// The leaf is valid for the host name probed.
    pub hostname_valid: bool,
    pub problem: Option<String>,
}

/// One probe's result: the `seglint/probe/v1` object.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    pub schema: &'static str,
    pub target: Target,
    pub banner: Option<String>,
    pub starttls: Option<bool>,
    pub capabilities: Vec<String>,
    pub tls: Option<TlsInfo>,
    /// Whether the peer completed a handshake restricted to each modern version.
    pub tls_versions: BTreeMap<&'static str, Option<bool>>,
    /// Whether the peer negotiates a 256-bit suite when only those are offered.
    pub strong_256: Option<bool>,
    pub client_certificate: Option<ClientCertInfo>,
    pub legacy_protocols: Option<BTreeMap<&'static str, Option<bool>>>,
    pub peer_certificates: Vec<PeerCert>,
    pub certificate_check: Option<CertificateCheck>,
    pub verdicts: Vec<Verdict>,
    pub error: Option<StageError>,
}

pub struct Options {
    pub helo: String,
    pub timeout: Duration,
    pub identity: Option<tls::Identity>,
    pub legacy: bool,
}

/// Connects and speaks SMTP up to (and including) the `220` answer to STARTTLS.
fn to_starttls(
    t: &Target,
    o: &Options,
    budget: Budget,
    report: Option<&mut ProbeReport>,
) -> Result<Option<Timed>, StageError> {
    let stream = smtp::connect(&t.host, t.port, budget)?;
    let mut c = Conversation::new(stream, budget.within());
    let banner = c.reply(Stage::Banner)?;
    if banner.code != 220 {
        return fail(Stage::Banner, format!("the peer greeted with {} instead of 220: {}", banner.code, banner.text()));
    }
    c.send(Stage::Ehlo, &format!("EHLO {}", o.helo))?;
    let ehlo = c.reply(Stage::Ehlo)?;
    if ehlo.code != 250 {
        return fail(Stage::Ehlo, format!("EHLO was answered with {}: {}", ehlo.code, ehlo.text()));
    }
    let caps: Vec<String> =
        ehlo.lines.iter().skip(1).map(|l| l.split_whitespace().next().unwrap_or("").to_ascii_uppercase()).collect();
    let starttls = caps.iter().any(|c| c == "STARTTLS");
    if let Some(r) = report {
        // As sent: `220-` on every line but the last.
        let last = banner.lines.len().saturating_sub(1);
        let lines: Vec<String> = banner
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| format!("220{}{l}", if i < last { '-' } else { ' ' }))
            .collect();
        r.banner = Some(lines.join("\n"));
        r.capabilities = caps;
        r.starttls = Some(starttls);
    }
    if !starttls {
        let _ = c.send(Stage::Ehlo, "QUIT");
        return Ok(None);
    }
    c.send(Stage::Starttls, "STARTTLS")?;
    let answer = c.reply(Stage::Starttls)?;
    if answer.code != 220 {
        return fail(Stage::Starttls, format!("STARTTLS was answered with {}: {}", answer.code, answer.text()));
    }
    if c.leftover() > 0 {
        return fail(
            Stage::Starttls,
            "the peer sent data after its STARTTLS answer (before the handshake): refusing to continue",
        );
    }
    Ok(Some(c.stream))
}

fn server_name(host: &str) -> Result<rustls::pki_types::ServerName<'static>, StageError> {
    rustls::pki_types::ServerName::try_from(host.to_string())
        .or_else(|_| fail(Stage::Handshake, format!("`{host}` is not a valid TLS server name")))
}

struct Handshake {
    info: TlsInfo,
    record: Arc<tls::Recorder>,
    certs: Vec<rustls::pki_types::CertificateDer<'static>>,
    /// A failure after the handshake (the peer may reject a client certificate only then).
    after: Option<StageError>,
}

/// Names the likely cause of an alert: after a client-certificate request, or naming a
/// certificate, it is most often the peer refusing the certificate offered or its absence.
fn explain_alert(message: String, client_certificate_requested: bool) -> String {
    let cert_alert = ["UnknownCA", "BadCertificate", "CertificateRequired", "AccessDenied", "UnsupportedCertificate"];
    let cert_named = cert_alert.iter().any(|a| message.contains(a));
    let closed = ["Broken pipe", "reset by peer", "closed the connection"].iter().any(|c| message.contains(c));
    if cert_named || (client_certificate_requested && (message.contains("alert") || closed)) {
        format!("{message} (the peer rejected the client certificate, or the lack of one)")
    } else {
        message
    }
}

/// Runs the handshake record by record over the budgeted stream, whose deadline ends it
/// however the peer drips its records.
fn drive_handshake(conn: &mut rustls::ClientConnection, sock: &mut Timed) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    while conn.is_handshaking() {
        flush_tls(conn, sock)?;
        if conn.read_tls(sock)? == 0 {
            return Err(Error::new(ErrorKind::UnexpectedEof, "the peer closed the connection during the handshake"));
        }
        if let Err(e) = conn.process_new_packets() {
            // Send our alert, so the peer learns why.
            let _ = conn.write_tls(sock);
            return Err(Error::new(ErrorKind::InvalidData, e));
        }
    }
    flush_tls(conn, sock)
}

/// Writes what rustls has to send. A peer that refused (a client certificate, most often) may
/// have sent its alert and closed before our flight arrived: the write then fails with a broken
/// pipe or a reset, and the alert waiting to be read is the better reason.
fn flush_tls(conn: &mut rustls::ClientConnection, sock: &mut Timed) -> std::io::Result<()> {
    while conn.wants_write() {
        if let Err(e) = conn.write_tls(sock) {
            let alert = conn.read_tls(sock).ok().and_then(|_| conn.process_new_packets().err());
            return Err(alert.map_or(e, |a| std::io::Error::new(std::io::ErrorKind::InvalidData, a)));
        }
    }
    Ok(())
}

/// STARTTLS, then a rustls handshake offering `offer`; EHLO and QUIT over TLS when `finish`.
fn handshake(
    t: &Target,
    o: &Options,
    budget: Budget,
    offer: tls::Offer,
    finish: bool,
    report: Option<&mut ProbeReport>,
) -> Result<Option<Handshake>, StageError> {
    let Some(mut sock) = to_starttls(t, o, budget, report)? else { return Ok(None) };
    let record = Arc::new(tls::Recorder::default());
    let config = tls::client_config(offer, o.identity.as_ref(), record.clone())
        .or_else(|e| fail(Stage::Handshake, e.to_string()))?;
    let mut conn = rustls::ClientConnection::new(config, server_name(&t.host)?)
        .or_else(|e| fail(Stage::Handshake, e.to_string()))?;
    let mut after = None;
    if let Err(e) = drive_handshake(&mut conn, &mut sock) {
        let stalled = matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut);
        let why = if stalled { format!("no answer {}", budget.within()) } else { e.to_string() };
        // A handshake that does not finish is no protocol the peer accepts: only a peer that
        // sent its whole flight (its certificate included) and then refused, with an alert or
        // by closing, agreed to what it chose; a peer that stalls agreed to nothing.
        if conn.protocol_version().is_none() || stalled || conn.peer_certificates().is_none() {
            return fail(Stage::Handshake, why);
        }
        // The peer chose a protocol and suite, then ended the handshake: with TLSv1.2 this is
        // where a client certificate (or its lack) is rejected. What was agreed still counts.
        let requested = record.requested.lock().is_ok_and(|r| r.is_some());
        after = Some(StageError { stage: Stage::Handshake, message: explain_alert(why, requested) });
    }
    let protocol = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => Protocol::Tls13,
        _ => Protocol::Tls12,
    };
    let suite = conn.negotiated_cipher_suite().map(|s| s.suite());
    let info = TlsInfo {
        protocol,
        cipher_suite: suite.map_or_else(|| "unknown".into(), |s| format!("{s:?}")),
        cipher_bits: suite.map_or(0, tls::cipher_bits),
    };
    let certs =
        conn.peer_certificates().map(|c| c.iter().map(|d| d.clone().into_owned()).collect()).unwrap_or_default();
    if finish && after.is_none() {
        let mut c = Conversation::new(rustls::StreamOwned::new(conn, sock), budget.within());
        let ehlo = c.send(Stage::Handshake, &format!("EHLO {}", o.helo)).and_then(|()| c.reply(Stage::Handshake));
        match ehlo {
            Ok(r) if r.code == 250 => {
                let _ = c.send(Stage::Handshake, "QUIT");
                let _ = c.reply(Stage::Handshake);
            }
            Ok(r) => {
                after = Some(StageError {
                    stage: Stage::Handshake,
                    message: format!("EHLO over TLS was answered with {}", r.code),
                })
            }
            Err(e) => {
                let requested = record.requested.lock().is_ok_and(|r| r.is_some());
                after = Some(StageError { stage: Stage::Handshake, message: explain_alert(e.message, requested) })
            }
        }
    }
    Ok(Some(Handshake { info, record, certs, after }))
}

/// The chain a peer served, each certificate's fields read (those that do not parse are left out).
pub fn peer_certs<'c>(certs: impl IntoIterator<Item = &'c [u8]>, trusted: bool) -> Vec<PeerCert> {
    let rfc3339 = crate::vocab::rfc3339;
    certs
        .into_iter()
        .filter_map(|der| crate::input::certificate::fields(der).ok())
        .map(|f| PeerCert {
            subject: f.subject.clone(),
            issuer: f.issuer.clone(),
            not_before: rfc3339(f.not_before),
            not_after: rfc3339(f.not_after),
            trusted,
            sha1: f.sha1.clone(),
            self_signed: f.self_signed,
            eku: f.eku.clone(),
            fields: f,
        })
        .collect()
}

/// Probes one peer; never panics, always returns a report.
pub fn probe(t: &Target, o: &Options) -> ProbeReport {
    let mut r = ProbeReport {
        schema: "seglint/probe/v1",
        target: t.clone(),
        banner: None,
        starttls: None,
        capabilities: vec![],
        tls: None,
        tls_versions: BTreeMap::from([("TLSv1.2", None), ("TLSv1.3", None)]),
        strong_256: None,
        client_certificate: None,
        // Spec 7: the three keys are always there, null where not tested (--no-legacy, or no
        // STARTTLS to test them over).
        legacy_protocols: Some(BTreeMap::from([("SSLv3", None), ("TLSv1.0", None), ("TLSv1.1", None)])),
        peer_certificates: vec![],
        certificate_check: None,
        verdicts: vec![],
        error: None,
    };
    let budget = Budget::start(o.timeout);
    match handshake(t, o, budget, tls::Offer::All, true, Some(&mut r)) {
        Ok(None) => return r,
        Ok(Some(h)) => {
            let verdict = h.record.verdict.lock().ok().and_then(|mut v| v.take());
            let name_valid = h.record.name_valid.lock().ok().and_then(|v| *v);
            let (trusted, hostname_valid, problem) = tls::describe_verdict(&verdict, name_valid);
            r.peer_certificates = peer_certs(h.certs.iter().map(|c| c.as_ref()), trusted);
            r.certificate_check = Some(CertificateCheck { trusted, hostname_valid, problem });
            let requested = h.record.requested.lock().ok().and_then(|r| r.clone());
            r.client_certificate =
                Some(ClientCertInfo { requested: requested.is_some(), acceptable_cas: requested.unwrap_or_default() });
            r.error = h.after;
            let tls13 = h.info.protocol == Protocol::Tls13;
            r.tls_versions.insert("TLSv1.3", Some(tls13));
            r.tls_versions.insert("TLSv1.2", if tls13 { None } else { Some(true) });
            r.strong_256 = (h.info.cipher_bits == 256).then_some(true);
            r.tls = Some(h.info);
            if tls13 {
                let twelve = handshake(t, o, budget, tls::Offer::Tls12Only, false, None);
                r.tls_versions.insert("TLSv1.2", answered(matches!(twelve, Ok(Some(_))), budget));
            }
            if r.strong_256.is_none() {
                let strong = handshake(t, o, budget, tls::Offer::Strong256, false, None);
                r.strong_256 = answered(matches!(strong, Ok(Some(_))), budget);
            }
        }
        Err(e) => {
            // A peer that stalled through the whole handshake spent the budget: the report says
            // so once and tests nothing more.
            let stop = e.stage != Stage::Handshake || budget.spent();
            r.error = Some(e);
            if stop {
                return r;
            }
            r.tls_versions = BTreeMap::from([("TLSv1.2", Some(false)), ("TLSv1.3", Some(false))]);
        }
    }
    if o.legacy {
        legacy_tests(t, o, budget, &mut r);
    }
    if budget.spent() {
        note_untested(&mut r, o, budget);
    }
    r
}

/// A test's answer: a refusal seen once the budget is spent may only be the deadline, so it
/// is not tested rather than refused.
fn answered(accepted: bool, budget: Budget) -> Option<bool> {
    (accepted || !budget.spent()).then_some(accepted)
}

/// How the message of a probe that ran out of time before its last tests begins.
pub const UNTESTED: &str = "not tested, the time ran out";

/// Names the tests the budget did not cover, when it ran out after the first handshake.
fn note_untested(r: &mut ProbeReport, o: &Options, budget: Budget) {
    if r.error.is_some() {
        return;
    }
    let legacy = r.legacy_protocols.iter().flatten().filter(|_| o.legacy);
    let untested: Vec<&str> = r
        .tls_versions
        .iter()
        .chain(legacy)
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| *k)
        .chain(r.strong_256.is_none().then_some("a 256-bit suite"))
        .collect();
    if !untested.is_empty() && r.tls.is_some() {
        let message = format!(
            "{UNTESTED} (the --timeout of {:?} is for the whole probe): {}",
            budget.timeout,
            untested.join(", ")
        );
        r.error = Some(StageError { stage: Stage::Handshake, message });
    }
}

/// SSLv3, TLSv1.0, TLSv1.1 with hand-built hellos; and TLSv1.2 again the same way when rustls
/// could not agree on it (rustls offers only AEAD suites, a CBC-only peer still speaks TLSv1.2).
/// Without a modern handshake, the certificate is read from a legacy one.
fn legacy_tests(t: &Target, o: &Options, budget: Budget, r: &mut ProbeReport) {
    let mut legacy = BTreeMap::new();
    let sni = t.host.parse::<std::net::IpAddr>().is_err().then_some(t.host.as_str());
    let tls12_refused = r.tls_versions.get("TLSv1.2") == Some(&Some(false));
    let protocols = [Protocol::Ssl3, Protocol::Tls10, Protocol::Tls11, Protocol::Tls12];
    for p in protocols.into_iter().filter(|p| *p != Protocol::Tls12 || tls12_refused) {
        let version = legacy::wire_version(p).unwrap_or(0);
        let want_chain = r.peer_certificates.is_empty();
        let answer = match to_starttls(t, o, budget, None) {
            Ok(Some(mut sock)) if want_chain => {
                let a = legacy::ask_with_chain(&mut sock, version, sni);
                r.peer_certificates = peer_certs(a.chain.iter().map(Vec::as_slice), false);
                answered(a.accepted, budget)
            }
            Ok(Some(mut sock)) => answered(legacy::ask(&mut sock, version, sni), budget),
            _ => None,
        };
        if p == Protocol::Tls12 {
            r.tls_versions.insert("TLSv1.2", answer.or(Some(false)));
        } else {
            legacy.insert(p.name(), answer);
        }
    }
    r.legacy_protocols = Some(legacy);
}

impl ProbeReport {
    pub fn facts(&self) -> PeerFacts {
        let mut accepts = vec![
            (Protocol::Tls12, self.tls_versions.get("TLSv1.2").copied().flatten()),
            (Protocol::Tls13, self.tls_versions.get("TLSv1.3").copied().flatten()),
        ];
        for p in [Protocol::Ssl3, Protocol::Tls10, Protocol::Tls11] {
            accepts.push((p, self.legacy_protocols.as_ref().and_then(|l| l.get(p.name()).copied().flatten())));
        }
        PeerFacts {
            starttls: self.starttls,
            client_certificate_requested: self.client_certificate.as_ref().map(|c| c.requested),
            accepts,
            strong_256: self.strong_256,
        }
    }

    /// The peer could not be probed at all: no SMTP dialogue, or no protocol of any kind.
    pub fn unprobed(&self) -> bool {
        match &self.error {
            None => false,
            Some(_) if self.tls.is_some() => false,
            Some(e) if e.stage != Stage::Handshake => true,
            Some(_) => {
                !self.legacy_protocols.as_ref().is_some_and(|l| l.values().any(|v| *v == Some(true)))
                    && !self.tls_versions.values().any(|v| *v == Some(true))
            }
        }
    }
}

/// Probes every target, `jobs` at a time; reports come back in the targets' order.
pub fn probe_all(targets: &[Target], options: &Options, jobs: usize) -> Vec<ProbeReport> {
    probe_all_with(targets, options, jobs, &|| {})
}

/// `probe_all`, calling `done` as each target's probe ends (for a progress bar).
pub fn probe_all_with(
    targets: &[Target],
    options: &Options,
    jobs: usize,
    done: &(dyn Fn() + Sync),
) -> Vec<ProbeReport> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<ProbeReport>>> =
        targets.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, targets.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(t) = targets.get(i) else { break };
                    let report = probe(t, options);
                    done();
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(report);
                    }
                }
            });
        }
    });
    results.into_iter().filter_map(|m| m.into_inner().ok().flatten()).collect()
}

/// Peers to probe from the arguments and a `--targets` file (one per line, `#` comments).
pub fn targets(args: &[String], file: Option<&str>) -> Result<Vec<Target>, TargetError> {
    let mut raw: Vec<String> = args.to_vec();
    if let Some(text) = file {
        raw.extend(
            text.lines().map(|l| l.split('#').next().unwrap_or("").trim().to_string()).filter(|l| !l.is_empty()),
        );
    }
    if raw.is_empty() {
        return Err(TargetError::None);
    }
    raw.iter().map(|t| parse_target(t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_durations() {
        assert_eq!(parse_target("mx.example.org").unwrap(), Target { host: "mx.example.org".into(), port: 25 });
        assert_eq!(parse_target("mx:587").unwrap().port, 587);
        assert_eq!(parse_target("[::1]:2525").unwrap(), Target { host: "::1".into(), port: 2525 });
        assert_eq!(parse_target("2001:db8::1").unwrap().port, 25);
        for bad in ["", ":25", "mx:port", "[::1", "mx:0"] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }
}
