//! Joins what the probe saw of a peer with an array's effective outbound posture: for each
//! server of the array, will outbound TLS to this peer work, and if not, every reason, each
//! with the articles behind it (handed in from the rules data with the array's side).
//! It prints nothing and applies no policy.

use crate::registry::Rule;
use crate::vocab::{Protocol, Severity, Strength};
use serde::Serialize;

/// The articles a verdict cites, from the rules data: the client-certificate fact, the array's
/// version row (protocols), and the cipher-strength fact.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub client_certificate: Vec<String>,
    pub protocols: Vec<String>,
    pub cipher_floor: Vec<String>,
}

/// An array's outbound side, as the posture engine resolves it.
#[derive(Debug, Clone)]
pub struct ArrayOutbound {
    /// The `--array` argument as given.
    pub array: String,
    pub tls_enabled: bool,
    /// Effective outbound protocols.
    pub protocols: Vec<Protocol>,
    pub cipher_floor: Option<Strength>,
    pub offer_client_certificate: bool,
    pub servers: Vec<ServerOutbound>,
    pub sources: Sources,
}

#[derive(Debug, Clone)]
pub struct ServerOutbound {
    pub name: String,
    pub has_certificate: bool,
    /// The certificate is expired, or not yet valid, at `--now`.
    pub certificate_expired: bool,
}

/// What the probe learned of the peer, as far as verdicts need it.
#[derive(Debug, Clone, Default)]
pub struct PeerFacts {
    pub starttls: Option<bool>,
    pub client_certificate_requested: Option<bool>,
    /// Per protocol: accepted, refused, or not tested (`None`).
    pub accepts: Vec<(Protocol, Option<bool>)>,
    /// Whether the peer can negotiate a 256-bit suite (`None`: not known).
    pub strong_256: Option<bool>,
}

impl PeerFacts {
    fn accepts(&self, p: Protocol) -> Option<bool> {
        self.accepts.iter().find(|(q, _)| *q == p).and_then(|(_, a)| *a)
    }
}

/// Why a verdict fails; the JSON names are part of `seglint/probe/v1`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    OutboundTlsDisabled,
    NoStarttls,
    ClientCertificateMissing,
    ClientCertificateNotOffered,
    ClientCertificateExpired,
    NoCommonProtocol,
    ProtocolOverlapUnknown,
    CipherFloorNotMet,
}

impl Code {
    /// The rule a reason stands for, when one does: its level in seglint.toml and
    /// `--deny/--warn/--allow` applies to the reason too.
    pub fn rule(self) -> Option<Rule> {
        match self {
            Code::ClientCertificateMissing => Some(Rule::MissingClientCertificate),
            Code::ClientCertificateNotOffered => Some(Rule::ClientCertificateNotOffered),
            Code::ClientCertificateExpired => Some(Rule::CertificateExpired),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reason {
    pub code: Code,
    /// Errors fail the verdict; `--fail-on` compares against this.
    pub severity: Severity,
    pub message: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub array: String,
    pub server: String,
    pub outcome: Outcome,
    pub reasons: Vec<Reason>,
}

/// `TLSv1.1`, `TLSv1.1 or TLSv1.2`, `SSLv3, TLSv1.0 or TLSv1.1`.
fn names(ps: &[Protocol]) -> String {
    match ps {
        [] => "nothing".into(),
        [one] => one.name().into(),
        [rest @ .., last] => {
            format!("{} or {}", rest.iter().map(|p| p.name()).collect::<Vec<_>>().join(", "), last.name())
        }
    }
}

fn reason(code: Code, message: String, sources: &[String]) -> Reason {
    Reason { code, severity: Severity::Error, message, sources: sources.to_vec() }
}

/// The client-certificate reasons: requested, and missing, not offered, or out of date.
fn client_certificate(peer: &PeerFacts, a: &ArrayOutbound, s: &ServerOutbound) -> Option<Reason> {
    if peer.client_certificate_requested != Some(true) {
        return None;
    }
    let src = &a.sources.client_certificate;
    Some(if !s.has_certificate {
        reason(
            Code::ClientCertificateMissing,
            format!(
                "the peer requests a client certificate and {} has none ({})",
                s.name,
                Rule::MissingClientCertificate
            ),
            src,
        )
    } else if !a.offer_client_certificate {
        reason(
            Code::ClientCertificateNotOffered,
            format!(
                "the peer requests a client certificate and the array does not offer one ({})",
                Rule::ClientCertificateNotOffered
            ),
            src,
        )
    } else if s.certificate_expired {
        reason(
            Code::ClientCertificateExpired,
            format!(
                "the peer requests a client certificate and {}'s certificate is expired or not yet valid at --now ({}): a peer that checks it refuses the handshake",
                s.name,
                Rule::CertificateExpired
            ),
            src,
        )
    } else {
        return None;
    })
}

/// The protocol and cipher-floor reasons, when the peer offers STARTTLS.
fn negotiation(peer: &PeerFacts, a: &ArrayOutbound, s: &ServerOutbound) -> Vec<Reason> {
    let src = &a.sources.protocols;
    let mut out = Vec::new();
    let common: Vec<Protocol> = a.protocols.iter().copied().filter(|&p| peer.accepts(p) == Some(true)).collect();
    // SSLv2 is never tested: no current TLS library speaks it, so it counts as refused.
    let sslv2 = a.protocols.contains(&Protocol::Ssl2);
    let untested: Vec<Protocol> =
        a.protocols.iter().copied().filter(|&p| p != Protocol::Ssl2 && peer.accepts(p).is_none()).collect();
    if a.protocols.is_empty() {
        out.push(reason(
            Code::NoCommonProtocol,
            format!("the array allows no protocol when sending ({})", Rule::NoProtocolEnabled),
            src,
        ));
    } else if common.is_empty() && untested.is_empty() {
        let mut theirs: Vec<Protocol> =
            peer.accepts.iter().filter(|(_, v)| *v == Some(true)).map(|(p, _)| *p).collect();
        theirs.sort();
        let theirs = if theirs.is_empty() { String::new() } else { format!(" (it accepts {})", names(&theirs)) };
        let v2 = if sslv2 { "; SSLv2 is not tested, as no current TLS library accepts it" } else { "" };
        let message =
            format!("{} sends with {} and the peer accepts none of them{theirs}{v2}", s.name, names(&a.protocols));
        out.push(reason(Code::NoCommonProtocol, message, src));
    } else if common.is_empty() {
        let message = format!(
            "the peer accepts none of the protocols {} sends with that were tested; {} not tested (run without --no-legacy)",
            s.name,
            names(&untested)
        );
        out.push(reason(Code::ProtocolOverlapUnknown, message, src));
    }
    let modern = common.iter().any(|&p| p >= Protocol::Tls12);
    if a.cipher_floor == Some(Strength::High) && modern && peer.strong_256 == Some(false) {
        let message = format!(
            "the array's outbound minimum cipher strength is High, which needs a 256-bit suite, and the peer negotiates none ({})",
            Rule::StrictOutboundCipherFloor
        );
        out.push(reason(Code::CipherFloorNotMet, message, &a.sources.cipher_floor));
    }
    out
}

pub fn verdicts(peer: &PeerFacts, a: &ArrayOutbound) -> Vec<Verdict> {
    a.servers
        .iter()
        .map(|s| {
            let mut reasons = Vec::new();
            if !a.tls_enabled {
                let message =
                    format!("outbound TLS is disabled for the array: {} sends to this peer without TLS", s.name);
                reasons.push(reason(Code::OutboundTlsDisabled, message, &[]));
            }
            if peer.starttls == Some(false) {
                reasons.push(reason(Code::NoStarttls, "the peer does not offer STARTTLS".into(), &[]));
            }
            reasons.extend(client_certificate(peer, a, s));
            if peer.starttls != Some(false) {
                reasons.extend(negotiation(peer, a, s));
            }
            Verdict { array: a.array.clone(), server: s.name.clone(), outcome: outcome_of(&reasons), reasons }
        })
        .collect()
}

/// A verdict fails when any of its reasons is an error.
fn outcome_of(reasons: &[Reason]) -> Outcome {
    if reasons.iter().any(|r| r.severity == Severity::Error) { Outcome::Fail } else { Outcome::Pass }
}

impl Verdict {
    /// The verdict with the rule levels applied to its reasons (`level` answers as the policy's
    /// `severity_of`: `None` drops the reason); the outcome follows.
    pub fn with_levels(mut self, level: impl Fn(Rule, Severity) -> Option<Severity>) -> Verdict {
        self.reasons.retain_mut(|r| match r.code.rule() {
            Some(rule) => level(rule, r.severity).map(|s| r.severity = s).is_some(),
            None => true,
        });
        self.outcome = outcome_of(&self.reasons);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Protocol::*;

    fn array(protocols: &[Protocol], floor: Option<Strength>, offer: bool, certs: &[bool]) -> ArrayOutbound {
        ArrayOutbound {
            array: "a.xml".into(),
            tls_enabled: true,
            protocols: protocols.to_vec(),
            cipher_floor: floor,
            offer_client_certificate: offer,
            sources: Sources::default(),
            servers: certs
                .iter()
                .enumerate()
                .map(|(i, &c)| ServerOutbound {
                    name: format!("MAIL0{}", i + 1),
                    has_certificate: c,
                    certificate_expired: false,
                })
                .collect(),
        }
    }

    fn modern_peer() -> PeerFacts {
        PeerFacts {
            starttls: Some(true),
            client_certificate_requested: Some(false),
            accepts: vec![
                (Tls12, Some(true)),
                (Tls13, Some(true)),
                (Tls10, Some(false)),
                (Tls11, Some(false)),
                (Ssl3, Some(false)),
            ],
            strong_256: Some(true),
        }
    }

    fn codes(v: &Verdict) -> Vec<Code> {
        v.reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn all_fine_passes() {
        let v = verdicts(&modern_peer(), &array(&[Tls10, Tls11, Tls12], Some(Strength::Medium), true, &[true]));
        assert_eq!(v[0].outcome, Outcome::Pass);
    }

    #[test]
    fn a_requested_certificate_fails_only_the_server_without_one() {
        let peer = PeerFacts { client_certificate_requested: Some(true), ..modern_peer() };
        let v = verdicts(&peer, &array(&[Tls12], None, true, &[true, false]));
        assert_eq!((v[0].outcome, v[1].outcome), (Outcome::Pass, Outcome::Fail));
        assert_eq!(codes(&v[1]), [Code::ClientCertificateMissing]);
        let v = verdicts(&peer, &array(&[Tls12], None, false, &[true]));
        assert_eq!(codes(&v[0]), [Code::ClientCertificateNotOffered]);
    }

    #[test]
    fn no_common_protocol_fails() {
        let v = verdicts(&modern_peer(), &array(&[Tls10], None, true, &[true]));
        assert_eq!(codes(&v[0]), [Code::NoCommonProtocol]);
        let untested = PeerFacts { accepts: vec![(Tls12, Some(true)), (Tls13, Some(true))], ..modern_peer() };
        let v = verdicts(&untested, &array(&[Tls10], None, true, &[true]));
        assert_eq!(codes(&v[0]), [Code::ProtocolOverlapUnknown]);
        assert!(v[0].reasons[0].message.contains("TLSv1.0 not tested (run without --no-legacy)"));
    }

    #[test]
    fn sslv2_alone_never_makes_the_overlap_unknown() {
        // A 7.2.3 array with its defaults against a peer that refused every tested protocol.
        let v = verdicts(&modern_peer(), &array(&[Ssl2, Ssl3, Tls10], None, true, &[true]));
        assert_eq!(codes(&v[0]), [Code::NoCommonProtocol]);
        let message = &v[0].reasons[0].message;
        assert!(message.contains("SSLv2, SSLv3 or TLSv1.0") && message.contains("SSLv2 is not tested"), "{message}");
        assert!(message.contains("(it accepts TLSv1.2 or TLSv1.3)"), "{message}");
    }

    #[test]
    fn a_high_floor_needs_a_256_bit_suite() {
        let peer = PeerFacts { strong_256: Some(false), ..modern_peer() };
        let v = verdicts(&peer, &array(&[Tls12], Some(Strength::High), true, &[true]));
        assert_eq!(codes(&v[0]), [Code::CipherFloorNotMet]);
        let v = verdicts(&peer, &array(&[Tls12], Some(Strength::Medium), true, &[true]));
        assert_eq!(v[0].outcome, Outcome::Pass);
    }

    #[test]
    fn no_starttls_fails() {
        let peer = PeerFacts { starttls: Some(false), ..PeerFacts::default() };
        let v = verdicts(&peer, &array(&[Tls12], None, true, &[true]));
        assert_eq!(codes(&v[0]), [Code::NoStarttls]);
    }
}
