//! Holds what senders did at the listener to the array's predicted **outbound** posture (spec
//! 8.3): which server each connection is (`--server NAME=IP`, else the EHLO name's first
//! label), then per connection SEG601/SEG602 (protocols the hello proves against those
//! allowed), SEG605 (the floor its suites imply against `minimumCipherStrength`), SEG606 (weak
//! suites offered), SEG607 and the observed SEG301 (the client certificate when asked), SEG603
//! (the presented certificate against the export's) and SEG604 (plaintext while TLS is on, or
//! TLS while it is off). Each finding has `evidence: observed`. It neither listens nor prints.

use super::{ClientCertMode, Connection, Profile};
use crate::finding::{Finding, Observation, ObservationKind};
use crate::knowledge::Knowledge;
use crate::model::{Array, Server};
use crate::posture::{DirectionPosture, Evidenced, Posture};
use crate::registry::Rule;
use crate::vocab::{Confidence, Direction, Evidence, Protocol};

/// The rules `listen` evaluates (JUnit lists those as its test cases).
pub fn judges(rule: Rule) -> bool {
    const RULES: [Rule; 8] = [
        Rule::ObservedProtocolBeyondPosture,
        Rule::ObservedProtocolMissing,
        Rule::ObservedCertificateMismatch,
        Rule::ObservedTlsStateMismatch,
        Rule::ObservedCipherFloorMismatch,
        Rule::ObservedWeakSuites,
        Rule::ObservedClientCertificateMismatch,
        Rule::MissingClientCertificate,
    ];
    RULES.contains(&rule)
}

/// The server of the array a connection came from: `--server NAME=IP` first, else the EHLO
/// name's first label equal to a server name (case-insensitive).
pub fn identify<'a>(array: &'a Array, c: &Connection, servers: &[(String, std::net::IpAddr)]) -> Option<&'a Server> {
    let ip = c.peer_ip?;
    // An IPv4 sender seen on a dual-stack socket arrives as ::ffff:a.b.c.d.
    let ip = match ip {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, std::net::IpAddr::V4),
        v4 => v4,
    };
    let given = servers.iter().find(|(_, at)| *at == ip);
    if let Some((name, _)) = given {
        return array.server(name);
    }
    let label = c.ehlo.as_deref()?.split('.').next()?;
    array.servers.iter().find(|s| s.name.eq_ignore_ascii_case(label))
}

/// Whether a hello agrees with the predicted outbound posture on one protocol: it disagrees
/// when it offers a protocol predicted off, or when a protocol predicted on lies above the
/// highest one it proves; one predicted on below that is not compared (`None`: a hello proves
/// its highest protocol, lower ones are unknown; SSLv2, never above, is never missing). Spec 8.3.
pub fn agreement(p: Protocol, allowed: bool, offered: bool, highest: Option<Protocol>) -> Option<bool> {
    match (offered, allowed) {
        (true, false) => Some(false),
        (false, true) if highest.is_some_and(|top| p > top) => Some(false),
        (false, true) => None,
        _ => Some(true),
    }
}

pub struct Judge<'a> {
    pub k: &'a Knowledge,
    pub array: &'a Array,
    pub posture: &'a Posture<'a>,
    pub profile: &'a Profile,
}

fn on(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn names(ps: &[Protocol]) -> String {
    ps.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
}

impl Judge<'_> {
    fn finding<T>(
        &self,
        rule: Rule,
        server: &Server,
        c: &Connection,
        seen: String,
        predicted: &Evidenced<T>,
        shown: String,
    ) -> Finding {
        Finding {
            server: Some(server.name.clone()),
            direction: Some(Direction::Outbound),
            evidence: Evidence::Observed,
            location: predicted.loc,
            data: predicted.loc.is_none().then_some(predicted.data).flatten().map(|d| (d, predicted.via.clone())),
            sources: predicted.sources.clone(),
            confidence: predicted.confidence,
            observation: Some(Observation {
                kind: ObservationKind::Listen,
                target: c.peer.clone(),
                at: c.at.clone(),
                observed: seen,
                predicted: shown,
                predicted_evidence: predicted.evidence,
            }),
            ..Finding::new(rule, self.array, String::new())
        }
    }

    /// Every finding of one identified connection.
    pub fn connection(&self, server: &Server, c: &Connection) -> Vec<Finding> {
        let d = &self.posture.outbound;
        let mut out: Vec<Finding> = self.tls_state(server, c, d).into_iter().collect();
        if !d.tls_enabled.value {
            return out;
        }
        if let Some(h) = &c.client_hello {
            out.extend(self.protocols(server, c, d, h));
            out.extend(self.floor(server, c, d));
            out.extend(self.weak_suites(server, c, h));
        }
        out.extend(self.client_certificate(server, c, d));
        out
    }

    /// SEG604: mail in plaintext although outbound TLS is on and STARTTLS was offered, or TLS
    /// used although it is off.
    fn tls_state(&self, server: &Server, c: &Connection, d: &DirectionPosture) -> Option<Finding> {
        let on_ = d.tls_enabled.value;
        // Plaintext counts only where the listener offered STARTTLS to this sender (EHLO, not
        // HELO) and took the message (not refused with 552).
        let delivered = c.mail.is_some() && c.error.as_ref().is_none_or(|e| e.stage != super::Stage::Data);
        let plaintext = delivered && !c.starttls && c.starttls_offered;
        let (seen, message, help) = if on_ && plaintext {
            (
                "mail sent in plaintext, STARTTLS offered",
                format!("{} delivered in plaintext although STARTTLS was offered and the export says outbound TLS is on ({})", server.name, d.tls_enabled.via),
                "check the Sender's TLS setting on the array (Array Manager → Properties → Outbound Security) and that the route used is not one that sends without TLS; commit the configuration and re-send the test".to_string(),
            )
        } else if !on_ && c.starttls {
            (
                "STARTTLS used",
                format!("{} used TLS although the export says outbound TLS is off ({})", server.name, d.tls_enabled.via),
                "re-export the configuration if outbound TLS was turned on since; else the array runs other settings than the export".to_string(),
            )
        } else {
            return None;
        };
        let mut f =
            self.finding(Rule::ObservedTlsStateMismatch, server, c, seen.into(), &d.tls_enabled, on(on_).into());
        f.message = message;
        f.help = help;
        f.label = "outbound TLS predicted here".into();
        f.setting = Some("tlsEnabled".into());
        Some(f)
    }

    /// SEG601 for each protocol the hello proves and the posture has off; SEG602 for each one
    /// allowed above the highest one the hello proves (see `agreement`).
    fn protocols(
        &self,
        server: &Server,
        c: &Connection,
        d: &DirectionPosture,
        h: &super::hello::ClientHello,
    ) -> Vec<Finding> {
        let offered = &c.offered_protocols;
        let highest = h.highest();
        let mut out = Vec::new();
        for state in &d.protocols {
            let (p, allowed, a) = (state.protocol, state.effective, &state.allowed);
            let is_offered = offered.contains(&p);
            let (rule, seen, message) = if agreement(p, allowed, is_offered, highest) != Some(false) {
                continue;
            } else if is_offered {
                let m =
                    format!("{} offers {} when sending, but it is predicted off ({})", server.name, p.name(), a.via);
                (Rule::ObservedProtocolBeyondPosture, "offered", m)
            } else {
                let m = format!(
                    "{} does not offer {} when sending, but it is predicted on ({})",
                    server.name,
                    p.name(),
                    a.via
                );
                (Rule::ObservedProtocolMissing, "not offered", m)
            };
            let mut f = self.finding(
                rule,
                server,
                c,
                format!("{seen} (hello offers {})", names(offered)),
                a,
                on(allowed).into(),
            );
            f.message = message;
            f.help = protocol_help(p, rule, a.evidence);
            f.label = format!("{} predicted {} here", p.name(), on(allowed));
            f.setting = Some(format!("SSLMethod{}", p.switch_suffix()));
            if a.confidence == Confidence::Inferred {
                f.notes.push(format!("inferred: {}", a.caveat.clone().unwrap_or_else(|| a.via.clone())));
            }
            if h.supported_versions.is_none() && rule == Rule::ObservedProtocolBeyondPosture {
                f.notes.push("the hello has no supported_versions: it proves its client_version and says nothing of lower protocols".into());
            }
            out.push(f);
        }
        out
    }

    /// SEG605: the floor the offered suites imply differs from `minimumCipherStrength`.
    fn floor(&self, server: &Server, c: &Connection, d: &DirectionPosture) -> Option<Finding> {
        let (seen, floor) = (c.offered_floor?, d.cipher_floor.as_ref()?);
        if seen.rank() == floor.value.rank() {
            return None;
        }
        let mut f = self.finding(
            Rule::ObservedCipherFloorMismatch,
            server,
            c,
            seen.name().into(),
            floor,
            floor.value.name().into(),
        );
        f.message = format!(
            "{} offers suites that imply a {} minimum cipher strength when sending, but the export says {} ({})",
            server.name,
            seen.name(),
            floor.value.name(),
            floor.via
        );
        f.help = "re-export if the minimum was changed since; else the array sends with other settings than the export (outbound Minimum cipher strength, Array Manager → Properties → Outbound Security), or the cipher list overrides it (SEG202)".into();
        f.label = "the outbound minimum".into();
        f.setting = Some("minimumCipherStrength".into());
        f.sources = self.k.fact("cipher-strength-levels").sources.clone();
        Some(f)
    }

    /// SEG606: suites of a weak class offered.
    fn weak_suites(&self, server: &Server, c: &Connection, h: &super::hello::ClientHello) -> Option<Finding> {
        let weak: Vec<String> = h
            .weak_suites()
            .map(|s| {
                let name = s.openssl.clone().or(s.name.map(String::from)).unwrap_or_else(|| s.id.clone());
                format!("{name} ({})", s.weak.iter().map(|w| w.name()).collect::<Vec<_>>().join(", "))
            })
            .collect();
        if weak.is_empty() {
            return None;
        }
        let d = &self.posture.outbound;
        let predicted = d
            .cipher_list
            .as_ref()
            .map(|l| format!("cipher list {}", l.value))
            .unwrap_or_else(|| "no weak suite".into());
        // What predicted "no weak suite": the cipher list when there is one, else the floor.
        let seen = weak.join("; ");
        let mut f = match (&d.cipher_list, &d.cipher_floor) {
            (Some(list), _) => {
                let mut f = self.finding(Rule::ObservedWeakSuites, server, c, seen, list, predicted);
                f.setting = Some("TLSCipherList".into());
                f
            }
            (None, Some(floor)) => {
                let mut f = self.finding(Rule::ObservedWeakSuites, server, c, seen, floor, predicted);
                f.setting = Some("minimumCipherStrength".into());
                f
            }
            (None, None) => self.finding(Rule::ObservedWeakSuites, server, c, seen, &d.tls_enabled, predicted),
        };
        f.message = format!(
            "{} offers {} weak suite{} when sending: {}",
            server.name,
            weak.len(),
            if weak.len() == 1 { "" } else { "s" },
            weak.join("; ")
        );
        f.help = "raise the outbound minimum cipher strength to Medium or High, and on 8.0 or later remove TLSCipherList so the version's fixed defaults apply (SEG202, SEG203)".into();
        f.label = "the outbound cipher setting".into();
        Some(f)
    }

    /// SEG607 (presented or not, against what the posture says), the observed SEG301 (none
    /// presented when asked) and SEG603 (the presented one against the export's).
    fn client_certificate(&self, server: &Server, c: &Connection, d: &DirectionPosture) -> Vec<Finding> {
        let Some(cc) = c.client_certificate.as_ref().filter(|cc| cc.requested) else { return vec![] };
        let exported = server.inbound.certificate.as_ref();
        let offer = d.offer_client_certificate.as_ref();
        let predicted_offers = exported.is_some() && offer.is_none_or(|o| o.value);
        let mut out = Vec::new();
        if cc.presented != predicted_offers {
            let decided = match offer {
                Some(o) if !o.value => o.clone(),
                _ => d.tls_enabled.clone(),
            };
            let shown = if predicted_offers { "presents one" } else { "cannot present one" };
            let seen = if cc.presented { "presented one" } else { "presented none" };
            let mut f =
                self.finding(Rule::ObservedClientCertificateMismatch, server, c, seen.into(), &decided, shown.into());
            f.message = if cc.presented {
                format!(
                    "{} presented a client certificate when asked, but the export says it cannot ({})",
                    server.name,
                    if exported.is_none() { "no certificate for it" } else { "offerClientCertificate is false" }
                )
            } else {
                format!(
                    "{} presented no client certificate when asked, but the export gives it one and offerClientCertificate is on",
                    server.name
                )
            };
            f.help = "re-export if the certificate or offerClientCertificate changed since; else check the server's certificate in the Array Manager (Mail Servers → server → TLS certificate)".into();
            // The attribute that decided "cannot" when it is offerClientCertificate, else the certificate.
            f.location = match offer {
                Some(o) if !o.value => o.loc,
                _ => exported.and_then(|e| e.loc).or(decided.loc),
            };
            f.setting = Some("offerClientCertificate".into());
            f.sources = self.k.fact("client-certificate").sources.clone();
            out.push(f);
        }
        if !cc.presented {
            out.push(self.observed_missing_certificate(server, c, d));
        }
        if let Some(leaf) = &cc.leaf {
            out.extend(self.presented_certificate(server, c, leaf));
        }
        out
    }

    /// SEG301, observed: the seed's first cause, seen at the listener.
    fn observed_missing_certificate(&self, server: &Server, c: &Connection, d: &DirectionPosture) -> Finding {
        let require = self.profile.client_cert == ClientCertMode::Require;
        let predicted = if server.inbound.certificate.is_some() {
            "a certificate in the export"
        } else {
            "no certificate in the export"
        };
        let mut f = self.finding(
            Rule::MissingClientCertificate,
            server,
            c,
            "no client certificate presented when asked".into(),
            &d.tls_enabled,
            predicted.into(),
        );
        f.message = format!(
            "{} presented no client certificate when asked: mail to peers that require one fails from this server",
            server.name
        );
        f.help = "install a certificate on the server with the TLS Certificate Wizard (the one it serves when receiving is also its client certificate), and set offerClientCertificate true".into();
        f.location = server.inbound.loc.or(Some(server.name_loc));
        f.label = "this server".into();
        f.sources = self.k.fact("client-certificate").sources.clone();
        if require {
            f.notes.push("the listener required one (--client-cert require): the handshake failed as the seed article's peer's does".into());
        }
        f
    }

    /// SEG603: the presented certificate is not the one the export gives the server, or the
    /// export has none.
    fn presented_certificate(
        &self,
        server: &Server,
        c: &Connection,
        leaf: &crate::input::certificate::CertFields,
    ) -> Option<Finding> {
        let seen =
            format!("{} (issuer {}, until {}, SHA-1 {})", leaf.subject, leaf.issuer, leaf.not_after.date(), leaf.sha1);
        let exported = server.inbound.certificate.as_ref();
        let why = match exported {
            None => "the export has no certificate for it".to_string(),
            Some(e) => crate::input::certificate::difference(e, leaf)?,
        };
        let d = &self.posture.outbound;
        let predicted =
            exported.and_then(|e| e.subject.clone()).unwrap_or_else(|| "no certificate in the export".into());
        let mut f = self.finding(Rule::ObservedCertificateMismatch, server, c, seen, &d.tls_enabled, predicted);
        f.evidence = Evidence::Observed;
        f.message = format!("{} presents another client certificate than the export gives for it: {why}", server.name);
        f.help = "re-export if the certificate was renewed or replaced; else install the one the export names with the TLS Certificate Wizard".into();
        f.location = exported.and_then(|e| e.loc).or(Some(server.name_loc));
        f.label = "the export's certificate".into();
        f.setting = Some("Certificate".into());
        f.sources = self.k.fact("client-certificate").sources.clone();
        Some(f)
    }
}

/// Which side to believe for a protocol the sender offers or not.
fn protocol_help(p: Protocol, rule: Rule, evidence: Evidence) -> String {
    let side = match evidence {
        Evidence::Explicit => "the export sets it: re-export from the Array Manager, or the change was never committed or the services not restarted".to_string(),
        _ => "no setting decides, the version's default does: the array has a setting the export lacks (re-export), or runs another version than the export".to_string(),
    };
    let fix = if rule == Rule::ObservedProtocolBeyondPosture {
        format!("to stop sending with {}, switch it off for the Sender ({}); ", p.name(), p.switch_suffix())
    } else {
        String::new()
    };
    format!("{fix}{side} (`seglint rules {rule}` tells how to tell the sides apart)")
}

#[cfg(test)]
mod tests {
    use super::agreement;
    use crate::vocab::Protocol::*;

    #[test]
    fn a_hello_is_compared_above_its_highest_protocol_and_on_what_it_offers() {
        let top = Some(Tls12);
        assert_eq!(agreement(Tls13, true, false, top), Some(false), "predicted on, proven absent: SEG602");
        assert_eq!(agreement(Tls10, false, true, top), Some(false), "offered, predicted off: SEG601");
        assert_eq!(agreement(Tls10, true, false, top), None, "below the highest: not compared");
        assert_eq!(agreement(Ssl2, true, false, top), None, "SSLv2 is never missing");
        assert_eq!(agreement(Tls12, true, true, top), Some(true));
        assert_eq!(agreement(Ssl3, false, false, top), Some(true));
        assert_eq!(agreement(Tls13, true, false, None), None, "a hello that proves nothing");
    }
}
