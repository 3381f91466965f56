//! `rules/settings.toml`: setting names, the registry hive of each product generation, and one
//! form per (setting, scope, store) with the confidence of its name and place. It judges no array.

use super::{Doc, KnowledgeError, SETTINGS, Store};
use crate::vocab::Confidence;
use semver::VersionReq;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    ArrayInbound,
    ServerInbound,
    ArrayOutbound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SettingKind {
    ProtocolSwitch,
    CipherList,
    ForceTlsv1,
    EnableDane,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub protocol_switch_prefix: String,
    pub cipher_list: String,
    pub force_tlsv1: String,
    pub enable_dane: String,
    pub tls_like_prefixes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Hive {
    pub generation: String,
    pub applies: VersionReq,
    /// Path below `SOFTWARE\`, e.g. `Trustwave\Secure Email Gateway`.
    pub root: String,
    pub confidence: Confidence,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub setting: SettingKind,
    pub scope: Scope,
    pub store: Store,
    pub place: String,
    pub confidence: Confidence,
    pub note: String,
    pub sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    names: Names,
    hive: Vec<RawHive>,
    form: Vec<Form>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHive {
    generation: String,
    applies: Spanned<String>,
    root: String,
    confidence: Confidence,
    sources: Vec<String>,
}

/// Names, hives and forms, validated.
pub(super) fn load(doc: &Doc<'_>) -> Result<(Names, Vec<Hive>, Vec<Form>), KnowledgeError> {
    let raw: RawSettings = doc.parse(SETTINGS)?;
    let hives = raw
        .hive
        .iter()
        .map(|h| {
            Ok(Hive {
                generation: h.generation.clone(),
                applies: doc.range(SETTINGS, &h.applies)?,
                root: h.root.trim_matches('\\').to_string(),
                confidence: h.confidence,
                sources: h.sources.clone(),
            })
        })
        .collect::<Result<Vec<_>, KnowledgeError>>()?;
    Ok((raw.names, hives, raw.form))
}
