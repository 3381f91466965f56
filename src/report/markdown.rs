//! `--format markdown`: a summary table for a pull-request comment.
//! It computes nothing: it reads the findings and renders them.

use super::{CheckReport, locate};
use std::fmt::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(report: &CheckReport) -> String {
    let s = report.summary();
    let mut out = format!(
        "## seglint: {} error{}, {} warning{}, {} info\n\n",
        s.error,
        if s.error == 1 { "" } else { "s" },
        s.warning,
        if s.warning == 1 { "" } else { "s" },
        s.info
    );
    for a in &report.arrays {
        let title = a
            .array
            .as_ref()
            .map(|x| format!("{} (SEG {})", a.source, crate::version::without_build(&x.version)))
            .unwrap_or_else(|| a.source.clone());
        let _ = writeln!(out, "### {}\n", cell(&title));
        if let Some(e) = &a.error {
            let _ = writeln!(out, "**Could not be read:** {}\n", cell(&e.to_string()));
            continue;
        }
        if a.findings.is_empty() {
            out.push_str("No findings.\n\n");
            continue;
        }
        out.push_str("| severity | rule | server | direction | finding | where |\n|---|---|---|---|---|---|\n");
        for f in &a.findings {
            let at = match (&f.observation, locate(a.array.as_ref(), f.location)) {
                (Some(o), _) => format!("observed at `{}`", cell(&o.target)),
                (None, Some(l)) => format!("`{}:{}`", l.file, l.line),
                (None, None) => format!("{} default", f.evidence.name()),
            };
            let sev = if f.suppressed.is_some() {
                format!("~~{}~~ (allowed)", f.severity)
            } else if f.in_baseline == Some(true) {
                format!("~~{}~~ (baseline)", f.severity)
            } else {
                f.severity.to_string()
            };
            let _ = writeln!(
                out,
                "| {sev} | `{}` {} | {} | {} | {} | {at} |",
                f.rule.code(),
                f.rule.name(),
                f.server.as_deref().unwrap_or("—"),
                f.direction.map_or("—", |d| d.name()),
                cell(&f.message)
            );
        }
        out.push('\n');
    }
    if let Some((file, fixed)) = &report.baseline {
        let (new, known) = report.baseline_counts();
        let _ =
            writeln!(out, "**Baseline** `{}`: {new} new, {known} known, {} fixed or stale\n", cell(file), fixed.len());
        for e in fixed.iter() {
            let _ = writeln!(out, "- fixed: `{}` {}", e.code, cell(&e.message));
        }
        if !fixed.is_empty() {
            out.push('\n');
        }
    }
    out
}
