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
                            Some(x) => td { (crate::version::without_build(&x.version)) },
                            None => td { strong { "input error" } },
                        }
                        @for s in [Severity::Error, Severity::Warning, Severity::Info] {
                            td.num { (count(a, s)) }
                        }
                    }
                }
            }
        }
    }
}

/// The headline counts of a run.
pub(super) fn totals(report: &CheckReport) -> Markup {
    let s = report.summary();
    let suppressed = report.findings().filter(|f| f.suppressed.is_some()).count();
    html! {
        p.meta {
            (plural(report.arrays.len(), "array")) " · "
            (plural(s.error, "error")) ", " (plural(s.warning, "warning")) ", " (s.info) " info"
            @if suppressed > 0 { " · " (suppressed) " suppressed" }
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
