//! The TLS vocabulary shared by every layer: protocols and cipher-strength levels, with the
//! names SEG and seglint's JSON use. No behaviour beyond naming and ordering lives here.

use serde::{Deserialize, Serialize};
use std::fmt;

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
