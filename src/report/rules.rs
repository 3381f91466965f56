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

/// One rule's page of `docs/rules/` (generated; tests/docs.rs keeps it fresh).
pub fn page(r: &RuleDoc) -> String {
    let mut out = format!(
        "<!-- generated from rules/catalog.toml: SEGLINT_UPDATE_DOCS=1 cargo test --test integration docs:: -->\n# {} {}\n\n**Severity:** {} · **Reported per:** {}\n\n{}\n\n",
        r.code,
        r.name,
        r.severity.name(),
        r.reported_per,
        r.summary
    );
    let sections = [("What it checks", &r.what), ("Why it matters", &r.why), ("How to fix it", &r.fix)];
    for (title, body) in sections {
        let _ = writeln!(out, "## {title}\n\n{}\n", body.trim());
        if title == "Why it matters" {
            let _ = writeln!(out, "## Example\n\n```\n{}\n```\n", r.example.trim_end());
        }
    }
    let sources = if r.sources.is_empty() { "none".to_string() } else { r.sources.join(", ") };
    let _ = writeln!(out, "## Sources\n\n{sources} (Trustwave knowledge-base articles)");
    out
}

/// The index of `docs/rules/`.
pub fn index(k: &Knowledge) -> String {
    let mut out = String::from(
        "<!-- generated from rules/catalog.toml: SEGLINT_UPDATE_DOCS=1 cargo test --test integration docs:: -->\n# seglint rules\n\n| code | name | severity | fires when |\n|---|---|---|---|\n",
    );
    for r in Rule::ALL.iter().map(|&r| k.doc(r)) {
        let summary = r.summary.replace('|', "\\|");
        let _ =
            writeln!(out, "| [{code}]({code}.md) | {} | {} | {summary} |", r.name, r.severity.name(), code = r.code);
    }
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
