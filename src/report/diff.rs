//! `diff` reports: the posture change per server and direction, then the findings introduced,
//! resolved and narrowed; as text, Markdown or `seglint/diff/v1` JSON.
//! It computes nothing: it reads the diff and renders it.

use crate::diff::{Change, Diff, State};
use crate::finding::Finding;
use crate::knowledge::Knowledge;
use crate::model::Array;

fn describe(s: &Option<State>) -> String {
    let Some(s) = s else { return "(no such server)".into() };
    // DANE is said even with TLS off: a change of it must show (SEG310 judges the pair).
    let dane = if s.dane == Some(true) { " | DANE on" } else { "" };
    if !s.tls_enabled {
        return format!("TLS off{dane}");
    }
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
    out.push_str(dane);
    out
}

fn scope(c: &Change) -> String {
    match &c.server {
        None => "outbound (every server)".into(),
        Some(s) => format!("inbound {s}"),
    }
}

/// A listed finding, with the related finding on the other side (`was` / `now`), if any.
type Listed<'d> = (&'d Finding, Option<(&'static str, &'d Finding)>);

/// The findings of each list, each with the related finding's message on the other side.
fn lists<'d>(d: &'d Diff<'_>) -> [(&'static str, Vec<Listed<'d>>); 3] {
    [
        ("introduced", d.introduced.iter().map(|(f, was)| (*f, was.map(|w| ("was", w)))).collect()),
        ("resolved", d.resolved.iter().map(|f| (*f, None)).collect()),
        ("narrowed", d.narrowed.iter().map(|(f, now)| (*f, Some(("now", *now)))).collect()),
    ]
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
    for (title, list) in lists(d) {
        if title == "narrowed" && list.is_empty() {
            continue;
        }
        out.push_str(&format!("\nfindings {title}: {}\n", list.len()));
        for (f, other) in list {
            out.push_str(&format!("  {:<7} {} {}: {}\n", f.severity.name(), f.rule.code(), f.rule.name(), f.message));
            if let Some((kin, o)) = other {
                out.push_str(&format!("          ({kin}: {})\n", o.message));
            }
        }
    }
    out
}

pub fn markdown(d: &Diff<'_>, base: &str, head: &str) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = format!("## seglint diff: `{base}` → `{head}`\n\n");
    if d.changes.is_empty() {
        out.push_str("Effective posture unchanged.\n");
    } else {
        out.push_str("| scope | before | after |\n|---|---|---|\n");
        for c in &d.changes {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                scope(c),
                cell(&describe(&c.before)),
                cell(&describe(&c.after))
            ));
        }
    }
    for (title, list) in lists(d) {
        if title == "narrowed" && list.is_empty() {
            continue;
        }
        let mut heading = title.to_string();
        heading[..1].make_ascii_uppercase();
        out.push_str(&format!("\n### {heading} findings ({})\n\n", list.len()));
        for (f, other) in list {
            let kin = other.map(|(kin, o)| format!(" ({kin}: {})", cell(&o.message))).unwrap_or_default();
            let (sev, code, name) = (f.severity.name(), f.rule.code(), f.rule.name());
            out.push_str(&format!("- **{sev}** `{code}` {name}: {}{kin}\n", cell(&f.message)));
        }
    }
    out
}

/// Adds the message of the related finding on the other side (`was` / `now`), when there is one.
fn with_kin(mut v: serde_json::Value, other: Option<(&str, &Finding)>) -> serde_json::Value {
    if let (Some((key, o)), Some(map)) = (other, v.as_object_mut()) {
        map.insert(key.into(), serde_json::Value::String(o.message.clone()));
    }
    v
}

pub fn json(d: &Diff<'_>, base: (&str, &Array), head: (&str, &Array), k: &Knowledge) -> String {
    let value = |f: &Finding, a: &Array| super::json::finding_value(f, Some(a), k);
    let out = serde_json::json!({
        "schema": "seglint/diff/v1",
        "base": base.0,
        "head": head.0,
        "postures": d.changes,
        "introduced": d.introduced.iter().map(|(f, was)| with_kin(value(f, head.1), was.map(|w| ("was", w)))).collect::<Vec<_>>(),
        "resolved": d.resolved.iter().map(|f| value(f, base.1)).collect::<Vec<_>>(),
        "narrowed": d.narrowed.iter().map(|(f, now)| with_kin(value(f, base.1), Some(("now", *now)))).collect::<Vec<_>>(),
    });
    format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default())
}
