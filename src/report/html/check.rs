//! `check --format html`: the summary of every array (sortable), then per array its protocol
//! matrices, cipher floor and certificates, and its findings; filters by severity and rule.

use super::{filters, page, plural, severity};
use crate::knowledge::Knowledge;
use crate::report::{ArrayReport, CheckReport};
use crate::vocab::Severity;
use maud::{Markup, html};

fn count(a: &ArrayReport, s: Severity) -> usize {
    a.findings.iter().filter(|f| f.counts() && f.severity == s).count()
}

/// A version as text that sorts in version order: `00010.00001.00000`.
fn version_key(v: &semver::Version) -> String {
    format!("{:05}.{:05}.{:05}", v.major, v.minor, v.patch)
}

/// The arrays × severities table, each array linked to its section.
pub(super) fn summary(report: &CheckReport) -> Markup {
    html! {
        table.sortable #summary {
            caption { "Arrays" }
            thead { tr {
                th scope="col" { "Array" } th scope="col" { "Source" } th scope="col" { "SEG version" }
                th scope="col" { (severity(Severity::Error)) } th scope="col" { (severity(Severity::Warning)) }
                th scope="col" { (severity(Severity::Info)) }
            } }
            tbody {
                @for (i, a) in report.arrays.iter().enumerate() {
                    tr {
                        td { a href={ "#array-" (i) } { (a.array.as_ref().and_then(|x| x.name.as_deref()).unwrap_or(&a.source)) } }
                        td { code { (a.source) } }
                        @match &a.array {
                            Some(x) => td data-sort=(version_key(&x.version)) { (crate::version::without_build(&x.version)) },
                            None => td data-sort="" { strong { "input error" } },
                        }
                        @for s in [Severity::Error, Severity::Warning, Severity::Info] {
                            @if a.error.is_some() && a.array.is_none() {
                                // Not checked: sorts above every count, and says so.
                                td.num data-sort="1000000000" { "not checked" }
                            } @else {
                                td.num { (count(a, s)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The findings that count, by severity, and the suppressed ones.
pub(super) fn counts(report: &CheckReport) -> String {
    let s = report.summary();
    let suppressed = report.findings().filter(|f| f.suppressed.is_some()).count();
    let also = if suppressed > 0 { format!(" · {suppressed} suppressed") } else { String::new() };
    format!("{}, {}, {} info{also}", plural(s.error, "error"), plural(s.warning, "warning"), s.info)
}

/// The headline counts of a run.
pub(super) fn totals(report: &CheckReport) -> Markup {
    html! {
        p.meta {
            (plural(report.arrays.len(), "array")) " · " (counts(report))
            @if report.input_errors() > 0 { " · " strong { (plural(report.input_errors(), "input error")) } }
        }
    }
}

pub fn render(report: &CheckReport, k: &Knowledge) -> String {
    let title = match report.arrays.as_slice() {
        [one] => {
            format!("seglint check: {}", one.array.as_ref().and_then(|a| a.name.as_deref()).unwrap_or(&one.source))
        }
        all => format!("seglint check: {}", plural(all.len(), "array")),
    };
    let body = html! {
        header { h1 { (title) } (totals(report)) }
        (filters(report))
        (summary(report))
        (super::arrays(report, k))
    };
    page(&title, body)
}
