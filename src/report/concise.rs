//! `--format concise`: one line per finding that counts, as ruff and compilers write them
//! (`path:line:col: severity CODE message`), then the summary line; input errors likewise.
//! It computes nothing.

use super::{CheckReport, fallback_location, locate};
use crate::source::escape_controls;
use std::fmt::Write;

pub fn render(report: &CheckReport) -> String {
    let mut out = String::new();
    for a in &report.arrays {
        if let Some(e) = &a.error {
            let at = super::locate_error(e)
                .map_or(format!("{}:1:1", a.source), |l| format!("{}:{}:{}", l.file, l.line, l.column));
            let _ = writeln!(out, "{}", escape_controls(&format!("{at}: error input {}", e.message)));
        }
        for f in a.findings.iter().filter(|f| f.counts()) {
            let at = locate(a.array.as_ref(), f.location)
                .or_else(|| fallback_location(a.array.as_ref()))
                .map_or(format!("{}:1:1", a.source), |l| format!("{}:{}:{}", l.file, l.line, l.column));
            let _ =
                writeln!(out, "{}", escape_controls(&format!("{at}: {} {} {}", f.severity, f.rule.code(), f.message)));
        }
    }
    let s = report.summary();
    let n = report.arrays.len();
    let _ = writeln!(
        out,
        "{} errors, {} warnings, {} info in {n} array{}",
        s.error,
        s.warning,
        s.info,
        if n == 1 { "" } else { "s" }
    );
    out
}

/// `--statistics`: how many findings each rule has, most first (then by code), as ruff prints them.
pub fn statistics(report: &CheckReport) -> String {
    let mut counts = std::collections::BTreeMap::<crate::registry::Rule, usize>::new();
    for f in report.findings().filter(|f| f.counts()) {
        *counts.entry(f.rule).or_default() += 1;
    }
    let mut rows: Vec<(crate::registry::Rule, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = String::new();
    for (rule, n) in rows {
        let _ = writeln!(out, "{n:>5}  {}  {:<36} {}", rule.code(), rule.name(), rule.default_severity());
    }
    if report.input_errors() > 0 {
        let _ = writeln!(out, "{:>5}  input   could not be read", report.input_errors());
    }
    out
}
