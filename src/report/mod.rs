//! Reporters: what a command produced in, one text out. `render` is the one seam every command
//! goes through: a `Document` (what was computed) and a `Format` (how to write it) pick the
//! renderer, so a new format is one arm per document here and a module beside the others.
//! Reporters compute nothing and know nothing of XML or registry syntax; they read findings,
//! locations and the source files they point at.

pub mod concise;
pub mod diff;
pub mod explain;
pub mod github;
pub mod gitlab;
pub mod headers;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod listen;
pub mod markdown;
pub mod migration;
pub mod probe;
pub mod rules;
pub mod sarif;
pub mod verify;

use crate::finding::Finding;
use crate::input::InputError;
use crate::knowledge::{Knowledge, RuleDoc};
use crate::model::{Array, Loc};
use crate::registry::Rule;
use crate::source::SourceFile;
use crate::vocab::Severity;
use serde::Serialize;

/// The output formats; each command accepts the ones its documents render to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Markdown,
    Concise,
    Gitlab,
    Html,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Markdown,
        Format::Concise,
        Format::Gitlab,
        Format::Html,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Concise => "concise",
            Format::Gitlab => "gitlab",
            Format::Html => "html",
        }
    }
}

/// How readable text is written, from the common options.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// The terminal width diagnostics wrap at.
    pub width: usize,
    /// Only the findings, items or verdict lines.
    pub quiet: bool,
    /// Also what is usually left out (the posture, the settings file, EHLO capabilities).
    pub verbose: bool,
}

/// GitHub step summaries stop at 1 MiB.
pub const MAX_MARKDOWN_BYTES: usize = 1024 * 1024;
/// GitHub shows only the first annotations of a step.
pub const MAX_ANNOTATIONS: usize = 50;

/// How to write a document: readable text's style, and the directory SARIF's artifact URIs are
/// relative to (`%SRCROOT%`: the current directory unless `--sarif-root`).
#[derive(Debug, Clone)]
pub struct Rendering {
    pub style: Style,
    pub sarif_root: std::path::PathBuf,
    /// Markdown: the most bytes to write (`--max-bytes`).
    pub max_bytes: usize,
    /// GitHub: the most annotations to write (`--max-annotations`).
    pub max_annotations: usize,
}

impl Rendering {
    /// Text as it would go to a terminal without colour, URIs relative to the current directory.
    pub fn plain(width: usize) -> Rendering {
        Rendering {
            style: Style { color: false, width, quiet: false, verbose: false },
            sarif_root: std::env::current_dir().unwrap_or_default(),
            max_bytes: MAX_MARKDOWN_BYTES,
            max_annotations: MAX_ANNOTATIONS,
        }
    }
}

/// What a command computed, for a reporter to write.
pub enum Document<'a> {
    /// `check`: the arrays and their findings through the policy. `judged` says which rules
    /// the command evaluates (JUnit lists those), `fails` which findings gate.
    Check {
        report: &'a CheckReport,
        judged: fn(Rule) -> bool,
        fails: &'a dyn Fn(&Finding) -> bool,
    },
    /// `verify`: the server checks beside the findings, which are written as `check` writes them.
    Verify {
        report: &'a verify::VerifyReport,
        fails: &'a dyn Fn(&Finding) -> bool,
    },
    /// `listen`: the connections beside the findings, which are written as `check` writes them.
    Listen {
        report: &'a listen::ListenReport,
        fails: &'a dyn Fn(&Finding) -> bool,
    },
    /// `headers`: the SEG hops of each message beside the findings, written as `check` writes them.
    Headers {
        report: &'a headers::HeadersReport,
        fails: &'a dyn Fn(&Finding) -> bool,
    },
    /// `migrate`: one plan per array; `many` when several arrays were asked for (a JSON array);
    /// the arrays that could not be read (told on stderr; the HTML page shows them too).
    Migration {
        plans: &'a [crate::migrate::Migration],
        many: bool,
        errors: &'a [InputError],
    },
    /// `diff`: the comparison, with each side's name as given and its array.
    Diff {
        diff: &'a crate::diff::Diff<'a>,
        base: (&'a str, &'a Array),
        head: (&'a str, &'a Array),
    },
    /// `explain`: one array's effective posture.
    Explain {
        array: &'a Array,
        posture: &'a crate::posture::Posture<'a>,
    },
    /// `probe`: one report per peer.
    Probe(&'a [crate::probe::ProbeReport]),
    /// `rules`: every rule, one rule's documentation, or one built-in data file.
    RuleList,
    RuleDoc(&'a RuleDoc),
    DataFile(&'a SourceFile),
}

impl Document<'_> {
    fn name(&self) -> &'static str {
        match self {
            Document::Check { .. } => "check",
            Document::Verify { .. } => "verify",
            Document::Listen { .. } => "listen",
            Document::Headers { .. } => "headers",
            Document::Migration { .. } => "migrate",
            Document::Diff { .. } => "diff",
            Document::Explain { .. } => "explain",
            Document::Probe(_) => "probe",
            Document::RuleList | Document::RuleDoc(_) | Document::DataFile(_) => "rules",
        }
    }
}

/// A format a document has no renderer for (the command line offers only those it has).
#[derive(Debug, thiserror::Error)]
#[error("`{command}` does not write --format {format}", format = .format.name())]
pub struct Unsupported {
    pub command: &'static str,
    pub format: Format,
}

/// Writes a document in a format: the one way from a command's result to its text.
pub fn render(doc: &Document<'_>, format: Format, k: &Knowledge, r: &Rendering) -> Result<String, Unsupported> {
    use Format::*;
    let style = r.style;
    let text = match (doc, format) {
        (Document::Check { report, .. }, Human) => human::render(report, k, style),
        (Document::Check { report, .. }, Json) => json::render(report, k),
        (Document::Check { report, .. }, Sarif) => sarif::render(report, k, &r.sarif_root),
        (Document::Check { report, .. }, Github) => github::render(report, r.max_annotations),
        (Document::Check { report, judged, fails }, Junit) => junit::render(report, k, *judged, *fails),
        (Document::Check { report, .. }, Markdown) => markdown::render(report, k, r.max_bytes),
        (Document::Check { report, .. }, Concise) => concise::render(report),
        (Document::Check { report, .. }, Gitlab) => gitlab::render(report),
        (Document::Check { report, .. }, Html) => html::check(report, k),
        (Document::Verify { report, .. }, Human) => verify::human(report, k, style),
        (Document::Verify { report, .. }, Json) => verify::json(report, k),
        (Document::Verify { report, .. }, Html) => html::verify(report, k),
        // The CI formats write findings whatever observed them: verify's are check's.
        (Document::Verify { report, fails }, f) => {
            let check = Document::Check { report: &report.check, judged: crate::verify::judges, fails: *fails };
            return render(&check, f, k, r);
        }
        (Document::Listen { report, .. }, Human) => listen::human(report, k, style),
        (Document::Listen { report, .. }, Json) => listen::json(report, k),
        (Document::Listen { report, .. }, Html) => html::listen(report, k),
        (Document::Listen { report, fails }, f) => {
            let check = Document::Check { report: &report.check, judged: crate::listen::judge::judges, fails: *fails };
            return render(&check, f, k, r);
        }
        (Document::Headers { report, .. }, Human) => headers::human(report, k, style),
        (Document::Headers { report, .. }, Json) => headers::json(report, k),
        (Document::Headers { report, .. }, Html) => html::headers(report, k),
        (Document::Headers { report, fails }, f) => {
            let check = Document::Check { report: &report.check, judged: crate::headers::judge::judges, fails: *fails };
            return render(&check, f, k, r);
        }
        (Document::Migration { plans, .. }, Human) => migration::human(plans, style),
        (Document::Migration { plans, many, .. }, Json) => migration::json(plans, *many),
        (Document::Migration { plans, .. }, Markdown) => migration::markdown(plans),
        (Document::Migration { plans, errors, .. }, Html) => html::migration(plans, errors),
        (Document::Diff { diff: d, base, head }, Human) => diff::human(d, base.0, head.0),
        (Document::Diff { diff: d, base, head }, Markdown) => diff::markdown(d, base.0, head.0),
        (Document::Diff { diff: d, base, head }, Json) => diff::json(d, *base, *head, k),
        (Document::Explain { array, posture }, Human) => explain::human(k, array, posture),
        (Document::Explain { array, posture }, Json) => explain::json(k, array, posture),
        (Document::Probe(reports), Human) => probe::human_all(reports, style),
        (Document::Probe(reports), Json) => probe::json(reports),
        (Document::RuleList, Human | Json) => rules::list(k, format == Json),
        (Document::RuleDoc(doc), Human | Json) => rules::doc(doc, format == Json),
        (Document::DataFile(file), Human | Json) => rules::data(file, format == Json),
        (doc, format) => return Err(Unsupported { command: doc.name(), format }),
    };
    Ok(text)
}

/// The result of checking one array argument.
#[derive(Debug)]
pub struct ArrayReport {
    pub source: String,
    pub array: Option<Array>,
    pub error: Option<InputError>,
    pub findings: Vec<Finding>,
    /// The posture in force, for the formats that show it (HTML); `None` otherwise.
    pub posture: Option<Box<crate::posture::Resolved>>,
}

impl ArrayReport {
    /// An array argument that could not be read.
    pub fn unreadable(source: String, error: InputError) -> Self {
        ArrayReport { source, array: None, error: Some(error), findings: vec![], posture: None }
    }

    /// A loaded array and its findings; with `posture`, the posture kept for the formats that
    /// show it.
    pub fn checked(array: Array, findings: Vec<Finding>, posture: Option<crate::posture::Resolved>) -> Self {
        let posture = posture.map(Box::new);
        ArrayReport { source: array.source.clone(), array: Some(array), error: None, findings, posture }
    }
}

#[derive(Debug, Default)]
pub struct CheckReport {
    pub arrays: Vec<ArrayReport>,
    /// With `--baseline`: the file, and its entries no finding matches any more.
    pub baseline: Option<(String, Vec<crate::policy::BaselineEntry>)>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Summary {
    /// Counts `f` if it counts (not suppressed, not baselined).
    pub fn add(&mut self, f: &Finding) {
        if f.counts() {
            match f.severity {
                Severity::Error => self.error += 1,
                Severity::Warning => self.warning += 1,
                Severity::Info => self.info += 1,
            }
        }
    }
}

impl CheckReport {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.arrays.iter().flat_map(|a| a.findings.iter())
    }

    /// Counts the findings that count (not suppressed, not baselined).
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        self.findings().for_each(|f| s.add(f));
        s
    }

    /// With `--baseline`: how many findings are new and how many it already records.
    pub fn baseline_counts(&self) -> (usize, usize) {
        let new = self.findings().filter(|f| f.in_baseline == Some(false)).count();
        (new, self.findings().filter(|f| f.in_baseline == Some(true)).count())
    }

    pub fn input_errors(&self) -> usize {
        self.arrays.iter().filter(|a| a.error.is_some()).count()
    }
}

/// A location resolved to file, line and column (1-based) for output formats.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub offset: usize,
    pub length: usize,
}

pub fn locate(array: Option<&Array>, loc: Option<Loc>) -> Option<Location> {
    let (array, loc) = (array?, loc?);
    let file = array.files.get(loc.file)?;
    let (line, column) = file.line_col(loc.span.offset);
    Some(Location { file: file.display.clone(), line, column, offset: loc.span.offset, length: loc.span.len })
}

/// Where an input error sits, for output formats.
pub fn locate_error(e: &InputError) -> Option<Location> {
    let (file, excerpt, span) = (e.file.as_ref()?, e.excerpt.as_ref()?, e.span?);
    let (line, column) = excerpt.line_col;
    Some(Location { file: file.clone(), line, column, offset: span.offset, length: span.len })
}

/// Where to anchor a finding that has no bytes of its own (a version default): the export's
/// productVersion, else its first line. Formats that need a location (SARIF, annotations) use it.
pub fn fallback_location(array: Option<&Array>) -> Option<Location> {
    let array = array?;
    match array.version_loc {
        Some(loc) => locate(Some(array), Some(loc)),
        None => {
            array.files.first().map(|f| Location { file: f.display.clone(), line: 1, column: 1, offset: 0, length: 0 })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> Rendering {
        Rendering::plain(80)
    }

    #[test]
    fn a_format_a_document_has_no_renderer_for_is_refused_by_name() {
        let k = Knowledge::embedded().unwrap();
        let e = render(&Document::RuleList, Format::Sarif, &k, &plain()).unwrap_err();
        assert_eq!(e.to_string(), "`rules` does not write --format sarif");
        let e = render(&Document::Probe(&[]), Format::Junit, &k, &plain()).unwrap_err();
        assert_eq!(e.to_string(), "`probe` does not write --format junit");
    }

    #[test]
    fn verify_writes_the_ci_formats_as_check_does() {
        let k = Knowledge::embedded().unwrap();
        let report = verify::VerifyReport::default();
        let fails = |_: &Finding| true;
        for format in [Format::Sarif, Format::Github, Format::Junit, Format::Markdown] {
            let as_verify = render(&Document::Verify { report: &report, fails: &fails }, format, &k, &plain());
            let check = Document::Check { report: &report.check, judged: crate::verify::judges, fails: &fails };
            assert_eq!(as_verify.unwrap(), render(&check, format, &k, &plain()).unwrap(), "{}", format.name());
        }
    }
}
