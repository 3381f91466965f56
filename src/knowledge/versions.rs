//! `rules/versions.toml`: the version table and the other per-version facts,
//! read and validated with spans (ranges parse, rows ascend and do not overlap, the facts the
//! checks rely on exist). It answers nothing about an array.

use super::{DataRef, Doc, KnowledgeError, VERSIONS};
use crate::vocab::{Confidence, Protocol};
use semver::{Version, VersionReq};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// Facts the code relies on by id; a `--rules` directory must keep them.
pub const REQUIRED_FACTS: &[&str] = &[
    "starttls-command-injection",
    "dane",
    "mta-sts",
    "cipher-strength-levels",
    "medium-recommended",
    "sslv3-off-on-upgrade",
    "expiry-reminder",
    "cipher-floor-setting",
    "sslv2-needs-certificate",
    "insecure-compatibility-label",
    "stale-cipher-list",
    "dh-suites",
    "tls13",
    "client-certificate",
    "public-ca",
    "tls-needs-certificate",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProtocolControl {
    ForceTlsv1,
    Switches,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Store {
    Registry,
    Advanced,
}

impl Store {
    pub fn describe(self) -> &'static str {
        match self {
            Store::Registry => "registry values on the Array Manager",
            Store::Advanced => "Advanced Settings in the Management Console",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub range: VersionReq,
    pub from: Version,
    pub label: String,
    pub sending: Vec<Protocol>,
    pub sending_confidence: Confidence,
    pub receiving: Vec<Protocol>,
    pub receiving_confidence: Confidence,
    pub protocol_control: ProtocolControl,
    /// Whether an article states how this row's protocols are changed.
    pub control_confidence: Confidence,
    /// For a row without per-protocol switches: the version that brings them.
    pub upgrade_for_control: Option<Version>,
    pub store: Store,
    pub switches: Vec<Protocol>,
    pub sources: Vec<String>,
    /// For a row resting on inference: what is assumed, in words.
    pub assumed: Option<String>,
    pub sending_at: DataRef,
    pub receiving_at: DataRef,
    pub control_at: DataRef,
    pub switches_at: DataRef,
}

#[derive(Debug, Clone)]
pub struct Fact {
    pub applies: VersionReq,
    pub text: String,
    pub confidence: Confidence,
    pub sources: Vec<String>,
    pub at: DataRef,
}

impl Fact {
    /// The first version the fact holds for (`>=10.1.0` → 10.1.0), when its range says so.
    pub fn since(&self) -> Option<Version> {
        self.bound(semver::Op::GreaterEq)
    }

    /// The first version it no longer holds for (`<7.2.0` → 7.2.0), when its range says so.
    pub fn until(&self) -> Option<Version> {
        self.bound(semver::Op::Less)
    }

    fn bound(&self, op: semver::Op) -> Option<Version> {
        let c = self.applies.comparators.iter().find(|c| c.op == op)?;
        Some(Version::new(c.major, c.minor.unwrap_or(0), c.patch.unwrap_or(0)))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersions {
    row: Vec<Spanned<RawRow>>,
    fact: BTreeMap<String, Spanned<RawFact>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    range: Spanned<String>,
    from: Spanned<String>,
    label: String,
    sending: Spanned<Vec<Spanned<String>>>,
    sending_confidence: Confidence,
    receiving: Spanned<Vec<Spanned<String>>>,
    receiving_confidence: Confidence,
    protocol_control: Spanned<ProtocolControl>,
    #[serde(default = "certain")]
    control_confidence: Confidence,
    #[serde(default)]
    upgrade_for_control: Option<Spanned<String>>,
    store: Store,
    switches: Spanned<Vec<Spanned<String>>>,
    sources: Vec<String>,
    #[serde(default)]
    assumed: Option<String>,
}

fn certain() -> Confidence {
    Confidence::Certain
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFact {
    applies: Spanned<String>,
    text: String,
    confidence: Confidence,
    sources: Vec<String>,
}

/// The table and the facts, validated.
pub(super) fn load(doc: &Doc<'_>) -> Result<(Vec<Row>, BTreeMap<String, Fact>), KnowledgeError> {
    let raw: RawVersions = doc.parse(VERSIONS)?;
    let rows = raw.row.iter().map(|r| row(doc, r.get_ref())).collect::<Result<Vec<_>, _>>()?;
    if rows.is_empty() {
        return Err(doc.error(
            VERSIONS,
            None,
            "there is no [[row]]".into(),
            "the version table needs at least one row",
        ));
    }
    for (i, r) in raw.row.iter().enumerate() {
        let span = r.get_ref();
        if i > 0 && rows[i].from <= rows[i - 1].from {
            return Err(doc.error(
                VERSIONS,
                Some(span.from.span()),
                "rows are not in ascending order of `from`".into(),
                "list rows oldest first",
            ));
        }
        if let Some(other) = rows.iter().enumerate().find(|(j, o)| *j != i && o.range.matches(&rows[i].from)) {
            let message = format!("version {} is in this row and in the row for {}", rows[i].from, other.1.label);
            return Err(doc.error(VERSIONS, Some(span.range.span()), message, "rows must not overlap"));
        }
    }
    let mut facts = BTreeMap::new();
    for (id, raw) in &raw.fact {
        let f = raw.get_ref();
        let fact = Fact {
            applies: doc.range(VERSIONS, &f.applies)?,
            text: f.text.clone(),
            confidence: f.confidence,
            sources: f.sources.clone(),
            at: DataRef::of(VERSIONS, raw.span()),
        };
        facts.insert(id.clone(), fact);
    }
    if let Some(missing) = REQUIRED_FACTS.iter().find(|id| !facts.contains_key(**id)) {
        let help = format!("keep a [fact.{missing}] table; seglint's checks rely on it");
        return Err(doc.error(VERSIONS, None, format!("the fact `{missing}` is missing"), &help));
    }
    Ok((rows, facts))
}

fn row(doc: &Doc<'_>, r: &RawRow) -> Result<Row, KnowledgeError> {
    let range = doc.range(VERSIONS, &r.range)?;
    let from = doc.version(VERSIONS, &r.from, "write the lowest version of the range, e.g. \"7.3.5\"")?;
    if !range.matches(&from) {
        let message = format!("`{}` is not in the row's range `{}`", r.from.get_ref(), r.range.get_ref());
        return Err(doc.error(
            VERSIONS,
            Some(r.from.span()),
            message,
            "`from` must be the lowest version the range matches",
        ));
    }
    let upgrade_for_control = match &r.upgrade_for_control {
        Some(v) => {
            Some(doc.version(VERSIONS, v, "write the version that brings per-protocol switches, e.g. \"10.0.1\"")?)
        }
        None => None,
    };
    Ok(Row {
        range,
        from,
        label: r.label.clone(),
        sending: protocols(doc, &r.sending)?,
        sending_confidence: r.sending_confidence,
        receiving: protocols(doc, &r.receiving)?,
        receiving_confidence: r.receiving_confidence,
        protocol_control: *r.protocol_control.get_ref(),
        control_confidence: r.control_confidence,
        upgrade_for_control,
        store: r.store,
        switches: protocols(doc, &r.switches)?,
        sources: r.sources.clone(),
        assumed: r.assumed.clone(),
        sending_at: DataRef::of(VERSIONS, r.sending.span()),
        receiving_at: DataRef::of(VERSIONS, r.receiving.span()),
        control_at: DataRef::of(VERSIONS, r.protocol_control.span()),
        switches_at: DataRef::of(VERSIONS, r.switches.span()),
    })
}

fn protocols(doc: &Doc<'_>, list: &Spanned<Vec<Spanned<String>>>) -> Result<Vec<Protocol>, KnowledgeError> {
    let mut out = Vec::new();
    for p in list.get_ref() {
        let proto = Protocol::from_name(p.get_ref()).ok_or_else(|| {
            doc.error(
                VERSIONS,
                Some(p.span()),
                format!("`{}` is not a protocol", p.get_ref()),
                "protocols are SSLv2, SSLv3, TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3",
            )
        })?;
        out.push(proto);
    }
    out.sort();
    out.dedup();
    Ok(out)
}
