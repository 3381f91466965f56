//! Holds the SEG hops a message shows to the array (spec 8.4): which server wrote each hop
//! (`--server NAME=HOST`, else the by-host's first label equal to a server name), then SEG601
//! (a negotiated protocol that server's inbound posture has off), SEG606 (a weak suite
//! negotiated) and SEG608 (the hop's version is not the export's). A hop is what the receiving
//! server did, so the inbound posture of the by-host is the one compared; protocol and cipher
//! rules run only where that server's inbound TLS is on (section 4's scope rules). Each finding
//! has `evidence: observed` and `observation.target` = `FILE:LINE`.

use super::Hop;
use crate::finding::{Finding, Observation, ObservationKind};
use crate::model::{Array, Server};
use crate::posture::{DirectionPosture, Posture};
use crate::registry::Rule;
use crate::vocab::{Direction, Evidence};

/// The rules `headers` evaluates (JUnit lists those as its test cases).
pub fn judges(rule: Rule) -> bool {
    [Rule::ObservedProtocolBeyondPosture, Rule::ObservedWeakSuites, Rule::ObservedVersionMismatch].contains(&rule)
}

/// The server that wrote a hop: `--server NAME=HOST` naming its by-host, else the by-host's
/// first label.
pub fn identify<'a>(array: &'a Array, hop: &Hop, servers: &[(String, String)]) -> Option<&'a Server> {
    let by = hop.fields.by.as_deref()?;
    if let Some((name, _)) = servers.iter().find(|(_, host)| host.eq_ignore_ascii_case(by)) {
        return array.server(name);
    }
    let label = by.split('.').next()?;
    array.servers.iter().find(|s| s.name.eq_ignore_ascii_case(label))
}

/// The hop's date as RFC 3339 (as every observation's `at`), or as written when it does not parse.
fn rfc3339(date: Option<&str>) -> String {
    let Some(date) = date else { return String::new() };
    mail_parser::DateTime::parse_rfc822(date)
        .filter(|d| d.is_valid())
        .map_or_else(|| date.to_string(), |d| d.to_rfc3339())
}

pub struct Judge<'a> {
    pub array: &'a Array,
    pub posture: &'a Posture<'a>,
}

impl Judge<'_> {
    fn finding(
        &self,
        rule: Rule,
        server: &Server,
        hop: &Hop,
        seen: String,
        predicted: String,
        evidence: Evidence,
    ) -> Finding {
        Finding {
            server: Some(server.name.clone()),
            direction: Some(Direction::Inbound),
            evidence: Evidence::Observed,
            observation: Some(Observation {
                kind: ObservationKind::Headers,
                target: hop.target(),
                at: rfc3339(hop.fields.date.as_deref()),
                observed: seen,
                predicted,
                predicted_evidence: evidence,
            }),
            ..Finding::new(rule, self.array, String::new())
        }
    }

    /// Every finding of one hop written by `server`.
    pub fn hop(&self, server: &Server, hop: &Hop) -> Vec<Finding> {
        let mut out: Vec<Finding> = self.version(server, hop).into_iter().collect();
        let Some(d) = self.posture.inbound_of(&server.name).filter(|d| d.tls_enabled.value) else { return out };
        out.extend(self.protocol(server, hop, d));
        out.extend(self.weak_suite(server, hop, d));
        out
    }

    /// SEG601: the hop negotiated a protocol the server's inbound posture has off.
    fn protocol(&self, server: &Server, hop: &Hop, d: &DirectionPosture) -> Option<Finding> {
        let p = hop.fields.tls.as_ref()?.protocol?;
        let state = d.state(p);
        if state.effective {
            return None;
        }
        let a = &state.allowed;
        let mut f = self.finding(
            Rule::ObservedProtocolBeyondPosture,
            server,
            hop,
            format!("{} negotiated", p.name()),
            "off".into(),
            a.evidence,
        );
        f.message = format!(
            "{} received with {} (a message's Received field shows it), but it is predicted off ({})",
            server.name,
            p.name(),
            a.via
        );
        f.help = "the export is stale or the change was never committed: re-export, or switch the protocol off for the Receiver again; if no setting decides, the version fact may be wrong (`seglint rules SEG601`)".into();
        f.location = a.loc;
        f.data = a.loc.is_none().then_some(a.data).flatten().map(|x| (x, a.via.clone()));
        f.label = format!("{} predicted off here", p.name());
        f.setting = Some(format!("SSLMethod{}", p.switch_suffix()));
        f.sources = a.sources.clone();
        f.confidence = a.confidence;
        Some(f)
    }

    /// SEG606: the hop negotiated a suite of a weak class.
    fn weak_suite(&self, server: &Server, hop: &Hop, d: &DirectionPosture) -> Option<Finding> {
        let tls = hop.fields.tls.as_ref().filter(|t| !t.weak.is_empty())?;
        let cipher = tls.cipher.clone().unwrap_or_default();
        let classes = tls.weak.iter().map(|w| w.name()).collect::<Vec<_>>().join(", ");
        // What predicted "no weak suite": the server's inbound minimum cipher strength.
        let floor = d.cipher_floor.as_ref();
        let predicted =
            floor.map_or("no weak suite".to_string(), |fl| format!("no weak suite (minimum {})", fl.value.name()));
        let evidence = floor.map_or(Evidence::Default, |fl| fl.evidence);
        let mut f =
            self.finding(Rule::ObservedWeakSuites, server, hop, format!("{cipher} ({classes})"), predicted, evidence);
        f.message = format!(
            "{} received with the weak suite {cipher} ({classes}), as a message's Received field shows",
            server.name
        );
        f.help = "raise the inbound minimum cipher strength of the server to Medium or High (Mail Servers → server → Inbound Security (TLS)), commit configuration and restart the Receiver service".into();
        f.location = floor.and_then(|fl| fl.loc);
        f.data = floor.filter(|fl| fl.loc.is_none()).and_then(|fl| fl.data.map(|x| (x, fl.via.clone())));
        f.label = "the inbound minimum cipher strength".into();
        f.setting = Some("minimumCipherStrength".into());
        f.sources = floor.map(|fl| fl.sources.clone()).unwrap_or_default();
        Some(f)
    }

    /// SEG608: the hop's version is not the export's.
    fn version(&self, server: &Server, hop: &Hop) -> Option<Finding> {
        let core = hop.fields.version.as_deref()?;
        let text = hop.fields.build.as_ref().map_or(core.to_string(), |b| format!("{core}.{b}"));
        let seen = crate::version::parse(&text).ok()?;
        let export = &self.array.version;
        if !crate::version::differs(&seen, export) {
            return None;
        }
        let shown = crate::version::shown;
        let evidence = if self.array.version_loc.is_some() { Evidence::Explicit } else { Evidence::Default };
        let mut f = self.finding(Rule::ObservedVersionMismatch, server, hop, shown(&seen), shown(export), evidence);
        f.direction = None;
        let whose = if self.array.version_loc.is_some() {
            "the export is of"
        } else {
            "the version in use (--seg-version, --seg-version-from or seglint.toml) is"
        };
        f.message = format!(
            "{} stamped {} {} in a message's Received field, but {whose} {}",
            server.name,
            hop.fields.product.as_deref().unwrap_or("SEG"),
            shown(&seen),
            shown(export)
        );
        f.help = "every default seglint predicts comes from the version: re-export from this array, or give the version the servers run with --seg-version; an older message may predate an upgrade (its date tells)".into();
        f.location = self.array.version_loc;
        f.label = "the export's version".into();
        f.setting = Some("productVersion".into());
        if let Some(date) = &hop.fields.date {
            f.notes.push(format!("the message passed this hop on {date}"));
        }
        Some(f)
    }
}
