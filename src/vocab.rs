//! The vocabulary every layer shares: severities, directions, confidence and evidence,
//! protocols and cipher-strength levels, with the names SEG and seglint's JSON use, and the one
//! "did you mean" helper. It sits below everything and knows nothing of arrays, rules or output.

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

/// Where an effective value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Set in an input file.
    Explicit,
    /// A version default that a source states.
    Default,
    /// A version default that no source states.
    Inferred,
    /// What a live server, a sending server or a message header showed.
    Observed,
}

impl Evidence {
    pub fn name(self) -> &'static str {
        match self {
            Evidence::Explicit => "explicit",
            Evidence::Default => "default",
            Evidence::Inferred => "inferred",
            Evidence::Observed => "observed",
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

/// A protocol a SEG server can allow, oldest first (the derive order is the JSON order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Protocol {
    #[serde(rename = "SSLv2")]
    Ssl2,
    #[serde(rename = "SSLv3")]
    Ssl3,
    #[serde(rename = "TLSv1.0")]
    Tls10,
    #[serde(rename = "TLSv1.1")]
    Tls11,
    #[serde(rename = "TLSv1.2")]
    Tls12,
    #[serde(rename = "TLSv1.3")]
    Tls13,
}

impl Protocol {
    pub const ALL: [Protocol; 6] =
        [Protocol::Ssl2, Protocol::Ssl3, Protocol::Tls10, Protocol::Tls11, Protocol::Tls12, Protocol::Tls13];

    /// The display and JSON name: `SSLv3`, `TLSv1.2`.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Ssl2 => "SSLv2",
            Protocol::Ssl3 => "SSLv3",
            Protocol::Tls10 => "TLSv1.0",
            Protocol::Tls11 => "TLSv1.1",
            Protocol::Tls12 => "TLSv1.2",
            Protocol::Tls13 => "TLSv1.3",
        }
    }

    /// The suffix of the product's switch name: `SSLMethod` + this (`TLSv1_2`).
    pub fn switch_suffix(self) -> &'static str {
        match self {
            Protocol::Ssl2 => "SSLv2",
            Protocol::Ssl3 => "SSLv3",
            Protocol::Tls10 => "TLSv1_0",
            Protocol::Tls11 => "TLSv1_1",
            Protocol::Tls12 => "TLSv1_2",
            Protocol::Tls13 => "TLSv1_3",
        }
    }

    pub fn from_name(s: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.name() == s)
    }

    pub fn from_switch_suffix(s: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.switch_suffix().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A minimum cipher strength as written in an export. `Low` and `InsecureCompatibility` are
/// the same level under its pre-8.0 and 8.0+ labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Strength {
    High,
    Medium,
    Low,
    InsecureCompatibility,
}

impl Strength {
    pub fn name(self) -> &'static str {
        match self {
            Strength::High => "High",
            Strength::Medium => "Medium",
            Strength::Low => "Low",
            Strength::InsecureCompatibility => "InsecureCompatibility",
        }
    }

    /// Rank for comparing floors: 0 = the insecure level, 2 = High.
    pub fn rank(self) -> u8 {
        match self {
            Strength::Low | Strength::InsecureCompatibility => 0,
            Strength::Medium => 1,
            Strength::High => 2,
        }
    }

    pub fn is_insecure(self) -> bool {
        self.rank() == 0
    }

    /// Parses the export's attribute value (`Insecure Compatibility` is accepted too).
    pub fn parse(s: &str) -> Option<Strength> {
        match s {
            "High" => Some(Strength::High),
            "Medium" => Some(Strength::Medium),
            "Low" => Some(Strength::Low),
            "InsecureCompatibility" | "Insecure Compatibility" => Some(Strength::InsecureCompatibility),
            _ => None,
        }
    }
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The closest candidate to `written`, when it is close enough to be a likely typo (the one
/// "did you mean" of settings, servers, rules and config keys).
pub fn suggest<'c>(written: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    let w = written.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&w, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

/// The severity from which findings fail a run (`--fail-on`, `fail-on` in seglint.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Findings never fail the run.
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        Some(match s {
            "error" => FailOn::Error,
            "warning" => FailOn::Warning,
            "info" => FailOn::Info,
            "never" => FailOn::Never,
            _ => return None,
        })
    }

    /// The lowest severity that fails; `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// A moment as RFC 3339, as every observation and certificate date is written.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Now, to the second, as RFC 3339.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    rfc3339(now.replace_nanosecond(0).unwrap_or(now))
}
