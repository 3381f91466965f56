//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers. One rule
//! descriptor per code with its documentation as Markdown help; results with line/column
//! regions, stable `partialFingerprints`, and evidence, server and direction in properties.
//! It computes nothing: it reads the findings and renders them.

use super::{CheckReport, fallback_location, locate};
use crate::knowledge::Knowledge;
use crate::vocab::Severity;
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// One rule descriptor, with the rule's documentation as Markdown help.
fn descriptor(r: &crate::knowledge::RuleDoc) -> Value {
    let markdown = format!(
        "**{} {}** ({})\n\n{}\n\n## What it checks\n\n{}\n\n## Why it matters\n\n{}\n\n## Example\n\n```\n{}\n```\n\n## How to fix it\n\n{}\n\n## Sources\n\n{}\n",
        r.code,
        r.name,
        r.severity.name(),
        r.summary,
        r.what.trim(),
        r.why.trim(),
        r.example.trim(),
        r.fix.trim(),
        r.sources.join(", ")
    );
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.what.trim()},
        "help": {"text": format!("{}\n\nFix: {}", r.why.trim(), r.fix.trim()), "markdown": markdown},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {"tags": ["tls", "security", "seg"], "reportedPer": r.reported_per}
    })
}

/// The region of a location, in the run's columnKind (code points; our spans are bytes).
fn region(l: &super::Location, text: Option<&str>) -> Value {
    let mut region = json!({"startLine": l.line, "startColumn": l.column});
    if let (Some(text), true) = (text, l.length > 0) {
        let chars = |r: std::ops::Range<usize>| text.get(r).map(|t| t.chars().count());
        if let (Some(offset), Some(length)) = (chars(0..l.offset), chars(l.offset..l.offset + l.length)) {
            region["charOffset"] = json!(offset);
            region["charLength"] = json!(length);
        }
    }
    region
}

fn result(a: &super::ArrayReport, f: &crate::finding::Finding) -> Value {
    let mut result = json!({
        "ruleId": f.rule.code(),
        "ruleIndex": f.rule as usize,
        "level": level(f.severity),
        "message": {"text": format!("{}. {}", f.message, f.help)},
        "partialFingerprints": {"seglintFindingHash/v1": f.fingerprint()},
        "properties": {
            "name": f.rule.name(), "array": f.array, "server": f.server, "direction": f.direction,
            "evidence": f.evidence, "confidence": f.confidence, "setting": f.setting, "sources": f.sources,
            "observation": f.observation
        }
    });
    if let Some(l) = locate(a.array.as_ref(), f.location).or_else(|| fallback_location(a.array.as_ref())) {
        let text = f.location.and_then(|loc| a.array.as_ref()?.files.get(loc.file)).map(|sf| sf.text.as_str());
        result["locations"] =
            json!([{"physicalLocation": {"artifactLocation": {"uri": uri(&l.file)}, "region": region(&l, text)}}]);
    }
    if let Some(known) = f.in_baseline {
        result["baselineState"] = json!(if known { "unchanged" } else { "new" });
    }
    if let Some(reason) = &f.suppressed {
        result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
    }
    result
}

/// An array that could not be read, as a tool execution notification.
fn notification(e: &crate::input::InputError) -> Value {
    let mut n = json!({"level": "error", "message": {"text": e.to_string()}, "descriptor": {"id": "input"}});
    if let Some(l) = super::locate_error(e) {
        n["locations"] = json!([{"physicalLocation": {"artifactLocation": {"uri": uri(&l.file)}, "region": {"startLine": l.line, "startColumn": l.column}}}]);
    }
    n
}

pub fn render(report: &CheckReport, k: &Knowledge) -> String {
    let rules: Vec<Value> = k.docs().map(|(_, r)| descriptor(r)).collect();
    let results: Vec<Value> = report.arrays.iter().flat_map(|a| a.findings.iter().map(move |f| result(a, f))).collect();
    let notifications: Vec<Value> = report.arrays.iter().filter_map(|a| a.error.as_ref()).map(notification).collect();
    let out = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "seglint", "version": env!("CARGO_PKG_VERSION"), "semanticVersion": env!("CARGO_PKG_VERSION"), "informationUri": "https://crates.io/crates/seglint", "rules": rules}},
            "results": results,
            "invocations": [{"executionSuccessful": notifications.is_empty(), "toolExecutionNotifications": notifications}],
            "columnKind": "unicodeCodePoints"
        }]
    });
    format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default())
}

/// A relative path with forward slashes, as SARIF viewers expect.
fn uri(path: &str) -> String {
    path.replace('\\', "/").trim_start_matches("./").to_string()
}
