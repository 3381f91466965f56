//! `rules/migrate.toml`: the upgrade boundaries, what an upgrade does to explicit settings when
//! it crosses each (carry actions), and the items a migration report shows for each, all typed:
//! a misspelt action, condition or kind is a load error with a span. It judges no array.

use super::{Doc, KnowledgeError, MIGRATE};
use crate::vocab::{Confidence, Severity};
use semver::Version;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// What an upgrade across a boundary does to the explicit settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CarryAction {
    /// `ForceTLSv1` is dropped.
    DropForceTlsv1,
    /// SSLv3 is switched off in every scope, even where a setting allowed it.
    Sslv3Off,
    /// Registry values move from the 7.x hive to the 8.x one (and back on a downgrade).
    RenameHive,
    /// Registry values are not read any more (Advanced Settings replace them).
    DropRegistry,
}

/// When an item applies, evaluated on the array before the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Condition {
    Always,
    /// The array sets `ForceTLSv1`.
    ForceTlsv1,
    /// SSLv3 is effectively allowed somewhere before the change.
    Sslv3Before,
    OutboundTls,
    OutboundTlsOff,
    /// The array sets `TLSCipherList`.
    CipherList,
    /// The array has TLS registry values.
    RegistrySettings,
    /// The target version cannot change protocols at all.
    TargetWithoutProtocolControl,
    /// The array sets `Sender.EnableDANE = True`.
    DaneOn,
}

/// What an item of a migration report is; the JSON names are a contract of `seglint/migration/v1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    BehaviourChange,
    SettingDropped,
    Risk,
    Opportunity,
    /// What a report resting on an inferred row assumes.
    Assumption,
    ApplySetting,
    CannotApply,
}

impl ItemKind {
    /// The JSON and Markdown name: `behaviour-change`.
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::BehaviourChange => "behaviour-change",
            ItemKind::SettingDropped => "setting-dropped",
            ItemKind::Risk => "risk",
            ItemKind::Opportunity => "opportunity",
            ItemKind::Assumption => "assumption",
            ItemKind::ApplySetting => "apply-setting",
            ItemKind::CannotApply => "cannot-apply",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemWay {
    Upgrade,
    Downgrade,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundaryItem {
    pub when: Condition,
    pub severity: Severity,
    /// Only for this direction of change; both when absent.
    #[serde(default)]
    pub way: Option<ItemWay>,
    /// The severity when a downgrade reverses the change, where that is worse.
    #[serde(default)]
    pub downgrade_severity: Option<Severity>,
    pub kind: ItemKind,
    pub text: String,
    pub confidence: Confidence,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Boundary {
    pub version: Version,
    pub carry: Vec<CarryAction>,
    pub items: Vec<BoundaryItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMigrate {
    boundary: Vec<RawBoundary>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoundary {
    version: Spanned<String>,
    carry: Vec<CarryAction>,
    #[serde(default)]
    item: Vec<BoundaryItem>,
}

/// The boundaries, oldest first.
pub(super) fn load(doc: &Doc<'_>) -> Result<Vec<Boundary>, KnowledgeError> {
    let raw: RawMigrate = doc.parse(MIGRATE)?;
    let mut boundaries: Vec<Boundary> = Vec::new();
    for b in raw.boundary {
        let version =
            doc.version(MIGRATE, &b.version, "write the first version that has the change, e.g. \"7.3.5\"")?;
        if boundaries.last().is_some_and(|last| last.version >= version) {
            return Err(doc.error(
                MIGRATE,
                Some(b.version.span()),
                "boundaries are not in ascending order".into(),
                "list boundaries oldest first",
            ));
        }
        boundaries.push(Boundary { version, carry: b.carry, items: b.item });
    }
    Ok(boundaries)
}
