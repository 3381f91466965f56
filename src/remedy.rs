//! How to change a TLS setting on a given version, in that version's own form: a registry value
//! on the Array Manager (7.3 – 9.x), an Advanced Settings line (10.0.1+), or the honest answer
//! that the version cannot do it. Used by findings' help and by migration reports.
//! It never reads a fix's text back: what a fix assumes travels beside it, as notes and sources.

use crate::knowledge::{Hive, Knowledge, ProtocolControl, Store};
use crate::vocab::{Confidence, Direction, Protocol};
use semver::Version;

/// A fix in words, with what it assumes: the notes and articles of any inferred place it names
/// (the 7.x registry hive). Findings take all three; nothing reads the text back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fix {
    pub text: String,
    pub notes: Vec<String>,
    pub sources: Vec<String>,
}

impl Fix {
    pub fn new(text: impl Into<String>) -> Fix {
        Fix { text: text.into(), ..Fix::default() }
    }

    /// Both fixes, the texts joined with "; ", notes and sources once each.
    pub fn and(mut self, other: Fix) -> Fix {
        self.text = match (self.text.is_empty(), other.text.is_empty()) {
            (true, _) => other.text,
            (false, true) => self.text,
            (false, false) => format!("{}; {}", self.text, other.text),
        };
        self.assumes(other.notes, other.sources)
    }

    fn assumes(mut self, notes: Vec<String>, sources: Vec<String>) -> Fix {
        for n in notes {
            if !self.notes.contains(&n) {
                self.notes.push(n);
            }
        }
        for s in sources {
            if !self.sources.contains(&s) {
                self.sources.push(s);
            }
        }
        self
    }

    /// Marks that the text names `hive`'s path: an inferred hive says so, with its articles.
    pub fn naming(self, hive: &Hive, layout: Layout) -> Fix {
        if hive.confidence != Confidence::Inferred {
            return self;
        }
        let how = if layout.wow6432 {
            "Wow6432Node follows this array's own .reg files"
        } else {
            "on 64-bit Windows it may sit under SOFTWARE\\Wow6432Node"
        };
        let note = format!(
            "inferred: the {} registry path HKEY_LOCAL_MACHINE\\SOFTWARE\\{} is assumed from the layout of the sister product ({how})",
            hive.generation, hive.root
        );
        self.assumes(vec![note], hive.sources.clone())
    }
}

/// How the array's own registry exports write key paths: whether `Wow6432Node\` follows
/// `SOFTWARE\` (32-bit services on 64-bit Windows). Fixes follow the array's own layout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Layout {
    pub wow6432: bool,
}

impl Layout {
    /// The layout the array's registry values show under `version`'s own hive, else under any
    /// hive (the same machine keeps its layout across an upgrade); without any, the plain one.
    pub fn of(k: &Knowledge, array: &crate::model::Array, version: &Version) -> Layout {
        let keys: Vec<Vec<&str>> = array
            .settings
            .iter()
            .filter_map(|s| match &s.origin {
                crate::model::SettingOrigin::Registry { key } => Some(key.split('\\').collect()),
                crate::model::SettingOrigin::Advanced => None,
            })
            .collect();
        let wow = |parts: &Vec<&str>| parts.get(2).is_some_and(|p| p.eq_ignore_ascii_case("Wow6432Node"));
        let root = k.hive_for(version).map(|h| h.root.split('\\').next().unwrap_or("").to_string());
        let own = keys.iter().find(|parts| {
            let first = if wow(parts) { parts.get(3) } else { parts.get(2) };
            first.zip(root.as_deref()).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
        });
        Layout { wow6432: own.map_or_else(|| keys.iter().any(wow), wow) }
    }

    /// `Wow6432Node\` or nothing, to put after `SOFTWARE\`.
    pub fn wow(self) -> &'static str {
        if self.wow6432 { "Wow6432Node\\" } else { "" }
    }
}

/// One setting in the target's own form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingLine {
    /// The registry key (registry store) or `None` (Advanced Settings).
    pub key: Option<String>,
    pub name: String,
    pub value: u32,
}

impl SettingLine {
    pub fn describe(&self) -> String {
        match &self.key {
            Some(key) => format!("{} = {} (DWORD) under {}", self.name, self.value, key),
            None => format!("{} = {} (Integer)", self.name, self.value),
        }
    }
}

/// A place a setting applies to: a direction, and for receiving optionally one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At<'a> {
    pub direction: Direction,
    pub server: Option<&'a str>,
}

impl At<'_> {
    pub const SENDING: At<'static> = At { direction: Direction::Outbound, server: None };
    pub const RECEIVING: At<'static> = At { direction: Direction::Inbound, server: None };

    fn service(self) -> &'static str {
        match self.direction {
            Direction::Inbound => "Receiver",
            Direction::Outbound => "Sender",
        }
    }
}

/// Fixes for one version of the product, in that version's own form, following the registry
/// layout the array's own files show.
#[derive(Debug, Clone, Copy)]
pub struct Remedy<'k> {
    pub k: &'k Knowledge,
    pub version: &'k Version,
    pub layout: Layout,
}

impl<'k> Remedy<'k> {
    pub fn new(k: &'k Knowledge, version: &'k Version, layout: Layout) -> Remedy<'k> {
        Remedy { k, version, layout }
    }

    /// The registry key of a place and the hive it is under, for a registry version.
    pub fn registry_key(&self, at: At<'_>) -> Option<(String, &'k Hive)> {
        let hive = self.k.hive_for(self.version)?;
        let base = format!("HKEY_LOCAL_MACHINE\\SOFTWARE\\{}{}", self.layout.wow(), hive.root);
        let key = match at {
            At { direction: Direction::Outbound, .. } => format!("{base}\\Default\\Sender"),
            At { server: Some(s), .. } => format!("{base}\\Servers\\{s}\\Receiver"),
            At { server: None, .. } => format!("{base}\\Default\\Receiver"),
        };
        Some((key, hive))
    }

    /// The switch that allows (1) or forbids (0) `protocol` at a place, where the version has one.
    pub fn switch_line(&self, at: At<'_>, protocol: Protocol, on: bool) -> Option<SettingLine> {
        let row = self.k.row_for(self.version).row;
        if row.protocol_control != ProtocolControl::Switches || !row.switches.contains(&protocol) {
            return None;
        }
        let leaf = format!("{}{}", self.k.names.protocol_switch_prefix, protocol.switch_suffix());
        let value = u32::from(on);
        Some(match row.store {
            Store::Registry => SettingLine { key: Some(self.registry_key(at)?.0), name: leaf, value },
            Store::Advanced => {
                let name = match at {
                    At { direction: Direction::Outbound, .. } => format!("Sender.{leaf}"),
                    At { server: Some(s), .. } => format!("Servers.{s}.{leaf}"),
                    At { server: None, .. } => format!("Receiver.{leaf}"),
                };
                SettingLine { key: None, name, value }
            }
        })
    }

    /// What to do so that `protocols` are allowed (`on`) or not at a place.
    pub fn protocol_fix(&self, at: At<'_>, protocols: &[Protocol], on: bool) -> Fix {
        let row = self.k.row_for(self.version).row;
        let names = protocols.iter().map(|p| p.name()).collect::<Vec<_>>().join(" and ");
        let upgrade =
            row.upgrade_for_control.as_ref().map_or_else(|| "a later version".to_string(), |v| format!("{v} or later"));
        match row.protocol_control {
            ProtocolControl::None => {
                let then = self.upgraded().map(|r| r.grouped(at, protocols, on).text).unwrap_or_default();
                Fix::new(format!(
                    "{} cannot change protocols (every protocol setting is ignored): upgrade to {upgrade}, then {then}",
                    row.label
                ))
            }
            ProtocolControl::ForceTlsv1 => match self.registry_key(At::SENDING) {
                Some((key, hive)) if at.direction == Direction::Outbound && !on && !protocols.contains(&Protocol::Tls10) => {
                    Fix::new(format!(
                        "set {} = 1 (DWORD) under {key} on the Array Manager so that sending uses TLSv1.0 alone, then commit configuration and restart the Sender service on each processing server; or upgrade to {upgrade}",
                        self.k.names.force_tlsv1
                    ))
                    .naming(hive, self.layout)
                }
                _ => {
                    let verb = if on { "allow" } else { "stop" };
                    let when = if at.direction == Direction::Inbound { "receiving" } else { "sending" };
                    Fix::new(format!(
                        "{} cannot {verb} {names} when {when}: upgrade to {upgrade}, where each protocol has its own switch",
                        row.label
                    ))
                }
            },
            ProtocolControl::Switches => self.switches_fix(at, protocols, on),
        }
    }

    fn switches_fix(&self, at: At<'_>, protocols: &[Protocol], on: bool) -> Fix {
        let row = self.k.row_for(self.version).row;
        let here = self.grouped(at, protocols, on);
        if here.text.is_empty() {
            let names = protocols.iter().map(|p| p.name()).collect::<Vec<_>>().join(" and ");
            return Fix::new(format!("{} has no switch for {names}", row.label));
        }
        let wider = match at {
            At { direction: Direction::Inbound, server: Some(_) } => Some(self.grouped(At::RECEIVING, protocols, on)),
            _ => None,
        };
        let place = match row.store {
            Store::Registry => "on the Array Manager",
            Store::Advanced => "in the Management Console, Advanced Settings,",
        };
        let wider_text = wider.as_ref().map(|w| format!(" (or, for every server: {})", w.text)).unwrap_or_default();
        let text = format!(
            "{place} {}{wider_text}; then commit configuration and restart the {} service on each processing server",
            here.text,
            at.service()
        );
        let fix = Fix { text, ..here };
        match wider {
            Some(w) => fix.and(Fix { text: String::new(), ..w }),
            None => fix,
        }
    }

    /// The remedy of the first version that can change protocols, for a row that cannot.
    fn upgraded(&self) -> Option<Remedy<'k>> {
        let to = self.k.row_for(self.version).row.upgrade_for_control.as_ref()?;
        let row = self.k.row_for(to).row;
        Some(Remedy { k: self.k, version: &row.from, layout: Layout::default() })
    }

    /// "under KEY set A = 0 and B = 0 (DWORD)" or "set X.A = 0 and X.B = 0 (Integer)".
    fn grouped(&self, at: At<'_>, protocols: &[Protocol], on: bool) -> Fix {
        let lines: Vec<SettingLine> = protocols.iter().filter_map(|&p| self.switch_line(at, p, on)).collect();
        let Some(first) = lines.first() else { return Fix::default() };
        let sets = lines.iter().map(|l| format!("{} = {}", l.name, l.value)).collect::<Vec<_>>().join(" and ");
        match (&first.key, self.registry_key(at)) {
            (Some(key), Some((_, hive))) => {
                Fix::new(format!("under {key} set {sets} (DWORD)")).naming(hive, self.layout)
            }
            _ => Fix::new(format!("set {sets} (Integer)")),
        }
    }

    /// Where the minimum cipher strength is set, in the console's words.
    pub fn cipher_floor_place(&self, at: At<'_>) -> String {
        let console = match self.k.row_for(self.version).row.store {
            Store::Advanced => "the Management Console",
            Store::Registry => "the Configurator",
        };
        match at {
            At { direction: Direction::Outbound, .. } => format!(
                "in {console}: SEG Properties → Sender → Outbound Security (TLS), minimum cipher strength (array-wide)"
            ),
            At { server: Some(s), .. } => format!(
                "in {console}: Mail Servers → {s} → Server Properties → Inbound Security (TLS), minimum cipher strength"
            ),
            At { server: None, .. } => {
                format!("in {console}: Mail Servers → each server → Inbound Security (TLS), minimum cipher strength")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        crate::version::parse(s).unwrap()
    }

    #[test]
    fn fixes_take_the_form_of_each_protocol_control() {
        let k = Knowledge::embedded().unwrap();
        let at = |server| At { direction: Direction::Inbound, server };
        let fix = |version: &str, a: At<'_>, on| {
            Remedy::new(&k, &v(version), Layout::default()).protocol_fix(a, &[Protocol::Ssl3], on)
        };
        // Switches in the registry: the key, and for one server the array-wide alternative.
        let f = fix("8.2.1", at(Some("MAIL01")), false);
        assert!(
            f.text.contains("Secure Email Gateway\\Servers\\MAIL01\\Receiver set SSLMethodSSLv3 = 0 (DWORD)"),
            "{}",
            f.text
        );
        assert!(f.text.contains("(or, for every server: under HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave"), "{}", f.text);
        assert!(f.notes.is_empty(), "the 8.x hive is certain");
        // The 7.x hive is assumed: the fix says so, once, with its article.
        let f = fix("7.3.5", at(Some("MAIL01")), false);
        assert_eq!(f.notes.len(), 1);
        assert!(f.notes[0].starts_with("inferred: the 7.x registry path") && f.sources == ["Q13970"], "{f:?}");
        // Advanced Settings on 10.x; an honest answer on 10.0.0 and on 7.2.3.
        assert!(fix("10.2.0", at(None), false).text.contains("set Receiver.SSLMethodSSLv3 = 0 (Integer)"));
        let f = fix("10.0.0", at(None), false);
        assert!(
            f.text.starts_with("10.0.0 cannot change protocols") && f.text.contains("upgrade to 10.0.1 or later"),
            "{}",
            f.text
        );
        let f = fix("7.2.3", At::SENDING, false);
        assert!(
            f.text.contains(
                "set ForceTLSv1 = 1 (DWORD) under HKEY_LOCAL_MACHINE\\SOFTWARE\\Marshal\\MailMarshal\\Default\\Sender"
            ),
            "{}",
            f.text
        );
        assert!(
            fix("7.2.3", at(None), false).text.contains("cannot stop SSLv3 when receiving: upgrade to 7.3.5 or later")
        );
    }

    #[test]
    fn the_layout_follows_the_arrays_own_hive() {
        let k = Knowledge::embedded().unwrap();
        let opts = crate::input::LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
        let key =
            |path: &str| format!(r#"<Key path="{path}"><Value name="SSLMethodSSLv3" type="REG_DWORD">0</Value></Key>"#);
        let xml = |keys: &str| {
            format!(r#"<SegConfiguration productVersion="8.2.1"><Registry>{keys}</Registry></SegConfiguration>"#)
        };
        let wow8 = key(r"HKLM\SOFTWARE\Wow6432Node\Trustwave\Secure Email Gateway\Default\Receiver");
        let plain8 = key(r"HKLM\SOFTWARE\Trustwave\Secure Email Gateway\Default\Receiver");
        let wow7 = key(r"HKLM\SOFTWARE\Wow6432Node\Marshal\MailMarshal\Default\Receiver");
        for (keys, wow) in
            [(wow8.clone(), true), (plain8.clone() + &wow7, false), (wow7.clone(), true), (String::new(), false)]
        {
            let a = crate::input::load_text("t.xml", &xml(&keys), &opts).unwrap();
            assert_eq!(Layout::of(&k, &a, &v("8.2.1")).wow6432, wow, "{keys}");
        }
    }

    #[test]
    fn fixes_join_once() {
        let a = Fix { text: "a".into(), notes: vec!["n".into()], sources: vec!["Q1".into()] };
        let b = Fix { text: "b".into(), notes: vec!["n".into()], sources: vec!["Q1".into(), "Q2".into()] };
        let j = a.and(b);
        assert_eq!((j.text.as_str(), j.notes.len(), j.sources.len()), ("a; b", 1, 2));
        assert_eq!(Fix::default().and(Fix::new("x")).text, "x");
    }
}
