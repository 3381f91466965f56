//! `--format json`: the `seglint/report/v1` object. Field names are a
//! contract; extra fields (`confidence`, `setting`, `notes`, `rules_data`) are additions.
//! It computes nothing: it reads the findings and renders them.

use super::{CheckReport, Location, Summary, locate, locate_error};
use crate::knowledge::Knowledge;
use crate::vocab::{Confidence, Direction, Evidence, Severity};
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool: Tool,
    arrays: Vec<ArrayEntry<'a>>,
    findings: Findings<'a>,
    summary: Summary,
    suppressed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineSummary<'a>>,
}

/// The `tool` object every seglint JSON document carries.
#[derive(Serialize)]
pub(super) struct Tool {
    name: &'static str,
    version: &'static str,
}

impl Tool {
    pub(super) const SEGLINT: Tool = Tool { name: "seglint", version: env!("CARGO_PKG_VERSION") };
}

/// A JSON document as seglint writes it: pretty, ending in a newline.
pub(super) fn pretty(out: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Every finding of every array, as `findings` entries (the observed commands' documents).
pub(super) fn finding_values(report: &CheckReport, k: &Knowledge) -> Vec<serde_json::Value> {
    report.arrays.iter().flat_map(|a| a.findings.iter().map(move |f| finding_value(f, a.array.as_ref(), k))).collect()
}

#[derive(Serialize)]
struct ArrayEntry<'a> {
    source: &'a str,
    name: Option<&'a str>,
    product_version: Option<String>,
    servers: Vec<&'a str>,
    error: Option<ErrorEntry>,
}

#[derive(Serialize)]
struct ErrorEntry {
    message: String,
    location: Option<Location>,
    help: Option<String>,
}

#[derive(Serialize)]
struct FindingEntry<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    array: &'a str,
    server: Option<&'a str>,
    direction: Option<Direction>,
    evidence: Evidence,
    confidence: Confidence,
    setting: Option<&'a str>,
    location: Option<Location>,
    rules_data: Option<RulesData>,
    help: &'a str,
    notes: &'a [String],
    sources: &'a [String],
    fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Suppressed<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'static str>,
    /// Observed findings only.
    #[serde(skip_serializing_if = "Option::is_none")]
    observation: Option<&'a crate::finding::Observation>,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    reason: &'a str,
}

#[derive(Serialize)]
struct RulesData {
    file: String,
    line: usize,
    label: String,
    /// For seglint's built-in data: the command that prints it with line numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    show: Option<String>,
}

fn array_entry(a: &super::ArrayReport) -> ArrayEntry<'_> {
    ArrayEntry {
        source: &a.source,
        name: a.array.as_ref().and_then(|x| x.name.as_deref()),
        product_version: a.array.as_ref().map(|x| x.version.to_string()),
        servers: a.array.as_ref().map(|x| x.servers.iter().map(|s| s.name.as_str()).collect()).unwrap_or_default(),
        error: a.error.as_ref().map(|e| ErrorEntry {
            message: e.to_string(),
            location: locate_error(e),
            help: e.help.clone(),
        }),
    }
}

/// The `arrays` entries as the report writes them (also used by `verify`).
pub fn array_values(report: &CheckReport) -> Vec<serde_json::Value> {
    report.arrays.iter().map(|a| serde_json::to_value(array_entry(a)).unwrap_or_default()).collect()
}

/// Every finding of the report, each made as it is written: a fleet's million findings are
/// never all held as entries at once.
struct Findings<'a> {
    report: &'a CheckReport,
    k: &'a Knowledge,
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let each = self.report.arrays.iter().flat_map(|a| a.findings.iter().map(move |f| (f, a.array.as_ref())));
        serializer.collect_seq(each.map(|(f, array)| entry(f, array, self.k)))
    }
}

pub fn render(report: &CheckReport, k: &Knowledge) -> String {
    pretty(&document(report, k))
}

/// `render`, written into `w` as it is made.
pub fn write(report: &CheckReport, k: &Knowledge, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &document(report, k))?;
    w.write_all(b"\n")
}

fn document<'a>(report: &'a CheckReport, k: &'a Knowledge) -> Report<'a> {
    Report {
        schema: "seglint/report/v1",
        tool: Tool::SEGLINT,
        arrays: report.arrays.iter().map(array_entry).collect(),
        findings: Findings { report, k },
        summary: report.summary(),
        suppressed: report.findings().filter(|f| f.suppressed.is_some()).count(),
        baseline: report.baseline.as_ref().map(|(file, fixed)| {
            let (new, known) = report.baseline_counts();
            BaselineSummary { file, new, known, fixed }
        }),
    }
}

#[derive(Serialize)]
struct BaselineSummary<'a> {
    file: &'a str,
    new: usize,
    known: usize,
    /// Entries of the baseline that no finding matches any more (fixed, or stale).
    fixed: &'a [crate::policy::BaselineEntry],
}

/// One finding as the report's JSON writes it (also used by `diff`).
pub fn finding_value(
    f: &crate::finding::Finding,
    array: Option<&crate::model::Array>,
    k: &Knowledge,
) -> serde_json::Value {
    serde_json::to_value(entry(f, array, k)).unwrap_or_default()
}

fn entry<'a>(f: &'a crate::finding::Finding, array: Option<&crate::model::Array>, k: &Knowledge) -> FindingEntry<'a> {
    {
        {
            FindingEntry {
                code: f.rule.code(),
                name: f.rule.name(),
                severity: f.severity,
                message: &f.message,
                array: &f.array,
                server: f.server.as_deref(),
                direction: f.direction,
                evidence: f.evidence,
                confidence: f.confidence,
                setting: f.setting.as_deref(),
                location: locate(array, f.location),
                rules_data: f.data.as_ref().and_then(|(d, label)| {
                    let (file, line, show) = k.data_place(*d)?;
                    Some(RulesData { file, line, label: label.clone(), show })
                }),
                help: &f.help,
                notes: &f.notes,
                sources: &f.sources,
                fingerprint: f.fingerprint(),
                suppressed: f.suppressed.as_deref().map(|reason| Suppressed { reason }),
                baseline: f.in_baseline.map(|known| if known { "known" } else { "new" }),
                observation: f.observation.as_ref(),
            }
        }
    }
}
