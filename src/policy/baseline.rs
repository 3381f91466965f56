//! Baseline files: today's findings recorded by fingerprint (rule, array name, server,
//! direction, setting; never line numbers), so a later run fails only on new ones.
//! It builds no findings; it only records the ones it is given.

use crate::finding::Finding;
use serde::{Deserialize, Serialize};

/// A recorded finding of a baseline file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub code: String,
    pub array: String,
    pub server: Option<String>,
    pub direction: Option<String>,
    pub setting: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    pub schema: String,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read it: {0}")]
    Read(#[from] std::io::Error),
    #[error("it is not a seglint baseline: {0}")]
    Parse(#[from] serde_json::Error),
}

impl Baseline {
    /// The baseline of these findings (suppressed ones are not recorded).
    pub fn of<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> Baseline {
        let mut entries: Vec<BaselineEntry> = findings
            .into_iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint(),
                code: f.rule.code().to_string(),
                array: f.array_name.clone(),
                server: f.server.clone(),
                direction: f.direction.map(|d| d.name().to_string()),
                setting: f.setting.clone(),
                message: f.message.clone(),
            })
            .collect();
        entries.sort_by(|a, b| (&a.array, &a.code, &a.fingerprint).cmp(&(&b.array, &b.code, &b.fingerprint)));
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline { schema: "seglint/baseline/v1".into(), findings: entries }
    }

    pub fn read(path: &std::path::Path) -> Result<Baseline, BaselineError> {
        let text = crate::source::read_regular_text(path, crate::source::MAX_SIDE_FILE)?;
        Ok(serde_json::from_str(&text)?)
    }

    pub fn knows(&self, fingerprint: &str) -> bool {
        self.findings.iter().any(|e| e.fingerprint == fingerprint)
    }
}
