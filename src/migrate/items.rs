//! The items of a migration report that come from the change itself: each boundary's items
//! when their condition holds, what a report on an inferred row assumes, and the behaviour
//! changes per server and direction. It prints nothing and applies no policy.

use super::{Item, PostureRow, Side, Sides, Way, direction_of, keys, names, who};
use crate::knowledge::{Boundary, Condition, ItemKind, ItemWay, SettingKind, Store};
use crate::model::SettingValue;
use crate::posture::{self, Class, Place};
use crate::vocab::{Confidence, Evidence, Protocol, Severity};

/// Whether a boundary item's condition holds for this change.
fn holds(s: &Sides<'_, '_>, when: Condition) -> bool {
    let (k, array, before) = (s.k, s.array, s.before);
    let (_, at_from) = posture::classify_all(k, array, s.req.from);
    let has =
        |kind: SettingKind| at_from.iter().any(|c| c.kind == Some(kind) && matches!(c.class, Class::Effective(_)));
    match when {
        Condition::Always => true,
        Condition::ForceTlsv1 => has(SettingKind::ForceTlsv1),
        Condition::Sslv3Before => keys(before, s.after)
            .iter()
            .filter_map(|key| direction_of(before, key))
            .any(|d| d.tls_enabled.value && d.state(Protocol::Ssl3).effective),
        Condition::OutboundTls => before.outbound.tls_enabled.value,
        Condition::OutboundTlsOff => !before.outbound.tls_enabled.value,
        Condition::CipherList => before.outbound.cipher_list.is_some(),
        Condition::RegistrySettings => at_from.iter().any(|c| c.class != Class::NotTls && c.store == Store::Registry),
        Condition::TargetWithoutProtocolControl => {
            k.row_for(s.req.to).row.protocol_control == crate::knowledge::ProtocolControl::None
        }
        // DANE set, and able to work: without outbound TLS the outbound-tls-off item speaks.
        Condition::DaneOn => {
            before.outbound.tls_enabled.value
                && array.settings.iter().any(|set| {
                    let (place, _, kind, _) = posture::identify(k, set);
                    kind == Some(SettingKind::EnableDane)
                        && place == Place::ArrayOutbound
                        && matches!(set.value, SettingValue::Boolean(true) | SettingValue::Integer(1))
                })
        }
    }
}

/// Each crossed boundary's items whose condition holds, in the order the change crosses them.
pub(super) fn boundary_items(
    s: &Sides<'_, '_>,
    way: Way,
    boundaries: &[&Boundary],
    recreate: Vec<String>,
) -> Vec<Item> {
    let mut items = Vec::new();
    for b in boundaries {
        for i in &b.items {
            let for_way = matches!(
                (i.way, way),
                (None, _) | (Some(ItemWay::Upgrade), Way::Upgrade) | (Some(ItemWay::Downgrade), Way::Downgrade)
            );
            if !for_way || !holds(s, i.when) {
                continue;
            }
            // An item written for both ways is reversed by a downgrade; an assumption is not.
            let reversed = way == Way::Downgrade && i.way.is_none() && i.kind != ItemKind::Assumption;
            let (severity, message) = if reversed {
                let message = format!("downgrading below {}: this reverses: {}", b.version, i.text);
                (i.downgrade_severity.unwrap_or(i.severity), message)
            } else {
                (i.severity, i.text.clone())
            };
            let mut item = Item::new(severity, i.kind, message).sources(&i.sources).confidence(i.confidence);
            item.boundary = Some(b.version.to_string());
            items.push(item);
        }
        let drops_registry = b.carry.contains(&crate::knowledge::CarryAction::DropRegistry);
        if drops_registry && way == Way::Upgrade && !recreate.is_empty() {
            let message = "Advanced Settings that would re-create the registry values in force before the upgrade (whether to re-create them is the goal's decision, below)";
            let mut item = Item::new(Severity::Info, ItemKind::SettingDropped, message.into())
                .sources(&s.k.row_for(&b.version).row.sources)
                .confidence(Confidence::Inferred);
            item.boundary = Some(b.version.to_string());
            item.settings = recreate.clone();
            items.push(item);
        }
    }
    items
}

/// A version on a row that rests on inference (11.x) says what is assumed, once, unless a
/// boundary item already did.
pub(super) fn assumption(s: &Sides<'_, '_>, items: &[Item]) -> Option<Item> {
    if items.iter().any(|i| i.kind == ItemKind::Assumption) {
        return None;
    }
    [(s.req.from, s.before), (s.req.to, s.after)].into_iter().find_map(|(v, p)| {
        let row = p.row.row;
        let assumed = row.assumed.as_ref()?;
        let message = format!("SEG {}: {assumed}", super::base(v));
        Some(
            Item::new(Severity::Info, ItemKind::Assumption, message)
                .sources(&row.sources)
                .confidence(Confidence::Inferred),
        )
    })
}

/// The before/after rows, and an item for each (server, direction) whose protocols change.
pub(super) fn behaviour_changes(s: &Sides<'_, '_>) -> (Vec<PostureRow>, Vec<Item>) {
    let side = |d: &crate::posture::DirectionPosture| Side {
        protocols: d.effective(),
        cipher_floor: d.cipher_floor.as_ref().map(|f| f.value),
    };
    let mut rows = Vec::new();
    let mut items = Vec::new();
    for key in keys(s.before, s.after) {
        let (Some(b), Some(a)) = (direction_of(s.before, &key), direction_of(s.after, &key)) else { continue };
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
            let severity = if lost.is_empty() { Severity::Info } else { Severity::Warning };
            let message = format!(
                "{}: {} ({} → {})",
                who(&key),
                parts.join(" and "),
                names(&row.before.protocols),
                names(&row.after.protocols)
            );
            // Resting on a default no article states (either side) makes the change inferred.
            let confidence = [b, a]
                .iter()
                .flat_map(|d| d.protocols.iter())
                .filter(|p| p.allowed.evidence != Evidence::Explicit)
                .map(|p| p.allowed.confidence)
                .max()
                .unwrap_or(Confidence::Certain);
            items.push(
                Item::new(severity, ItemKind::BehaviourChange, message)
                    .servers(key.iter().cloned().collect())
                    .sources(&s.after.row.row.sources)
                    .confidence(confidence),
            );
        }
        rows.push(row);
    }
    (rows, items)
}
