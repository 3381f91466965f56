//! The settings to apply on the target so that it keeps today's posture (`--goal keep`) or
//! reaches the recommended one: the goal per (server, direction), a strategy per protocol
//! control of the target (switches, `ForceTLSv1`, none), the goal's extras, then a proof that
//! the settings give the goal, and the file to import. It prints nothing and applies no policy.

use super::{Emitted, EmittedForm, Goal, Item, Sides, base, direction_of, keys, names, who};
use crate::knowledge::{ItemKind, ProtocolControl, Store};
use crate::model::{Array, Loc, Setting, SettingOrigin, SettingValue};
use crate::posture::{self, Class, Classified, Place, Posture};
use crate::remedy::{At, Layout, Remedy, SettingLine};
use crate::source::{SourceFile, Span};
use crate::vocab::{Direction, Protocol, Severity, Strength};

/// The effective protocols the goal asks for, per (server, direction) key.
type Goals = Vec<(Option<String>, Vec<Protocol>)>;

fn goals(s: &Sides<'_, '_>) -> Goals {
    let row = s.k.row_for(s.req.to).row;
    let recommended: Vec<Protocol> = Protocol::ALL
        .iter()
        .copied()
        .filter(|&p| p >= Protocol::Tls12 && (row.switches.contains(&p) || row.sending.contains(&p)))
        .collect();
    keys(s.before, s.after)
        .into_iter()
        .map(|key| {
            let want = match s.req.goal {
                Goal::Keep => direction_of(s.before, &key).map(|d| d.effective()).unwrap_or_default(),
                Goal::Recommended => recommended.clone(),
            };
            (key, want)
        })
        .collect()
}

fn goal_word(goal: Goal) -> &'static str {
    match goal {
        Goal::Keep => "keep the posture of",
        Goal::Recommended => "reach the recommended posture on",
    }
}

/// Fixes in the target's form, following the registry layout of the array's own files.
fn remedy<'a>(s: &Sides<'a, '_>) -> Remedy<'a> {
    Remedy::new(s.k, s.req.to, Layout::of(s.k, s.array, s.req.to))
}

/// The settings to emit, and the items the goal adds (what cannot be applied, risks, extras).
pub(super) fn settings_for_goal(s: &Sides<'_, '_>) -> (Emitted, Vec<Item>) {
    let row = s.k.row_for(s.req.to).row;
    let goals = goals(s);
    // Settings are needed when the goal differs from what the upgraded array has, or from what
    // the export itself gives at the target (its values may be in a form the target ignores).
    let as_exported = posture::resolve(s.k, s.array, s.req.to);
    let differs_in =
        |p: &Posture<'_>| goals.iter().any(|(key, g)| direction_of(p, key).is_some_and(|d| d.effective() != *g));
    let differs = differs_in(s.after) || differs_in(&as_exported);
    let mut items = Vec::new();
    let lines = match row.protocol_control {
        ProtocolControl::None | ProtocolControl::ForceTlsv1 if differs => {
            let (lines, cannot) = without_switches(s, &goals);
            items.extend(cannot);
            lines
        }
        ProtocolControl::Switches if differs => {
            items.extend(sslv2_unreachable(s, &goals));
            switch_lines(s, &goals)
        }
        _ => vec![],
    };
    let deletions = match s.req.goal {
        Goal::Keep => {
            items.extend(keep_risks(s, &goals));
            vec![]
        }
        Goal::Recommended => {
            let (extras, deletions) = recommended_extras(s);
            items.extend(extras);
            deletions
        }
    };
    let lines = ordered(lines);
    let (lines, deletions) = writable(row.store, lines, deletions, &mut items);
    items.extend(verify(s, &goals, &lines));
    let (emitted, apply) = emitted(s, &lines, &deletions);
    items.extend(apply);
    (emitted, items)
}

/// On a version without per-protocol switches: `ForceTLSv1` where it gives the goal (sending
/// TLSv1.0 alone, receiving unchanged), else an item saying no setting can.
fn without_switches(s: &Sides<'_, '_>, goals: &Goals) -> (Vec<SettingLine>, Option<Item>) {
    let row = s.k.row_for(s.req.to).row;
    let after = |key: &Option<String>| direction_of(s.after, key).map(|d| d.effective()).unwrap_or_default();
    let outbound_tls10_only = goals.iter().all(|(key, g)| key.is_some() || *g == vec![Protocol::Tls10]);
    let inbound_same = goals.iter().filter(|(key, _)| key.is_some()).all(|(key, g)| after(key) == *g);
    if row.protocol_control == ProtocolControl::ForceTlsv1 && outbound_tls10_only && inbound_same {
        let key = remedy(s).registry_key(At::SENDING).map(|(key, _)| key);
        let lines = key.map(|key| SettingLine { key: Some(key), name: s.k.names.force_tlsv1.clone(), value: 1 });
        return (lines.into_iter().collect(), None);
    }
    let detail: Vec<String> = goals
        .iter()
        .filter(|(key, g)| after(key) != *g)
        .map(|(key, g)| format!("{}: {} wanted, {} in force", who(key), names(g), names(&after(key))))
        .collect();
    let message = format!(
        "no settings can {} SEG {}: {} cannot change these protocols ({})",
        goal_word(s.req.goal),
        base(s.req.to),
        row.label,
        detail.join("; ")
    );
    let item = Item::new(Severity::Error, ItemKind::CannotApply, message)
        .servers(goals.iter().filter_map(|(key, _)| key.clone()).collect())
        .sources(&row.sources);
    (vec![], Some(item))
}

fn explicit_here(classified: &[Classified], place: &Place, p: Protocol) -> bool {
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

/// On a version with switches: for each protocol, the array-wide value where every server wants
/// the same (and it differs from the default, or an explicit value must be overridden), else
/// one value per server.
fn switch_lines(s: &Sides<'_, '_>, goals: &Goals) -> Vec<SettingLine> {
    let (k, to) = (s.k, s.req.to);
    let row = k.row_for(to).row;
    let r = remedy(s);
    let (_, in_carried) = posture::classify_all(k, s.carried, to);
    let (_, in_array) = posture::classify_all(k, s.array, to);
    let explicit =
        |place: &Place, p: Protocol| explicit_here(&in_carried, place, p) || explicit_here(&in_array, place, p);
    let inbound: Vec<&(Option<String>, Vec<Protocol>)> = goals.iter().filter(|(key, _)| key.is_some()).collect();
    let mut lines = Vec::new();
    for &p in &row.switches {
        if let Some((_, g)) = goals.iter().find(|(key, _)| key.is_none()) {
            let want = g.contains(&p);
            if want != row.sending.contains(&p) || explicit(&Place::ArrayOutbound, p) {
                lines.extend(r.switch_line(At::SENDING, p, want));
            }
        }
        let wants: Vec<(String, bool)> =
            inbound.iter().map(|(key, g)| (key.clone().unwrap_or_default(), g.contains(&p))).collect();
        let Some(first) = wants.first() else { continue };
        if wants.iter().all(|(_, w)| *w == first.1) {
            let want = first.1;
            if want != row.receiving.contains(&p) || explicit(&Place::ArrayInbound, p) {
                lines.extend(r.switch_line(At::RECEIVING, p, want));
            }
            for (server, _) in wants.iter().filter(|(server, _)| explicit(&Place::ServerInbound(server.clone()), p)) {
                lines.extend(r.switch_line(At { direction: Direction::Inbound, server: Some(server) }, p, want));
            }
        } else {
            for (server, want) in &wants {
                lines.extend(r.switch_line(At { direction: Direction::Inbound, server: Some(server) }, p, *want));
            }
        }
    }
    lines
}

/// SSLv2 needs a certificate when receiving from 7.3.0 on: no setting can keep it on a server
/// without one.
fn sslv2_unreachable(s: &Sides<'_, '_>, goals: &Goals) -> Vec<Item> {
    let (k, to) = (s.k, s.req.to);
    if !k.holds("sslv2-needs-certificate", to) {
        return vec![];
    }
    let sources = &k.fact("sslv2-needs-certificate").sources;
    goals
        .iter()
        .filter_map(|(key, g)| key.as_deref().map(|server| (server, g)))
        .filter(|(server, g)| {
            g.contains(&Protocol::Ssl2) && s.array.server(server).is_some_and(|x| x.inbound.certificate.is_none())
        })
        .map(|(server, _)| {
            let message = format!(
                "SSLv2 cannot work when receiving on {server} on SEG {}: the server has no certificate",
                base(to)
            );
            Item::new(Severity::Warning, ItemKind::CannotApply, message)
                .servers(vec![server.to_string()])
                .sources(sources)
        })
        .collect()
}

/// The attack that breaks a legacy protocol, as the risk names it.
fn attack(p: Protocol) -> &'static str {
    match p {
        Protocol::Ssl2 => "SSLv2: DROWN",
        Protocol::Ssl3 => "SSLv3: POODLE",
        _ => "deprecated",
    }
}

/// Keeping re-enables what the change switched off: say so where that is SSL.
fn keep_risks(s: &Sides<'_, '_>, goals: &Goals) -> Vec<Item> {
    let sources = &s.k.fact("sslv3-off-on-upgrade").sources;
    goals
        .iter()
        .filter_map(|(key, g)| {
            let now = direction_of(s.after, key).map(|d| d.effective()).unwrap_or_default();
            let revived: Vec<Protocol> =
                g.iter().copied().filter(|p| *p <= Protocol::Ssl3 && !now.contains(p)).collect();
            if revived.is_empty() {
                return None;
            }
            // Regression: SSLv3 alone was said to be broken by DROWN, which is SSLv2's.
            let attacks: Vec<&str> = revived.iter().map(|&p| attack(p)).collect();
            let verb = if revived.len() == 1 { "it is" } else { "they are" };
            let message = format!(
                "keeping the posture switches {} back on {}: {verb} broken ({}); consider --goal recommended",
                names(&revived),
                who(key),
                attacks.join(", ")
            );
            Some(
                Item::new(Severity::Warning, ItemKind::Risk, message)
                    .servers(key.iter().cloned().collect())
                    .sources(sources),
            )
        })
        .collect()
}

/// The recommended posture beyond protocols: at least Medium, no stale `TLSCipherList`, the
/// client certificate offered, a CA-issued certificate on every server. Returns the items and
/// the registry values to delete.
fn recommended_extras(s: &Sides<'_, '_>) -> (Vec<Item>, Vec<(String, String)>) {
    let (k, after, to) = (s.k, s.after, s.req.to);
    let r = remedy(s);
    let item = |message: String, servers: Vec<String>, fact: &str| {
        Item::new(Severity::Warning, ItemKind::ApplySetting, message).servers(servers).sources(&k.fact(fact).sources)
    };
    let mut items = Vec::new();
    let mut deletions = Vec::new();
    let floors = std::iter::once(&after.outbound).chain(after.inbound.iter().filter(|d| d.tls_enabled.value));
    for d in floors.filter(|d| d.cipher_floor.as_ref().is_none_or(|f| f.value.rank() < Strength::Medium.rank())) {
        let now = d.cipher_floor.as_ref().map_or("not stated".to_string(), |f| f.value.to_string());
        let at = At { direction: d.direction, server: d.server.as_deref() };
        let message = format!(
            "raise the minimum cipher strength {} to Medium (now {now}) {}",
            who(&d.server),
            r.cipher_floor_place(at)
        );
        items.push(item(message, d.server.iter().cloned().collect(), "medium-recommended"));
    }
    if k.holds("stale-cipher-list", to) && after.outbound.cipher_list.is_some() {
        match r.registry_key(At::SENDING).filter(|_| k.row_for(to).row.store == Store::Registry) {
            Some((key, _)) => deletions.push((key, k.names.cipher_list.clone())),
            None => {
                let message =
                    format!("delete Sender.{} in the Management Console, Advanced Settings", k.names.cipher_list);
                items.push(item(message, vec![], "stale-cipher-list"));
            }
        }
    }
    if after.outbound.offer_client_certificate.as_ref().is_some_and(|o| !o.value) {
        let message = "turn on offering the client certificate under SEG Properties → Sender → Outbound Security (TLS)";
        items.push(item(message.into(), vec![], "client-certificate"));
    }
    for server in &s.carried.servers {
        let name = &server.name;
        match &server.inbound.certificate {
            None => items.push(item(format!("install a certificate from a public CA on {name} (TLS Certificate Wizard): outbound TLS presents it as the client certificate"), vec![name.clone()], "client-certificate")),
            Some(c) if c.self_signed.as_ref().is_some_and(|x| x.value) => items.push(item(format!("replace {name}'s self-signed certificate with one from a public CA"), vec![name.clone()], "public-ca")),
            _ => {}
        }
    }
    (items, deletions)
}

/// Array-wide values first (Receiver, Sender), then per server; by name within each; once each.
fn ordered(mut lines: Vec<SettingLine>) -> Vec<SettingLine> {
    lines.sort_by_key(|l| {
        let per_server = l.key.as_deref().unwrap_or_default().contains("\\Servers\\") || l.name.starts_with("Servers.");
        (per_server, l.key.clone(), l.name.clone())
    });
    lines.dedup();
    lines
}

/// The settings the target's file can hold; each it cannot (a server name with `=`, say) is
/// left out of the file and named in an error item, to be entered by hand.
fn writable(
    store: Store,
    lines: Vec<SettingLine>,
    deletions: Vec<(String, String)>,
    items: &mut Vec<Item>,
) -> (Vec<SettingLine>, Vec<(String, String)>) {
    let mut cannot = |what: String, why: &str| {
        let message = format!("{what} cannot be written in the settings file (its name holds {why}): enter it by hand");
        items.push(Item::new(Severity::Error, ItemKind::CannotApply, crate::source::shorten_quoted(message)));
    };
    let lines = lines
        .into_iter()
        .filter(|l| match super::emit::unwritable(store, l.key.as_deref(), &l.name) {
            Some(why) => {
                cannot(format!("`{} = {}`", l.name, l.value), why);
                false
            }
            None => true,
        })
        .collect();
    let deletions = deletions
        .into_iter()
        .filter(|(key, name)| match super::emit::unwritable(store, Some(key), name) {
            Some(why) => {
                cannot(format!("deleting `{name}`"), why);
                false
            }
            None => true,
        })
        .collect();
    (lines, deletions)
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
        let (origin, value) = match &l.key {
            Some(key) => (SettingOrigin::Registry { key: key.clone() }, SettingValue::Dword(l.value)),
            None => (SettingOrigin::Advanced, SettingValue::Integer(i64::from(l.value))),
        };
        a.settings.push(Setting { origin, name: l.name.clone(), value, loc, name_loc: loc, value_loc: loc });
    }
    a.files.push(SourceFile::new("(settings to apply)", "(settings to apply)", text));
    a
}

/// Proves the settings do what they claim, on the array as upgraded and as `check` reads it.
fn verify(s: &Sides<'_, '_>, goals: &Goals, lines: &[SettingLine]) -> Vec<Item> {
    let (k, to) = (s.k, s.req.to);
    if k.row_for(to).row.protocol_control != ProtocolControl::Switches {
        return vec![];
    }
    let mut items = Vec::new();
    for (label, a) in [("as upgraded", s.carried), ("as exported", s.array)] {
        let applied = with_lines(a, lines);
        let p = posture::resolve(k, &applied, to);
        for (key, g) in goals {
            let Some(d) = direction_of(&p, key) else { continue };
            let reachable = !g.contains(&Protocol::Ssl2)
                || d.server.is_none()
                || !k.holds("sslv2-needs-certificate", to)
                || key
                    .as_deref()
                    .and_then(|name| s.array.server(name))
                    .is_some_and(|x| x.inbound.certificate.is_some());
            if d.effective() != *g && reachable {
                let message = format!(
                    "the settings below do not give {} the protocols {} on the array {label} (seglint found {}); check per-server values by hand",
                    who(key),
                    names(g),
                    names(&d.effective())
                );
                items.push(
                    Item::new(Severity::Error, ItemKind::CannotApply, message).servers(key.iter().cloned().collect()),
                );
            }
        }
    }
    items
}

/// The file to import and the item that lists its settings.
fn emitted(s: &Sides<'_, '_>, lines: &[SettingLine], deletions: &[(String, String)]) -> (Emitted, Option<Item>) {
    let (k, to) = (s.k, s.req.to);
    let row = k.row_for(to).row;
    let form = if lines.is_empty() && deletions.is_empty() && row.protocol_control == ProtocolControl::None {
        EmittedForm::None
    } else {
        EmittedForm::of(row.store)
    };
    let described: Vec<String> = lines
        .iter()
        .map(|l| match &l.key {
            Some(_) => l.describe(),
            None => format!("{} = {}", l.name, l.value),
        })
        .chain(deletions.iter().map(|(key, name)| format!("delete {name} under {key}")))
        .collect();
    let item = (!described.is_empty()).then(|| {
        let how = match row.store {
            Store::Advanced => "in the Management Console, Advanced Settings",
            Store::Registry => "on the Array Manager (import the .reg with --emit-settings)",
        };
        let message = format!(
            "to {} SEG {}, set {how}, then commit configuration and restart the Receiver and Sender services on each processing server",
            goal_word(s.req.goal),
            base(to)
        );
        let mut item = Item::new(Severity::Info, ItemKind::ApplySetting, message)
            .sources(&row.sources)
            // On a row whose mechanism no article states (11.x), the settings are assumed to work.
            .confidence(row.control_confidence);
        item.settings = described.clone();
        item
    });
    let text = super::emit::text(k, lines, deletions, to, s.req.goal);
    (Emitted { form, lines: described, text }, item)
}
