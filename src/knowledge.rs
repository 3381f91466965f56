//! Loads the domain facts kept as data in `rules/*.toml` (embedded at build time, replaceable
//! with `--rules DIR`) into validated tables, keeping spans so that diagnostics can point at
//! the line that decided. It judges no array; it only answers "what holds for version V".

use crate::finding::{Confidence, DataRef, Severity};
use crate::source::{SourceFile, Span};
use crate::tls::Protocol;
use miette::{Diagnostic, NamedSource, SourceSpan};
use semver::{Version, VersionReq};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

const EMBEDDED: [(&str, &str); 4] = [
    ("versions.toml", include_str!("../rules/versions.toml")),
    ("settings.toml", include_str!("../rules/settings.toml")),
    ("catalog.toml", include_str!("../rules/catalog.toml")),
    ("migrate.toml", include_str!("../rules/migrate.toml")),
];
const VERSIONS: usize = 0;
const SETTINGS: usize = 1;
const CATALOG: usize = 2;
const MIGRATE: usize = 3;

/// Carry actions the code implements (rules/migrate.toml `carry`).
pub const CARRY_ACTIONS: &[&str] = &["drop-force-tlsv1", "sslv3-off", "rename-hive", "relabel-low", "drop-registry"];
/// Conditions the code evaluates (rules/migrate.toml `when`).
pub const ITEM_CONDITIONS: &[&str] = &[
    "always",
    "force-tlsv1",
    "sslv3-before",
    "outbound-tls",
    "outbound-tls-off",
    "cipher-list",
    "registry-settings",
    "target-10.0.0",
    "dane-on",
];

/// Facts the code relies on by id; a `--rules` directory must keep them.
pub const REQUIRED_FACTS: &[&str] = &[
    "starttls-command-injection",
    "dane",
    "mta-sts",
    "cipher-strength-levels",
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

#[derive(Debug, Error, Diagnostic)]
#[error("invalid rules data in {file}: {message}")]
#[diagnostic(code(seglint::rules_data))]
pub struct KnowledgeError {
    pub file: String,
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{message}")]
    pub span: Option<SourceSpan>,
    #[help]
    pub help: Option<String>,
}

use thiserror::Error;

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

#[derive(Debug, Clone, Deserialize)]
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
pub struct Form {
    pub setting: SettingKind,
    pub scope: Scope,
    pub store: Store,
    pub place: String,
    pub confidence: Confidence,
    pub note: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundaryItem {
    pub when: String,
    pub severity: Severity,
    /// Only for this direction of change; both when absent.
    #[serde(default)]
    pub way: Option<ItemWay>,
    /// The severity when a downgrade reverses the change, where that is worse.
    #[serde(default)]
    pub downgrade_severity: Option<Severity>,
    pub kind: String,
    pub text: String,
    pub confidence: Confidence,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemWay {
    Upgrade,
    Downgrade,
}

#[derive(Debug, Clone)]
pub struct Boundary {
    pub version: Version,
    pub carry: Vec<String>,
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
    carry: Vec<Spanned<String>>,
    #[serde(default)]
    item: Vec<Spanned<BoundaryItem>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub reported_per: String,
    pub summary: String,
    pub what: String,
    pub why: String,
    pub example: String,
    pub fix: String,
    pub sources: Vec<String>,
}

/// Which row applies to a version, and whether the version is really in it.
#[derive(Debug, Clone, Copy)]
pub struct RowMatch<'k> {
    pub row: &'k Row,
    pub covered: bool,
}

#[derive(Debug, Clone)]
pub struct Knowledge {
    /// The data files, for diagnostics: versions, settings, catalog.
    pub files: Vec<SourceFile>,
    pub rows: Vec<Row>,
    pub facts: BTreeMap<String, Fact>,
    pub names: Names,
    pub hives: Vec<Hive>,
    pub forms: Vec<Form>,
    pub rules: Vec<RuleDoc>,
    /// Upgrade boundaries, oldest first.
    pub boundaries: Vec<Boundary>,
}

// Raw shapes as written in TOML, before validation.
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    names: Names,
    hive: Vec<RawHive>,
    form: Vec<Spanned<Form>>,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    rule: Vec<Spanned<RuleDoc>>,
}

/// How a built-in data file is named in output: users of the released binary have no
/// `rules/` folder, so the name says the data is built in (`seglint rules --data` prints it).
fn builtin_display(name: &str) -> String {
    format!("{BUILT_IN} rules/{name}")
}

const BUILT_IN: &str = "built-in";

/// The data files' short names, as `seglint rules --data NAME` takes them.
pub const DATA_FILES: &[&str] = &["versions", "settings", "catalog", "migrate"];

fn span_of(r: std::ops::Range<usize>) -> Span {
    Span::between(r.start, r.end)
}

impl Knowledge {
    /// The facts built into the binary.
    pub fn embedded() -> Result<Knowledge, KnowledgeError> {
        let files = EMBEDDED
            .iter()
            .map(|(name, text)| SourceFile {
                path: format!("rules/{name}").into(),
                display: builtin_display(name),
                text: (*text).to_string(),
            })
            .collect();
        Knowledge::from_files(files)
    }

    /// The facts of `dir`: each of its files replaces the embedded one of the same name.
    pub fn load(dir: Option<&Path>) -> Result<Knowledge, KnowledgeError> {
        let Some(dir) = dir else { return Knowledge::embedded() };
        let mut files = Vec::new();
        for (name, text) in EMBEDDED {
            let path = dir.join(name);
            let file = match std::fs::read(&path) {
                Ok(bytes) => SourceFile {
                    display: path.display().to_string(),
                    text: String::from_utf8(bytes).map_err(|_| KnowledgeError {
                        file: path.display().to_string(),
                        message: "the file is not UTF-8".into(),
                        src: NamedSource::new(path.display().to_string(), String::new()),
                        span: None,
                        help: Some("save the rules file as UTF-8".into()),
                    })?,
                    path,
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => SourceFile {
                    path: format!("rules/{name}").into(),
                    display: builtin_display(name),
                    text: text.to_string(),
                },
                Err(e) => {
                    return Err(KnowledgeError {
                        file: path.display().to_string(),
                        message: format!("cannot read it: {e}"),
                        src: NamedSource::new(path.display().to_string(), String::new()),
                        span: None,
                        help: None,
                    });
                }
            };
            files.push(file);
        }
        Knowledge::from_files(files)
    }

    fn error(
        files: &[SourceFile],
        file: usize,
        span: Option<Span>,
        message: String,
        help: Option<String>,
    ) -> KnowledgeError {
        let f = &files[file];
        KnowledgeError {
            file: f.display.clone(),
            message,
            src: NamedSource::new(f.display.clone(), f.text.clone()),
            span: span.map(Into::into),
            help,
        }
    }

    fn parse_toml<T: serde::de::DeserializeOwned>(files: &[SourceFile], file: usize) -> Result<T, KnowledgeError> {
        toml::from_str(&files[file].text)
            .map_err(|e| Knowledge::error(files, file, e.span().map(span_of), e.message().trim().to_string(), None))
    }

    fn from_files(files: Vec<SourceFile>) -> Result<Knowledge, KnowledgeError> {
        let versions: RawVersions = Knowledge::parse_toml(&files, VERSIONS)?;
        let settings: RawSettings = Knowledge::parse_toml(&files, SETTINGS)?;
        let catalog: RawCatalog = Knowledge::parse_toml(&files, CATALOG)?;
        let migrate: RawMigrate = Knowledge::parse_toml(&files, MIGRATE)?;
        let err = |file: usize, span: Span, message: String, help: &str| {
            Knowledge::error(&files, file, Some(span), message, Some(help.to_string()))
        };
        let req = |file: usize, s: &Spanned<String>| {
            VersionReq::parse(s.get_ref()).map_err(|e| {
                err(
                    file,
                    span_of(s.span()),
                    format!("`{}` is not a version range: {e}", s.get_ref()),
                    "write a semver requirement such as \">=7.3.5, <10.0.0\" or \"=10.0.0\"",
                )
            })
        };
        let protocols = |list: &Spanned<Vec<Spanned<String>>>| -> Result<Vec<Protocol>, KnowledgeError> {
            let mut out = Vec::new();
            for p in list.get_ref() {
                let proto = Protocol::from_name(p.get_ref()).ok_or_else(|| {
                    err(
                        VERSIONS,
                        span_of(p.span()),
                        format!("`{}` is not a protocol", p.get_ref()),
                        "protocols are SSLv2, SSLv3, TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3",
                    )
                })?;
                out.push(proto);
            }
            out.sort();
            out.dedup();
            Ok(out)
        };
        let at = |file: usize, r: std::ops::Range<usize>| DataRef { file, span: span_of(r) };

        let mut rows = Vec::new();
        for raw in &versions.row {
            let r = raw.get_ref();
            let range = req(VERSIONS, &r.range)?;
            let from = crate::version::parse(r.from.get_ref()).map_err(|e| {
                err(VERSIONS, span_of(r.from.span()), e, "write the lowest version of the range, e.g. \"7.3.5\"")
            })?;
            if !range.matches(&from) {
                return Err(err(
                    VERSIONS,
                    span_of(r.from.span()),
                    format!("`{}` is not in the row's range `{}`", r.from.get_ref(), r.range.get_ref()),
                    "`from` must be the lowest version the range matches",
                ));
            }
            rows.push(Row {
                range,
                from,
                label: r.label.clone(),
                sending: protocols(&r.sending)?,
                sending_confidence: r.sending_confidence,
                receiving: protocols(&r.receiving)?,
                receiving_confidence: r.receiving_confidence,
                protocol_control: *r.protocol_control.get_ref(),
                control_confidence: r.control_confidence,
                store: r.store,
                switches: protocols(&r.switches)?,
                sources: r.sources.clone(),
                assumed: r.assumed.clone(),
                sending_at: at(VERSIONS, r.sending.span()),
                receiving_at: at(VERSIONS, r.receiving.span()),
                control_at: at(VERSIONS, r.protocol_control.span()),
                switches_at: at(VERSIONS, r.switches.span()),
            });
        }
        if rows.is_empty() {
            return Err(Knowledge::error(
                &files,
                VERSIONS,
                None,
                "there is no [[row]]".into(),
                Some("the version table needs at least one row".into()),
            ));
        }
        for (i, raw) in versions.row.iter().enumerate() {
            if i > 0 && rows[i].from <= rows[i - 1].from {
                return Err(err(
                    VERSIONS,
                    span_of(raw.get_ref().from.span()),
                    "rows are not in ascending order of `from`".into(),
                    "list rows oldest first",
                ));
            }
            if let Some(j) = rows.iter().enumerate().position(|(j, o)| j != i && o.range.matches(&rows[i].from)) {
                return Err(err(
                    VERSIONS,
                    span_of(raw.get_ref().range.span()),
                    format!("version {} is in this row and in the row for {}", rows[i].from, rows[j].label),
                    "rows must not overlap",
                ));
            }
        }

        let mut facts = BTreeMap::new();
        for (id, raw) in &versions.fact {
            let f = raw.get_ref();
            facts.insert(
                id.clone(),
                Fact {
                    applies: req(VERSIONS, &f.applies)?,
                    text: f.text.clone(),
                    confidence: f.confidence,
                    sources: f.sources.clone(),
                    at: at(VERSIONS, raw.span()),
                },
            );
        }
        if let Some(missing) = REQUIRED_FACTS.iter().find(|id| !facts.contains_key(**id)) {
            return Err(Knowledge::error(
                &files,
                VERSIONS,
                None,
                format!("the fact `{missing}` is missing"),
                Some(format!("keep a [fact.{missing}] table; seglint's checks rely on it")),
            ));
        }

        let mut hives = Vec::new();
        for h in &settings.hive {
            hives.push(Hive {
                generation: h.generation.clone(),
                applies: req(SETTINGS, &h.applies)?,
                root: h.root.trim_matches('\\').to_string(),
                confidence: h.confidence,
                sources: h.sources.clone(),
            });
        }
        let forms: Vec<Form> = settings.form.iter().map(|f| f.get_ref().clone()).collect();

        let mut rules = Vec::new();
        for raw in &catalog.rule {
            let doc = raw.get_ref();
            match crate::lint::RULES.iter().find(|(code, _)| *code == doc.code) {
                None => {
                    return Err(err(
                        CATALOG,
                        span_of(raw.span()),
                        format!("`{}` is not a rule seglint implements", doc.code),
                        "remove the entry; codes are fixed by the binary",
                    ));
                }
                Some((_, name)) if *name != doc.name => {
                    return Err(err(
                        CATALOG,
                        span_of(raw.span()),
                        format!("{} is named `{}`, not `{}`", doc.code, name, doc.name),
                        "rule names are stable; keep the binary's name",
                    ));
                }
                _ => {}
            }
            if rules.iter().any(|r: &RuleDoc| r.code == doc.code) {
                return Err(err(
                    CATALOG,
                    span_of(raw.span()),
                    format!("{} is documented twice", doc.code),
                    "keep one [[rule]] per code",
                ));
            }
            rules.push(doc.clone());
        }
        if let Some((code, _)) = crate::lint::RULES.iter().find(|(code, _)| !rules.iter().any(|r| r.code == *code)) {
            return Err(Knowledge::error(
                &files,
                CATALOG,
                None,
                format!("{code} has no [[rule]] entry"),
                Some("every rule needs its documentation".into()),
            ));
        }
        rules.sort_by(|a, b| a.code.cmp(&b.code));

        let mut boundaries: Vec<Boundary> = Vec::new();
        for b in &migrate.boundary {
            let version = crate::version::parse(b.version.get_ref()).map_err(|e| {
                err(
                    MIGRATE,
                    span_of(b.version.span()),
                    e,
                    "write the first version that has the change, e.g. \"7.3.5\"",
                )
            })?;
            if boundaries.last().is_some_and(|last| last.version >= version) {
                return Err(err(
                    MIGRATE,
                    span_of(b.version.span()),
                    "boundaries are not in ascending order".into(),
                    "list boundaries oldest first",
                ));
            }
            for c in &b.carry {
                if !CARRY_ACTIONS.contains(&c.get_ref().as_str()) {
                    return Err(err(
                        MIGRATE,
                        span_of(c.span()),
                        format!("`{}` is not a carry action", c.get_ref()),
                        &format!("carry actions are {}", CARRY_ACTIONS.join(", ")),
                    ));
                }
            }
            for i in &b.item {
                if !ITEM_CONDITIONS.contains(&i.get_ref().when.as_str()) {
                    return Err(err(
                        MIGRATE,
                        span_of(i.span()),
                        format!("`{}` is not a condition", i.get_ref().when),
                        &format!("conditions are {}", ITEM_CONDITIONS.join(", ")),
                    ));
                }
            }
            boundaries.push(Boundary {
                version,
                carry: b.carry.iter().map(|c| c.get_ref().clone()).collect(),
                items: b.item.iter().map(|i| i.get_ref().clone()).collect(),
            });
        }

        Ok(Knowledge { names: settings.names, files, rows, facts, hives, forms, rules, boundaries })
    }

    /// One data file by its short name (`versions`, `settings.toml`), for `rules --data`.
    pub fn data_file(&self, name: &str) -> Option<&SourceFile> {
        let short = name.strip_suffix(".toml").unwrap_or(name);
        let i = DATA_FILES.iter().position(|d| d.eq_ignore_ascii_case(short))?;
        self.files.get(i)
    }

    /// Where a rules-data reference points, for output: `built-in rules/versions.toml:46`, or
    /// the path of a `--rules DIR` file; and, for built-in data, the command that shows it.
    pub fn data_place(&self, d: DataRef) -> Option<(String, usize, Option<String>)> {
        let f = self.files.get(d.file)?;
        let line = f.line_col(d.span.offset).0;
        let show = f
            .display
            .starts_with(BUILT_IN)
            .then(|| format!("seglint rules --data {}", DATA_FILES.get(d.file).copied().unwrap_or("versions")));
        Some((f.display.clone(), line, show))
    }

    /// `built-in rules/versions.toml:46 (see: seglint rules --data versions)`.
    pub fn data_place_text(&self, d: DataRef) -> Option<String> {
        let (file, line, show) = self.data_place(d)?;
        Some(match show {
            Some(cmd) => format!("{file}:{line}, shown by `{cmd}`"),
            None => format!("{file}:{line}"),
        })
    }

    /// The row for a version (build ignored); uncovered versions get the nearest lower row.
    pub fn row_for(&self, version: &Version) -> RowMatch<'_> {
        let v = crate::version::without_build(version);
        if let Some(row) = self.rows.iter().find(|r| r.range.matches(&v)) {
            return RowMatch { row, covered: true };
        }
        let row = self.rows.iter().rev().find(|r| r.from <= v).unwrap_or(&self.rows[0]);
        RowMatch { row, covered: false }
    }

    /// A fact by id. Ids are validated at load, so a missing one is a programming error.
    pub fn fact(&self, id: &str) -> &Fact {
        &self.facts[id]
    }

    pub fn holds(&self, id: &str, version: &Version) -> bool {
        self.fact(id).applies.matches(&crate::version::without_build(version))
    }

    pub fn form(&self, setting: SettingKind, scope: Scope, store: Store) -> Option<&Form> {
        self.forms.iter().find(|f| f.setting == setting && f.scope == scope && f.store == store)
    }

    pub fn rule(&self, code: &str) -> Option<&RuleDoc> {
        self.rules.iter().find(|r| r.code == code)
    }

    /// The hive whose versions include `version`, if the version reads the registry.
    pub fn hive_for(&self, version: &Version) -> Option<&Hive> {
        let v = crate::version::without_build(version);
        self.hives.iter().find(|h| h.applies.matches(&v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        crate::version::parse(s).unwrap()
    }

    #[test]
    fn embedded_rules_load() {
        let k = Knowledge::embedded().unwrap();
        assert_eq!(k.rows.len(), 6);
        assert_eq!(k.rules.len(), crate::lint::RULES.len());
    }

    #[test]
    fn every_row_of_the_version_table() {
        use Protocol::*;
        let k = Knowledge::embedded().unwrap();
        let cases: &[(&str, &[Protocol], ProtocolControl, Store, bool)] = &[
            ("6.9.6", &[Ssl2, Ssl3, Tls10], ProtocolControl::ForceTlsv1, Store::Registry, true),
            ("7.2.3.900", &[Ssl2, Ssl3, Tls10], ProtocolControl::ForceTlsv1, Store::Registry, true),
            ("7.2.4", &[Ssl2, Ssl3, Tls10], ProtocolControl::ForceTlsv1, Store::Registry, false),
            ("7.3.0", &[Ssl3, Tls10, Tls11, Tls12], ProtocolControl::Switches, Store::Registry, true),
            ("7.3.4", &[Ssl3, Tls10, Tls11, Tls12], ProtocolControl::Switches, Store::Registry, true),
            ("7.3.5", &[Tls10, Tls11, Tls12], ProtocolControl::Switches, Store::Registry, true),
            ("7.5.7", &[Tls10, Tls11, Tls12], ProtocolControl::Switches, Store::Registry, true),
            ("8.2.1.5620", &[Tls10, Tls11, Tls12], ProtocolControl::Switches, Store::Registry, true),
            ("9.9.9", &[Tls10, Tls11, Tls12], ProtocolControl::Switches, Store::Registry, true),
            ("10.0.0.77", &[Tls10, Tls11, Tls12, Tls13], ProtocolControl::None, Store::Advanced, true),
            ("10.0.1", &[Tls10, Tls11, Tls12, Tls13], ProtocolControl::Switches, Store::Advanced, true),
            ("10.2.0", &[Tls10, Tls11, Tls12, Tls13], ProtocolControl::Switches, Store::Advanced, true),
            ("10.99.99.1", &[Tls10, Tls11, Tls12, Tls13], ProtocolControl::Switches, Store::Advanced, true),
            ("11.0.0", &[Tls10, Tls11, Tls12, Tls13], ProtocolControl::Switches, Store::Advanced, true),
            ("11.1.0.900", &[Tls10, Tls11, Tls12, Tls13], ProtocolControl::Switches, Store::Advanced, true),
        ];
        for (version, protocols, control, store, covered) in cases {
            let m = k.row_for(&v(version));
            assert_eq!(m.row.sending, *protocols, "{version} sending");
            assert_eq!(m.row.receiving, *protocols, "{version} receiving");
            assert_eq!(m.row.protocol_control, *control, "{version}");
            assert_eq!(m.row.store, *store, "{version}");
            assert_eq!(m.covered, *covered, "{version}");
        }
        assert_eq!(k.row_for(&v("7.2.3")).row.receiving_confidence, Confidence::Inferred);
        assert_eq!(k.row_for(&v("7.2.3")).row.sending_confidence, Confidence::Certain);
        // 10.x is stated by Q21147; nothing states 11.x, so every value of its row is inferred.
        let ten = k.row_for(&v("10.2.5")).row;
        assert_eq!(
            (ten.sending_confidence, ten.receiving_confidence, ten.control_confidence),
            (Confidence::Certain, Confidence::Certain, Confidence::Certain)
        );
        let eleven = k.row_for(&v("11.0.0.1")).row;
        assert_eq!(
            (eleven.sending_confidence, eleven.receiving_confidence, eleven.control_confidence),
            (Confidence::Inferred, Confidence::Inferred, Confidence::Inferred)
        );
        assert!(eleven.assumed.as_deref().is_some_and(|a| a.contains("11.x")));
        assert!(eleven.sources.iter().any(|s| s == "Q21230"));
    }

    #[test]
    fn bad_rules_data_points_at_the_bytes() {
        let mut files = Knowledge::embedded().unwrap().files;
        files[VERSIONS].text = files[VERSIONS].text.replacen("range = \"=10.0.0\"", "range = \"=ten\"", 1);
        let e = Knowledge::from_files(files).unwrap_err();
        assert!(e.message.contains("`=ten` is not a version range"), "{}", e.message);
        assert!(e.span.is_some());
    }
}
