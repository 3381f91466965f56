//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues: `description`,
//! `check_name`, a `fingerprint` unique in the report, `severity` in
//! `info|minor|major|critical|blocker`, `location.path` and `location.lines.begin`).
//! It computes nothing.

use super::{CheckReport, fallback_location, locate};
use crate::vocab::Severity;
use serde_json::{Value, json};
use std::collections::HashSet;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

fn hash(parts: &[&str]) -> String {
    crate::finding::stable_hash(&parts.join("\u{1f}"))
}

/// `path` relative to the current directory, with forward slashes.
fn repository_path(path: &str) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    super::sarif::relative(std::path::Path::new(&path.replace('\\', "/")), &cwd).join("/")
}

pub fn render(report: &CheckReport) -> String {
    let mut issues = Vec::new();
    let mut seen = HashSet::new();
    for a in &report.arrays {
        if let Some(e) = &a.error {
            let l = super::locate_error(e);
            let path = l.as_ref().map_or(a.source.clone(), |l| l.file.clone());
            let line = l.map_or(1, |l| l.line);
            issues.push(issue(
                &mut seen,
                format!("input error: {}", e.message),
                "seglint/input",
                "blocker",
                &path,
                line,
                &a.source,
            ));
        }
        for f in a.findings.iter().filter(|f| f.counts()) {
            let l = locate(a.array.as_ref(), f.location).or_else(|| fallback_location(a.array.as_ref()));
            let (path, line) = l.map_or((a.source.clone(), 1), |l| (l.file, l.line));
            let check = format!("{} {}", f.rule.code(), f.rule.name());
            let key = format!("{}|{}", f.fingerprint(), a.source);
            issues.push(issue(&mut seen, f.message.clone(), &check, severity(f.severity), &path, line, &key));
        }
    }
    format!("{}\n", serde_json::to_string_pretty(&Value::Array(issues)).unwrap_or_default())
}

/// One issue; its fingerprint made unique in the report (a second identical key counts on).
fn issue(
    seen: &mut HashSet<String>,
    description: String,
    check: &str,
    severity: &str,
    path: &str,
    line: usize,
    key: &str,
) -> Value {
    let mut n = 0usize;
    let fingerprint = loop {
        let candidate = hash(&[key, check, &n.to_string()]);
        if seen.insert(candidate.clone()) {
            break candidate;
        }
        n += 1;
    };
    json!({
        "description": description,
        "check_name": check,
        "fingerprint": fingerprint,
        "severity": severity,
        // GitLab takes paths relative to the repository: the current directory.
        "location": {"path": repository_path(path), "lines": {"begin": line}}
    })
}
