//! The human report: one miette diagnostic per finding, labelled on the exact bytes of the
//! input and, where a version default decided, on the line of `rules/*.toml` that holds it.
//! It computes nothing: it reads the findings and renders them.

use super::{CheckReport, Style};
use crate::finding::Finding;
use crate::input::InputDiagnostic;
use crate::knowledge::Knowledge;
use crate::model::Array;
use crate::source::{SourceFile, Span, Window};
use crate::vocab::Severity;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::borrow::Cow;
use std::fmt::{self, Write};

struct FindingDiagnostic<'a> {
    f: &'a Finding,
    /// The file the label is on (its text made safe for a terminal, once per file).
    source: Option<Window<'a, &'a str>>,
    primary: Option<(Span, String)>,
    help: String,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.f.rule.code())
    }
}
impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::source::escape_controls(&self.f.message))
    }
}
impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("{} {}", self.f.rule.code(), self.f.rule.name())))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (span, label) = self.primary.clone()?;
        let span = crate::source::label(self.source.as_ref()?.text, span);
        let label = (!label.is_empty()).then_some(label);
        Some(Box::new(std::iter::once(LabeledSpan::new_primary_with_span(label, span))))
    }
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    GraphicalReportHandler::new_themed(theme).with_width(style.width).with_links(false)
}

/// Renders one finding as a diagnostic; `safe` holds the array's file texts made safe for a
/// terminal, by file index.
fn render_finding<'s>(
    f: &Finding,
    array: Option<&'s Array>,
    safe: &'s [Cow<'_, str>],
    k: &'s Knowledge,
    style: Style,
) -> String {
    let named = |file: &'s SourceFile, text: &'s str| Window {
        name: file.display.clone(),
        text,
        lines: Some(file.line_starts()),
        first: (0, 0),
    };
    let source = f.location.and_then(|l| Some(named(array?.files.get(l.file)?, safe.get(l.file)?.as_ref())));
    // A default decided: with no input bytes to show, the rules line is the primary snippet.
    let mut help = f.help.clone();
    let (source, primary) = match (source, &f.data) {
        (None, Some((d, label))) => {
            // The built-in data is not on the user's disk: say how to see it.
            if let Some((_, _, Some(show))) = k.data_place(*d) {
                let _ = write!(help, "\nnote: this is seglint's built-in data; `{show}` prints it");
            }
            (k.files.get(d.file).map(|file| named(file, &file.text)), Some((d.span, format!("{label}: defined here"))))
        }
        (source, data) => {
            if let Some((d, label)) = data {
                if let Some(place) = k.data_place_text(*d) {
                    let _ = write!(help, "\nnote: decided by {place} ({label})");
                }
            }
            (source, f.location.map(|l| (l.span, f.label.clone())))
        }
    };
    if let Some(o) = &f.observation {
        let _ = write!(help, "\nnote: {}", o.summary());
    }
    for n in &f.notes {
        let _ = write!(help, "\nnote: {n}");
    }
    if !f.sources.is_empty() {
        let _ = write!(help, "\nsources: {}", f.sources.join(", "));
    }
    let help = crate::source::escape_controls(&help).into_owned();
    let d = FindingDiagnostic { f, source, primary, help };
    let mut out = String::new();
    let _ = handler(style).render_report(&mut out, &d);
    out
}

/// Every array, the baseline and the summary line; with `-q` only the input errors and the
/// summary line.
pub fn render(report: &CheckReport, k: &Knowledge, style: Style) -> String {
    let mut out = String::new();
    if style.quiet {
        for e in report.arrays.iter().filter_map(|a| a.error.as_ref()) {
            let _ = handler(style).render_report(&mut out, &InputDiagnostic::new(e));
        }
        summary(&mut out, report);
        return out;
    }
    for a in &report.arrays {
        array(&mut out, a, k, style);
    }
    baseline(&mut out, report);
    summary(&mut out, report);
    out
}

/// A line of the report's own, with any input text in it made safe for a terminal.
fn say(out: &mut String, text: &str) {
    out.push_str(&crate::source::escape_controls(text));
    out.push('\n');
}

/// One array: its header, input error, the findings that count in full, and a line for each
/// that does not.
fn array(out: &mut String, a: &super::ArrayReport, k: &Knowledge, style: Style) {
    let safe: Vec<Cow<'_, str>> =
        a.array.iter().flat_map(|x| x.files.iter().map(|f| crate::source::terminal_safe(&f.text))).collect();
    let header = match &a.array {
        Some(x) => {
            let name = x.name.as_deref().map(|n| format!("{n}, ")).unwrap_or_default();
            let (n, v) = (x.servers.len(), crate::version::without_build(&x.version));
            format!("── {} ({name}SEG {v}, {n} server{}) ──", a.source, plural(n))
        }
        None => format!("── {} ──", a.source),
    };
    say(out, &header);
    if let Some(e) = &a.error {
        let _ = handler(style).render_report(out, &InputDiagnostic::new(e));
    }
    for f in a.findings.iter().filter(|f| f.counts()) {
        out.push_str(&render_finding(f, a.array.as_ref(), &safe, k, style));
        out.push('\n');
    }
    not_counted(out, a, style);
    if let (true, Some(x)) = (style.verbose, &a.array) {
        for u in &x.unknown {
            let (line, col) = x.files[u.loc.file].line_col(u.loc.span.offset);
            say(out, &format!("  ignored: {} at {}:{line}:{col}", u.value, x.files[u.loc.file].display));
        }
    }
    if a.error.is_none() && a.findings.is_empty() {
        let _ = writeln!(out, "  no findings\n");
    } else if a.findings.iter().any(|f| !f.counts()) {
        out.push('\n');
    }
}

/// What does not count is told in a line each, so it neither hides nor shouts.
fn not_counted(out: &mut String, a: &super::ArrayReport, style: Style) {
    for f in a.findings.iter().filter(|f| f.suppressed.is_some()) {
        let why = match f.suppressed.as_deref() {
            Some("") | None => format!("no reason given, see {}", crate::registry::Rule::SuppressionWithoutReason),
            Some(reason) => format!("reason: {reason}"),
        };
        say(out, &format!("  allowed: {} ({why})", brief(f, a.array.as_ref())));
    }
    let known: Vec<&Finding> =
        a.findings.iter().filter(|f| f.suppressed.is_none() && f.in_baseline == Some(true)).collect();
    if style.verbose {
        for f in &known {
            say(out, &format!("  in the baseline: {}", brief(f, a.array.as_ref())));
        }
    } else if !known.is_empty() {
        let n = known.len();
        let _ = writeln!(out, "  {n} finding{} already in the baseline, not shown (--verbose lists them)", plural(n));
    }
}

/// With `--baseline`: the counts, and the entries no finding matches any more.
fn baseline(out: &mut String, report: &CheckReport) {
    let Some((file, fixed)) = &report.baseline else { return };
    let (new, known) = report.baseline_counts();
    let _ = writeln!(out, "baseline {file}: {new} new, {known} known, {} fixed or stale", fixed.len());
    for e in fixed {
        let place: Vec<&str> =
            [Some(e.array.as_str()), e.server.as_deref(), e.direction.as_deref(), e.setting.as_deref()]
                .into_iter()
                .flatten()
                .collect();
        let _ = writeln!(out, "  fixed: {} ({}): {}", e.code, place.join(", "), e.message);
    }
    if !fixed.is_empty() {
        let _ = writeln!(out, "  (write the baseline again with --write-baseline to drop them)");
    }
    out.push('\n');
}

fn summary(out: &mut String, report: &CheckReport) {
    let s = report.summary();
    let arrays = report.arrays.len();
    let _ = write!(
        out,
        "{} error{}, {} warning{}, {} info in {arrays} array{}",
        s.error,
        plural(s.error),
        s.warning,
        plural(s.warning),
        s.info,
        plural(arrays)
    );
    let allowed = report.findings().filter(|f| f.suppressed.is_some()).count();
    if allowed > 0 {
        let _ = write!(out, "; {allowed} allowed by seglint-allow");
    }
    let known = report.findings().filter(|f| f.suppressed.is_none() && f.in_baseline == Some(true)).count();
    if known > 0 {
        let _ = write!(out, "; {known} in the baseline");
    }
    let errors = report.input_errors();
    if errors > 0 {
        let _ = write!(out, "; {errors} could not be read");
    }
    out.push('\n');
}

/// A finding in one line: code, name, message and where.
fn brief(f: &Finding, array: Option<&Array>) -> String {
    let at = super::locate(array, f.location).map(|l| format!(" at {}:{}", l.file, l.line)).unwrap_or_default();
    format!("{} {}: {} [{}]{at}", f.rule.code(), f.rule.name(), f.message, f.severity)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
