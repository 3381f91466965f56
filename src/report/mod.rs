//! Reporters: one finding model in, one text out (human, json, …). Reporters know nothing of
//! XML or registry syntax; they read findings, locations and the source files they point at.

pub mod diff;
pub mod explain;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod migration;
pub mod probe;
pub mod rules;
pub mod sarif;
pub mod verify;

use crate::finding::Finding;
use crate::input::InputError;
use crate::model::{Array, Loc};
use crate::vocab::Severity;
use serde::Serialize;

/// The result of checking one array argument.
#[derive(Debug)]
pub struct ArrayReport {
    pub source: String,
    pub array: Option<Array>,
    pub error: Option<InputError>,
    pub findings: Vec<Finding>,
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

impl CheckReport {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.arrays.iter().flat_map(|a| a.findings.iter())
    }

    /// Counts the findings that count (not suppressed, not baselined).
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for f in self.findings().filter(|f| f.counts()) {
            match f.severity {
                Severity::Error => s.error += 1,
                Severity::Warning => s.warning += 1,
                Severity::Info => s.info += 1,
            }
        }
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
    let (file, text, span) = (e.file.as_ref()?, e.text.as_ref()?, e.span?);
    let (line, column) = crate::source::line_col(text, span.offset);
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
