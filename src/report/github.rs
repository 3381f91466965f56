//! `--format github`: GitHub Actions workflow commands, so findings appear as annotations on
//! the pull request (`::error file=…,line=…,col=…,title=SEG102 sslv3-enabled::…`).
//! It computes nothing: it reads the findings and renders them.

use super::{CheckReport, fallback_location, locate};
use crate::finding::Finding;
use crate::vocab::Severity;
use std::fmt::Write;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation line for an input error; without a place of its own it is put on the array's
/// path, so GitHub still shows it against a file.
fn input_error(a: &super::ArrayReport, e: &crate::input::InputError) -> String {
    let place = match super::locate_error(e) {
        Some(l) => format!(" file={},line={},col={},", escape_property(&l.file), l.line, l.column),
        None => format!(" file={},", escape_property(e.file.as_deref().unwrap_or(&a.source))),
    };
    format!("::error{place}title={}::{}\n", escape_property("seglint: input error"), escape_data(&e.to_string()))
}

fn annotation(a: &super::ArrayReport, f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let loc = locate(a.array.as_ref(), f.location).or_else(|| fallback_location(a.array.as_ref()));
    let place = loc
        .map(|l| format!(" file={},line={},col={},", escape_property(&l.file), l.line, l.column))
        .unwrap_or_else(|| format!(" file={},", escape_property(&a.source)));
    let title = escape_property(&format!("{} {}", f.rule.code(), f.rule.name()));
    format!(
        "::{command}{place}title={title}::{}\n",
        escape_data(&format!("{}\nhelp: {}{}", f.message, f.help, observed(f)))
    )
}

/// One `::notice` with the counts per severity and rule, then the annotations: every input
/// error, and the findings that count, most severe first, at most `max` of them (GitHub shows
/// only the first few per step), saying how many were left out.
pub fn render(report: &CheckReport, max: usize) -> String {
    let s = report.summary();
    let mut per_rule = std::collections::BTreeMap::<&str, usize>::new();
    // Allowed and already-baselined findings would only be noise on the pull request.
    let mut findings: Vec<(&super::ArrayReport, &Finding)> =
        report.arrays.iter().flat_map(|a| a.findings.iter().filter(|f| f.counts()).map(move |f| (a, f))).collect();
    for (_, f) in &findings {
        *per_rule.entry(f.rule.code()).or_default() += 1;
    }
    let rules = per_rule.iter().map(|(code, n)| format!("{code} {n}")).collect::<Vec<_>>().join(", ");
    let mut out = format!(
        "::notice title={}::{}\n",
        escape_property("seglint summary"),
        escape_data(&format!(
            "{} errors, {} warnings, {} info in {} array{} ({} could not be read){}",
            s.error,
            s.warning,
            s.info,
            report.arrays.len(),
            if report.arrays.len() == 1 { "" } else { "s" },
            report.input_errors(),
            if rules.is_empty() { String::new() } else { format!("; per rule: {rules}") }
        ))
    );
    for a in &report.arrays {
        if let Some(e) = &a.error {
            out.push_str(&input_error(a, e));
        }
    }
    // Stable: the order of the arrays and findings within one severity.
    findings.sort_by_key(|(_, f)| std::cmp::Reverse(f.severity));
    for (a, f) in findings.iter().take(max) {
        out.push_str(&annotation(a, f));
    }
    if findings.len() > max {
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property("seglint: annotations left out"),
            escape_data(&format!(
                "{} of {} findings are not annotated (--max-annotations {max}); the most severe are; the summary counts them all",
                findings.len() - max,
                findings.len()
            ))
        );
    }
    out
}

/// The observation of an observed finding, as a last line.
fn observed(f: &crate::finding::Finding) -> String {
    f.observation.as_ref().map(|o| format!("\n{}", o.summary())).unwrap_or_default()
}
