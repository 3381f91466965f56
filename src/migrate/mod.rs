//! Migration reports: the effective posture at `--from` and, once explicit
//! settings are carried over the way an upgrade carries them (`carry`), at `--to`; the changes
//! on the way, boundary by boundary (`items`); and the settings to apply on the target, in its
//! own form, to keep the posture or reach the recommended one (`goal`, `emit`). Carry rules and
//! boundary facts are rules data; nothing here formats output.

mod carry;
mod emit;
mod goal;
mod items;

pub use emit::{EmittedForm, reg_bytes};

use crate::knowledge::{Boundary, ItemKind, Knowledge};
use crate::model::Array;
use crate::posture::{self, DirectionPosture, Posture};
use crate::vocab::{Confidence, Direction, Protocol, Severity, Strength};
use semver::Version;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Goal {
    Keep,
    Recommended,
}

impl Goal {
    pub fn name(self) -> &'static str {
        match self {
            Goal::Keep => "keep",
            Goal::Recommended => "recommended",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Way {
    Upgrade,
    Downgrade,
    None,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub severity: Severity,
    pub kind: ItemKind,
    pub message: String,
    pub servers: Vec<String>,
    pub sources: Vec<String>,
    pub confidence: Confidence,
    /// The boundary the item belongs to, when it is one's.
    pub boundary: Option<String>,
    /// Settings in the target's own form, for `apply-setting` items.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<String>,
}

impl Item {
    /// A certain item of no boundary, about no server, citing nothing yet.
    fn new(severity: Severity, kind: ItemKind, message: String) -> Item {
        Item {
            severity,
            kind,
            message,
            servers: vec![],
            sources: vec![],
            confidence: Confidence::Certain,
            boundary: None,
            settings: vec![],
        }
    }

    fn sources(mut self, sources: &[String]) -> Item {
        self.sources = sources.to_vec();
        self
    }

    fn servers(mut self, servers: Vec<String>) -> Item {
        self.servers = servers;
        self
    }

    fn confidence(mut self, confidence: Confidence) -> Item {
        self.confidence = confidence;
        self
    }
}

/// One (server, direction) before and after.
#[derive(Debug, Clone, Serialize)]
pub struct PostureRow {
    pub server: Option<String>,
    pub direction: Direction,
    pub before: Side,
    pub after: Side,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub protocols: Vec<Protocol>,
    pub cipher_floor: Option<Strength>,
}

/// The settings to apply on the target, ready to import.
#[derive(Debug, Clone, Serialize)]
pub struct Emitted {
    pub form: EmittedForm,
    pub lines: Vec<String>,
    /// The file content (`.reg` text before UTF-16 encoding, or a `.settings` list).
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Migration {
    pub array: String,
    pub name: Option<String>,
    pub from: Version,
    pub to: Version,
    pub way: Way,
    pub goal: Goal,
    pub crossed: Vec<Version>,
    pub postures: Vec<PostureRow>,
    pub items: Vec<Item>,
    pub emitted: Emitted,
}

impl Migration {
    pub fn worst(&self) -> Option<Severity> {
        self.items.iter().map(|i| i.severity).max()
    }
}

pub struct Request<'a> {
    pub from: &'a Version,
    pub to: &'a Version,
    pub goal: Goal,
}

fn base(v: &Version) -> Version {
    crate::version::without_build(v)
}

/// The boundaries between two versions, in the order the change crosses them.
pub fn crossed<'k>(k: &'k Knowledge, from: &Version, to: &Version) -> (Way, Vec<&'k Boundary>) {
    let (f, t) = (base(from), base(to));
    if f < t {
        (Way::Upgrade, k.boundaries.iter().filter(|b| f < b.version && b.version <= t).collect())
    } else if t < f {
        (Way::Downgrade, k.boundaries.iter().rev().filter(|b| t < b.version && b.version <= f).collect())
    } else {
        (Way::None, vec![])
    }
}

/// The (server, direction) keys a report covers: outbound, then each server with inbound TLS.
fn keys(before: &Posture<'_>, after: &Posture<'_>) -> Vec<Option<String>> {
    let mut out = vec![None];
    for d in &before.inbound {
        let enabled = d.tls_enabled.value
            || after.inbound_of(d.server.as_deref().unwrap_or("")).is_some_and(|a| a.tls_enabled.value);
        if enabled {
            out.push(d.server.clone());
        }
    }
    out
}

fn direction_of<'p>(p: &'p Posture<'_>, key: &Option<String>) -> Option<&'p DirectionPosture> {
    match key {
        None => Some(&p.outbound),
        Some(s) => p.inbound_of(s),
    }
}

fn names(ps: &[Protocol]) -> String {
    if ps.is_empty() { "none".into() } else { ps.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ") }
}

fn who(key: &Option<String>) -> String {
    match key {
        None => "sending from every server".into(),
        Some(s) => format!("receiving on {s}"),
    }
}

/// Both postures of one report, and the arrays they were resolved from.
struct Sides<'a, 'k> {
    k: &'k Knowledge,
    /// The array as exported, at `--from`.
    array: &'a Array,
    /// The array as the change leaves it, at `--to`.
    carried: &'a Array,
    before: &'a Posture<'k>,
    after: &'a Posture<'k>,
    req: &'a Request<'a>,
}

pub fn plan(k: &Knowledge, array: &Array, req: &Request<'_>) -> Migration {
    let (from, to) = (req.from, req.to);
    let (way, boundaries) = crossed(k, from, to);
    let before = posture::resolve(k, array, from);
    let (carried, recreate) = carry::carry(k, array, from, to, way, &boundaries);
    let after = posture::resolve(k, &carried, to);
    let sides = Sides { k, array, carried: &carried, before: &before, after: &after, req };
    let mut items = items::boundary_items(&sides, way, &boundaries, recreate);
    items.extend(items::assumption(&sides, &items));
    let (postures, changes) = items::behaviour_changes(&sides);
    items.extend(changes);
    let (emitted, goal_items) = goal::settings_for_goal(&sides);
    items.extend(goal_items);
    Migration {
        array: array.source.clone(),
        name: array.name.clone(),
        from: from.clone(),
        to: to.clone(),
        way,
        goal: req.goal,
        crossed: boundaries.iter().map(|b| b.version.clone()).collect(),
        postures,
        items,
        emitted,
    }
}
