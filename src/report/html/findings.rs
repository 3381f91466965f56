//! Findings as tables, one per array, each row with its place and source snippet; why each
//! matters and how to fix it is written once per distinct text, in an appendix the rows link
//! to (a fleet repeats the same few texts thousands of times); and the filter bar.

use super::severity;
use crate::finding::Finding;
use crate::knowledge::Knowledge;
use crate::model::{Array, Loc};
use crate::report::{ArrayReport, CheckReport, locate};
use crate::source::{SourceFile, floor_char_boundary};
use crate::vocab::Severity;
use maud::{Markup, html};
use std::collections::HashMap;

/// The most characters of a source line a snippet shows (a one-line export can be megabytes).
const SNIPPET_CHARS: usize = 240;

/// The source line a location falls in, with its span marked: line number, before, span, after.
/// At most `SNIPPET_CHARS` characters around the span, cut on character boundaries.
fn snippet_parts(file: &SourceFile, loc: Loc) -> (usize, String, String, String) {
    let text = &file.text;
    let at = floor_char_boundary(text, loc.span.offset.min(text.len()));
    let end = floor_char_boundary(text, (at + loc.span.len).min(text.len()));
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let stop = text[end..].find('\n').map_or(text.len(), |i| end + i);
    // The file's line index, not a count from byte 0 for each finding.
    let line = file.line_col(at).0;
    let half = SNIPPET_CHARS / 2;
    let mut before: Vec<char> = text[start..at].chars().rev().take(half).collect();
    before.reverse();
    let span: String = text[at..end].chars().take(half).collect();
    let after: String = text[end..stop].chars().take(half).collect();
    (line, before.into_iter().collect(), span, after)
}

fn snippet(array: Option<&Array>, loc: Option<Loc>) -> Option<Markup> {
    let (array, loc) = (array?, loc?);
    let file = array.files.get(loc.file)?;
    let (line, before, span, after) = snippet_parts(file, loc);
    Some(html! { pre { (line) " │ " (before.trim_start()) mark { (span) } (after.trim_end()) } })
}

/// Why findings matter and how to fix them, each distinct text once, numbered in first use.
#[derive(Default)]
pub(super) struct Appendix {
    ids: HashMap<String, usize>,
    entries: Vec<Markup>,
}

impl Appendix {
    /// The entry of a finding's rule, help, notes, sources and deciding data.
    fn entry(&mut self, f: &Finding, k: &Knowledge) -> usize {
        let data = f.data.as_ref().and_then(|(d, _)| k.data_place_text(*d));
        let key = format!("{}\0{}\0{}\0{}\0{data:?}", f.rule.code(), f.help, f.notes.join("\0"), f.sources.join(","));
        if let Some(id) = self.ids.get(&key) {
            return *id;
        }
        let id = self.entries.len();
        self.entries.push(html! {
            div.why id={ "why-" (id) } {
                h3 { code { (f.rule.code()) } " " (f.rule.name()) }
                p { strong { "Fix: " } (f.help) }
                @for n in &f.notes { p.muted { (n) } }
                @if let Some(d) = &data { p.muted { "Decided by " code { (d) } } }
                @if !f.sources.is_empty() { p.muted { "Sources: " (f.sources.join(", ")) } }
                p.muted { "More: " code { "seglint rules " (f.rule.code()) } }
            }
        });
        self.ids.insert(key, id);
        id
    }

    pub(super) fn render(self) -> Markup {
        html! {
            @if !self.entries.is_empty() {
                section #why {
                    h2 { "Why it matters and how to fix it" }
                    @for e in self.entries { (e) }
                }
            }
        }
    }
}

/// One finding as a table row: severity, rule (a link to why it matters and its fix), setting,
/// then the message (which names the server and direction), its place and snippet.
fn finding_row(f: &Finding, array: Option<&Array>, why: usize, snippets: bool, k: &Knowledge) -> Markup {
    // A version default decided: its line of seglint's data (in small reports; the why-entry
    // names it too).
    let data = f
        .data
        .as_ref()
        .filter(|_| snippets)
        .and_then(|(d, _)| k.data_place(*d))
        .map(|(file, line, _)| format!("{file}:{line}"));
    // The file by its name: the section names the array it is in.
    let place = locate(array, f.location).map(|l| {
        let name = std::path::Path::new(&l.file).file_name().map_or(l.file.clone(), |n| n.to_string_lossy().into());
        format!("{name}:{}:{}", l.line, l.column)
    });
    html! {
        tr class=[f.suppressed.is_some().then_some("suppressed")] data-severity=(f.severity.name()) data-rule=(f.rule.code()) {
            td { (super::severity_text(f.severity)) }
            td { a href={ "#why-" (why) } { (f.rule.code()) } }
            td { (f.setting.as_deref().unwrap_or("—")) }
            td {
                (f.message)
                @if let Some(reason) = &f.suppressed { br; em { "suppressed: " (reason) } }
                @if f.in_baseline == Some(true) { br; em { "in the baseline" } }
                @if let Some(o) = &f.observation { br; span.muted { (o.summary()) } }
                @if let Some(p) = &place { br; code { (p) } }
                @if let Some(d) = data.filter(|_| place.is_none()) { br; span.muted { "decided by " code { (d) } } }
                @if let Some(s) = snippet(array, f.location).filter(|_| snippets) { (s) }
            }
        }
    }
}

/// A severity cell in its colour (its symbol sorts the severities: ℹ, ▲, ✖).
pub(super) fn severity_cell(s: Severity) -> Markup {
    html! { td class={ "sev-" (s.name()) } { (super::severity_text(s)) } }
}

/// The findings of an array as one table; `snippets` for the source line of each.
pub(super) fn table(a: &ArrayReport, k: &Knowledge, appendix: &mut Appendix, snippets: bool) -> Markup {
    let rows: Vec<Markup> =
        a.findings.iter().map(|f| finding_row(f, a.array.as_ref(), appendix.entry(f, k), snippets, k)).collect();
    html! {
        @if rows.is_empty() {
            p.muted { "No findings." }
        } @else {
            div.scroll { table.findings.sortable {
                thead { tr {
                    th { "Severity" } th { "Rule (why, fix)" } th { "Setting" } th { "Finding (the server and direction it names)" }
                } }
                tbody { @for r in rows { (r) } }
            } }
        }
    }
}

/// The filter bar: severities and the rules the report has findings of.
pub(super) fn filters(report: &CheckReport) -> Markup {
    let mut rules: Vec<_> = report.findings().map(|f| f.rule).collect();
    rules.sort_by_key(|r| r.code());
    rules.dedup();
    html! {
        form #filters aria-label="Filter the findings" {
            fieldset {
                legend { "Severity" }
                @for s in [Severity::Error, Severity::Warning, Severity::Info] {
                    label { input type="checkbox" name="severity" value=(s.name()) checked; " " (severity(s)) } " "
                }
            }
            label { "Rule " select name="rule" {
                option value="" { "all rules" }
                @for r in &rules { option value=(r.code()) { (r.code()) " " (r.name()) } }
            } }
            " " output #shown aria-live="polite" {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn a_snippet_cuts_long_lines_on_character_boundaries_around_the_span() {
        let text = format!("first\n{}<Bad/>{}\nlast", "ü".repeat(500), "é".repeat(500));
        let offset = text.find("<Bad/>").unwrap();
        let file = SourceFile::new("x", "x", text);
        let (line, before, span, after) = snippet_parts(&file, Loc { file: 0, span: Span { offset, len: 6 } });
        assert_eq!((line, span.as_str()), (2, "<Bad/>"));
        assert_eq!(before.chars().count(), SNIPPET_CHARS / 2);
        assert_eq!(after.chars().count(), SNIPPET_CHARS / 2);
        // A span that ends inside a character is cut back to the character's start.
        let (_, _, span, _) =
            snippet_parts(&SourceFile::new("x", "x", "aü"), Loc { file: 0, span: Span { offset: 1, len: 1 } });
        assert_eq!(span, "");
    }
}
