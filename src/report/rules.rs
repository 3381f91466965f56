//! `rules`: the list of rules, one rule's documentation under its fixed headings, or one of
//! seglint's data files with line numbers; as text or JSON.
//! It computes nothing: it reads the rules data and renders it.

use crate::knowledge::{Knowledge, RuleDoc};
use crate::registry::Rule;
use crate::source::SourceFile;
use std::fmt::Write;

fn pretty(value: &serde_json::Value) -> String {
    format!("{}\n", serde_json::to_string_pretty(value).unwrap_or_default())
}

/// One line per rule.
pub fn list(k: &Knowledge, json: bool) -> String {
    let docs = Rule::ALL.iter().map(|&r| k.doc(r));
    if json {
        let list: Vec<_> = docs
            .map(|r| serde_json::json!({"code": r.code, "name": r.name, "severity": r.severity, "reported_per": r.reported_per, "summary": r.summary, "sources": r.sources}))
            .collect();
        return pretty(&serde_json::Value::Array(list));
    }
    let mut out = String::new();
    let width = Rule::ALL.iter().map(|r| r.name().len()).max().unwrap_or(0);
    for r in docs {
        let _ = writeln!(out, "{}  {:<width$} {:<8} {}", r.code, r.name, r.severity.name(), r.summary);
    }
    out
}

/// One rule's documentation.
pub fn doc(r: &RuleDoc, json: bool) -> String {
    if json {
        return pretty(
            &serde_json::json!({"code": r.code, "name": r.name, "severity": r.severity, "reported_per": r.reported_per, "summary": r.summary, "what": r.what, "why": r.why, "example": r.example, "fix": r.fix, "sources": r.sources}),
        );
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({})\n\n{}\nReported per: {}\n",
        r.code,
        r.name,
        r.severity.name(),
        r.summary,
        r.reported_per
    );
    for (title, body) in
        [("What it checks", &r.what), ("Why it matters", &r.why), ("Example", &r.example), ("How to fix it", &r.fix)]
    {
        let _ = writeln!(out, "## {title}\n\n{}\n", body.trim_end());
    }
    let _ = writeln!(out, "## Sources\n\n{}", r.sources.join(", "));
    out
}

/// A data file with line numbers, as findings' `built-in rules/…:N` count them.
pub fn data(file: &SourceFile, json: bool) -> String {
    if json {
        return pretty(&serde_json::json!({"file": file.display, "text": file.text}));
    }
    let mut out = format!("# {}\n", file.display);
    let width = file.text.lines().count().to_string().len();
    for (i, line) in file.text.lines().enumerate() {
        let _ = writeln!(out, "{:>width$} │ {line}", i + 1);
    }
    out
}
