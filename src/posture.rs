//! The effective posture: for a version, which protocols, cipher floor, cipher list and
//! client-certificate offer are really in force per server and direction, each value with its
//! evidence (explicit, default, inferred) and where it came from. It also classifies every raw
//! setting (effective, ineffective, unknown, invalid…). It reports nothing: `lint` does.

use crate::knowledge::DataRef;
use crate::knowledge::{Knowledge, ProtocolControl, RowMatch, Scope, SettingKind, Store};
use crate::model::{Array, Loc, Setting, SettingOrigin, SettingValue};
use crate::remedy::{Fix, Layout};
use crate::vocab::suggest;
use crate::vocab::{Confidence, Direction, Evidence};
use crate::vocab::{Protocol, Strength};
use semver::Version;
use std::collections::HashMap;

/// A value in force and why.
#[derive(Debug, Clone)]
pub struct Evidenced<T> {
    pub value: T,
    pub evidence: Evidence,
    /// Of the fact or setting form behind the value.
    pub confidence: Confidence,
    /// Where an explicit value was set.
    pub loc: Option<Loc>,
    /// Where in `rules/` a default is defined.
    pub data: Option<DataRef>,
    /// In words: `Receiver.SSLMethodSSLv3 = 1`, `default for 7.3.5 - 9.x`.
    pub via: String,
    pub sources: Vec<String>,
    /// What is assumed, when the confidence is `Inferred`.
    pub caveat: Option<String>,
    /// For an explicit product setting: its name and place, without the value.
    pub setting: Option<String>,
}

impl<T> Evidenced<T> {
    fn explicit(value: T, loc: Loc, via: String, confidence: Confidence, sources: Vec<String>) -> Self {
        Evidenced {
            value,
            evidence: Evidence::Explicit,
            confidence,
            loc: Some(loc),
            data: None,
            via,
            sources,
            caveat: None,
            setting: None,
        }
    }

    /// An attribute of the XML export, as written.
    fn attribute(at: &crate::model::At<T>, name: &str) -> Self
    where
        T: Copy + std::fmt::Display,
    {
        Evidenced::explicit(at.value, at.loc, format!("{name}=\"{}\"", at.value), Confidence::Certain, vec![])
    }

    /// A default of the export format itself (not of a product version).
    fn absent(value: T, via: &str) -> Self {
        Evidenced {
            value,
            evidence: Evidence::Default,
            confidence: Confidence::Certain,
            loc: None,
            data: None,
            via: via.into(),
            sources: vec![],
            caveat: None,
            setting: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ProtocolState {
    pub protocol: Protocol,
    pub allowed: Evidenced<bool>,
    /// Allowed and able to work (SSLv2 needs a certificate when receiving on 7.3.0+).
    pub effective: bool,
}

#[derive(Debug, Clone)]
pub struct DirectionPosture {
    pub direction: Direction,
    /// The server for inbound; `None` for the array-wide outbound posture.
    pub server: Option<String>,
    pub tls_enabled: Evidenced<bool>,
    /// All six protocols, oldest first.
    pub protocols: Vec<ProtocolState>,
    /// `None` when the export states no minimum.
    pub cipher_floor: Option<Evidenced<Strength>>,
    pub cipher_list: Option<Evidenced<String>>,
    pub offer_client_certificate: Option<Evidenced<bool>>,
    /// Outbound DANE validation (10.1.0 and later; `None` where the version has none).
    pub dane: Option<Evidenced<bool>>,
}

impl DirectionPosture {
    pub fn effective(&self) -> Vec<Protocol> {
        self.protocols.iter().filter(|p| p.effective).map(|p| p.protocol).collect()
    }

    pub fn state(&self, p: Protocol) -> &ProtocolState {
        &self.protocols[p as usize]
    }
}

/// Where a setting applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    ArrayInbound,
    /// The server name as written.
    ServerInbound(String),
    ArrayOutbound,
    Other,
}

impl Place {
    pub fn direction(&self) -> Option<Direction> {
        match self {
            Place::ArrayInbound | Place::ServerInbound(_) => Some(Direction::Inbound),
            Place::ArrayOutbound => Some(Direction::Outbound),
            Place::Other => None,
        }
    }

    fn scope(&self) -> Option<Scope> {
        match self {
            Place::ArrayInbound => Some(Scope::ArrayInbound),
            Place::ServerInbound(_) => Some(Scope::ServerInbound),
            Place::ArrayOutbound => Some(Scope::ArrayOutbound),
            Place::Other => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Switch { protocol: Protocol, on: bool },
    CipherList(String),
    ForceTlsv1(bool),
    Dane(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Class {
    /// Not a TLS setting seglint reads; ignored.
    NotTls,
    /// SEG402: the version ignores it: why, and what to do instead. `by_row` when the version
    /// table's protocol control decided.
    Ineffective {
        reason: String,
        fix: Fix,
        by_row: bool,
    },
    /// SEG501: names a server the export lacks.
    UnknownServer {
        written: String,
        suggestion: Option<String>,
    },
    /// SEG403: looks like a TLS setting but is none.
    Unknown {
        suggestion: Option<String>,
        reason: String,
    },
    /// SEG404: the value is outside its space; what would be accepted.
    Invalid {
        expected: String,
    },
    /// SEG106: a protocol switch this version does not have.
    Unsupported(Protocol),
    Effective(Effect),
}

/// One raw setting, classified for a version.
#[derive(Debug, Clone)]
pub struct Classified<'a> {
    /// The raw setting, as the array holds it.
    pub setting: &'a Setting,
    pub class: Class,
    pub place: Place,
    pub direction: Option<Direction>,
    /// The server the setting names, as the export spells it, when that server exists.
    pub server: Option<String>,
    pub kind: Option<SettingKind>,
    /// How to name the setting in a message.
    pub display: String,
    pub store: Store,
    /// Confidence of the setting form's name and place, and what is assumed about it.
    pub confidence: Confidence,
    pub caveat: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Posture<'a> {
    pub version: Version,
    pub row: RowMatch<'a>,
    pub outbound: DirectionPosture,
    /// One per server, in export order.
    pub inbound: Vec<DirectionPosture>,
    /// Every setting of the array it was resolved from, classified for `version`.
    pub settings: Vec<Classified<'a>>,
    /// How the array's registry exports write key paths, for the fixes of its findings.
    pub layout: Layout,
}

/// The values in force, without the settings they were resolved from: what a report shows
/// beside the findings (owned, so an `ArrayReport` can keep it; kept only for formats that show it).
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The version-table row that decided, and whether it covers the version.
    pub row: String,
    pub covered: bool,
    pub outbound: DirectionPosture,
    pub inbound: Vec<DirectionPosture>,
}

impl Posture<'_> {
    pub fn resolved(&self) -> Resolved {
        Resolved {
            row: self.row.row.label.clone(),
            covered: self.row.covered,
            outbound: self.outbound.clone(),
            inbound: self.inbound.clone(),
        }
    }

    pub fn inbound_of(&self, server: &str) -> Option<&DirectionPosture> {
        self.inbound.iter().find(|d| d.server.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(server)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Leaf {
    Switch(Protocol),
    CipherList,
    Force,
    Dane,
    TlsLike,
    NotTls,
}

fn leaf_kind(k: &Knowledge, name: &str) -> Leaf {
    let n = &k.names;
    if let Some(rest) = strip_prefix_ci(name, &n.protocol_switch_prefix) {
        if let Some(p) = Protocol::from_switch_suffix(rest) {
            return Leaf::Switch(p);
        }
    }
    if name.eq_ignore_ascii_case(&n.cipher_list) {
        return Leaf::CipherList;
    }
    if name.eq_ignore_ascii_case(&n.force_tlsv1) {
        return Leaf::Force;
    }
    if name.eq_ignore_ascii_case(&n.enable_dane) {
        return Leaf::Dane;
    }
    if n.tls_like_prefixes.iter().any(|p| strip_prefix_ci(name, p).is_some()) {
        return Leaf::TlsLike;
    }
    Leaf::NotTls
}

impl Leaf {
    fn kind(self) -> Option<SettingKind> {
        match self {
            Leaf::Switch(_) => Some(SettingKind::ProtocolSwitch),
            Leaf::CipherList => Some(SettingKind::CipherList),
            Leaf::Force => Some(SettingKind::ForceTlsv1),
            Leaf::Dane => Some(SettingKind::EnableDane),
            Leaf::TlsLike | Leaf::NotTls => None,
        }
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// Where a registry key sits: the hive it is under and the place, or `None` for keys that
/// carry no TLS settings.
pub fn registry_place(k: &Knowledge, key: &str) -> Option<(usize, Place)> {
    let parts: Vec<&str> = key.split('\\').filter(|p| !p.is_empty()).collect();
    let root = parts.first()?;
    if !(root.eq_ignore_ascii_case("HKLM") || root.eq_ignore_ascii_case("HKEY_LOCAL_MACHINE")) {
        return None;
    }
    if !parts.get(1)?.eq_ignore_ascii_case("SOFTWARE") {
        return None;
    }
    let mut i = 2;
    if parts.get(i).is_some_and(|p| p.eq_ignore_ascii_case("Wow6432Node")) {
        i += 1;
    }
    for (h, hive) in k.hives.iter().enumerate() {
        let root: Vec<&str> = hive.root.split('\\').collect();
        let Some(here) = parts.get(i..i + root.len()) else { continue };
        if !here.iter().zip(&root).all(|(a, b)| a.eq_ignore_ascii_case(b)) {
            continue;
        }
        let rest = &parts[i + root.len()..];
        let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let place = match rest {
            [d, s] if eq(d, "Default") && eq(s, "Sender") => Place::ArrayOutbound,
            [d, r] if eq(d, "Default") && eq(r, "Receiver") => Place::ArrayInbound,
            [s, name, r] if eq(s, "Servers") && eq(r, "Receiver") => Place::ServerInbound(name.to_string()),
            _ => Place::Other,
        };
        return Some((h, place));
    }
    None
}

/// Splits an Advanced Settings name into its place and the setting's own name.
pub fn advanced_place(name: &str) -> (Place, &str) {
    let Some((first, rest)) = name.split_once('.') else { return (Place::Other, name) };
    if first.eq_ignore_ascii_case("Receiver") {
        (Place::ArrayInbound, rest)
    } else if first.eq_ignore_ascii_case("Sender") {
        (Place::ArrayOutbound, rest)
    } else if first.eq_ignore_ascii_case("Servers") {
        match rest.rsplit_once('.') {
            Some((server, leaf)) => (Place::ServerInbound(server.to_string()), leaf),
            None => (Place::Other, rest),
        }
    } else {
        (Place::Other, name.rsplit_once('.').map_or(name, |(_, leaf)| leaf))
    }
}

fn valid_in(leaf: Leaf, place: &Place, store: Store) -> bool {
    match leaf {
        Leaf::Switch(_) => place.scope().is_some(),
        Leaf::CipherList => *place == Place::ArrayOutbound,
        Leaf::Force => *place == Place::ArrayOutbound && store == Store::Registry,
        Leaf::Dane => *place == Place::ArrayOutbound && store == Store::Advanced,
        Leaf::TlsLike | Leaf::NotTls => false,
    }
}

/// The known names a setting at `place` could have meant, in the store's own form.
fn candidates(k: &Knowledge, array: &Array, place: &Place, store: Store) -> Vec<String> {
    let n = &k.names;
    let leaves = |outbound: bool| {
        let mut v: Vec<String> =
            Protocol::ALL.iter().map(|p| format!("{}{}", n.protocol_switch_prefix, p.switch_suffix())).collect();
        if outbound {
            v.push(n.cipher_list.clone());
            if store == Store::Registry {
                v.push(n.force_tlsv1.clone());
            } else {
                v.push(n.enable_dane.clone());
            }
        }
        v
    };
    match (store, place) {
        (Store::Registry, p) => leaves(*p == Place::ArrayOutbound),
        (Store::Advanced, Place::ServerInbound(s)) => {
            leaves(false).into_iter().map(|l| format!("Servers.{s}.{l}")).collect()
        }
        (Store::Advanced, Place::ArrayInbound) => leaves(false).into_iter().map(|l| format!("Receiver.{l}")).collect(),
        (Store::Advanced, Place::ArrayOutbound) => leaves(true).into_iter().map(|l| format!("Sender.{l}")).collect(),
        (Store::Advanced, Place::Other) => {
            let mut v: Vec<String> = leaves(false).into_iter().map(|l| format!("Receiver.{l}")).collect();
            v.extend(leaves(true).into_iter().map(|l| format!("Sender.{l}")));
            for s in &array.servers {
                v.extend(leaves(false).into_iter().map(|l| format!("Servers.{}.{l}", s.name)));
            }
            v
        }
    }
}

/// The setting's effect, or what its value would have to be.
fn check_value(leaf: Leaf, value: &SettingValue, store: Store) -> Result<Effect, &'static str> {
    let flag = |on: &dyn Fn(bool) -> Effect| match (store, value) {
        (Store::Registry, SettingValue::Dword(v @ (0 | 1))) => Ok(on(*v == 1)),
        (Store::Advanced, SettingValue::Integer(v @ (0 | 1))) => Ok(on(*v == 1)),
        (Store::Registry, _) => Err("a DWORD 0 (not allowed) or 1 (allowed)"),
        (Store::Advanced, _) => Err("an Integer 0 (not allowed) or 1 (allowed)"),
    };
    match leaf {
        Leaf::Switch(protocol) => flag(&|on| Effect::Switch { protocol, on }),
        Leaf::Force => match value {
            SettingValue::Dword(v @ (0 | 1)) => Ok(Effect::ForceTlsv1(*v == 1)),
            _ => Err("a DWORD 0 or 1 (1 = send with TLSv1 only)"),
        },
        Leaf::CipherList => match value {
            SettingValue::Str(s) if !s.trim().is_empty() => Ok(Effect::CipherList(s.trim().to_string())),
            _ => Err(match store {
                Store::Registry => "a non-empty REG_SZ string holding an OpenSSL cipher list",
                Store::Advanced => "a non-empty String holding an OpenSSL cipher list",
            }),
        },
        // Spec 2.1: True / False, also 1 / 0.
        Leaf::Dane => match value {
            SettingValue::Boolean(b) => Ok(Effect::Dane(*b)),
            SettingValue::Integer(v @ (0 | 1)) => Ok(Effect::Dane(*v == 1)),
            _ => Err("a Boolean True (DANE on) or False (off)"),
        },
        Leaf::TlsLike | Leaf::NotTls => Err(""),
    }
}

/// Where a raw setting sits: its store, place, own name, registry hive, and how to name it.
struct Located<'s> {
    store: Store,
    place: Place,
    leaf_name: &'s str,
    /// Index into `Knowledge::hives` for a registry value under a SEG hive.
    hive: Option<usize>,
    display: String,
}

fn locate<'s>(k: &Knowledge, s: &'s Setting) -> Located<'s> {
    match &s.origin {
        SettingOrigin::Registry { key } => {
            let (hive, place) = registry_place(k, key).map_or((None, Place::Other), |(h, p)| (Some(h), p));
            Located {
                store: Store::Registry,
                place,
                leaf_name: &s.name,
                hive,
                display: format!("{} under {}", s.name, key),
            }
        }
        SettingOrigin::Advanced => {
            let (place, leaf_name) = advanced_place(&s.name);
            Located { store: Store::Advanced, place, leaf_name, hive: None, display: s.name.clone() }
        }
    }
}

/// A setting's classification before its class is known: place, form, confidence, sources.
fn unclassified<'a>(
    k: &Knowledge,
    array: &Array,
    setting: &'a Setting,
    at: &Located<'_>,
    kind: Option<SettingKind>,
) -> Classified<'a> {
    let form = at.place.scope().zip(kind).and_then(|(scope, kind)| k.form(kind, scope, at.store));
    let server = match &at.place {
        Place::ServerInbound(name) => array.server(name).map(|s| s.name.clone()),
        _ => None,
    };
    Classified {
        setting,
        class: Class::NotTls,
        direction: at.place.direction(),
        server,
        kind,
        display: at.display.clone(),
        store: at.store,
        confidence: form.map_or(Confidence::Inferred, |f| f.confidence),
        caveat: form.filter(|f| f.confidence == Confidence::Inferred).map(|f| format!("{}: {}", f.place, f.note)),
        sources: form.map_or_else(Vec::new, |f| f.sources.clone()),
        place: at.place.clone(),
    }
}

fn ineffective(reason: String, fix: Fix, by_row: bool) -> Class {
    Class::Ineffective { reason, fix, by_row }
}

/// SEG402 because the value is where this version does not read: the other store, or the other
/// generation's registry hive. Also returns the articles that say where the version reads.
fn misplaced(k: &Knowledge, layout: Layout, version: &Version, at: &Located<'_>) -> Option<(Class, Vec<String>)> {
    let r = k.row_for(version).row;
    let v = crate::version::without_build(version);
    let own_hive = k.hive_for(version);
    if at.store == Store::Registry && r.store == Store::Advanced {
        let fix = Fix::new(format!(
            "re-create it in the Management Console, Advanced Settings, as {}",
            advanced_equivalent(&at.place, at.leaf_name)
        ));
        let reason =
            format!("{v} reads TLS settings from Advanced Settings in the Management Console, not from the registry");
        return Some((ineffective(reason, fix, false), r.sources.clone()));
    }
    let other = at.hive.map(|h| &k.hives[h]).filter(|h| own_hive.is_some_and(|own| own.root != h.root));
    if let (Some(h), Some(own)) = (other, own_hive) {
        let reason = format!(
            "this value is under the {} hive ({}); {v} reads HKEY_LOCAL_MACHINE\\SOFTWARE\\{}",
            h.generation, h.root, own.root
        );
        let fix = Fix::new(format!(
            "move it to the same key under HKEY_LOCAL_MACHINE\\SOFTWARE\\{}{} on the Array Manager, or delete it",
            layout.wow(),
            own.root
        ))
        .naming(own, layout);
        return Some((ineffective(reason, fix, false), own.sources.clone()));
    }
    if at.store == Store::Advanced && r.store == Store::Registry {
        let first = k.rows.iter().find(|row| row.store == Store::Advanced)?;
        let reason = format!(
            "Advanced Settings exist from {} on; {v} reads registry values on the Array Manager",
            crate::version::release_line(&first.from)
        );
        let fix = Fix::new(format!(
            "set the registry value on the Array Manager instead (see `seglint rules {}`)",
            crate::registry::Rule::IneffectiveSetting
        ));
        return Some((ineffective(reason, fix, false), first.sources.clone()));
    }
    None
}

/// SEG402 because the version's way of changing protocols ignores this switch, or the setting
/// does not exist in this version (ForceTLSv1 from 7.3.0, EnableDANE before 10.1.0).
fn ignored_by_version(k: &Knowledge, version: &Version, leaf: Leaf) -> Option<(Class, Vec<String>)> {
    let r = k.row_for(version).row;
    let n = &k.names;
    let upgrade = r.upgrade_for_control.as_ref().map_or_else(|| "a later version".into(), |v| format!("{v} or later"));
    let by_row = |reason: String, fix: String| Some((ineffective(reason, Fix::new(fix), true), vec![]));
    match (leaf, r.protocol_control) {
        (Leaf::Switch(_), ProtocolControl::None) => by_row(
            format!("{} ignores every protocol setting: its protocols cannot be changed", r.label),
            format!(
                "upgrade to {upgrade}, where the setting takes effect; until then remove it so the export says what is in force"
            ),
        ),
        (Leaf::Switch(_), ProtocolControl::ForceTlsv1) => by_row(
            format!("{} has no per-protocol switches; only {} = 1 changes sending", r.label, n.force_tlsv1),
            format!(
                "remove it; to send with TLSv1.0 alone set {} = 1 under the Sender key, or upgrade to {upgrade}",
                n.force_tlsv1
            ),
        ),
        (Leaf::Force, control) if control != ProtocolControl::ForceTlsv1 => {
            let since =
                k.rows.iter().find(|row| row.protocol_control == ProtocolControl::Switches).map(|row| row.from.clone());
            by_row(
                format!(
                    "{} has no effect from {} on; the {}<protocol> switches replace it",
                    n.force_tlsv1,
                    since.map_or_else(|| "this version".into(), |v| v.to_string()),
                    n.protocol_switch_prefix
                ),
                format!(
                    "remove it; set {0}SSLv2 = 0, {0}SSLv3 = 0 and the other switches for sending instead",
                    n.protocol_switch_prefix
                ),
            )
        }
        (Leaf::Dane, _) if !k.holds("dane", version) => {
            let fact = k.fact("dane");
            let since = fact.since().map_or_else(|| "a later version".into(), |v| v.to_string());
            let v = crate::version::without_build(version);
            let reason = format!(
                "DANE validation exists from {since} on (the Advanced Setting Sender.{}); {v} has none",
                n.enable_dane
            );
            let fix = format!(
                "remove it; to validate DANE, upgrade to {since} or later and set Sender.{} = True in Advanced Settings",
                n.enable_dane
            );
            Some((ineffective(reason, Fix::new(fix), false), fact.sources.clone()))
        }
        _ => None,
    }
}

/// SEG403: a TLS-like name this place or store does not read, with the name it may have meant.
fn unknown(k: &Knowledge, array: &Array, s: &Setting, at: &Located<'_>, leaf: Leaf) -> Class {
    let n = &k.names;
    let reason = match (leaf, &at.place) {
        (Leaf::CipherList, _) => format!("{} is read only for sending (array-wide, Sender)", n.cipher_list),
        (Leaf::Force, _) => format!("{} is read only as a registry value under the Sender key", n.force_tlsv1),
        (Leaf::Dane, _) => {
            format!("{} is read only for sending, array-wide, as Sender.{}", n.enable_dane, n.enable_dane)
        }
        (_, Place::Other) if at.store == Store::Advanced => {
            "TLS settings are named Receiver.<name>, Sender.<name> or Servers.<server>.<name>".to_string()
        }
        _ => "seglint knows no TLS setting of this name".to_string(),
    };
    let suggestion = match leaf {
        Leaf::Dane => Some(format!("Sender.{}", n.enable_dane)),
        _ => {
            let cands = candidates(k, array, &at.place, at.store);
            let written = if at.store == Store::Advanced { s.name.as_str() } else { at.leaf_name };
            suggest(written, cands.iter().map(String::as_str))
        }
    };
    Class::Unknown { suggestion, reason }
}

fn classify<'a>(k: &Knowledge, array: &Array, version: &Version, layout: Layout, s: &'a Setting) -> Classified<'a> {
    let at = locate(k, s);
    let leaf = leaf_kind(k, at.leaf_name);
    let mut c = unclassified(k, array, s, &at, leaf.kind());
    let registry_elsewhere = at.store == Store::Registry && (at.hive.is_none() || at.place == Place::Other);
    if leaf == Leaf::NotTls || registry_elsewhere {
        return c;
    }
    let r = k.row_for(version).row;
    // On a row whose protocol mechanism no article states (11.x), what a switch does is assumed.
    if matches!(leaf, Leaf::Switch(_)) && r.control_confidence == Confidence::Inferred {
        c.confidence = Confidence::Inferred;
        c.caveat =
            Some(r.assumed.clone().unwrap_or_else(|| format!("no article states how {} changes protocols", r.label)));
        add_sources(&mut c.sources, &r.sources);
    }
    if let Some((class, sources)) = misplaced(k, layout, version, &at).or_else(|| ignored_by_version(k, version, leaf))
    {
        c.class = class;
        add_sources(&mut c.sources, &sources);
        return c;
    }
    c.class = match &at.place {
        Place::ServerInbound(name) if c.server.is_none() => Class::UnknownServer {
            written: name.clone(),
            suggestion: suggest(name, array.servers.iter().map(|s| s.name.as_str())),
        },
        place if !valid_in(leaf, place, at.store) => unknown(k, array, s, &at, leaf),
        _ => match check_value(leaf, &s.value, at.store) {
            Err(expected) => Class::Invalid { expected: expected.to_string() },
            Ok(Effect::Switch { protocol, .. }) if !r.switches.contains(&protocol) => Class::Unsupported(protocol),
            Ok(effect) => Class::Effective(effect),
        },
    };
    c
}

fn add_sources(to: &mut Vec<String>, more: &[String]) {
    for s in more {
        if !to.contains(s) {
            to.push(s.clone());
        }
    }
}

/// The Advanced Settings name that would carry a registry value's meaning.
pub fn advanced_equivalent(place: &Place, leaf: &str) -> String {
    match place {
        Place::ArrayInbound => format!("Receiver.{leaf}"),
        Place::ServerInbound(s) => format!("Servers.{s}.{leaf}"),
        Place::ArrayOutbound | Place::Other => format!("Sender.{leaf}"),
    }
}

/// What a raw setting is, whatever the version: its place, its own name and, when it is a
/// known TLS setting, its kind and protocol.
pub fn identify<'s>(k: &Knowledge, s: &'s Setting) -> (Place, &'s str, Option<SettingKind>, Option<Protocol>) {
    let (place, leaf) = match &s.origin {
        SettingOrigin::Registry { key } => (registry_place(k, key).map_or(Place::Other, |(_, p)| p), s.name.as_str()),
        SettingOrigin::Advanced => advanced_place(&s.name),
    };
    let found = leaf_kind(k, leaf);
    let protocol = match found {
        Leaf::Switch(p) => Some(p),
        _ => None,
    };
    let kind = found.kind();
    (place, leaf, kind, protocol)
}

/// Classifies every setting of `array` for `version`.
pub fn classify_all<'a>(k: &'a Knowledge, array: &'a Array, version: &Version) -> (RowMatch<'a>, Vec<Classified<'a>>) {
    classify_with(k, array, version, Layout::of(k, array, version))
}

/// `classify_all` with the array's registry layout found once (not once per setting).
fn classify_with<'a>(
    k: &'a Knowledge,
    array: &'a Array,
    version: &Version,
    layout: Layout,
) -> (RowMatch<'a>, Vec<Classified<'a>>) {
    let row = k.row_for(version);
    let classified = array.settings.iter().map(|s| classify(k, array, version, layout, s)).collect();
    (row, classified)
}

fn default_protocols(row: &RowMatch<'_>, direction: Direction) -> Vec<ProtocolState> {
    let r = row.row;
    let (list, confidence, at) = match direction {
        Direction::Outbound => (&r.sending, r.sending_confidence, r.sending_at),
        Direction::Inbound => (&r.receiving, r.receiving_confidence, r.receiving_at),
    };
    // A version in no row borrows the nearest lower row: no source states its defaults.
    let evidence = if row.covered { Evidence::of_default(confidence) } else { Evidence::Inferred };
    let confidence = if row.covered { confidence } else { Confidence::Inferred };
    let verb = if direction == Direction::Outbound { "sending" } else { "receiving" };
    Protocol::ALL
        .iter()
        .map(|&p| {
            let allowed = Evidenced {
                value: list.contains(&p),
                evidence,
                confidence,
                loc: None,
                data: Some(at),
                via: format!("default when {verb} for {}", r.label),
                sources: r.sources.clone(),
                setting: None,
                caveat: (evidence == Evidence::Inferred).then(|| {
                    if row.covered {
                        r.assumed
                            .clone()
                            .unwrap_or_else(|| format!("no article states the {verb} defaults of {}", r.label))
                    } else {
                        format!("this version is in no row; the defaults of {} are borrowed", r.label)
                    }
                }),
            };
            ProtocolState { protocol: p, effective: allowed.value, allowed }
        })
        .collect()
}

/// The last effective value of each switch, cipher list and DANE switch, by place: later
/// settings win (input order). Built once, so resolving is linear in the settings and servers.
#[derive(Default)]
struct InForce<'c, 'a> {
    force_tlsv1: Option<&'c Classified<'a>>,
    cipher_list: Option<(&'c Classified<'a>, &'c str)>,
    outbound: [Option<(&'c Classified<'a>, bool)>; 6],
    array_inbound: [Option<(&'c Classified<'a>, bool)>; 6],
    /// By server name in lower case.
    servers: HashMap<String, [Option<(&'c Classified<'a>, bool)>; 6]>,
}

impl<'c, 'a> InForce<'c, 'a> {
    fn of(settings: &'c [Classified<'a>]) -> Self {
        let mut f = InForce::default();
        for c in settings {
            let Class::Effective(effect) = &c.class else { continue };
            match effect {
                Effect::ForceTlsv1(_) => f.force_tlsv1 = Some(c),
                Effect::CipherList(list) => f.cipher_list = Some((c, list.as_str())),
                Effect::Switch { protocol, on } => {
                    let slot = match &c.place {
                        Place::ArrayOutbound => &mut f.outbound,
                        Place::ArrayInbound => &mut f.array_inbound,
                        Place::ServerInbound(_) => match &c.server {
                            Some(name) => f.servers.entry(name.to_ascii_lowercase()).or_default(),
                            None => continue,
                        },
                        Place::Other => continue,
                    };
                    slot[*protocol as usize] = Some((c, *on));
                }
                Effect::Dane(_) => {}
            }
        }
        f
    }
}

/// A value set by a classified setting, with its evidence.
fn explicit<T>(c: &Classified<'_>, value: T, via: String) -> Evidenced<T> {
    let mut e = Evidenced::explicit(value, c.setting.loc, via, c.confidence, c.sources.clone());
    e.caveat = c.caveat.clone();
    e.setting = Some(c.display.clone());
    e
}

fn switched(c: &Classified<'_>, value: bool) -> Evidenced<bool> {
    explicit(c, value, format!("{} = {}", c.display, value_text(&c.setting.value)))
}

/// The array-wide sending posture: defaults, then `ForceTLSv1`, then each protocol's switch.
fn outbound(
    k: &Knowledge,
    array: &Array,
    version: &Version,
    row: &RowMatch<'_>,
    f: &InForce<'_, '_>,
    settings: &[Classified<'_>],
) -> DirectionPosture {
    let o = &array.outbound;
    let mut protocols = default_protocols(row, Direction::Outbound);
    if let Some(c) = f.force_tlsv1.filter(|c| matches!(c.class, Class::Effective(Effect::ForceTlsv1(true)))) {
        for state in &mut protocols {
            state.allowed = switched(c, state.protocol == Protocol::Tls10);
            state.effective = state.allowed.value;
        }
    }
    for state in &mut protocols {
        if let Some((c, on)) = f.outbound[state.protocol as usize] {
            state.allowed = switched(c, on);
            state.effective = on;
        }
    }
    let cipher_list = f.cipher_list.map(|(c, list)| {
        let mut e = explicit(c, list.to_string(), c.display.clone());
        e.setting = None;
        e
    });
    DirectionPosture {
        direction: Direction::Outbound,
        server: None,
        tls_enabled: match &o.tls_enabled {
            Some(at) => Evidenced::attribute(at, "tlsEnabled"),
            None => Evidenced::absent(true, "tlsEnabled absent: outbound TLS is on"),
        },
        protocols,
        cipher_floor: o.min_strength.as_ref().map(|at| Evidenced::attribute(at, "minimumCipherStrength")),
        cipher_list,
        offer_client_certificate: Some(match &o.offer_client_certificate {
            Some(at) => Evidenced::attribute(at, "offerClientCertificate"),
            None => Evidenced::absent(true, "offerClientCertificate absent: the certificate is offered"),
        }),
        dane: dane(k, version, settings),
    }
}

/// One server's receiving posture: per protocol its own switch, then the array-wide one, then
/// the default; SSLv2 works only with a certificate where the version says so.
fn inbound(
    server: &crate::model::Server,
    row: &RowMatch<'_>,
    f: &InForce<'_, '_>,
    sslv2_needs_cert: bool,
) -> DirectionPosture {
    let own = f.servers.get(&server.name.to_ascii_lowercase());
    let mut protocols = default_protocols(row, Direction::Inbound);
    for state in &mut protocols {
        let p = state.protocol as usize;
        if let Some((c, on)) = own.and_then(|o| o[p]).or(f.array_inbound[p]) {
            state.allowed = switched(c, on);
        }
        state.effective = state.allowed.value;
    }
    let has_cert = server.inbound.certificate.is_some();
    if sslv2_needs_cert && !has_cert {
        protocols[Protocol::Ssl2 as usize].effective = false;
    }
    let i = &server.inbound;
    DirectionPosture {
        direction: Direction::Inbound,
        server: Some(server.name.clone()),
        tls_enabled: match &i.tls_enabled {
            Some(at) => Evidenced::attribute(at, "tlsEnabled"),
            None if has_cert => Evidenced::absent(true, "tlsEnabled absent: on, because a certificate is installed"),
            None => Evidenced::absent(false, "tlsEnabled absent: off, because no certificate is installed"),
        },
        protocols,
        cipher_floor: i.min_strength.as_ref().map(|at| Evidenced::attribute(at, "minimumCipherStrength")),
        cipher_list: None,
        offer_client_certificate: None,
        dane: None,
    }
}

/// The effective posture of `array` at `version` (which need not be the export's own).
pub fn resolve<'a>(k: &'a Knowledge, array: &'a Array, version: &Version) -> Posture<'a> {
    let layout = Layout::of(k, array, version);
    let (row, settings) = classify_with(k, array, version, layout);
    let f = InForce::of(&settings);
    let outbound = outbound(k, array, version, &row, &f, &settings);
    let sslv2_needs_cert = k.holds("sslv2-needs-certificate", version);
    let inbound = array.servers.iter().map(|server| inbound(server, &row, &f, sslv2_needs_cert)).collect();
    Posture { version: version.clone(), row, outbound, inbound, settings, layout }
}

/// Outbound DANE validation where the version has it: the last effective `Sender.EnableDANE`,
/// else the default (off) that the DANE article states.
fn dane(k: &Knowledge, version: &Version, settings: &[Classified<'_>]) -> Option<Evidenced<bool>> {
    let fact = k.fact("dane");
    if !fact.applies.matches(&crate::version::without_build(version)) {
        return None;
    }
    let last = settings.iter().rev().find_map(|c| match &c.class {
        Class::Effective(Effect::Dane(on)) => Some((c, *on)),
        _ => None,
    });
    Some(match last {
        Some((c, on)) => switched(c, on),
        None => Evidenced {
            value: false,
            evidence: Evidence::of_default(fact.confidence),
            confidence: fact.confidence,
            loc: None,
            data: Some(fact.at),
            via: format!(
                "default from {} on: off (Sender.{} absent)",
                fact.since().map_or_else(|| "its first version".into(), |v| v.to_string()),
                k.names.enable_dane
            ),
            sources: fact.sources.clone(),
            caveat: None,
            setting: None,
        },
    })
}

pub fn value_text(v: &SettingValue) -> String {
    match v {
        SettingValue::Dword(n) => n.to_string(),
        SettingValue::Qword(n) => n.to_string(),
        SettingValue::Integer(n) => n.to_string(),
        SettingValue::Boolean(b) => crate::model::bool_text(*b).to_string(),
        SettingValue::Str(s) => format!("\"{s}\""),
        SettingValue::MultiStr(v) => format!("{v:?}"),
        SettingValue::Binary(b) => {
            format!("hex:{}", b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(","))
        }
        SettingValue::Invalid { text, .. } => format!("\"{text}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{LoadOptions, load_text};

    fn posture_of(xml: &str, check: impl FnOnce(&Posture<'_>)) {
        let k = Knowledge::embedded().unwrap();
        let opts = LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
        let array = load_text("t.xml", xml, &opts).unwrap();
        check(&resolve(&k, &array, &array.version));
    }

    fn export(version: &str, servers: &str, settings: &str) -> String {
        format!(
            r#"<SegConfiguration productVersion="{version}"><Servers>{servers}</Servers><AdvancedSettings>{settings}</AdvancedSettings></SegConfiguration>"#
        )
    }

    const CERT: &str =
        r#"<InboundSecurity tlsEnabled="true"><Certificate subject="CN=a" issuer="CN=b"/></InboundSecurity>"#;

    fn setting(name: &str, value: u8) -> String {
        format!(r#"<Setting name="{name}" type="Integer" value="{value}"/>"#)
    }

    #[test]
    fn precedence_is_per_protocol_server_then_array_then_default() {
        let servers = format!(r#"<Server name="A">{CERT}</Server><Server name="B">{CERT}</Server>"#);
        let settings = [
            setting("Receiver.SSLMethodTLSv1_0", 0),
            setting("Servers.A.SSLMethodSSLv3", 1),
            setting("Servers.B.SSLMethodTLSv1_0", 1),
        ]
        .concat();
        posture_of(&export("10.1.0", &servers, &settings), |p| {
            let a = p.inbound_of("a").unwrap();
            // A sets only SSLv3, and still inherits the array-wide TLSv1.0 = 0.
            assert!(a.state(Protocol::Ssl3).effective && !a.state(Protocol::Tls10).effective);
            assert_eq!(a.state(Protocol::Tls10).allowed.evidence, Evidence::Explicit);
            assert_eq!(a.state(Protocol::Tls12).allowed.evidence, Evidence::Default);
            // B's own switch wins over the array-wide one.
            assert!(p.inbound_of("B").unwrap().state(Protocol::Tls10).effective);
            // Receiver settings never change sending.
            assert!(p.outbound.state(Protocol::Tls10).effective);
        });
    }

    #[test]
    fn the_last_value_wins_and_ignored_settings_leave_the_default() {
        let servers = format!(r#"<Server name="A">{CERT}</Server>"#);
        let settings = [
            setting("Sender.SSLMethodTLSv1_1", 0),
            setting("Sender.SSLMethodTLSv1_1", 1),
            setting("Sender.SSLMethodTLSv1_2", 7),
            setting("Servers.Z.SSLMethodTLSv1_2", 0),
        ]
        .concat();
        posture_of(&export("10.1.0", &servers, &settings), |p| {
            assert!(p.outbound.state(Protocol::Tls11).effective);
            assert_eq!(p.outbound.state(Protocol::Tls12).allowed.evidence, Evidence::Default, "7 is no value");
            assert!(p.inbound_of("A").unwrap().state(Protocol::Tls12).effective, "no server Z");
            let classes: Vec<&Class> = p.settings.iter().map(|c| &c.class).collect();
            assert!(matches!(classes[2], Class::Invalid { .. }) && matches!(classes[3], Class::UnknownServer { .. }));
        });
    }

    #[test]
    fn sslv2_needs_a_certificate_when_receiving_from_7_3_0() {
        let servers = format!(
            r#"<Server name="A">{CERT}</Server><Server name="B"><InboundSecurity tlsEnabled="true"/></Server>"#
        );
        let xml = export("7.3.5", &servers, "").replace(
            "<AdvancedSettings></AdvancedSettings>",
            r#"<Registry><Key path="HKLM\SOFTWARE\Wow6432Node\Marshal\MailMarshal\Default\Receiver"><Value name="SSLMethodSSLv2" type="REG_DWORD">1</Value></Key></Registry>"#,
        );
        posture_of(&xml, |p| {
            assert!(p.inbound_of("A").unwrap().state(Protocol::Ssl2).effective);
            let b = p.inbound_of("B").unwrap().state(Protocol::Ssl2);
            assert!(b.allowed.value && !b.effective, "allowed, but cannot work without a certificate");
        });
    }

    #[test]
    fn force_tlsv1_limits_sending_on_7_2_3_and_below_only() {
        let force = r#"<Registry><Key path="HKLM\SOFTWARE\Marshal\MailMarshal\Default\Sender"><Value name="ForceTLSv1" type="REG_DWORD">1</Value></Key></Registry>"#;
        for (version, limited) in [("7.2.3", true), ("7.3.0", false)] {
            let xml = export(version, "", "").replace("<AdvancedSettings></AdvancedSettings>", force);
            posture_of(&xml, |p| {
                assert_eq!(p.outbound.effective() == vec![Protocol::Tls10], limited, "{version}");
            });
        }
    }
}
