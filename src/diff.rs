//! `seglint diff BASE HEAD`: two versions of one array (the export before and after a pull
//! request): the change in effective posture per server and direction, and the findings the
//! change introduces and resolves. Findings match by fingerprint without the array's path.

use crate::finding::{Direction, Finding};
use crate::knowledge::Knowledge;
use crate::model::Array;
use crate::posture::{DirectionPosture, Posture};
use crate::tls::{Protocol, Strength};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct State {
    pub tls_enabled: bool,
    pub protocols: Vec<Protocol>,
    pub cipher_floor: Option<Strength>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher_list: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer_client_certificate: Option<bool>,
    /// Outbound DANE validation, where the version has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dane: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub server: Option<String>,
    pub direction: Direction,
    pub before: Option<State>,
    pub after: Option<State>,
}

pub struct Diff<'a> {
    pub changes: Vec<Change>,
    /// Head findings with an exposure the base does not have, each with the base finding of
    /// the same rule and place it grew from, if any.
    pub introduced: Vec<(&'a Finding, Option<&'a Finding>)>,
    /// Base findings with an exposure the head no longer has, each with what remains of it.
    pub resolved: Vec<(&'a Finding, Option<&'a Finding>)>,
}

fn state(d: &DirectionPosture) -> State {
    State {
        tls_enabled: d.tls_enabled.value,
        protocols: d.effective(),
        cipher_floor: d.cipher_floor.as_ref().map(|f| f.value),
        cipher_list: d.cipher_list.as_ref().map(|l| l.value.clone()),
        offer_client_certificate: d.offer_client_certificate.as_ref().map(|o| o.value),
        dane: d.dane.as_ref().map(|v| v.value),
    }
}

/// The finding's place within an array, whatever the array's path: rule, server, direction.
fn place(f: &Finding) -> (&'static str, Option<String>, Option<Direction>) {
    (f.code, f.server.as_ref().map(|s| s.to_ascii_lowercase()), f.direction)
}

/// The exposures one finding names: SEG103 names TLSv1.0 and TLSv1.1 in one finding
/// (`SSLMethodTLSv1_0,SSLMethodTLSv1_1`), so each protocol counts on its own.
fn parts(f: &Finding) -> Vec<String> {
    match &f.setting {
        Some(s) => s.split(',').map(|p| p.trim().to_ascii_lowercase()).collect(),
        None => vec![String::new()],
    }
}

/// Findings of `from` with an exposure that no finding of `to` at the same place has, each
/// with the finding of `to` at that place that shares another exposure, if any.
fn not_in<'a>(from: &'a [Finding], to: &'a [Finding]) -> Vec<(&'a Finding, Option<&'a Finding>)> {
    let live = |f: &&Finding| f.suppressed.is_none();
    from.iter()
        .filter(live)
        .filter_map(|f| {
            let here: Vec<&Finding> = to.iter().filter(live).filter(|g| place(g) == place(f)).collect();
            let theirs: Vec<String> = here.iter().flat_map(|g| parts(g)).collect();
            if parts(f).iter().all(|p| theirs.contains(p)) {
                return None;
            }
            let kin = here.into_iter().find(|g| parts(g).iter().any(|p| parts(f).contains(p)));
            Some((f, kin))
        })
        .collect()
}

pub fn diff<'a>(base: (&Array, &Posture<'_>, &'a [Finding]), head: (&Array, &Posture<'_>, &'a [Finding])) -> Diff<'a> {
    let mut changes = Vec::new();
    let before = state(&base.1.outbound);
    let after = state(&head.1.outbound);
    if before != after {
        changes.push(Change { server: None, direction: Direction::Outbound, before: Some(before), after: Some(after) });
    }
    let mut servers: Vec<String> = base.0.servers.iter().map(|s| s.name.clone()).collect();
    for s in &head.0.servers {
        if !servers.iter().any(|n| n.eq_ignore_ascii_case(&s.name)) {
            servers.push(s.name.clone());
        }
    }
    for s in servers {
        let b = base.1.inbound_of(&s).map(state);
        let a = head.1.inbound_of(&s).map(state);
        if b != a {
            changes.push(Change { server: Some(s), direction: Direction::Inbound, before: b, after: a });
        }
    }
    // Regression: a base finding "TLSv1.1 is allowed" was listed as resolved when the head
    // allowed TLSv1.0 and TLSv1.1: matching is per exposure, not per finding text.
    Diff { changes, introduced: not_in(head.2, base.2), resolved: not_in(base.2, head.2) }
}

fn describe(s: &Option<State>) -> String {
    match s {
        None => "(no such server)".into(),
        Some(s) if !s.tls_enabled => "TLS off".into(),
        Some(s) => {
            let p = if s.protocols.is_empty() {
                "none".to_string()
            } else {
                s.protocols.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
            };
            let mut out = format!("{p} | floor {}", s.cipher_floor.map_or("unknown".to_string(), |f| f.to_string()));
            if let Some(l) = &s.cipher_list {
                out.push_str(&format!(" | TLSCipherList {l}"));
            }
            if s.offer_client_certificate == Some(false) {
                out.push_str(" | client certificate not offered");
            }
            if s.dane == Some(true) {
                out.push_str(" | DANE on");
            }
            out
        }
    }
}

fn scope(c: &Change) -> String {
    match &c.server {
        None => "outbound (every server)".into(),
        Some(s) => format!("inbound {s}"),
    }
}

pub fn human(d: &Diff<'_>, base: &str, head: &str) -> String {
    let mut out = format!("seglint diff {base} → {head}\n\n");
    if d.changes.is_empty() {
        out.push_str("effective posture: unchanged\n");
    } else {
        out.push_str("effective posture:\n");
        for c in &d.changes {
            out.push_str(&format!(
                "  {:<24} {}\n  {:<24} → {}\n",
                scope(c),
                describe(&c.before),
                "",
                describe(&c.after)
            ));
        }
    }
    for (title, list, kin) in [("introduced", &d.introduced, "was"), ("resolved", &d.resolved, "now")] {
        out.push_str(&format!("\nfindings {title}: {}\n", list.len()));
        for (f, other) in list.iter() {
            out.push_str(&format!("  {:<7} {} {}: {}\n", f.severity.name(), f.code, f.name, f.message));
            if let Some(o) = other {
                out.push_str(&format!("          ({kin}: {})\n", o.message));
            }
        }
    }
    out
}

pub fn markdown(d: &Diff<'_>, base: &str, head: &str) -> String {
    let mut out = format!("## seglint diff: `{base}` → `{head}`\n\n");
    if d.changes.is_empty() {
        out.push_str("Effective posture unchanged.\n");
    } else {
        out.push_str("| scope | before | after |\n|---|---|---|\n");
        for c in &d.changes {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                scope(c),
                describe(&c.before).replace('|', "\\|"),
                describe(&c.after).replace('|', "\\|")
            ));
        }
    }
    for (title, list, kin) in [("Introduced", &d.introduced, "was"), ("Resolved", &d.resolved, "now")] {
        out.push_str(&format!("\n### {title} findings ({})\n\n", list.len()));
        for (f, other) in list.iter() {
            let kin = other.map(|o| format!(" ({kin}: {})", o.message.replace('|', "\\|"))).unwrap_or_default();
            out.push_str(&format!(
                "- **{}** `{}` {}: {}{kin}\n",
                f.severity.name(),
                f.code,
                f.name,
                f.message.replace('|', "\\|")
            ));
        }
    }
    out
}

/// Adds the message of the related finding on the other side (`was` / `now`), when there is one.
fn with_kin(mut v: serde_json::Value, key: &str, other: Option<&Finding>) -> serde_json::Value {
    if let (Some(o), Some(map)) = (other, v.as_object_mut()) {
        map.insert(key.into(), serde_json::Value::String(o.message.clone()));
    }
    v
}

pub fn json(d: &Diff<'_>, base: (&str, &Array), head: (&str, &Array), k: &Knowledge) -> String {
    let out = serde_json::json!({
        "schema": "seglint/diff/v1",
        "base": base.0,
        "head": head.0,
        "postures": d.changes,
        "introduced": d.introduced.iter().map(|(f, was)| with_kin(crate::report::json::finding_value(f, Some(head.1), k), "was", *was)).collect::<Vec<_>>(),
        "resolved": d.resolved.iter().map(|(f, now)| with_kin(crate::report::json::finding_value(f, Some(base.1), k), "now", *now)).collect::<Vec<_>>(),
    });
    format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default())
}
