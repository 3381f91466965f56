//! Loads the domain facts kept as data in `rules/*.toml` (embedded at build time, replaceable
//! with `--rules DIR`) into validated tables, one module per data file, keeping spans so that
//! diagnostics can point at the line that decided. It judges no array; it only answers "what
//! holds for version V", and it knows the rules only through the registry below it.

mod catalog;
mod migrate;
mod settings;
mod tree;
mod versions;

pub use catalog::RuleDoc;
pub use migrate::{Boundary, BoundaryItem, CarryAction, Condition, ItemKind, ItemWay};
pub use settings::{Form, Hive, Names, Scope, SettingKind};
pub use versions::{Fact, ProtocolControl, REQUIRED_FACTS, Row, Store};

use crate::registry::Rule;
use crate::source::{SourceFile, Span};
use miette::{Diagnostic, NamedSource, SourceSpan};
use semver::{Version, VersionReq};
use std::collections::BTreeMap;
use std::path::Path;
use thiserror::Error;
use toml::Spanned;

const EMBEDDED: [(&str, &str); 4] = [
    ("versions.toml", include_str!("../../rules/versions.toml")),
    ("settings.toml", include_str!("../../rules/settings.toml")),
    ("catalog.toml", include_str!("../../rules/catalog.toml")),
    ("migrate.toml", include_str!("../../rules/migrate.toml")),
];
const VERSIONS: usize = 0;
const SETTINGS: usize = 1;
const CATALOG: usize = 2;
const MIGRATE: usize = 3;

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

/// A place in one of the `rules/*.toml` data files (index into `Knowledge::files`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataRef {
    pub file: usize,
    pub span: Span,
}

impl DataRef {
    fn of(file: usize, range: std::ops::Range<usize>) -> DataRef {
        DataRef { file, span: span_of(range) }
    }
}

/// The data files being loaded, for parsing and for errors that point into them.
struct Doc<'a> {
    files: &'a [SourceFile],
    /// Whether a built-in text is read from its tree compiled by build.rs (always, but in the
    /// test that holds the trees to the text).
    compiled: bool,
}

impl Doc<'_> {
    /// A data file's tables: the built-in text from its tree compiled by build.rs (lexing the
    /// TOML took most of every start), any other text parsed.
    fn parse<T: serde::de::DeserializeOwned>(&self, file: usize) -> Result<T, KnowledgeError> {
        let compiled =
            tree::TREES[file].as_ref().filter(|_| self.compiled && self.files[file].text == EMBEDDED[file].1);
        let parsed = match compiled {
            Some(root) => tree::read(root).map_err(|e| (e.message, e.span)),
            None => toml::from_str(&self.files[file].text).map_err(|e| (e.message().trim().to_string(), e.span())),
        };
        parsed.map_err(|(message, span)| {
            let f = &self.files[file];
            KnowledgeError {
                file: f.display.clone(),
                message,
                src: NamedSource::new(f.display.clone(), f.text.to_string()),
                span: span.map(|r| span_of(r).into()),
                help: None,
            }
        })
    }

    fn error(&self, file: usize, span: Option<std::ops::Range<usize>>, message: String, help: &str) -> KnowledgeError {
        let f = &self.files[file];
        KnowledgeError {
            file: f.display.clone(),
            message,
            src: NamedSource::new(f.display.clone(), f.text.to_string()),
            span: span.map(|r| span_of(r).into()),
            help: Some(help.to_string()),
        }
    }

    fn range(&self, file: usize, s: &Spanned<String>) -> Result<VersionReq, KnowledgeError> {
        VersionReq::parse(s.get_ref()).map_err(|e| {
            let message = format!("`{}` is not a version range: {e}", s.get_ref());
            self.error(
                file,
                Some(s.span()),
                message,
                "write a semver requirement such as \">=7.3.5, <10.0.0\" or \"=10.0.0\"",
            )
        })
    }

    fn version(&self, file: usize, s: &Spanned<String>, help: &str) -> Result<Version, KnowledgeError> {
        crate::version::parse(s.get_ref()).map_err(|e| self.error(file, Some(s.span()), e.to_string(), help))
    }
}

/// Which row applies to a version, and whether the version is really in it.
#[derive(Debug, Clone, Copy)]
pub struct RowMatch<'k> {
    pub row: &'k Row,
    pub covered: bool,
}

#[derive(Debug, Clone)]
pub struct Knowledge {
    /// The data files, for diagnostics: versions, settings, catalog, migrate.
    pub files: Vec<SourceFile>,
    pub rows: Vec<Row>,
    pub facts: BTreeMap<String, Fact>,
    pub names: Names,
    pub hives: Vec<Hive>,
    pub forms: Vec<Form>,
    /// Each rule's documentation, in `Rule::ALL` order.
    docs: Vec<RuleDoc>,
    /// Upgrade boundaries, oldest first.
    pub boundaries: Vec<Boundary>,
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
            .map(|(name, text)| SourceFile::new(format!("rules/{name}"), builtin_display(name), *text))
            .collect();
        Knowledge::from_files(files)
    }

    /// The facts of `dir`: each of its files replaces the embedded one of the same name.
    pub fn load(dir: Option<&Path>) -> Result<Knowledge, KnowledgeError> {
        let Some(dir) = dir else { return Knowledge::embedded() };
        let mut files = Vec::new();
        for (name, text) in EMBEDDED {
            let path = dir.join(name);
            let file = match crate::source::read_regular_file(&path, crate::source::MAX_SIDE_FILE) {
                Ok(bytes) => {
                    let text = String::from_utf8(bytes).map_err(|_| KnowledgeError {
                        file: path.display().to_string(),
                        message: "the file is not UTF-8".into(),
                        src: NamedSource::new(path.display().to_string(), String::new()),
                        span: None,
                        help: Some("save the rules file as UTF-8".into()),
                    })?;
                    SourceFile::new(&path, path.display().to_string(), text)
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    SourceFile::new(format!("rules/{name}"), builtin_display(name), text)
                }
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

    /// The embedded facts with the text of one data file (`versions.toml`, …) replaced, as
    /// `--rules DIR` holding only that file gives them; the fuzz target of the loader uses it.
    pub fn with_file(name: &str, text: String) -> Result<Knowledge, KnowledgeError> {
        let mut text = Some(text);
        let files = EMBEDDED
            .iter()
            .map(|(n, builtin)| match text.take_if(|_| *n == name) {
                Some(t) => SourceFile::new(format!("rules/{n}"), format!("rules/{n}"), t),
                None => SourceFile::new(format!("rules/{n}"), builtin_display(n), *builtin),
            })
            .collect();
        Knowledge::from_files(files)
    }

    fn from_files(files: Vec<SourceFile>) -> Result<Knowledge, KnowledgeError> {
        Knowledge::read(files, true)
    }

    fn read(files: Vec<SourceFile>, compiled: bool) -> Result<Knowledge, KnowledgeError> {
        let doc = Doc { files: &files, compiled };
        let (rows, facts) = versions::load(&doc)?;
        let (names, hives, forms) = settings::load(&doc)?;
        let docs = catalog::load(&doc)?.into_iter().map(|(_, d)| d).collect();
        let boundaries = migrate::load(&doc)?;
        Ok(Knowledge { names, files, rows, facts, hives, forms, docs, boundaries })
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

    /// A rule's documentation; every rule has one (checked when the data loads).
    pub fn doc(&self, rule: Rule) -> &RuleDoc {
        &self.docs[rule as usize]
    }

    /// Every rule with its documentation, in code order.
    pub fn docs(&self) -> impl Iterator<Item = (Rule, &RuleDoc)> {
        Rule::ALL.iter().map(|&r| (r, self.doc(r)))
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
    use crate::vocab::Confidence;

    fn v(s: &str) -> Version {
        crate::version::parse(s).unwrap()
    }

    #[test]
    fn embedded_rules_load() {
        let k = Knowledge::embedded().unwrap();
        assert_eq!(k.rows.len(), 6);
        assert_eq!(k.docs.len(), Rule::ALL.len());
        assert!(Rule::ALL.iter().all(|&r| k.doc(r).code == r.code()));
    }

    #[test]
    fn every_row_of_the_version_table() {
        use crate::vocab::Protocol::{self, *};
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
    fn the_compiled_rules_data_reads_as_its_text() {
        let compiled = Knowledge::read(Knowledge::embedded().unwrap().files, true).unwrap();
        let parsed = Knowledge::read(Knowledge::embedded().unwrap().files, false).unwrap();
        assert_eq!(format!("{compiled:?}"), format!("{parsed:?}"), "the same tables and spans");
        let built = [VERSIONS, SETTINGS, MIGRATE].map(|f| tree::TREES[f].is_some());
        assert_eq!(built, [true; 3], "build.rs compiles every file but the catalog (compiled apart)");
    }

    #[test]
    fn bad_rules_data_points_at_the_bytes() {
        let mut files = Knowledge::embedded().unwrap().files;
        files[VERSIONS].text = files[VERSIONS].text.replacen("range = \"=10.0.0\"", "range = \"=ten\"", 1).into();
        let e = Knowledge::from_files(files).unwrap_err();
        assert!(e.message.contains("`=ten` is not a version range"), "{}", e.message);
        assert!(e.span.is_some());
    }

    #[test]
    fn one_data_file_replaced_is_read_as_rules_dir_reads_it() {
        let text = EMBEDDED[VERSIONS].1.replacen("range = \"=10.0.0\"", "range = \"=ten\"", 1);
        let e = Knowledge::with_file("versions.toml", text).unwrap_err();
        assert_eq!(e.file, "rules/versions.toml", "named as the replaced file, not as the built-in one");
        let span = e.span.unwrap();
        assert_eq!(&e.src.inner()[span.offset()..span.offset() + span.len()], "\"=ten\"");
        assert!(Knowledge::with_file("catalog.toml", EMBEDDED[CATALOG].1.to_string()).is_ok());
    }

    #[test]
    fn a_misspelt_carry_action_or_condition_is_a_load_error_with_a_span() {
        for (from, to) in [
            ("carry = [\"sslv3-off\"]", "carry = [\"sslv3-of\"]"),
            ("when = \"always\"", "when = \"alwys\""),
            ("kind = \"risk\"", "kind = \"risky\""),
        ] {
            let mut files = Knowledge::embedded().unwrap().files;
            files[MIGRATE].text = files[MIGRATE].text.replacen(from, to, 1).into();
            let e = Knowledge::from_files(files).unwrap_err();
            assert!(e.message.contains("unknown variant"), "{to}: {}", e.message);
            assert!(e.span.is_some(), "{to}");
        }
    }

    #[test]
    fn the_catalog_must_agree_with_the_registry() {
        let mut files = Knowledge::embedded().unwrap().files;
        files[CATALOG].text = files[CATALOG].text.replacen("name = \"sslv3-enabled\"", "name = \"sslv3-on\"", 1).into();
        assert!(Knowledge::from_files(files).unwrap_err().message.contains("is named `sslv3-enabled`"));
        let mut files = Knowledge::embedded().unwrap().files;
        let first = files[CATALOG].text.find("severity = \"error\"").unwrap();
        files[CATALOG].text.to_mut().replace_range(first..first + 18, "severity = \"info\"");
        assert!(Knowledge::from_files(files).unwrap_err().message.contains("default severity"));
    }
}
