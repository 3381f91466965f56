//! The one finding model every rule produces and every reporter reads. Rules fill it; the
//! sink (`lint::run`) sorts it; nothing here formats output.

use crate::model::Loc;
use crate::source::Span;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

/// Whether a knowledge-base article states a fact, or seglint deduced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Certain,
    Inferred,
}

/// Where an effective value came from (spec section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Set in an input file.
    Explicit,
    /// A version default that a source states.
    Default,
    /// A version default that no source states.
    Inferred,
}

impl Evidence {
    pub fn name(self) -> &'static str {
        match self {
            Evidence::Explicit => "explicit",
            Evidence::Default => "default",
            Evidence::Inferred => "inferred",
        }
    }

    /// The evidence of a default, by the confidence of the fact behind it.
    pub fn of_default(confidence: Confidence) -> Evidence {
        match confidence {
            Confidence::Certain => Evidence::Default,
            Confidence::Inferred => Evidence::Inferred,
        }
    }
}

/// A place in one of the `rules/*.toml` data files (index into `Knowledge::files`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataRef {
    pub file: usize,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The array argument as given.
    pub array: String,
    /// The array's own name (arrayName), else the argument: the identity baselines use.
    pub array_name: String,
    pub server: Option<String>,
    pub direction: Option<Direction>,
    /// The setting or attribute the finding is about, in the product's own words.
    pub setting: Option<String>,
    pub evidence: Evidence,
    /// `Inferred` when the finding rests on a fact no article states.
    pub confidence: Confidence,
    pub location: Option<Loc>,
    /// Text of the label on `location`.
    pub label: String,
    /// The rules data that decided (a version default), with the label to show there.
    pub data: Option<(DataRef, String)>,
    pub help: String,
    /// Extra lines: why it matters, what is inferred.
    pub notes: Vec<String>,
    pub sources: Vec<String>,
    /// Set when an inline `seglint-allow` comment suppresses the finding: its reason.
    pub suppressed: Option<String>,
    /// With `--baseline`: whether the baseline already records it (`None` without one).
    pub in_baseline: Option<bool>,
}

impl Finding {
    /// Whether the finding counts for the exit code: not suppressed, not already baselined.
    pub fn counts(&self) -> bool {
        self.suppressed.is_none() && self.in_baseline != Some(true)
    }

    /// A fingerprint that survives reformatting and reordering: code, array, server,
    /// direction and setting, never line numbers (FNV-1a, 64 bits, hex).
    pub fn fingerprint(&self) -> String {
        let key = format!(
            "{}|{}|{}|{}|{}",
            self.code,
            self.array_name,
            self.server.as_deref().unwrap_or("").to_ascii_lowercase(),
            self.direction.map_or("", |d| d.name()),
            self.setting.as_deref().unwrap_or("").to_ascii_lowercase()
        );
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}
