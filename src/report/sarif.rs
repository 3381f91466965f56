//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers. One rule
//! descriptor per code with its documentation as Markdown help and a `security-severity`;
//! results with line/column regions at percent-encoded URIs relative to `%SRCROOT%`,
//! `partialFingerprints` that tell same-named arrays apart, and evidence, server and direction
//! in properties. It computes nothing: it reads the findings and renders them.

use super::{CheckReport, fallback_location, locate};
use crate::knowledge::Knowledge;
use crate::vocab::Severity;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Value, json};
use std::path::{Component, Path, PathBuf};

/// What a URI path segment may hold unescaped (RFC 3986 unreserved and sub-delims, less `;`).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b';');

/// Code scanning's ranking: errors high, warnings medium, info low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

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
        "properties": {"tags": ["tls", "security", "seg"], "reportedPer": r.reported_per, "security-severity": security_severity(r.severity)}
    })
}

/// The region of a location, in the run's columnKind (code points; our spans are bytes).
fn region(l: &super::Location, file: Option<&crate::source::SourceFile>) -> Value {
    let mut region = json!({"startLine": l.line, "startColumn": l.column});
    let span = file.filter(|_| l.length > 0).and_then(|f| Some((f, f.text.get(l.offset..l.offset + l.length)?)));
    if let Some((file, span)) = span {
        region["charOffset"] = json!(file.char_offset(l.offset));
        region["charLength"] = json!(span.chars().count());
    }
    region
}

fn result(a: &super::ArrayReport, f: &crate::finding::Finding, root: &Path) -> Value {
    let mut result = json!({
        "ruleId": f.rule.code(),
        "ruleIndex": f.rule as usize,
        "level": level(f.severity),
        "message": {"text": format!("{}. {}", f.message, f.help)},
        "partialFingerprints": {"seglintFindingHash/v2": path_fingerprint(f)},
        "properties": {
            "name": f.rule.name(), "array": f.array, "server": f.server, "direction": f.direction,
            "evidence": f.evidence, "confidence": f.confidence, "setting": f.setting, "sources": f.sources,
            "observation": f.observation
        }
    });
    if let Some(l) = locate(a.array.as_ref(), f.location).or_else(|| fallback_location(a.array.as_ref())) {
        let file = f.location.and_then(|loc| a.array.as_ref()?.files.get(loc.file));
        result["locations"] =
            json!([{"physicalLocation": {"artifactLocation": artifact(&l.file, root), "region": region(&l, file)}}]);
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
fn notification(e: &crate::input::InputError, root: &Path) -> Value {
    let mut n = json!({"level": "error", "message": {"text": e.to_string()}, "descriptor": {"id": "input"}});
    if let Some(l) = super::locate_error(e) {
        n["locations"] = json!([{"physicalLocation": {"artifactLocation": artifact(&l.file, root), "region": {"startLine": l.line, "startColumn": l.column}}}]);
    }
    n
}

/// `root`: the directory `%SRCROOT%` stands for (absolute).
pub fn render(report: &CheckReport, k: &Knowledge, root: &Path) -> String {
    let rules: Vec<Value> = k.docs().map(|(_, r)| descriptor(r)).collect();
    let results: Vec<Value> =
        report.arrays.iter().flat_map(|a| a.findings.iter().map(move |f| result(a, f, root))).collect();
    let notifications: Vec<Value> =
        report.arrays.iter().filter_map(|a| a.error.as_ref()).map(|e| notification(e, root)).collect();
    let out = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "seglint", "fullName": concat!("seglint ", env!("CARGO_PKG_VERSION"), ": TLS posture of Trustwave MailMarshal / SEG arrays"), "version": env!("CARGO_PKG_VERSION"), "semanticVersion": env!("CARGO_PKG_VERSION"), "rules": rules}},
            "automationDetails": {"id": "seglint/"},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": directory_uri(root)}},
            "results": results,
            "invocations": [{"executionSuccessful": notifications.is_empty(), "toolExecutionNotifications": notifications}],
            "columnKind": "unicodeCodePoints"
        }]
    });
    format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default())
}

/// The lexical absolute form of `p` (`.` and `..` resolved without touching the disk).
fn absolute(p: &Path, base: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in base.join(p).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `file` relative to `root`, with `..` where it lies outside: never an absolute path.
pub(super) fn relative(file: &Path, root: &Path) -> Vec<String> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let (file, root) = (absolute(file, &cwd), absolute(root, &cwd));
    let (f, r): (Vec<Component<'_>>, Vec<Component<'_>>) = (file.components().collect(), root.components().collect());
    let common = f.iter().zip(&r).take_while(|(a, b)| a == b).count();
    let up = std::iter::repeat_n("..".to_string(), r.len() - common);
    up.chain(f[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned())).collect()
}

fn encode(segments: &[String]) -> String {
    segments.iter().map(|s| utf8_percent_encode(s, SEGMENT).to_string()).collect::<Vec<_>>().join("/")
}

/// An artifact location: a percent-encoded URI reference relative to `%SRCROOT%`.
fn artifact(file: &str, root: &Path) -> Value {
    let path = PathBuf::from(file.replace('\\', "/"));
    json!({"uri": encode(&relative(&path, root)), "uriBaseId": "%SRCROOT%"})
}

/// `file:///abs/root/`, percent-encoded, as `originalUriBaseIds` wants it (ending in `/`).
fn directory_uri(root: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = absolute(root, &cwd);
    let segments: Vec<String> = abs
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::Prefix(p) => Some(p.as_os_str().to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let path = encode(&segments);
    if path.is_empty() { "file:///".into() } else { format!("file:///{path}/") }
}

/// The finding's fingerprint with its array's path: two arrays of one name in different
/// directories stay apart in code scanning.
fn path_fingerprint(f: &crate::finding::Finding) -> String {
    crate::finding::stable_hash(&format!("{}|{}", f.fingerprint(), f.array.replace('\\', "/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_and_relative_to_the_root() {
        let root = Path::new("/work/repo");
        assert_eq!(
            artifact("/work/repo/exports/Zürich 1/export.xml", root)["uri"],
            "exports/Z%C3%BCrich%201/export.xml"
        );
        assert_eq!(artifact("/work/other/100%.xml", root)["uri"], "../other/100%25.xml");
        assert_eq!(artifact("/work/repo/./a/../b.xml", root)["uri"], "b.xml");
        assert_eq!(directory_uri(root), "file:///work/repo/");
    }
}
