//! `seglint diff BASE HEAD`: two versions of one array (the export before and after a pull
//! request): the change in effective posture per server and direction, and the findings the
//! change introduces, resolves or narrows. Findings match per exposure, never by message or
//! line; rendering is `report::diff`.

use crate::finding::Finding;
use crate::model::Array;
use crate::posture::{DirectionPosture, Posture};
use crate::registry::Rule;
use crate::vocab::{Direction, Protocol, Strength};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct State {
    pub tls_enabled: bool,
    pub protocols: Vec<Protocol>,
    pub cipher_floor: Option<Strength>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher_list: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer_client_certificate: Option<bool>,
    /// Outbound DANE validation, where the version has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dane: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub server: Option<String>,
    pub direction: Direction,
    pub before: Option<State>,
    pub after: Option<State>,
}

pub struct Diff<'a> {
    pub changes: Vec<Change>,
    /// Head findings with an exposure the base does not have, each with the base finding of
    /// the same rule and place it grew from, if any.
    pub introduced: Vec<(&'a Finding, Option<&'a Finding>)>,
    /// Base findings none of whose exposures remain in the head.
    pub resolved: Vec<&'a Finding>,
    /// Base findings that lost some exposures and kept others, with the head finding that remains.
    pub narrowed: Vec<(&'a Finding, &'a Finding)>,
}

fn state(d: &DirectionPosture) -> State {
    State {
        tls_enabled: d.tls_enabled.value,
        protocols: d.effective(),
        cipher_floor: d.cipher_floor.as_ref().map(|f| f.value),
        cipher_list: d.cipher_list.as_ref().map(|l| l.value.clone()),
        offer_client_certificate: d.offer_client_certificate.as_ref().map(|o| o.value),
        dane: d.dane.as_ref().map(|v| v.value),
    }
}

/// The finding's place within an array, whatever the array's path: rule, server, direction.
fn place(f: &Finding) -> (Rule, Option<String>, Option<Direction>) {
    (f.rule, f.server.as_ref().map(|s| s.to_ascii_lowercase()), f.direction)
}

/// The exposures one finding names: SEG103 names TLSv1.0 and TLSv1.1 in one finding
/// (`SSLMethodTLSv1_0,SSLMethodTLSv1_1`), so each protocol counts on its own.
fn parts(f: &Finding) -> Vec<String> {
    match &f.setting {
        Some(s) => s.split(',').map(|p| p.trim().to_ascii_lowercase()).collect(),
        None => vec![String::new()],
    }
}

/// How one finding of `from` stands against the findings of `to` at its place.
enum Standing<'a> {
    /// Every exposure is still there.
    Kept,
    /// Some exposures are gone; the finding of `to` that shares the others, if any.
    Lost(Option<&'a Finding>),
}

fn standing<'a>(f: &Finding, to: &'a [Finding]) -> Standing<'a> {
    let here: Vec<&Finding> = to.iter().filter(|g| g.suppressed.is_none() && place(g) == place(f)).collect();
    let theirs: Vec<String> = here.iter().flat_map(|g| parts(g)).collect();
    if parts(f).iter().all(|p| theirs.contains(p)) {
        return Standing::Kept;
    }
    Standing::Lost(here.into_iter().find(|g| parts(g).iter().any(|p| parts(f).contains(p))))
}

pub fn diff<'a>(base: (&Array, &Posture<'_>, &'a [Finding]), head: (&Array, &Posture<'_>, &'a [Finding])) -> Diff<'a> {
    let mut d = Diff {
        changes: changes(base.0, base.1, head.0, head.1),
        introduced: vec![],
        resolved: vec![],
        narrowed: vec![],
    };
    // Regression: a base finding "TLSv1.1 is allowed" was listed as resolved when the head
    // allowed TLSv1.0 and TLSv1.1: matching is per exposure, not per finding text.
    for f in head.2.iter().filter(|f| f.suppressed.is_none()) {
        if let Standing::Lost(was) = standing(f, base.2) {
            d.introduced.push((f, was));
        }
    }
    for f in base.2.iter().filter(|f| f.suppressed.is_none()) {
        match standing(f, head.2) {
            Standing::Kept => {}
            Standing::Lost(None) => d.resolved.push(f),
            // Regression: a finding that kept some of its exposures is not "resolved".
            Standing::Lost(Some(now)) if !d.introduced.iter().any(|(g, _)| std::ptr::eq(*g, now)) => {
                d.narrowed.push((f, now))
            }
            Standing::Lost(Some(_)) => {}
        }
    }
    d
}

fn changes(ba: &Array, bp: &Posture<'_>, ha: &Array, hp: &Posture<'_>) -> Vec<Change> {
    let mut changes = Vec::new();
    let (before, after) = (state(&bp.outbound), state(&hp.outbound));
    if before != after {
        changes.push(Change { server: None, direction: Direction::Outbound, before: Some(before), after: Some(after) });
    }
    let mut servers: Vec<String> = ba.servers.iter().map(|s| s.name.clone()).collect();
    for s in &ha.servers {
        if !servers.iter().any(|n| n.eq_ignore_ascii_case(&s.name)) {
            servers.push(s.name.clone());
        }
    }
    for s in servers {
        let (b, a) = (bp.inbound_of(&s).map(state), hp.inbound_of(&s).map(state));
        if b != a {
            changes.push(Change { server: Some(s), direction: Direction::Inbound, before: b, after: a });
        }
    }
    changes
}
