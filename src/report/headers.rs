//! `headers` reports: a table of SEG hops per message (newest first, as the fields stand),
//! then the findings as `check` writes them; or `seglint/headers/v1` JSON (spec 8.4). The
//! other formats are `check`'s, fed the same findings. It computes nothing.

use super::CheckReport;
use crate::headers::{Hop, Message};
use crate::knowledge::Knowledge;
use serde::Serialize;
use std::fmt::Write;

/// What the files showed, and the findings through the policy (none without `--array`).
#[derive(Debug, Default)]
pub struct HeadersReport {
    pub messages: Vec<Message>,
    /// The files that could not be read (exit 3; the others are still reported).
    pub errors: Vec<crate::input::InputError>,
    /// The array (if any) and its findings.
    pub check: CheckReport,
}

#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
    tool: super::json::Tool,
    /// Every SEG hop of every message, in file and field order.
    hops: Vec<&'a Hop>,
    /// Per message: file, index, line, subject, and the other hops' count.
    messages: Vec<MessageEntry<'a>>,
    /// The files that could not be read, as input errors.
    errors: Vec<serde_json::Value>,
    /// The array as `check` writes it, or null without `--array`.
    array: Option<serde_json::Value>,
    findings: Vec<serde_json::Value>,
    summary: super::Summary,
}

#[derive(Serialize)]
struct MessageEntry<'a> {
    file: &'a str,
    index: usize,
    line: usize,
    subject: Option<&'a str>,
    seg_hops: usize,
    other_hops: &'a [String],
}

pub fn json(report: &HeadersReport, k: &Knowledge) -> String {
    let errors = report
        .errors
        .iter()
        .map(|e| serde_json::json!({"file": e.file, "message": e.message, "location": super::locate_error(e), "help": e.help}))
        .collect();
    let findings = super::json::finding_values(&report.check, k);
    let out = Json {
        schema: "seglint/headers/v1",
        tool: super::json::Tool::SEGLINT,
        hops: report.messages.iter().flat_map(|m| &m.hops).collect(),
        messages: report
            .messages
            .iter()
            .map(|m| MessageEntry {
                file: &m.file,
                index: m.index,
                line: m.line,
                subject: m.subject.as_deref(),
                seg_hops: m.hops.len(),
                other_hops: &m.other_hops,
            })
            .collect(),
        errors,
        array: super::json::array_values(&report.check).into_iter().next(),
        findings,
        summary: report.check.summary(),
    };
    super::json::pretty(&out)
}

/// The TLS column: `TLSv1.2 AES256-GCM-SHA384 (256 bits)`, `SSLv23 (version not written)`, …
fn tls_cell(h: &Hop) -> String {
    let Some(t) = &h.fields.tls else { return "plaintext".into() };
    let mut cell = t.protocol.map_or(t.protocol_text.clone(), |p| p.name().to_string());
    if t.protocol_text == "SSLv23" {
        cell.push_str(" (TLS, version not written)");
    }
    if let Some(c) = &t.cipher {
        let bits = t.bits.map(|b| format!(", {b} bits")).unwrap_or_default();
        let _ = write!(cell, " {c}{bits}");
    }
    if !t.weak.is_empty() {
        let _ = write!(cell, " WEAK: {}", t.weak.iter().map(|w| w.name()).collect::<Vec<_>>().join(", "));
    }
    cell
}

fn human_message(out: &mut String, m: &Message, verbose: bool) {
    let subject = m.subject.as_deref().map(|s| format!(" \"{s}\"")).unwrap_or_default();
    let _ = writeln!(out, "message {} of {} (line {}){subject}", m.index, m.file, m.line);
    if m.hops.is_empty() {
        let _ = writeln!(out, "  no SEG hop");
    } else {
        let _ =
            writeln!(out, "  {:<6} {:<26} {:<34} {:<24} {:<18} TLS", "line", "by", "from [ip]", "product", "version");
        for h in &m.hops {
            let f = &h.fields;
            let by = match (&f.by, &h.server) {
                (Some(b), Some(s)) => format!("{b} ({s})"),
                (Some(b), None) => b.clone(),
                (None, _) => "-".into(),
            };
            let from = format!("{} [{}]", f.from.as_deref().unwrap_or("-"), f.from_ip.as_deref().unwrap_or("-"));
            let version = match (&f.version, &f.build) {
                (Some(v), Some(b)) => format!("{v} build {b}"),
                (Some(v), None) => v.clone(),
                (None, _) => "unknown".into(),
            };
            let product = f.product.as_deref().unwrap_or("unknown (SEG forms)");
            let _ = writeln!(out, "  {:<6} {by:<26} {from:<34} {product:<24} {version:<18} {}", h.line, tls_cell(h));
        }
    }
    if verbose {
        for other in &m.other_hops {
            let _ = writeln!(out, "  other hop: {other}");
        }
    } else if !m.other_hops.is_empty() {
        let _ = writeln!(
            out,
            "  and {} other hop{} (--verbose lists them)",
            m.other_hops.len(),
            if m.other_hops.len() == 1 { "" } else { "s" }
        );
    }
    out.push('\n');
}

/// The hops of every message, then the findings (and unreadable files) as `check` prints them.
pub fn human(report: &HeadersReport, k: &Knowledge, style: super::Style) -> String {
    let mut out = String::new();
    if !style.quiet {
        for m in &report.messages {
            human_message(&mut out, m, style.verbose);
        }
    }
    if report.check.arrays.is_empty() {
        if !style.quiet {
            out.push_str("no --array: the hops are not held to a predicted posture\n");
        }
        return out;
    }
    out.push_str(&super::human::render(&report.check, k, style));
    out
}
