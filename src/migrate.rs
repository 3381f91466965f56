//! Migration reports (spec section 6): the effective posture at `--from` and, once explicit
//! settings are carried over the way an upgrade carries them, at `--to`; the changes on the
//! way, boundary by boundary; and the settings to apply on the target, in its own form, to keep
//! the posture or reach the recommended one. Carry rules and boundary facts are rules data.

use crate::finding::{Confidence, Direction, Severity};
use crate::knowledge::{Boundary, ItemWay, Knowledge, ProtocolControl, SettingKind, Store};
use crate::model::{Array, Loc, Setting, SettingOrigin, SettingValue};
use crate::posture::{self, Class, Place, Posture};
use crate::remedy::{self, SettingLine};
use crate::source::{SourceFile, Span};
use crate::tls::{Protocol, Strength};
use semver::Version;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Goal {
    Keep,
    Recommended,
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
    pub kind: String,
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
    /// `registry`, `advanced`, or `none` when the target cannot take protocol settings.
    pub form: &'static str,
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

fn is_one(v: &SettingValue) -> bool {
    matches!(v, SettingValue::Dword(1) | SettingValue::Integer(1))
}

fn rekey(k: &Knowledge, key: &str, from_root: &str, to_root: &str) -> Option<String> {
    let (_, place) = posture::registry_place(k, key)?;
    let lower = key.to_ascii_lowercase();
    lower.contains(&from_root.to_ascii_lowercase()).then_some(())?;
    let wow = if lower.contains("\\wow6432node\\") { "Wow6432Node\\" } else { "" };
    let base = format!("HKEY_LOCAL_MACHINE\\SOFTWARE\\{wow}{to_root}");
    Some(match place {
        Place::ArrayInbound => format!("{base}\\Default\\Receiver"),
        Place::ArrayOutbound => format!("{base}\\Default\\Sender"),
        Place::ServerInbound(s) => format!("{base}\\Servers\\{s}\\Receiver"),
        Place::Other => return None,
    })
}

/// The array as the upgrade (or downgrade) leaves it: explicit settings carried boundary by
/// boundary, as rules/migrate.toml says.
pub fn carry(k: &Knowledge, array: &Array, way: Way, boundaries: &[&Boundary]) -> (Array, Vec<String>) {
    let mut a = array.clone();
    let mut recreate = Vec::new();
    let hive = |v: &str| {
        k.hives
            .iter()
            .find(|h| h.applies.matches(&Version::parse(v).unwrap_or(Version::new(0, 0, 0))))
            .map(|h| h.root.clone())
    };
    for b in boundaries {
        for action in &b.carry {
            match (action.as_str(), way) {
                ("drop-force-tlsv1", Way::Upgrade) => {
                    a.settings.retain(|s| posture::identify(k, s).2 != Some(SettingKind::ForceTlsv1))
                }
                ("sslv3-off", Way::Upgrade) => {
                    a.settings.retain(|s| !(posture::identify(k, s).3 == Some(Protocol::Ssl3) && is_one(&s.value)))
                }
                ("rename-hive", _) => {
                    let (old, new) = match (hive("7.0.0"), hive("8.0.0")) {
                        (Some(seven), Some(eight)) if way == Way::Upgrade => (seven, eight),
                        (Some(seven), Some(eight)) => (eight, seven),
                        _ => continue,
                    };
                    for s in &mut a.settings {
                        if let SettingOrigin::Registry { key } = &s.origin {
                            if let Some(new_key) = rekey(k, key, &old, &new) {
                                s.origin = SettingOrigin::Registry { key: new_key };
                            }
                        }
                    }
                }
                ("relabel-low", _) => {
                    let (from, to) = if way == Way::Upgrade {
                        (Strength::Low, Strength::InsecureCompatibility)
                    } else {
                        (Strength::InsecureCompatibility, Strength::Low)
                    };
                    let relabel = |s: &mut Option<crate::model::At<Strength>>| {
                        if let Some(at) = s.as_mut().filter(|at| at.value == from) {
                            at.value = to;
                        }
                    };
                    relabel(&mut a.outbound.min_strength);
                    for server in &mut a.servers {
                        relabel(&mut server.inbound.min_strength);
                    }
                }
                ("drop-registry", Way::Upgrade) => {
                    for s in a.settings.iter().filter(|s| matches!(s.origin, SettingOrigin::Registry { .. })) {
                        let (place, leaf, kind, _) = posture::identify(k, s);
                        if matches!(kind, Some(SettingKind::ProtocolSwitch | SettingKind::CipherList))
                            && place != Place::Other
                        {
                            recreate.push(format!(
                                "{} = {}",
                                posture::advanced_equivalent(&place, leaf),
                                posture::value_text(&s.value).trim_matches('"')
                            ));
                        }
                    }
                    a.settings.retain(|s| !matches!(s.origin, SettingOrigin::Registry { .. }));
                }
                ("drop-registry", Way::Downgrade) => {
                    a.settings.retain(|s| !matches!(s.origin, SettingOrigin::Advanced))
                }
                _ => {}
            }
        }
    }
    (a, recreate)
}

fn side(d: &posture::DirectionPosture) -> Side {
    Side { protocols: d.effective(), cipher_floor: d.cipher_floor.as_ref().map(|f| f.value) }
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

fn direction_of<'p>(p: &'p Posture<'_>, key: &Option<String>) -> Option<&'p posture::DirectionPosture> {
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

pub struct Request<'a> {
    pub from: &'a Version,
    pub to: &'a Version,
    pub goal: Goal,
}

pub fn plan(k: &Knowledge, array: &Array, req: &Request<'_>) -> Migration {
    let (from, to) = (req.from, req.to);
    let (way, boundaries) = crossed(k, from, to);
    let before = posture::resolve(k, array, from);
    let (carried, recreate) = carry(k, array, way, &boundaries);
    let after = posture::resolve(k, &carried, to);
    let mut items = Vec::new();

    // Boundary items, in the order the change crosses them.
    let (_, at_from) = posture::classify_all(k, array, from);
    let has =
        |kind: SettingKind| at_from.iter().any(|c| c.kind == Some(kind) && matches!(c.class, Class::Effective(_)));
    let registry_tls = at_from.iter().any(|c| c.class != Class::NotTls && c.store == Store::Registry);
    let sslv3_before = keys(&before, &after)
        .iter()
        .filter_map(|key| direction_of(&before, key))
        .any(|d| d.tls_enabled.value && d.state(Protocol::Ssl3).effective);
    let dane_on = array.settings.iter().any(|s| {
        let (place, _, kind, _) = posture::identify(k, s);
        kind == Some(SettingKind::EnableDane)
            && place == Place::ArrayOutbound
            && matches!(s.value, SettingValue::Boolean(true) | SettingValue::Integer(1))
    });
    for b in &boundaries {
        for i in &b.items {
            let for_way = matches!(
                (i.way, way),
                (None, _) | (Some(ItemWay::Upgrade), Way::Upgrade) | (Some(ItemWay::Downgrade), Way::Downgrade)
            );
            let applies = for_way
                && match i.when.as_str() {
                    "always" => true,
                    "dane-on" => dane_on,
                    "outbound-tls-off" => !before.outbound.tls_enabled.value,
                    "force-tlsv1" => has(SettingKind::ForceTlsv1),
                    "sslv3-before" => sslv3_before,
                    "outbound-tls" => before.outbound.tls_enabled.value,
                    "cipher-list" => before.outbound.cipher_list.is_some(),
                    "registry-settings" => registry_tls,
                    "target-10.0.0" => base(to) == Version::new(10, 0, 0),
                    _ => false,
                };
            if !applies {
                continue;
            }
            // An item written for both ways is reversed by a downgrade; an assumption is not.
            let reversed = way == Way::Downgrade && i.way.is_none() && i.kind != "assumption";
            let message = if reversed {
                format!("downgrading below {}: this reverses: {}", b.version, i.text)
            } else {
                i.text.clone()
            };
            items.push(Item {
                severity: if reversed { i.downgrade_severity.unwrap_or(i.severity) } else { i.severity },
                kind: i.kind.clone(),
                message,
                servers: vec![],
                sources: i.sources.clone(),
                confidence: i.confidence,
                boundary: Some(b.version.to_string()),
                settings: vec![],
            });
        }
        if b.carry.iter().any(|c| c == "drop-registry") && way == Way::Upgrade {
            let lines = recreate.clone();
            if !lines.is_empty() {
                items.push(Item {
                    severity: Severity::Info,
                    kind: "setting-dropped".into(),
                    message: "Advanced Settings that would re-create the registry values in force before the upgrade (whether to re-create them is the goal's decision, below)".into(),
                    servers: vec![],
                    sources: vec!["Q21147".into()],
                    confidence: Confidence::Inferred,
                    boundary: Some(b.version.to_string()),
                    settings: lines,
                });
            }
        }
    }

    // A version on a row that rests on inference (11.x) says what is assumed, once.
    let said = items.iter().any(|i| i.kind == "assumption");
    for (v, p) in [(from, &before), (to, &after)] {
        if let (Some(assumed), false) = (&p.row.row.assumed, said) {
            items.push(Item {
                severity: Severity::Info,
                kind: "assumption".into(),
                message: format!("SEG {}: {assumed}", base(v)),
                servers: vec![],
                sources: p.row.row.sources.clone(),
                confidence: Confidence::Inferred,
                boundary: None,
                settings: vec![],
            });
            break;
        }
    }

    // Behaviour changes per server and direction.
    let mut postures = Vec::new();
    for key in keys(&before, &after) {
        let (Some(b), Some(a)) = (direction_of(&before, &key), direction_of(&after, &key)) else { continue };
        let row = PostureRow { server: key.clone(), direction: b.direction, before: side(b), after: side(a) };
        let lost: Vec<Protocol> =
            row.before.protocols.iter().copied().filter(|p| !row.after.protocols.contains(p)).collect();
        let gained: Vec<Protocol> =
            row.after.protocols.iter().copied().filter(|p| !row.before.protocols.contains(p)).collect();
        if !lost.is_empty() || !gained.is_empty() {
            let mut parts = Vec::new();
            if !lost.is_empty() {
                parts.push(format!("loses {}", names(&lost)));
            }
            if !gained.is_empty() {
                parts.push(format!("gains {}", names(&gained)));
            }
            items.push(Item {
                severity: if lost.is_empty() { Severity::Info } else { Severity::Warning },
                kind: "behaviour-change".into(),
                message: format!(
                    "{}: {} ({} → {})",
                    who(&key),
                    parts.join(" and "),
                    names(&row.before.protocols),
                    names(&row.after.protocols)
                ),
                servers: key.iter().cloned().collect(),
                sources: after.row.row.sources.clone(),
                // Resting on a default no article states (either side) makes the change inferred.
                confidence: [b, a]
                    .iter()
                    .flat_map(|d| d.protocols.iter())
                    .filter(|s| s.allowed.evidence != crate::finding::Evidence::Explicit)
                    .map(|s| s.allowed.confidence)
                    .max()
                    .unwrap_or(Confidence::Certain),
                boundary: None,
                settings: vec![],
            });
        }
        postures.push(row);
    }

    let emitted = settings_for_goal(k, array, &carried, &before, &after, req, &mut items);
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

/// The effective protocols the goal asks for, per (server, direction).
fn goal_protocols(
    req: &Request<'_>,
    key: &Option<String>,
    before: &Posture<'_>,
    after: &Posture<'_>,
    k: &Knowledge,
) -> Vec<Protocol> {
    match req.goal {
        Goal::Keep => direction_of(before, key).map(|d| d.effective()).unwrap_or_default(),
        Goal::Recommended => {
            let row = k.row_for(req.to).row;
            let _ = after;
            Protocol::ALL
                .iter()
                .copied()
                .filter(|&p| p >= Protocol::Tls12 && (row.switches.contains(&p) || row.sending.contains(&p)))
                .collect()
        }
    }
}

fn explicit_here(classified: &[posture::Classified], place: &Place, p: Protocol) -> bool {
    classified.iter().any(|c| {
        matches!(c.class, Class::Effective(posture::Effect::Switch { protocol, .. }) if protocol == p)
            && match (place, &c.place) {
                (Place::ServerInbound(want), Place::ServerInbound(_)) => {
                    c.server.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(want))
                }
                (want, got) => want == got,
            }
    })
}

/// Appends `lines` to an array as if they were read from one more file.
pub fn with_lines(a: &Array, lines: &[SettingLine]) -> Array {
    let mut a = a.clone();
    let file = a.files.len();
    let mut text = String::new();
    for l in lines {
        let start = text.len();
        text.push_str(&l.describe());
        text.push('\n');
        let loc = Loc { file, span: Span::new(start, text.len() - start - 1) };
        a.settings.push(Setting {
            origin: match &l.key {
                Some(key) => SettingOrigin::Registry { key: key.clone() },
                None => SettingOrigin::Advanced,
            },
            name: l.name.clone(),
            value: if l.key.is_some() {
                SettingValue::Dword(l.value)
            } else {
                SettingValue::Integer(i64::from(l.value))
            },
            loc,
            name_loc: loc,
            value_loc: loc,
        });
    }
    a.files.push(SourceFile { path: "(settings to apply)".into(), display: "(settings to apply)".into(), text });
    a
}

fn settings_for_goal(
    k: &Knowledge,
    array: &Array,
    carried: &Array,
    before: &Posture<'_>,
    after: &Posture<'_>,
    req: &Request<'_>,
    items: &mut Vec<Item>,
) -> Emitted {
    let to = req.to;
    let row = k.row_for(to).row;
    let layout = remedy::Layout::of(k, array, to);
    let goal_word = if req.goal == Goal::Keep { "keep the posture of" } else { "reach the recommended posture on" };
    let all_keys = keys(before, after);
    let goals: Vec<(Option<String>, Vec<Protocol>)> =
        all_keys.iter().map(|key| (key.clone(), goal_protocols(req, key, before, after, k))).collect();
    // Settings are needed when the goal differs from what the upgraded array has, or from what
    // the export itself gives at the target (its values may be in a form the target ignores).
    let as_exported = posture::resolve(k, array, to);
    let differs_in =
        |p: &Posture<'_>| goals.iter().any(|(key, g)| direction_of(p, key).is_some_and(|d| d.effective() != *g));
    let differs = differs_in(after) || differs_in(&as_exported);
    let mut lines: Vec<SettingLine> = Vec::new();
    let mut deletions: Vec<(String, String)> = Vec::new();
    let v10 = base(to) >= Version::new(10, 0, 0);

    match row.protocol_control {
        ProtocolControl::None | ProtocolControl::ForceTlsv1 if differs => {
            let outbound_tls10_only = goals.iter().all(|(key, g)| key.is_some() || *g == vec![Protocol::Tls10]);
            let inbound_same = goals
                .iter()
                .filter(|(key, _)| key.is_some())
                .all(|(key, g)| direction_of(after, key).is_some_and(|d| d.effective() == *g));
            if row.protocol_control == ProtocolControl::ForceTlsv1 && outbound_tls10_only && inbound_same {
                if let Some(key) = remedy::registry_key(k, to, layout, Direction::Outbound, None) {
                    lines.push(SettingLine { key: Some(key), name: k.names.force_tlsv1.clone(), value: 1 });
                }
            } else {
                let detail: Vec<String> = goals
                    .iter()
                    .filter(|(key, g)| direction_of(after, key).is_some_and(|d| d.effective() != *g))
                    .map(|(key, g)| {
                        format!(
                            "{}: {} wanted, {} in force",
                            who(key),
                            names(g),
                            names(&direction_of(after, key).map(|d| d.effective()).unwrap_or_default())
                        )
                    })
                    .collect();
                items.push(Item {
                    severity: Severity::Error,
                    kind: "cannot-apply".into(),
                    message: format!(
                        "no settings can {goal_word} SEG {}: {} cannot change these protocols ({})",
                        base(to),
                        row.label,
                        detail.join("; ")
                    ),
                    servers: goals.iter().filter_map(|(key, _)| key.clone()).collect(),
                    sources: row.sources.clone(),
                    confidence: Confidence::Certain,
                    boundary: None,
                    settings: vec![],
                });
            }
        }
        ProtocolControl::Switches if differs => {
            let inbound: Vec<&(Option<String>, Vec<Protocol>)> =
                goals.iter().filter(|(key, _)| key.is_some()).collect();
            let (_, in_carried) = posture::classify_all(k, carried, to);
            let (_, in_array) = posture::classify_all(k, array, to);
            let explicit =
                |place: &Place, p: Protocol| explicit_here(&in_carried, place, p) || explicit_here(&in_array, place, p);
            for &p in &row.switches {
                if let Some((_, g)) = goals.iter().find(|(key, _)| key.is_none()) {
                    let want = g.contains(&p);
                    if want != row.sending.contains(&p) || explicit(&Place::ArrayOutbound, p) {
                        lines.extend(remedy::switch_line(k, to, layout, Direction::Outbound, None, p, want));
                    }
                }
                let wants: Vec<(String, bool)> =
                    inbound.iter().map(|(key, g)| (key.clone().unwrap_or_default(), g.contains(&p))).collect();
                let Some(first) = wants.first() else { continue };
                if wants.iter().all(|(_, w)| *w == first.1) {
                    let want = first.1;
                    if want != row.receiving.contains(&p) || explicit(&Place::ArrayInbound, p) {
                        lines.extend(remedy::switch_line(k, to, layout, Direction::Inbound, None, p, want));
                    }
                    for (server, _) in &wants {
                        let place = Place::ServerInbound(server.clone());
                        if explicit(&place, p) {
                            lines.extend(remedy::switch_line(k, to, layout, Direction::Inbound, Some(server), p, want));
                        }
                    }
                } else {
                    for (server, want) in &wants {
                        lines.extend(remedy::switch_line(k, to, layout, Direction::Inbound, Some(server), p, *want));
                    }
                }
            }
            // SSLv2 needs a certificate when receiving from 7.3.0 on: no setting can keep it.
            if k.holds("sslv2-needs-certificate", to) {
                for (key, g) in &inbound {
                    let server = key.as_deref().unwrap_or_default();
                    if g.contains(&Protocol::Ssl2)
                        && array.server(server).is_some_and(|s| s.inbound.certificate.is_none())
                    {
                        items.push(Item {
                            severity: Severity::Warning,
                            kind: "cannot-apply".into(),
                            message: format!(
                                "SSLv2 cannot work when receiving on {server} on SEG {}: the server has no certificate",
                                base(to)
                            ),
                            servers: vec![server.to_string()],
                            sources: k.fact("sslv2-needs-certificate").sources.clone(),
                            confidence: Confidence::Certain,
                            boundary: None,
                            settings: vec![],
                        });
                    }
                }
            }
        }
        _ => {}
    }

    if req.goal == Goal::Keep {
        // Keeping re-enables what the change switched off: say so where that is SSL.
        for (key, g) in &goals {
            let now = direction_of(after, key).map(|d| d.effective()).unwrap_or_default();
            let revived: Vec<Protocol> =
                g.iter().copied().filter(|p| *p <= Protocol::Ssl3 && !now.contains(p)).collect();
            if !revived.is_empty() {
                // Regression: SSLv3 alone was said to be broken by DROWN, which is SSLv2's.
                let attacks: Vec<&str> = revived.iter().map(|&p| attack(p)).collect();
                let verb = if revived.len() == 1 { "it is" } else { "they are" };
                items.push(Item {
                    severity: Severity::Warning,
                    kind: "risk".into(),
                    message: format!(
                        "keeping the posture switches {} back on {}: {verb} broken ({}); consider --goal recommended",
                        names(&revived),
                        who(key),
                        attacks.join(", ")
                    ),
                    servers: key.iter().cloned().collect(),
                    sources: vec!["Q19541".into()],
                    confidence: Confidence::Certain,
                    boundary: None,
                    settings: vec![],
                });
            }
        }
    } else {
        recommended_extras(k, carried, after, to, items, &mut deletions);
    }

    // Prove the settings do what they claim, on the array as upgraded and as `check` reads it.
    let mut emitted_lines = lines.clone();
    // Array-wide values first (Receiver, Sender), then per server; by name within each.
    emitted_lines.sort_by_key(|l| {
        (
            l.key.clone().unwrap_or_default().contains("\\Servers\\") || l.name.starts_with("Servers."),
            l.key.clone(),
            l.name.clone(),
        )
    });
    emitted_lines.dedup();
    for (label, a) in [("as upgraded", carried), ("as exported", array)] {
        let p = posture::resolve(k, &with_lines(a, &emitted_lines), to);
        for (key, g) in &goals {
            let Some(d) = direction_of(&p, key) else { continue };
            let reachable = !g.contains(&Protocol::Ssl2)
                || d.server.is_none()
                || !k.holds("sslv2-needs-certificate", to)
                || key.as_deref().and_then(|s| array.server(s)).is_some_and(|s| s.inbound.certificate.is_some());
            if d.effective() != *g && reachable && row.protocol_control == ProtocolControl::Switches {
                items.push(Item { severity: Severity::Error, kind: "cannot-apply".into(), message: format!("the settings below do not give {} the protocols {} on the array {label} (seglint found {}); check per-server values by hand", who(key), names(g), names(&d.effective())), servers: key.iter().cloned().collect(), sources: vec![], confidence: Confidence::Certain, boundary: None, settings: vec![] });
            }
        }
    }

    let form = if lines.is_empty() && deletions.is_empty() {
        if row.protocol_control == ProtocolControl::None { "none" } else { row_form(row.store) }
    } else {
        row_form(row.store)
    };
    let described: Vec<String> = emitted_lines
        .iter()
        .map(|l| match &l.key {
            Some(_) => l.describe(),
            None => format!("{} = {}", l.name, l.value),
        })
        .chain(deletions.iter().map(|(key, name)| format!("delete {name} under {key}")))
        .collect();
    if !described.is_empty() {
        let how = if v10 {
            "in the Management Console, Advanced Settings"
        } else {
            "on the Array Manager (import the .reg with --emit-settings)"
        };
        items.push(Item {
            severity: Severity::Info,
            kind: "apply-setting".into(),
            message: format!("to {goal_word} SEG {}, set {how}, then commit configuration and restart the Receiver and Sender services on each processing server", base(to)),
            servers: vec![],
            sources: row.sources.clone(),
            // On a row whose mechanism no article states (11.x), the settings are assumed to work.
            confidence: row.control_confidence,
            boundary: None,
            settings: described.clone(),
        });
    }
    let text = match row.store {
        Store::Registry => reg_text(&emitted_lines, &deletions, to, req.goal),
        Store::Advanced => settings_text(&emitted_lines, to, req.goal, row.protocol_control),
    };
    Emitted { form, lines: described, text }
}

/// The attack that breaks a legacy protocol, as the risk names it.
fn attack(p: Protocol) -> &'static str {
    match p {
        Protocol::Ssl2 => "SSLv2: DROWN",
        Protocol::Ssl3 => "SSLv3: POODLE",
        _ => "deprecated",
    }
}

fn row_form(store: Store) -> &'static str {
    match store {
        Store::Registry => "registry",
        Store::Advanced => "advanced",
    }
}

fn recommended_extras(
    k: &Knowledge,
    a: &Array,
    after: &Posture<'_>,
    to: &Version,
    items: &mut Vec<Item>,
    deletions: &mut Vec<(String, String)>,
) {
    let layout = remedy::Layout::of(k, a, to);
    let item = |severity, message: String, servers: Vec<String>, sources: Vec<String>| Item {
        severity,
        kind: "apply-setting".into(),
        message,
        servers,
        sources,
        confidence: Confidence::Certain,
        boundary: None,
        settings: vec![],
    };
    let mut floors = vec![(None, &after.outbound)];
    floors.extend(after.inbound.iter().filter(|d| d.tls_enabled.value).map(|d| (d.server.clone(), d)));
    for (server, d) in floors {
        if d.cipher_floor.as_ref().is_none_or(|f| f.value.rank() < Strength::Medium.rank()) {
            let now = d.cipher_floor.as_ref().map_or("not stated".to_string(), |f| f.value.to_string());
            items.push(item(
                Severity::Warning,
                format!(
                    "raise the minimum cipher strength {} to Medium (now {now}) {}",
                    who(&server),
                    remedy::cipher_floor_place(d.direction, server.as_deref(), to)
                ),
                server.into_iter().collect(),
                vec!["Q14317".into()],
            ));
        }
    }
    if k.holds("stale-cipher-list", to) && after.outbound.cipher_list.is_some() {
        match remedy::registry_key(k, to, layout, Direction::Outbound, None)
            .filter(|_| base(to) < Version::new(10, 0, 0))
        {
            Some(key) => deletions.push((key, k.names.cipher_list.clone())),
            None => items.push(item(
                Severity::Warning,
                format!("delete Sender.{} in the Management Console, Advanced Settings", k.names.cipher_list),
                vec![],
                vec!["Q20741".into()],
            )),
        }
    }
    if after.outbound.offer_client_certificate.as_ref().is_some_and(|o| !o.value) {
        items.push(item(
            Severity::Warning,
            "turn on offering the client certificate under SEG Properties → Sender → Outbound Security (TLS)".into(),
            vec![],
            vec!["Q19438".into()],
        ));
    }
    for s in &a.servers {
        match &s.inbound.certificate {
            None => items.push(item(Severity::Warning, format!("install a certificate from a public CA on {} (TLS Certificate Wizard): outbound TLS presents it as the client certificate", s.name), vec![s.name.clone()], vec!["Q19438".into()])),
            Some(c) if c.self_signed.as_ref().is_some_and(|x| x.value) => items.push(item(Severity::Warning, format!("replace {}'s self-signed certificate with one from a public CA", s.name), vec![s.name.clone()], vec!["Q19438".into()])),
            _ => {}
        }
    }
}

fn reg_text(lines: &[SettingLine], deletions: &[(String, String)], to: &Version, goal: Goal) -> String {
    let mut keys: Vec<&str> =
        lines.iter().filter_map(|l| l.key.as_deref()).chain(deletions.iter().map(|(k, _)| k.as_str())).collect();
    keys.dedup();
    let mut seen = std::collections::BTreeSet::new();
    keys.retain(|k| seen.insert(k.to_ascii_lowercase()));
    let mut out = format!(
        "Windows Registry Editor Version 5.00\n\n; seglint migrate: settings for SEG {} (goal: {}). Import on the Array Manager,\n; then commit configuration and restart the services on each processing server.\n",
        base(to),
        goal_name(goal)
    );
    for key in keys {
        out.push_str(&format!("\n[{key}]\n"));
        for l in lines.iter().filter(|l| l.key.as_deref() == Some(key)) {
            out.push_str(&format!("\"{}\"=dword:{:08x}\n", l.name, l.value));
        }
        for (_, name) in deletions.iter().filter(|(k, _)| k == key) {
            out.push_str(&format!("\"{name}\"=-\n"));
        }
    }
    out
}

fn settings_text(lines: &[SettingLine], to: &Version, goal: Goal, control: ProtocolControl) -> String {
    let mut out = format!(
        "# seglint migrate: Advanced Settings for SEG {} (goal: {}).\n# Enter each in the Management Console, Advanced Settings (Integer values).\n",
        base(to),
        goal_name(goal)
    );
    if control == ProtocolControl::None {
        out.push_str("# 10.0.0 ignores every protocol setting: upgrade to 10.0.1 or later first.\n");
    }
    for l in lines {
        out.push_str(&format!("{} = {}\n", l.name, l.value));
    }
    out
}

pub fn goal_name(goal: Goal) -> &'static str {
    match goal {
        Goal::Keep => "keep",
        Goal::Recommended => "recommended",
    }
}

/// A `.reg` file as regedit writes it: UTF-16LE with a byte-order mark and CRLF line ends.
pub fn reg_bytes(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.replace('\n', "\r\n").encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}
