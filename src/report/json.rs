//! `--format json`: the `seglint/report/v1` object. Field names are a
//! contract; extra fields (`confidence`, `setting`, `notes`, `rules_data`) are additions.
//! It computes nothing: it reads the findings and renders them.

use super::{CheckReport, Location, Summary, locate, locate_error};
use crate::knowledge::Knowledge;
use crate::vocab::{Confidence, Direction, Evidence, Severity};
use serde::Serialize;
use std::io::Write;

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

pub fn render(report: &CheckReport, k: &Knowledge) -> String {
    let mut out = Vec::new();
    write(report, k, &mut out).expect("writing into memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// `render`, written into `w` as it is made.
pub fn write(report: &CheckReport, k: &Knowledge, w: &mut dyn Write) -> std::io::Result<()> {
    let mut stream = Stream::begin(w, report.arrays.iter().map(array_json))?;
    // A chunk at a time: the findings rendered in parallel are held once per chunk, never all.
    for chunk in report.arrays.chunks(64) {
        stream.findings(chunk, k)?;
    }
    stream.end(&Tally::of(report))
}

/// The `seglint/report/v1` document written piece by piece, as serde_json's pretty printer
/// writes it whole: the `arrays` entries, then the findings of each chunk of arrays as the
/// chunk is checked (rendered in parallel), then the counts. A fleet's report is never held
/// whole, and never all its findings at once.
pub struct Stream<'w> {
    w: &'w mut dyn Write,
    findings: usize,
}

/// What the end of the document says, counted over every chunk.
#[derive(Debug, Default)]
pub struct Tally {
    pub summary: Summary,
    pub suppressed: usize,
    /// With `--baseline`: its file, the findings it does not know and those it knows, and its
    /// entries no finding matches any more.
    pub baseline: Option<(String, usize, usize, Vec<crate::policy::BaselineEntry>)>,
}

impl Tally {
    fn of(report: &CheckReport) -> Tally {
        let (new, known) = report.baseline_counts();
        Tally {
            summary: report.summary(),
            suppressed: report.findings().filter(|f| f.suppressed.is_some()).count(),
            baseline: report.baseline.clone().map(|(file, fixed)| (file, new, known, fixed)),
        }
    }
}

/// An `arrays` entry as the document holds it (indented, no separator).
pub fn array_json(a: &super::ArrayReport) -> Vec<u8> {
    indented(&array_entry(a), 4)
}

impl<'w> Stream<'w> {
    pub fn begin(w: &'w mut dyn Write, arrays: impl Iterator<Item = Vec<u8>>) -> std::io::Result<Self> {
        w.write_all(b"{\n  \"schema\": \"seglint/report/v1\",\n  \"tool\": ")?;
        w.write_all(&indented(&Tool::SEGLINT, 2))?;
        w.write_all(b",\n  \"arrays\": [")?;
        let mut any = false;
        for entry in arrays {
            w.write_all(if any { b",\n    " } else { b"\n    " })?;
            w.write_all(&entry)?;
            any = true;
        }
        w.write_all(if any { b"\n  ],\n  \"findings\": [" } else { b"],\n  \"findings\": [" })?;
        Ok(Stream { w, findings: 0 })
    }

    /// The findings of `arrays`, in order.
    pub fn findings(&mut self, arrays: &[super::ArrayReport], k: &Knowledge) -> std::io::Result<()> {
        if let [one] = arrays {
            // One array (a large one, maybe): one finding at a time, nothing rendered twice.
            let mut out = Vec::new();
            for f in &one.findings {
                out.clear();
                out.extend_from_slice(if self.findings == 0 { b"\n    " } else { b",\n    " });
                write_indented(&mut out, &entry(f, one.array.as_ref(), k), 4);
                self.w.write_all(&out)?;
                self.findings += 1;
            }
            return Ok(());
        }
        let rendered = crate::parallel::map(arrays, |a| {
            let mut out = Vec::new();
            for f in &a.findings {
                out.extend_from_slice(b",\n    ");
                write_indented(&mut out, &entry(f, a.array.as_ref(), k), 4);
            }
            (a.findings.len(), out)
        });
        for (n, out) in rendered.iter().filter(|(n, _)| *n > 0) {
            // The document's first finding has no comma before it.
            self.w.write_all(if self.findings == 0 { &out[1..] } else { out })?;
            self.findings += n;
        }
        Ok(())
    }

    pub fn end(self, tally: &Tally) -> std::io::Result<()> {
        let w = self.w;
        w.write_all(if self.findings > 0 { b"\n  ],\n  \"summary\": " } else { b"],\n  \"summary\": " })?;
        w.write_all(&indented(&tally.summary, 2))?;
        write!(w, ",\n  \"suppressed\": {}", tally.suppressed)?;
        if let Some((file, new, known, fixed)) = &tally.baseline {
            w.write_all(b",\n  \"baseline\": ")?;
            w.write_all(&indented(&BaselineSummary { file, new: *new, known: *known, fixed }, 2))?;
        }
        w.write_all(b"\n}\n")
    }
}

/// `value` as serde_json's pretty printer writes it `depth` spaces deep in a document.
fn indented(value: &impl Serialize, depth: usize) -> Vec<u8> {
    let mut out = Vec::new();
    write_indented(&mut out, value, depth);
    out
}

/// Written inside `depth / 2` one-element arrays, the value's lines get the document's
/// indentation from serde_json itself; the arrays' own brackets are dropped as they are
/// written (the opening ones) and cut after (the closing ones).
fn write_indented(out: &mut Vec<u8>, value: &impl Serialize, depth: usize) {
    let levels = depth / 2;
    // "[\n  [\n    …" opens (2 + 2i bytes at level i), "…\n  ]\n]" closes (2i bytes).
    let opening: usize = (1..=levels).map(|i| 2 + 2 * i).sum();
    let closing: usize = (1..=levels).map(|i| 2 * i).sum();
    let writer = SkipFirst { out: &mut *out, skip: opening };
    serde_json::to_writer_pretty(writer, &Nested(value, levels)).expect("seglint's entries serialize");
    out.truncate(out.len() - closing);
}

struct Nested<'a, T>(&'a T, usize);

impl<T: Serialize> Serialize for Nested<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            0 => self.0.serialize(s),
            n => s.collect_seq([Nested(self.0, n - 1)]),
        }
    }
}

/// Appends what it is given but its first `skip` bytes.
struct SkipFirst<'a> {
    out: &'a mut Vec<u8>,
    skip: usize,
}

impl Write for SkipFirst<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let dropped = self.skip.min(buf.len());
        self.skip -= dropped;
        self.out.extend_from_slice(&buf[dropped..]);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::ArraySpec;
    use crate::report::ArrayReport;

    /// The document as serde_json's pretty printer writes it whole: the stream's oracle.
    #[derive(Serialize)]
    struct Whole<'a> {
        schema: &'static str,
        tool: Tool,
        arrays: Vec<ArrayEntry<'a>>,
        findings: Vec<FindingEntry<'a>>,
        summary: Summary,
        suppressed: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        baseline: Option<BaselineSummary<'a>>,
    }

    fn whole(report: &CheckReport, k: &Knowledge) -> String {
        let tally = Tally::of(report);
        let doc = Whole {
            schema: "seglint/report/v1",
            tool: Tool::SEGLINT,
            arrays: report.arrays.iter().map(array_entry).collect(),
            findings: report
                .arrays
                .iter()
                .flat_map(|a| a.findings.iter().map(|f| entry(f, a.array.as_ref(), k)))
                .collect(),
            summary: tally.summary,
            suppressed: tally.suppressed,
            baseline: tally.baseline.as_ref().map(|(file, new, known, fixed)| BaselineSummary {
                file,
                new: *new,
                known: *known,
                fixed,
            }),
        };
        pretty(&doc)
    }

    fn checked(k: &Knowledge, path: &str) -> ArrayReport {
        let opts = crate::input::LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
        let now = time::macros::datetime!(2026-11-28 0:00 UTC);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/");
        crate::commands::check_array(
            k,
            &ArraySpec::new(std::path::Path::new(&format!("{dir}{path}"))),
            &opts,
            now,
            false,
        )
    }

    #[test]
    fn the_streamed_document_is_what_serde_json_writes_whole() {
        let k = Knowledge::embedded().unwrap();
        let empty = CheckReport::default();
        assert_eq!(render(&empty, &k), whole(&empty, &k), "no arrays");
        let clean = CheckReport { arrays: vec![checked(&k, "examples/clean-10.1")], baseline: None };
        assert!(clean.arrays[0].findings.is_empty(), "an array with no findings");
        assert_eq!(render(&clean, &k), whole(&clean, &k));
        let one = CheckReport { arrays: vec![checked(&k, "versions/8.2.1")], baseline: None };
        assert!(one.arrays[0].findings.len() > 1, "one array with findings, written one at a time");
        assert_eq!(render(&one, &k), whole(&one, &k));
        let mut fleet = CheckReport {
            arrays: ["versions/8.2.1", "malformed/bad-version.xml", "examples/clean-10.1", "versions/7.2.3"]
                .into_iter()
                .map(|p| checked(&k, p))
                .collect(),
            baseline: Some(("baseline.json".into(), vec![])),
        };
        assert!(fleet.arrays[1].error.is_some(), "an unreadable array among them");
        fleet.arrays[0].findings[0].suppressed = Some("accepted".into());
        for (i, f) in fleet.arrays[3].findings.iter_mut().enumerate() {
            f.in_baseline = Some(i % 2 == 0);
        }
        assert_eq!(render(&fleet, &k), whole(&fleet, &k));
        // The same findings streamed in chunks of one array, as a fleet's are.
        let mut out = Vec::new();
        let mut stream = Stream::begin(&mut out, fleet.arrays.iter().map(array_json)).unwrap();
        for chunk in fleet.arrays.chunks(1) {
            stream.findings(chunk, &k).unwrap();
        }
        stream.end(&Tally::of(&fleet)).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), whole(&fleet, &k));
    }
}
