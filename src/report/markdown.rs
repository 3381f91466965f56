//! `--format markdown`: a pull-request comment or step summary. A summary table first (per
//! array: errors, warnings, info), then per array the findings with where each was decided, its
//! fix and sources. Every cell is escaped so `SSLMethod<protocol>` or `Servers.<name>.` is text,
//! not HTML. Over `--max-bytes` (GitHub step summaries stop at 1 MiB) the summary and the first
//! findings are kept and the rest counted. It computes nothing.

use super::{ArrayReport, CheckReport, locate};
use crate::finding::Finding;
use crate::knowledge::Knowledge;
use std::fmt::Write;

/// Text safe in a table cell: no HTML, no emphasis, no cell breaks, one line.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '*' | '_' | '`' | '\\' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Where the finding was decided: the bytes, the rules data of a version default, or the
/// observation.
fn place(a: &ArrayReport, f: &Finding, k: &Knowledge) -> String {
    if let Some(o) = &f.observation {
        return format!("observed at {}", cell(&o.target));
    }
    if let Some(l) = locate(a.array.as_ref(), f.location) {
        return format!("{}:{}", cell(&l.file), l.line);
    }
    match f.data.as_ref().and_then(|(d, _)| k.data_place(*d)) {
        Some((file, line, _)) => format!("{} ({}:{line})", f.evidence.name(), cell(&file)),
        None => f.evidence.name().to_string(),
    }
}

fn row(a: &ArrayReport, f: &Finding, k: &Knowledge) -> String {
    let sev = if f.suppressed.is_some() {
        format!("~~{}~~ (allowed)", f.severity)
    } else if f.in_baseline == Some(true) {
        format!("~~{}~~ (baseline)", f.severity)
    } else {
        f.severity.to_string()
    };
    let sources = if f.sources.is_empty() { "—".to_string() } else { cell(&f.sources.join(", ")) };
    format!(
        "| {sev} | {} {} | {} | {} | {} | {} | {} | {sources} |\n",
        f.rule.code(),
        cell(f.rule.name()),
        f.server.as_deref().map_or("—".to_string(), cell),
        f.direction.map_or("—", |d| d.name()),
        cell(&f.message),
        place(a, f, k),
        cell(&f.help)
    )
}

fn title(a: &ArrayReport) -> String {
    a.array
        .as_ref()
        .map(|x| format!("{} (SEG {})", a.source, crate::version::without_build(&x.version)))
        .unwrap_or_else(|| a.source.clone())
}

/// The summary: the totals, then one row per array.
fn summary(report: &CheckReport) -> String {
    let s = report.summary();
    let mut out = format!(
        "## seglint: {}, {}, {} info\n\n| array | errors | warnings | info |\n|---|---|---|---|\n",
        plural(s.error, "error"),
        plural(s.warning, "warning"),
        s.info
    );
    for a in &report.arrays {
        let count = |sev| a.findings.iter().filter(|f| f.counts() && f.severity == sev).count();
        use crate::vocab::Severity::*;
        let counts = if a.error.is_some() && a.array.is_none() {
            "could not be read | — | —".to_string()
        } else {
            format!("{} | {} | {}", count(Error), count(Warning), count(Info))
        };
        let _ = writeln!(out, "| {} | {counts} |", cell(&title(a)));
    }
    out.push('\n');
    out
}

const HEADER: &str =
    "| severity | rule | server | direction | finding | where | fix | sources |\n|---|---|---|---|---|---|---|---|\n";

/// `max_bytes`: the most text to write; beyond it the remaining findings are counted, not listed.
pub fn render(report: &CheckReport, k: &Knowledge, max_bytes: usize) -> String {
    let mut out = summary(report);
    let mut left_out = 0;
    let total: usize = report.arrays.iter().map(|a| a.findings.len()).sum();
    // Room for the closing lines (baseline, the note on what was left out).
    let budget = max_bytes.saturating_sub(1024);
    for a in &report.arrays {
        let _ = writeln!(out, "### {}\n", cell(&title(a)));
        if let Some(e) = &a.error {
            let _ = writeln!(out, "**Could not be read:** {}\n", cell(&e.to_string()));
        }
        if a.findings.is_empty() {
            if a.error.is_none() {
                out.push_str("No findings.\n\n");
            }
            continue;
        }
        out.push_str(HEADER);
        for f in &a.findings {
            let line = row(a, f, k);
            if left_out > 0 || out.len() + line.len() > budget {
                left_out += 1;
                continue;
            }
            out.push_str(&line);
        }
        out.push('\n');
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "**{left_out} of {total} findings left out** to stay under {max_bytes} bytes (`--max-bytes`); the summary above counts them all; `--format json` or `sarif` lists every one.\n"
        );
    }
    baseline(&mut out, report);
    out
}

fn baseline(out: &mut String, report: &CheckReport) {
    let Some((file, fixed)) = &report.baseline else { return };
    let (new, known) = report.baseline_counts();
    let _ = writeln!(out, "**Baseline** {}: {new} new, {known} known, {} fixed or stale\n", cell(file), fixed.len());
    for e in fixed.iter().take(50) {
        let _ = writeln!(out, "- fixed: {} {}", e.code, cell(&e.message));
    }
    if fixed.len() > 50 {
        let _ = writeln!(out, "- and {} more", fixed.len() - 50);
    }
    if !fixed.is_empty() {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_text_not_html_or_emphasis() {
        assert_eq!(
            cell("SSLMethod<protocol> | Servers.<name>._x_*y*"),
            "SSLMethod&lt;protocol&gt; \\| Servers.&lt;name&gt;.\\_x\\_\\*y\\*"
        );
        assert_eq!(cell("a\nb\u{1b}"), "a b");
    }
}
