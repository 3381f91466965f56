//! How to change a TLS setting on a given version, in that version's own form: a registry value
//! on the Array Manager (7.3 – 9.x), an Advanced Settings line (10.0.1+), or the honest answer
//! that the version cannot do it. Used by findings' help and by migration reports.

use crate::finding::Direction;
use crate::knowledge::{Knowledge, ProtocolControl, Store};
use crate::tls::Protocol;
use semver::Version;

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

/// The registry key of a place, for a registry version.
pub fn registry_key(
    k: &Knowledge,
    version: &Version,
    layout: Layout,
    direction: Direction,
    server: Option<&str>,
) -> Option<String> {
    let hive = k.hive_for(version)?;
    let base = format!("HKEY_LOCAL_MACHINE\\SOFTWARE\\{}{}", layout.wow(), hive.root);
    Some(match (direction, server) {
        (Direction::Outbound, _) => format!("{base}\\Default\\Sender"),
        (Direction::Inbound, Some(s)) => format!("{base}\\Servers\\{s}\\Receiver"),
        (Direction::Inbound, None) => format!("{base}\\Default\\Receiver"),
    })
}

/// The switch that allows (1) or forbids (0) `protocol` at a place, where the version has one.
pub fn switch_line(
    k: &Knowledge,
    version: &Version,
    layout: Layout,
    direction: Direction,
    server: Option<&str>,
    protocol: Protocol,
    on: bool,
) -> Option<SettingLine> {
    let row = k.row_for(version).row;
    if row.protocol_control != ProtocolControl::Switches || !row.switches.contains(&protocol) {
        return None;
    }
    let leaf = format!("{}{}", k.names.protocol_switch_prefix, protocol.switch_suffix());
    let value = u32::from(on);
    Some(match row.store {
        Store::Registry => {
            SettingLine { key: Some(registry_key(k, version, layout, direction, server)?), name: leaf, value }
        }
        Store::Advanced => {
            let name = match (direction, server) {
                (Direction::Outbound, _) => format!("Sender.{leaf}"),
                (Direction::Inbound, Some(s)) => format!("Servers.{s}.{leaf}"),
                (Direction::Inbound, None) => format!("Receiver.{leaf}"),
            };
            SettingLine { key: None, name, value }
        }
    })
}

fn service(direction: Direction) -> &'static str {
    match direction {
        Direction::Inbound => "Receiver",
        Direction::Outbound => "Sender",
    }
}

/// What to do so that `protocols` are allowed (`on`) or not at a place, in words.
pub fn protocol_fix(
    k: &Knowledge,
    version: &Version,
    layout: Layout,
    direction: Direction,
    server: Option<&str>,
    protocols: &[Protocol],
    on: bool,
) -> String {
    let row = k.row_for(version).row;
    let verb = if on { "allow" } else { "stop" };
    let names = protocols.iter().map(|p| p.name()).collect::<Vec<_>>().join(" and ");
    match row.protocol_control {
        ProtocolControl::None => format!(
            "{} cannot change protocols (every protocol setting is ignored): upgrade to 10.0.1 or later, then {}",
            row.label,
            advanced_lines(k, direction, server, protocols, on)
        ),
        ProtocolControl::ForceTlsv1 => match direction {
            Direction::Outbound if !on && !protocols.contains(&Protocol::Tls10) => format!(
                "set {} = 1 (DWORD) under {} on the Array Manager so that sending uses TLSv1.0 alone, then commit configuration and restart the Sender service on each processing server; or upgrade to 7.3.5 or later",
                k.names.force_tlsv1,
                registry_key(k, version, layout, Direction::Outbound, None).unwrap_or_else(|| "the Sender key".into())
            ),
            _ => format!(
                "{} cannot {verb} {names} when {}: upgrade to 7.3.5 or later, where each protocol has its own switch",
                row.label,
                if direction == Direction::Inbound { "receiving" } else { "sending" }
            ),
        },
        ProtocolControl::Switches => {
            let here = grouped(k, version, layout, direction, server, protocols, on);
            if here.is_empty() {
                return format!("{} has no switch for {names}", row.label);
            }
            let wider = match (direction, server) {
                (Direction::Inbound, Some(_)) => {
                    format!(" (or, for every server: {})", grouped(k, version, layout, direction, None, protocols, on))
                }
                _ => String::new(),
            };
            let place = match row.store {
                Store::Registry => "on the Array Manager",
                Store::Advanced => "in the Management Console, Advanced Settings,",
            };
            format!(
                "{place} {here}{wider}; then commit configuration and restart the {} service on each processing server",
                service(direction)
            )
        }
    }
}

/// "under KEY set A = 0 and B = 0 (DWORD)" or "set X.A = 0 and X.B = 0 (Integer)".
fn grouped(
    k: &Knowledge,
    version: &Version,
    layout: Layout,
    direction: Direction,
    server: Option<&str>,
    protocols: &[Protocol],
    on: bool,
) -> String {
    let lines: Vec<SettingLine> =
        protocols.iter().filter_map(|&p| switch_line(k, version, layout, direction, server, p, on)).collect();
    let Some(first) = lines.first() else { return String::new() };
    let sets = lines.iter().map(|l| format!("{} = {}", l.name, l.value)).collect::<Vec<_>>().join(" and ");
    match &first.key {
        Some(key) => format!("under {key} set {sets} (DWORD)"),
        None => format!("set {sets} (Integer)"),
    }
}

fn advanced_lines(
    k: &Knowledge,
    direction: Direction,
    server: Option<&str>,
    protocols: &[Protocol],
    on: bool,
) -> String {
    grouped(k, &Version::new(10, 0, 1), Layout::default(), direction, server, protocols, on)
}

/// Where the minimum cipher strength is set, in the console's words.
pub fn cipher_floor_place(direction: Direction, server: Option<&str>, version: &Version) -> String {
    let console = if version.major >= 10 { "the Management Console" } else { "the Configurator" };
    match (direction, server) {
        (Direction::Outbound, _) => format!(
            "in {console}: SEG Properties → Sender → Outbound Security (TLS), minimum cipher strength (array-wide)"
        ),
        (Direction::Inbound, Some(s)) => format!(
            "in {console}: Mail Servers → {s} → Server Properties → Inbound Security (TLS), minimum cipher strength"
        ),
        (Direction::Inbound, None) => {
            format!("in {console}: Mail Servers → each server → Inbound Security (TLS), minimum cipher strength")
        }
    }
}
