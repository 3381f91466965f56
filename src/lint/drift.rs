//! SEG502 – SEG503: servers of one array that receive differently. Compares effective inbound
//! protocol sets and known cipher floors of the servers with inbound TLS enabled.
//! It prints nothing and applies no policy.

use super::Ctx;
use crate::finding::Finding;
use crate::posture::DirectionPosture;
use crate::registry::Rule;
use crate::vocab::{Direction, Evidence, Protocol};

/// The servers with inbound TLS enabled, when there are at least two to compare.
fn compared<'a>(ctx: &'a Ctx<'_>) -> Vec<&'a DirectionPosture> {
    let enabled: Vec<_> = ctx.posture.inbound.iter().filter(|d| d.tls_enabled.value).collect();
    if enabled.len() < 2 { vec![] } else { enabled }
}

pub(crate) fn protocol_drift(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let enabled = compared(ctx);
    let mut out = Vec::new();
    if enabled.is_empty() {
        return out;
    }
    let sets: Vec<(String, Vec<Protocol>)> =
        enabled.iter().map(|d| (d.server.clone().unwrap_or_default(), d.effective())).collect();
    if sets.iter().any(|(_, s)| *s != sets[0].1) {
        let describe = |s: &[Protocol]| {
            if s.is_empty() { "none".to_string() } else { s.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ") }
        };
        let detail: Vec<String> = sets.iter().map(|(n, s)| format!("{n}: {}", describe(s))).collect();
        // Point at the first explicit setting that makes one server differ from another.
        let differing =
            enabled.iter().flat_map(|d| d.protocols.iter()).filter(|s| s.allowed.evidence == Evidence::Explicit).find(
                |s| {
                    let p = s.protocol;
                    enabled.iter().any(|d| d.state(p).effective != s.effective)
                },
            );
        let mut f = ctx
            .finding(rule, format!("servers accept different protocols when receiving: {}", detail.join("; ")))
            .place(None, Some(Direction::Inbound))
            .help("give every server the same receive protocols: prefer array-wide Receiver values and remove per-server ones that differ")
            .note("a sender's TLS result then depends on which server its connection reaches");
        if let Some(s) = differing {
            f = f.decided_by(&s.allowed, format!("{} set here", s.protocol.name()));
        } else {
            f.evidence = Evidence::Default;
        }
        out.push(f);
    }
    out
}

pub(crate) fn cipher_floor_drift(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let enabled = compared(ctx);
    let mut out = Vec::new();
    let floors: Vec<_> = enabled
        .iter()
        .filter_map(|d| d.cipher_floor.as_ref().map(|f| (d.server.clone().unwrap_or_default(), f)))
        .collect();
    if floors.iter().any(|(_, f)| f.value.rank() != floors[0].1.value.rank()) {
        let detail: Vec<String> = floors.iter().map(|(n, f)| format!("{n}: {}", f.value)).collect();
        let weakest = floors.iter().min_by_key(|(_, f)| f.value.rank()).map(|(_, f)| *f);
        let mut f = ctx
            .finding(
                rule,
                format!("servers have different minimum cipher strengths when receiving: {}", detail.join("; ")),
            )
            .place(None, Some(Direction::Inbound))
            .help("set the same minimum cipher strength under Inbound Security (TLS) on every server, at least Medium")
            .sources(&ctx.k.fact("cipher-strength-levels").sources);
        if let Some(w) = weakest {
            f = f.decided_by(w, format!("weakest floor: {}", w.value));
        }
        out.push(f.setting("minimumCipherStrength"));
    }
    out
}
