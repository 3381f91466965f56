//! `verify`: hold an array's predicted inbound posture to what each of its servers
//! does when probed. Per server: which protocols it accepts against which the posture allows
//! (SEG601, SEG602), STARTTLS against inbound `tlsEnabled` (SEG604), the certificate it serves
//! against the export's (SEG603, and the certificate rules on the served one when the export has
//! none), and the version its banner names (SEG608). Observations never change the prediction:
//! they are compared with it, and each difference is a finding with `evidence: observed`. It
//! probes nothing itself (the command hands it the probe's reports) and prints nothing.

use crate::finding::{Finding, Observation, ObservationKind};
use crate::input::certificate::CertFields;
use crate::knowledge::Knowledge;
use crate::model::{Array, At, Certificate, Server};
use crate::posture::{DirectionPosture, Posture};
use crate::probe::ProbeReport;
use crate::registry::Rule;
use crate::target::Target;
use crate::vocab::{Confidence, Direction, Evidence, Protocol};
use serde::Serialize;
use time::OffsetDateTime;

/// One protocol of one server: predicted, observed, and whether they agree.
#[derive(Debug, Clone, Serialize)]
pub struct ProtocolCheck {
    pub protocol: Protocol,
    /// `on` or `off`: effectively allowed when receiving.
    pub predicted: &'static str,
    pub predicted_evidence: Evidence,
    pub predicted_confidence: Confidence,
    /// `accepted`, `refused`, or null when not tested (SSLv2 always).
    pub observed: Option<&'static str>,
    /// Null when not tested.
    pub agrees: Option<bool>,
    /// An inferred prediction that the observation agrees with.
    pub confirmed_by_observation: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pair<P, O> {
    pub predicted: P,
    pub observed: Option<O>,
}

/// A certificate as the export or the server gives it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CertSummary {
    pub subject: Option<String>,
    pub issuer: Option<String>,
    pub not_after: Option<String>,
    pub thumbprint: Option<String>,
}

/// What `verify` found for one server.
#[derive(Debug, Clone, Serialize)]
pub struct ServerCheck {
    pub server: String,
    pub target: String,
    /// The stage that failed and why, when the server could not be probed.
    pub error: Option<crate::probe::smtp::StageError>,
    pub protocols: Vec<ProtocolCheck>,
    pub starttls: Pair<bool, bool>,
    pub certificate: Pair<Option<CertSummary>, CertSummary>,
    /// Whether the served certificate is the export's (SEG603 when not); null when none was read.
    pub certificate_agrees: Option<bool>,
}

/// Where each server is reached: `--server NAME=HOST[:PORT]`, then `Server/@address`, then
/// the server's name on port 25.
pub fn target_of(server: &Server, overrides: &[(String, Target)]) -> Target {
    let given = overrides.iter().find(|(name, _)| name.eq_ignore_ascii_case(&server.name));
    match (given, &server.address) {
        (Some((_, t)), _) => t.clone(),
        (None, Some(at)) => at.value.clone(),
        (None, None) => Target { host: server.name.clone(), port: 25 },
    }
}

/// How findings of one array are built.
pub struct Verifier<'a> {
    pub k: &'a Knowledge,
    pub array: &'a Array,
    pub posture: &'a Posture<'a>,
    /// The day certificate dates are judged at (`--now`).
    pub now: OffsetDateTime,
    /// When the probes ran, for each observation.
    pub at: String,
}

fn on(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn summary_of_export(c: &Certificate) -> CertSummary {
    CertSummary {
        subject: c.subject.clone(),
        issuer: c.issuer.clone(),
        not_after: c.not_after.as_ref().map(|na| na.value.date().to_string()),
        thumbprint: c.thumbprint.clone(),
    }
}

fn summary_of_served(f: &CertFields) -> CertSummary {
    CertSummary {
        subject: Some(f.subject.clone()),
        issuer: Some(f.issuer.clone()),
        not_after: Some(f.not_after.date().to_string()),
        thumbprint: Some(f.sha1.clone()),
    }
}

impl Verifier<'_> {
    /// What was seen at `target` now, against what was predicted and its evidence.
    fn observation(&self, target: &Target, o: (String, String, Evidence)) -> Observation {
        let (observed, predicted, predicted_evidence) = o;
        Observation {
            kind: ObservationKind::Verify,
            target: target.to_string(),
            at: self.at.clone(),
            observed,
            predicted,
            predicted_evidence,
        }
    }

    /// A finding of `rule` about `server`, with what was observed against what was predicted.
    fn finding(&self, rule: Rule, server: &str, target: &Target, o: (String, String, Evidence)) -> Finding {
        Finding {
            server: Some(server.to_string()),
            direction: Some(Direction::Inbound),
            evidence: Evidence::Observed,
            observation: Some(self.observation(target, o)),
            ..Finding::new(rule, self.array, String::new())
        }
    }

    /// The server's entry and findings; `None` findings when it could not be probed.
    pub fn server(&self, server: &Server, target: &Target, r: &ProbeReport) -> (ServerCheck, Vec<Finding>) {
        let predicted = self.posture.inbound_of(&server.name);
        let tls_on = predicted.is_some_and(|d| d.tls_enabled.value);
        let served = r.peer_certificates.first().map(|c| &c.fields);
        let mut check = ServerCheck {
            server: server.name.clone(),
            target: target.to_string(),
            error: r.unprobed().then(|| r.error.clone()).flatten(),
            protocols: vec![],
            starttls: Pair { predicted: tls_on, observed: r.starttls },
            certificate: Pair {
                predicted: server.inbound.certificate.as_ref().map(summary_of_export),
                observed: served.map(summary_of_served),
            },
            certificate_agrees: served.map(|f| {
                server
                    .inbound
                    .certificate
                    .as_ref()
                    .is_some_and(|c| crate::input::certificate::difference(c, f).is_none())
            }),
        };
        if check.error.is_some() {
            return (check, vec![]);
        }
        let mut findings = Vec::new();
        if let Some(d) = predicted {
            findings.extend(self.starttls(server, target, d, r));
            if tls_on && r.starttls == Some(true) {
                let (protocols, found) = self.protocols(server, target, d, r);
                check.protocols = protocols;
                findings.extend(found);
            }
        }
        if let Some(served) = served {
            findings.extend(self.certificate(server, target, served));
        }
        findings.extend(self.banner_version(server, target, r));
        (check, findings)
    }

    /// SEG604: STARTTLS offered while inbound TLS is off, or not offered while it is on.
    fn starttls(&self, server: &Server, target: &Target, d: &DirectionPosture, r: &ProbeReport) -> Option<Finding> {
        let offered = r.starttls?;
        let predicted = d.tls_enabled.value;
        if offered == predicted {
            return None;
        }
        let name = &server.name;
        let (message, help) = if offered {
            (
                format!("{name} offers STARTTLS although the export says inbound TLS is off ({})", d.tls_enabled.via),
                "re-export the configuration if inbound TLS was turned on since; else turn it off under Mail Servers → server → Inbound Security (TLS)".to_string(),
            )
        } else {
            (
                format!(
                    "{name} does not offer STARTTLS although the export says inbound TLS is on ({})",
                    d.tls_enabled.via
                ),
                format!(
                    "check Inbound Security (TLS) on the server and that it has a certificate ({}), commit configuration and restart the Receiver service; or re-export if TLS was turned off on purpose",
                    Rule::InboundTlsWithoutCertificate
                ),
            )
        };
        let seen = if offered { "STARTTLS offered" } else { "no STARTTLS" };
        let mut f = self.finding(
            Rule::ObservedTlsStateMismatch,
            name,
            target,
            (seen.into(), on(predicted).into(), d.tls_enabled.evidence),
        );
        f.message = message;
        f.help = help;
        f.location = d.tls_enabled.loc;
        f.label = "inbound TLS predicted here".into();
        f.setting = Some("tlsEnabled".into());
        f.sources = self.k.fact("tls-needs-certificate").sources.clone();
        Some(f)
    }
}

/// The probe's answer for one protocol: accepted, refused, or not tested.
fn observed(r: &ProbeReport, p: Protocol) -> Option<bool> {
    match p {
        Protocol::Ssl2 => None,
        Protocol::Tls12 | Protocol::Tls13 => r.tls_versions.get(p.name()).copied().flatten(),
        _ => r.legacy_protocols.as_ref().and_then(|l| l.get(p.name()).copied().flatten()),
    }
}

impl Verifier<'_> {
    /// SEG601 / SEG602 per protocol, and the table of every protocol.
    fn protocols(
        &self,
        server: &Server,
        target: &Target,
        d: &DirectionPosture,
        r: &ProbeReport,
    ) -> (Vec<ProtocolCheck>, Vec<Finding>) {
        let mut table = Vec::new();
        let mut findings = Vec::new();
        for state in &d.protocols {
            let (p, predicted, a) = (state.protocol, state.effective, &state.allowed);
            let seen = observed(r, p);
            let agrees = seen.map(|s| s == predicted);
            table.push(ProtocolCheck {
                protocol: p,
                predicted: on(predicted),
                predicted_evidence: a.evidence,
                predicted_confidence: a.confidence,
                observed: seen.map(|s| if s { "accepted" } else { "refused" }),
                agrees,
                confirmed_by_observation: agrees == Some(true) && a.confidence == Confidence::Inferred,
            });
            let Some(accepted) = seen.filter(|s| *s != predicted) else { continue };
            let (rule, message) = if accepted {
                (
                    Rule::ObservedProtocolBeyondPosture,
                    format!("{} accepts {} when receiving, but it is predicted off ({})", server.name, p.name(), a.via),
                )
            } else {
                (
                    Rule::ObservedProtocolMissing,
                    format!("{} refuses {} when receiving, but it is predicted on ({})", server.name, p.name(), a.via),
                )
            };
            let help = which_side(a.evidence, a.confidence, p, accepted, rule);
            let seen = if accepted { "accepted" } else { "refused" };
            let mut f = self.finding(rule, &server.name, target, (seen.into(), on(predicted).into(), a.evidence));
            f.message = message;
            f.help = help;
            f.location = a.loc;
            f.label = format!("{} predicted {} here", p.name(), on(predicted));
            f.data = a.loc.is_none().then_some(a.data).flatten().map(|d| (d, a.via.clone()));
            f.setting = Some(format!("SSLMethod{}", p.switch_suffix()));
            f.sources = a.sources.clone();
            // The observation is certain; the finding is only as sure as the prediction it contradicts.
            f.confidence = a.confidence;
            if a.confidence == Confidence::Inferred {
                f.notes.push(format!("inferred: {}", a.caveat.clone().unwrap_or_else(|| a.via.clone())));
                f.notes.push(
                    "the prediction rests on a fact no article states: the observation may be the better fact".into(),
                );
            }
            findings.push(f);
        }
        (table, findings)
    }

    /// SEG603 against the export's certificate; when the export has none, the certificate
    /// rules judged on the served one (it is also the server's client certificate, Q19438).
    fn certificate(&self, server: &Server, target: &Target, served: &CertFields) -> Vec<Finding> {
        let name = &server.name;
        let client = self.k.fact("client-certificate").sources.clone();
        let seen = format!(
            "{} (issuer {}, until {}, SHA-1 {})",
            served.subject,
            served.issuer,
            served.not_after.date(),
            served.sha1
        );
        let Some(c) = &server.inbound.certificate else {
            let mut f = self.finding(
                Rule::ObservedCertificateMismatch,
                name,
                target,
                (seen, "no certificate in the export".into(), Evidence::Explicit),
            );
            f.message = format!("{name} serves a certificate ({}) the export does not list", served.subject);
            f.help = "re-export the configuration with the server's certificate, or add <Certificate …/> for it".into();
            f.location = server.inbound.loc.or(Some(server.name_loc));
            f.sources = client;
            let mut out = vec![f];
            out.extend(self.served_certificate_rules(server, target, served));
            return out;
        };
        let Some(why) = crate::input::certificate::difference(c, served) else { return vec![] };
        let export = summary_of_export(c);
        let predicted = [
            export.subject,
            export.issuer.map(|i| format!("issuer {i}")),
            export.not_after.map(|d| format!("until {d}")),
            export.thumbprint.map(|t| format!("SHA-1 {t}")),
        ];
        let predicted = predicted.into_iter().flatten().collect::<Vec<_>>().join(", ");
        let mut f =
            self.finding(Rule::ObservedCertificateMismatch, name, target, (seen, predicted, Evidence::Explicit));
        f.message = format!("{name} serves another certificate than the export gives for it: {why}");
        f.help = "re-export if the certificate was renewed or replaced; else install the one the export names with the TLS Certificate Wizard".into();
        f.location = c.loc;
        f.label = "the export's certificate".into();
        f.setting = Some("Certificate".into());
        f.sources = client;
        vec![f]
    }
}

/// Which side to believe, from what decided the prediction: an explicit setting points at a
/// stale export (or a change never committed), a default at a setting the export lacks or
/// another version, an inferred fact at the fact itself.
fn which_side(evidence: Evidence, confidence: Confidence, p: Protocol, accepted: bool, rule: Rule) -> String {
    let switch = if accepted { "off" } else { "on" };
    let side = match (evidence, confidence) {
        (Evidence::Explicit, Confidence::Inferred) => format!(
            "the export sets it, but that this version reads {} by that name and place is inferred: either the export is stale (re-export and verify again) or the server ignores that setting, and the setting's name is the fact at fault (correct a copy of settings.toml, `--rules DIR`)",
            p.name()
        ),
        (_, Confidence::Inferred) | (Evidence::Inferred, _) => {
            "the prediction rests on an inferred fact: believe the server, and correct a copy of the rules data (`--rules DIR`)".to_string()
        }
        (Evidence::Explicit, _) => format!(
            "the export sets it: the export is stale, or the change was never committed or the Receiver not restarted; re-export from the Array Manager and verify again, or switch {} {switch} on the server again",
            p.name()
        ),
        _ => "no setting decides, the version's default does: the server has a setting the export lacks (re-export), or runs another version than the export (its banner tells)".to_string(),
    };
    format!("{side} (`seglint rules {rule}` tells how to tell the sides apart)")
}

/// The certificate rules judged on a served certificate when the export has none.
const SERVED_CERTIFICATE_RULES: [Rule; 5] = [
    Rule::MissingClientCertificate,
    Rule::SelfSignedClientCertificate,
    Rule::CertificateExpired,
    Rule::CertificateExpiring,
    Rule::CertificateLacksClientAuth,
];

/// Whether `verify` evaluates this rule (JUnit lists those as its test cases).
pub fn judges(rule: Rule) -> bool {
    rule.origin() == crate::registry::Origin::Observe || SERVED_CERTIFICATE_RULES.contains(&rule)
}

impl Verifier<'_> {
    /// SEG301/SEG303–SEG306 on the served certificate when the export has none: it is also the
    /// one the server presents as a client when sending (Q19438). The rules run on a copy of
    /// the server whose certificate is the served one, so they judge it exactly as they judge
    /// an exported one.
    fn served_certificate_rules(&self, server: &Server, target: &Target, served: &CertFields) -> Vec<Finding> {
        let loc = server.name_loc;
        let at = |value| Some(At { value, loc });
        let mut copy = server.clone();
        copy.inbound.certificate = Some(Certificate {
            loc: Some(loc),
            subject: Some(served.subject.clone()),
            issuer: Some(served.issuer.clone()),
            self_signed: at(served.self_signed),
            not_before: Some(At { value: served.not_before, loc }),
            not_after: Some(At { value: served.not_after, loc }),
            eku: served.eku.clone().map(|value| At { value, loc }),
            thumbprint: Some(served.sha1.clone()),
            file: None,
        });
        // The certificate rules read only the servers and the array's name: the files, settings
        // and comments are not copied.
        let a = self.array;
        let array = Array {
            source: a.source.clone(),
            files: Vec::new(),
            name: a.name.clone(),
            version: a.version.clone(),
            version_loc: a.version_loc,
            outbound: a.outbound.clone(),
            servers: vec![copy],
            settings: Vec::new(),
            unknown: Vec::new(),
            comments: Vec::new(),
            server_index: Default::default(),
        };
        let ctx = crate::lint::Ctx { k: self.k, array: &array, posture: self.posture, now: self.now };
        let seen = format!(
            "{} (issuer {}, {} to {})",
            served.subject,
            served.issuer,
            served.not_before.date(),
            served.not_after.date()
        );
        let mut out = crate::lint::run_rules(&ctx, &SERVED_CERTIFICATE_RULES);
        for f in &mut out {
            f.evidence = Evidence::Observed;
            let predicted = "no certificate in the export".to_string();
            f.observation = Some(self.observation(target, (seen.clone(), predicted, Evidence::Explicit)));
            f.label = "the server named here serves the certificate judged".into();
            f.notes.push("judged on the certificate the server serves: the export has none for it".into());
        }
        out
    }

    /// SEG608: the banner names a product version other than the export's (the build
    /// compared only when both have one).
    fn banner_version(&self, server: &Server, target: &Target, r: &ProbeReport) -> Option<Finding> {
        let banner = r.banner.as_deref()?;
        let seen = crate::version::in_product_text(banner)?;
        let export = &self.array.version;
        if !crate::version::differs(&seen, export) {
            return None;
        }
        let shown = crate::version::shown;
        let evidence = if self.array.version_loc.is_some() { Evidence::Explicit } else { Evidence::Default };
        let mut f =
            self.finding(Rule::ObservedVersionMismatch, &server.name, target, (shown(&seen), shown(export), evidence));
        f.direction = None;
        let whose = if self.array.version_loc.is_some() { "the export is of" } else { "--seg-version says" };
        f.message =
            format!("{} says it runs {} in its banner, but {whose} {}", server.name, shown(&seen), shown(export));
        f.help = "every default seglint predicts comes from the version: re-export from this array, or give the version the servers run with --seg-version; if the servers of one array differ, finish the upgrade on all of them".into();
        f.location = self.array.version_loc;
        f.label = "the export's version".into();
        f.setting = Some("productVersion".into());
        f.notes.push(format!("banner: {banner}"));
        Some(f)
    }
}
