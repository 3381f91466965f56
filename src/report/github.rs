//! `--format github`: GitHub Actions workflow commands, so findings appear as annotations on
//! the pull request (`::error file=…,line=…,col=…,title=SEG102 sslv3-enabled::…`).
//! It computes nothing: it reads the findings and renders them.

use super::{CheckReport, fallback_location, locate};
use crate::vocab::Severity;
use std::fmt::Write;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &CheckReport) -> String {
    let mut out = String::new();
    for a in &report.arrays {
        if let Some(e) = &a.error {
            let place = super::locate_error(e)
                .map(|l| format!(" file={},line={},col={},", escape_property(&l.file), l.line, l.column))
                .unwrap_or_else(|| " ".into());
            let _ = writeln!(
                out,
                "::error{place}title={}::{}",
                escape_property("seglint: input error"),
                escape_data(&e.to_string())
            );
        }
        // Allowed and already-baselined findings would only be noise on the pull request.
        for f in a.findings.iter().filter(|f| f.counts()) {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let loc = locate(a.array.as_ref(), f.location).or_else(|| fallback_location(a.array.as_ref()));
            let place = loc
                .map(|l| format!(" file={},line={},col={},", escape_property(&l.file), l.line, l.column))
                .unwrap_or_else(|| " ".into());
            let title = escape_property(&format!("{} {}", f.rule.code(), f.rule.name()));
            let _ = writeln!(
                out,
                "::{command}{place}title={title}::{}",
                escape_data(&format!("{}\nhelp: {}{}", f.message, f.help, observed(f)))
            );
        }
    }
    out
}

/// The observation of an observed finding, as a last line.
fn observed(f: &crate::finding::Finding) -> String {
    f.observation.as_ref().map(|o| format!("\n{}", o.summary())).unwrap_or_default()
}
