//! The array as the inputs state it: servers, array-wide Sender properties and raw product
//! settings, each remembering the file and bytes it came from. Parsers build it; nothing here
//! applies version defaults or judges anything (that is `posture` and `lint`).

use crate::source::{SourceFile, Span};
use crate::vocab::Strength;
use semver::Version;
use time::OffsetDateTime;

/// Index into `Array::files`.
pub type FileId = usize;

/// Where something was written: a file of the array and a byte span in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    ArrayManager,
    Processing,
}

#[derive(Debug, Clone, Default)]
pub struct Certificate {
    pub loc: Option<Loc>,
    pub subject: Option<String>,
    pub issuer: Option<String>,
    pub self_signed: Option<At<bool>>,
    pub not_before: Option<At<OffsetDateTime>>,
    pub not_after: Option<At<OffsetDateTime>>,
    /// Enhanced key usages as listed; `None` when the export lists none.
    pub eku: Option<At<Vec<String>>>,
    pub thumbprint: Option<String>,
    /// The `file` attribute, when the certificate's own fields were read from it.
    pub file: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Inbound {
    /// The `InboundSecurity` element.
    pub loc: Option<Loc>,
    pub tls_enabled: Option<At<bool>>,
    pub min_strength: Option<At<Strength>>,
    pub certificate: Option<Certificate>,
}

#[derive(Debug, Clone)]
pub struct Server {
    pub name: String,
    /// The `name` attribute's value.
    pub name_loc: Loc,
    pub role: Option<Role>,
    /// `Server/@address`: where `verify` reaches this server.
    pub address: Option<At<crate::target::Target>>,
    pub inbound: Inbound,
}

#[derive(Debug, Clone, Default)]
pub struct Outbound {
    /// The `OutboundSecurity` element.
    pub loc: Option<Loc>,
    pub tls_enabled: Option<At<bool>>,
    pub min_strength: Option<At<Strength>>,
    pub offer_client_certificate: Option<At<bool>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SettingOrigin {
    /// A value under a registry key (a `.reg` file or the XML `<Registry>` element).
    Registry { key: String },
    /// An Advanced Settings entry (`.settings` or `<AdvancedSettings>`): `name` is dotted.
    Advanced,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SettingValue {
    Dword(u32),
    Qword(u64),
    Integer(i64),
    /// An Advanced Settings Boolean (`True` / `False`).
    Boolean(bool),
    Str(String),
    MultiStr(Vec<String>),
    Binary(Vec<u8>),
    /// A value whose text does not fit its declared type (`REG_DWORD` "abc").
    Invalid {
        declared: String,
        text: String,
    },
}

impl SettingValue {
    /// How the value reads in a message: `DWORD 1`, `String "x"`.
    pub fn describe(&self) -> String {
        match self {
            SettingValue::Dword(v) => format!("DWORD {v}"),
            SettingValue::Qword(v) => format!("QWORD {v}"),
            SettingValue::Integer(v) => format!("Integer {v}"),
            SettingValue::Boolean(v) => format!("Boolean {}", bool_text(*v)),
            SettingValue::Str(s) => format!("String \"{s}\""),
            SettingValue::MultiStr(v) => format!("multi-string {v:?}"),
            SettingValue::Binary(b) => format!("binary ({} bytes)", b.len()),
            SettingValue::Invalid { declared, text } => format!("{declared} \"{text}\""),
        }
    }
}

/// How the product writes a Boolean: `True` / `False`.
pub fn bool_text(v: bool) -> &'static str {
    if v { "True" } else { "False" }
}

/// Reads an Advanced Settings Boolean: `True` / `False` in any case, also `1` / `0`.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Some(false)
    } else {
        None
    }
}

/// One product setting occurrence, in input order.
#[derive(Debug, Clone)]
pub struct Setting {
    pub origin: SettingOrigin,
    pub name: String,
    pub value: SettingValue,
    pub loc: Loc,
    pub name_loc: Loc,
    pub value_loc: Loc,
}

/// A `seglint-allow` comment in an input file, with what it covers, as the parser saw it.
#[derive(Debug, Clone)]
pub struct Comment {
    pub text: String,
    pub loc: Loc,
    pub covers: Covers,
}

/// What an inline suppression comment covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covers {
    /// Before the root element: the whole array.
    Array,
    /// The next element with its children (XML), or the next setting line (.reg, .settings).
    Bytes(Loc),
    /// Nothing follows it.
    Nothing,
}

/// Whether a comment's text is an inline suppression; other comments are not kept.
pub fn is_suppression(text: &str) -> bool {
    text.trim_start().starts_with("seglint-allow")
}

/// One array: what one Array Manager administers.
#[derive(Debug, Clone)]
pub struct Array {
    /// The command-line argument as given.
    pub source: String,
    pub files: Vec<SourceFile>,
    pub name: Option<String>,
    pub version: Version,
    /// Where the version was read; `None` when it came from `--seg-version`.
    pub version_loc: Option<Loc>,
    pub outbound: Outbound,
    pub servers: Vec<Server>,
    /// Settings in input order: the XML export first, then `.reg`, then `.settings` files.
    pub settings: Vec<Setting>,
    /// Elements and attributes seglint does not know (listed with `--verbose`).
    pub unknown: Vec<At<String>>,
    pub comments: Vec<Comment>,
    /// `servers` by name (ASCII case folded), built at the first look-up: a setting per server
    /// of thousands would otherwise scan them all.
    pub server_index: ServerIndex,
}

/// The index of `Array::server`, and the number of servers it was built from. Servers do not
/// change once an array is read (nothing in seglint changes them); code that adds or removes
/// one, or moves a name, is sent back to the scan by the count and the name check. Renaming a
/// server in place after the first look-up is the one change it does not see.
#[derive(Debug, Clone, Default)]
pub struct ServerIndex(std::sync::OnceLock<(usize, std::collections::HashMap<String, usize>)>);

impl Array {
    pub fn server(&self, name: &str) -> Option<&Server> {
        let (built_from, index) = self.server_index.0.get_or_init(|| {
            let mut index = std::collections::HashMap::with_capacity(self.servers.len());
            for (i, s) in self.servers.iter().enumerate() {
                index.entry(s.name.to_ascii_lowercase()).or_insert(i);
            }
            (self.servers.len(), index)
        });
        let scan = || self.servers.iter().find(|s| s.name.eq_ignore_ascii_case(name));
        if *built_from != self.servers.len() {
            return scan();
        }
        match index.get(&name.to_ascii_lowercase()).map(|&i| &self.servers[i]) {
            Some(s) if s.name.eq_ignore_ascii_case(name) => Some(s),
            Some(_) => scan(),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    /// The index answers as the scan: any ASCII case, the first of a name, nothing for none,
    /// and the scan again once the servers changed.
    #[test]
    fn server_look_ups_answer_as_the_scan() {
        let text = r#"<SegConfiguration productVersion="10.1.0"><Servers><Server name="Mail01"/><Server name="MAIL02"/><Server name="Zürich"/></Servers></SegConfiguration>"#;
        let opts = crate::input::LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
        let mut a = crate::input::load_text("x.xml", text, &opts).unwrap();
        let name = |a: &super::Array, n: &str| a.server(n).map(|s| s.name.clone());
        assert_eq!(name(&a, "MAIL01").as_deref(), Some("Mail01"));
        assert_eq!(name(&a, "mail02").as_deref(), Some("MAIL02"));
        assert_eq!(name(&a, "Zürich").as_deref(), Some("Zürich"));
        assert_eq!(name(&a, "ZÜRICH"), None, "only ASCII letters fold, as eq_ignore_ascii_case");
        assert_eq!(name(&a, "MAIL03"), None);
        let mut extra = a.servers[0].clone();
        extra.name = "MAIL03".into();
        a.servers.insert(0, extra);
        assert_eq!(name(&a, "mail03").as_deref(), Some("MAIL03"), "a stale index falls back to the scan");
        assert_eq!(name(&a, "mail01").as_deref(), Some("Mail01"));
    }
}
