//! `--format html`: one self-contained page per report, for audits and change tickets. Its CSS
//! and script are inline and a Content Security Policy allows nothing else (so nothing is
//! fetched, and a script that slipped in would not run); the templates are maud's, which
//! escape every value. It computes nothing: it reads what the command computed.

mod check;
mod findings;
mod migrate;
mod observed;
mod posture;

pub use check::render as check;
pub use migrate::render as migration;
pub use observed::{headers, listen, verify};

use super::{ArrayReport, CheckReport};
use crate::knowledge::Knowledge;
use crate::vocab::{Confidence, Evidence, Protocol, Severity};
use findings::{Appendix, filters};
use maud::{DOCTYPE, Markup, PreEscaped, html};

const CSS: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");
/// Reports of more arrays leave out the source snippets (each finding's place stays), so a
/// fleet's page stays small enough to open and to mail.
const SNIPPET_ARRAYS: usize = 100;

/// The Content Security Policy: the page's own style and script, by hash, and nothing else.
fn policy() -> String {
    use base64::Engine;
    let hash = |s: &str| {
        base64::engine::general_purpose::STANDARD.encode(ring::digest::digest(&ring::digest::SHA256, s.as_bytes()))
    };
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src data:; form-action 'none'",
        hash(CSS),
        hash(SCRIPT)
    )
}

/// The page around a report's body.
fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(policy());
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(concat!("seglint ", env!("CARGO_PKG_VERSION")));
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                (body)
                footer.muted { p { "Written by seglint " (env!("CARGO_PKG_VERSION")) ". Evidence: explicit = set in an input file; default = a version default an article states; inferred = a default no article states; observed = seen on the wire or in a message." } }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
    .into_string()
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// A severity as a symbol and a word (never colour alone).
fn severity_text(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖ error",
        Severity::Warning => "▲ warning",
        Severity::Info => "ℹ info",
    }
}

/// A severity in its colour.
fn severity(s: Severity) -> Markup {
    html! { span class={ "sev-" (s.name()) } { (severity_text(s)) } }
}

/// The word for a value's evidence, `explicit*` when the setting's name or place is assumed.
fn evidence_word(evidence: Evidence, confidence: Confidence) -> String {
    let mark = if evidence == Evidence::Explicit && confidence == Confidence::Inferred { "*" } else { "" };
    format!("{}{mark}", evidence.name())
}

/// The array's heading line: its source, version and the version-table row.
fn array_meta(a: &ArrayReport) -> Markup {
    html! {
        p.meta {
            code { (a.source) }
            @if let Some(array) = &a.array {
                " · SEG " (crate::version::without_build(&array.version))
                @if array.version_loc.is_none() { " (from --seg-version)" }
                @if let Some(p) = &a.posture {
                    " · version-table row " (p.row)
                    @if !p.covered { " (nearest lower row: this version is not covered)" }
                }
            }
        }
    }
}

/// An input error: what, where, and what would be accepted.
fn input_error(e: &crate::input::InputError) -> Markup {
    let place = super::locate_error(e).map(|l| format!("{}:{}:{}", l.file, l.line, l.column));
    html! {
        div.input-error role="alert" {
            p { strong { "Input error: " } (e.to_string()) }
            @if let Some(p) = place { p { "at " code { (p) } } }
            @if let Some(h) = &e.help { p { "help: " (h) } }
        }
    }
}

/// The class (colour and symbol) of a protocol that is allowed: broken, legacy or sound.
fn risk(p: Protocol) -> &'static str {
    match p {
        Protocol::Ssl2 | Protocol::Ssl3 => "bad",
        Protocol::Tls10 | Protocol::Tls11 => "warn",
        Protocol::Tls12 | Protocol::Tls13 => "ok",
    }
}

/// One array: heading, error, posture (when kept) and findings.
fn array_section(id: usize, a: &ArrayReport, k: &Knowledge, appendix: &mut Appendix, snippets: bool) -> Markup {
    let name = a.array.as_ref().and_then(|x| x.name.as_deref()).unwrap_or(&a.source);
    html! {
        section.array id={ "array-" (id) } {
            h2 { (name) }
            (array_meta(a))
            @if let Some(e) = &a.error { (input_error(e)) }
            @if let (Some(array), Some(p)) = (&a.array, &a.posture) {
                h3 { "Protocols in force" }
                (posture::table(k, array, p))
            }
            h3 { "Findings" }
            (findings::table(a, k, appendix, snippets))
        }
    }
}

/// Every array of a report, the legend once, then why each finding matters and its fix.
fn arrays(report: &CheckReport, k: &Knowledge) -> Markup {
    arrays_where(report, k, |_| true)
}

/// The arrays of a report that `keep` keeps, as `arrays` writes them.
fn arrays_where(report: &CheckReport, k: &Knowledge, keep: impl Fn(&ArrayReport) -> bool) -> Markup {
    let mut appendix = Appendix::default();
    let snippets = report.arrays.len() <= SNIPPET_ARRAYS;
    let sections: Vec<Markup> = report
        .arrays
        .iter()
        .enumerate()
        .filter(|(_, a)| keep(a))
        .map(|(i, a)| array_section(i, a, k, &mut appendix, snippets))
        .collect();
    html! {
        @if report.arrays.iter().any(|a| a.posture.is_some()) { (posture::legend()) }
        @if !snippets {
            p.muted { "Reports of more than " (SNIPPET_ARRAYS) " arrays leave out the source lines of the findings; each finding's place stays. Check one array for its source lines." }
        }
        @for s in sections { (s) }
        (appendix.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_only_the_pages_own_style_and_script() {
        let p = policy();
        assert!(p.starts_with("default-src 'none'; style-src 'sha256-"), "{p}");
        assert!(!p.contains("unsafe-inline") && !p.contains("http"), "{p}");
    }
}
