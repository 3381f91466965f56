//! The one finding model every rule produces and every reporter reads, with the builder the
//! rules fill it through. Rules fill it; the policy sink sets its severity, suppression and
//! baseline state; nothing here formats output.

use crate::knowledge::DataRef;
use crate::model::Loc;
use crate::posture::Evidenced;
use crate::registry::Rule;
use crate::remedy::Fix;
use crate::vocab::{Confidence, Direction, Evidence, Severity};

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: Rule,
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
    /// For an observed finding: what was seen, where and when, against the prediction.
    pub observation: Option<Observation>,
}

/// Which command observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObservationKind {
    Verify,
    Listen,
    Headers,
}

/// What a live observation showed, beside what the export and the version facts predicted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Observation {
    pub kind: ObservationKind,
    /// The address probed (`verify`), the client address seen (`listen`), or `FILE:LINE` of
    /// the Received field (`headers`).
    pub target: String,
    /// When, RFC 3339.
    pub at: String,
    pub observed: String,
    pub predicted: String,
    pub predicted_evidence: Evidence,
}

impl Observation {
    /// One line for the text reporters: `observed at 10.0.0.12:25 (…): accepted; predicted: off (default)`.
    pub fn summary(&self) -> String {
        format!(
            "observed at {} ({}): {}; predicted: {} ({})",
            self.target,
            self.at,
            self.observed,
            self.predicted,
            self.predicted_evidence.name()
        )
    }
}

impl Finding {
    /// A finding of `rule` about `array`, at the rule's default severity, explicit and certain,
    /// with nothing else filled in yet: each check sets what it knows.
    pub fn new(rule: Rule, array: &crate::model::Array, message: String) -> Finding {
        Finding {
            rule,
            severity: rule.default_severity(),
            message,
            array: array.source.clone(),
            array_name: array.name.clone().unwrap_or_else(|| array.source.clone()),
            server: None,
            direction: None,
            setting: None,
            evidence: Evidence::Explicit,
            confidence: Confidence::Certain,
            location: None,
            label: String::new(),
            data: None,
            help: String::new(),
            notes: Vec::new(),
            sources: Vec::new(),
            suppressed: None,
            in_baseline: None,
            observation: None,
        }
    }

    /// Whether the finding counts for the exit code: not suppressed, not already baselined.
    pub fn counts(&self) -> bool {
        self.suppressed.is_none() && self.in_baseline != Some(true)
    }

    /// A fingerprint that survives reformatting and reordering: code, array, server,
    /// direction and setting, never line numbers (FNV-1a, 64 bits, hex).
    pub fn fingerprint(&self) -> String {
        let key = format!(
            "{}|{}|{}|{}|{}",
            self.rule.code(),
            self.array_name,
            self.server.as_deref().unwrap_or("").to_ascii_lowercase(),
            self.direction.map_or("", |d| d.name()),
            self.setting.as_deref().unwrap_or("").to_ascii_lowercase()
        );
        stable_hash(&key)
    }
}

/// FNV-1a, 64 bits, as 16 hex digits: the same for the same text on every machine and run.
pub fn stable_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Builder steps the rules use; each returns the finding, so a rule reads as one chain.
impl Finding {
    pub fn place(mut self, server: Option<&str>, direction: Option<Direction>) -> Self {
        self.server = server.map(str::to_string);
        self.direction = direction;
        self
    }

    /// Takes evidence, location, rules-data label and sources from the value that decided.
    pub fn decided_by<T>(mut self, v: &Evidenced<T>, label: impl Into<String>) -> Self {
        self.evidence = v.evidence;
        self.confidence = self.confidence.max(v.confidence);
        let label = label.into();
        match v.loc {
            Some(loc) => {
                self.location = Some(loc);
                self.label = label;
            }
            None => {
                if let Some(data) = v.data {
                    self.data = Some((data, format!("{} ({})", label, v.via)));
                }
            }
        }
        self = self.sources(&v.sources);
        if v.confidence == Confidence::Inferred {
            let what = v.caveat.clone().unwrap_or_else(|| format!("no knowledge-base article states {}", v.via));
            self.notes.push(format!("inferred: {what}"));
        }
        self
    }

    pub fn at(mut self, loc: Option<Loc>, label: impl Into<String>) -> Self {
        self.location = loc;
        self.label = label.into();
        self
    }

    pub fn evidence_if_unlocated(mut self, evidence: Evidence) -> Self {
        if self.location.is_none() {
            self.evidence = evidence;
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    /// The fix as help, with what it assumes as notes and its articles as sources.
    pub fn fix(mut self, fix: Fix) -> Self {
        self.help = fix.text;
        self.notes.extend(fix.notes);
        self.sources(&fix.sources)
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn setting(mut self, setting: impl Into<String>) -> Self {
        self.setting = Some(setting.into());
        self
    }

    pub fn data(mut self, at: DataRef, label: impl Into<String>) -> Self {
        self.data = Some((at, label.into()));
        self
    }

    pub fn sources(mut self, sources: &[String]) -> Self {
        for s in sources {
            if !self.sources.contains(s) {
                self.sources.push(s.clone());
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding() -> Finding {
        Finding {
            rule: Rule::Sslv3Enabled,
            severity: Severity::Error,
            message: "SSLv3 is allowed".into(),
            array: "exports/a.xml".into(),
            array_name: "Contoso".into(),
            server: Some("MAIL01".into()),
            direction: Some(Direction::Inbound),
            setting: Some("SSLMethodSSLv3".into()),
            evidence: Evidence::Explicit,
            confidence: Confidence::Certain,
            location: None,
            label: String::new(),
            data: None,
            help: String::new(),
            notes: vec![],
            sources: vec![],
            suppressed: None,
            in_baseline: None,
            observation: None,
        }
    }

    #[test]
    fn fingerprints_survive_moves_and_rewording_but_not_another_place() {
        let base = finding().fingerprint();
        assert_eq!(base.len(), 16);
        let moved = Finding { array: "elsewhere/a.xml".into(), message: "reworded".into(), ..finding() };
        assert_eq!(moved.fingerprint(), base, "path and message are not identity");
        let case = Finding { server: Some("mail01".into()), setting: Some("sslmethodsslv3".into()), ..finding() };
        assert_eq!(case.fingerprint(), base, "names match case-insensitively");
        for other in [
            Finding { server: Some("MAIL02".into()), ..finding() },
            Finding { direction: Some(Direction::Outbound), ..finding() },
            Finding { rule: Rule::Sslv2Enabled, ..finding() },
            Finding { array_name: "Fabrikam".into(), ..finding() },
            Finding { setting: None, ..finding() },
        ] {
            assert_ne!(other.fingerprint(), base, "{other:?}");
        }
    }

    #[test]
    fn counts_unless_suppressed_or_known() {
        assert!(finding().counts());
        assert!(!Finding { suppressed: Some(String::new()), ..finding() }.counts());
        assert!(!Finding { in_baseline: Some(true), ..finding() }.counts());
        assert!(Finding { in_baseline: Some(false), ..finding() }.counts());
    }
}
