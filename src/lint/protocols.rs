//! SEG101 – SEG105: which protocols are effectively allowed, per server when receiving and
//! array-wide when sending. Each rule runs only where TLS is enabled in that direction.
//! It prints nothing and applies no policy.

use super::{Ctx, where_};
use crate::finding::Finding;
use crate::posture::{DirectionPosture, Evidenced};
use crate::registry::Rule;
use crate::remedy::Fix;
use crate::vocab::{Direction, Evidence, Protocol};

/// The directions a protocol rule judges: outbound when it is on, each server's inbound when on.
fn enabled<'a>(ctx: &'a Ctx<'_>) -> impl Iterator<Item = &'a DirectionPosture> {
    let p = ctx.posture;
    std::iter::once(&p.outbound).chain(&p.inbound).filter(|d| d.tls_enabled.value)
}

pub(crate) fn sslv2_enabled(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let why = "SSLv2 is broken (DROWN) and lets an attacker read or forge the session";
    enabled(ctx).filter_map(|d| broken_protocol(ctx, rule, d, Protocol::Ssl2, why)).collect()
}

pub(crate) fn sslv3_enabled(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let why = "SSLv3 is broken (POODLE): a network attacker can decrypt parts of the session";
    enabled(ctx).filter_map(|d| broken_protocol(ctx, rule, d, Protocol::Ssl3, why)).collect()
}

/// Where an explicit switch allowed a protocol, changing that switch is the fix; else set one.
fn stop(ctx: &Ctx<'_>, d: &DirectionPosture, protocols: &[Protocol]) -> Fix {
    let switches = ctx.posture.row.row.protocol_control == crate::knowledge::ProtocolControl::Switches;
    let explicit_here = |p: Protocol| switches && d.state(p).allowed.evidence == Evidence::Explicit;
    let explicit: Vec<String> = protocols
        .iter()
        .filter(|&&p| explicit_here(p))
        .map(|&p| d.state(p).allowed.setting.clone().unwrap_or_else(|| d.state(p).allowed.via.clone()))
        .collect();
    let defaults: Vec<Protocol> = protocols.iter().copied().filter(|&p| !explicit_here(p)).collect();
    let service = if d.direction == Direction::Inbound { "Receiver" } else { "Sender" };
    let mut fix = Fix::default();
    if !explicit.is_empty() {
        fix.text = format!(
            "set {} to 0 (it is 1), commit configuration, then restart the {service} service on each processing server",
            explicit.join(" and ")
        );
        // On a registry version the values named sit under its hive, which may be an assumed one.
        if let Some(hive) = ctx.k.hive_for(&ctx.posture.version) {
            fix = fix.naming(hive, ctx.remedy().layout);
        }
    }
    if !defaults.is_empty() {
        fix = fix.and(ctx.protocol_fix(d, &defaults, false));
    }
    fix
}

fn broken_protocol(ctx: &Ctx<'_>, rule: Rule, d: &DirectionPosture, p: Protocol, why: &str) -> Option<Finding> {
    let s = d.state(p);
    if !s.effective {
        return None;
    }
    let (server, dir) = (d.server.as_deref(), d.direction);
    let mut f = ctx
        .finding(rule, format!("{} is allowed {} (SEG {})", p.name(), where_(dir, server), ctx.version()))
        .place(server, Some(dir))
        .decided_by(&s.allowed, format!("{} allowed here", p.name()))
        .note(why)
        .setting(format!("SSLMethod{}", p.switch_suffix()));
    if p == Protocol::Ssl2 && dir == Direction::Inbound && ctx.k.holds("sslv2-needs-certificate", &ctx.posture.version)
    {
        let fact = ctx.k.fact("sslv2-needs-certificate");
        let since = fact.since().map_or_else(|| "this version".into(), |v| v.to_string());
        f = f
            .note(format!(
                "SSLv2 can work here because the server has a certificate installed (from {since} on, SSLv2 needs one)"
            ))
            .sources(&fact.sources);
    }
    Some(f.fix(stop(ctx, d, &[p])))
}

pub(crate) fn legacy_tls_enabled(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    enabled(ctx).filter_map(|d| legacy_tls(ctx, rule, d)).collect()
}

fn legacy_tls(ctx: &Ctx<'_>, rule: Rule, d: &DirectionPosture) -> Option<Finding> {
    let legacy: Vec<_> = [Protocol::Tls10, Protocol::Tls11].into_iter().filter(|&p| d.state(p).effective).collect();
    if legacy.is_empty() {
        return None;
    }
    let (server, dir) = (d.server.as_deref(), d.direction);
    let names = legacy.iter().map(|p| p.name()).collect::<Vec<_>>().join(" and ");
    let verb = if legacy.len() > 1 { "are" } else { "is" };
    let mut f = ctx
        .finding(rule, format!("{names} {verb} allowed {} (SEG {})", where_(dir, server), ctx.version()))
        .place(server, Some(dir))
        .note("TLSv1.0 and TLSv1.1 are deprecated (RFC 8996); turn them off once the peers you exchange mail with speak TLSv1.2");
    // The finding's evidence is that of the first explicit value, else of the first default.
    if let Some(a) = legacy.iter().map(|&p| &d.state(p).allowed).min_by_key(|a| a.evidence) {
        f = f.decided_by(a, format!("{names} allowed here"));
    }
    let setting = legacy.iter().map(|p| format!("SSLMethod{}", p.switch_suffix())).collect::<Vec<_>>().join(",");
    Some(f.setting(setting).fix(stop(ctx, d, &legacy)))
}

/// The value that decided a set of protocol states: explicit first, then defaults.
fn decisive(d: &DirectionPosture, pred: impl Fn(Protocol) -> bool) -> Option<&Evidenced<bool>> {
    d.protocols.iter().filter(|s| pred(s.protocol)).map(|s| &s.allowed).min_by_key(|a| a.evidence)
}

pub(crate) fn no_protocol_enabled(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    enabled(ctx)
        .filter(|d| d.effective().is_empty())
        .map(|d| {
            let (server, dir) = (d.server.as_deref(), d.direction);
            let message = format!(
                "no protocol is allowed {} (SEG {}): TLS cannot be negotiated",
                where_(dir, server),
                ctx.version()
            );
            let mut f = ctx
                .finding(rule, message)
                .place(server, Some(dir))
                .note("with every protocol off, every TLS handshake fails; mail that requires TLS is not delivered");
            if let Some(a) = decisive(d, |_| true) {
                f = f.decided_by(a, "protocols switched off");
            }
            f.fix(ctx.protocol_fix(d, &[Protocol::Tls12], true))
        })
        .collect()
}

pub(crate) fn no_modern_tls(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let modern = |p: Protocol| p == Protocol::Tls12 || p == Protocol::Tls13;
    enabled(ctx)
        .filter(|d| !d.effective().is_empty() && !d.effective().into_iter().any(modern))
        .map(|d| {
            let (server, dir) = (d.server.as_deref(), d.direction);
            let effective = d.effective();
            let list = effective.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ");
            let verb = if effective.len() > 1 { "are" } else { "is" };
            let message = format!(
                "only {list} {verb} allowed {} (SEG {}): neither TLSv1.2 nor TLSv1.3",
                where_(dir, server),
                ctx.version()
            );
            let mut f = ctx
                .finding(rule, message)
                .place(server, Some(dir))
                .note("peers that require TLSv1.2 or later refuse the connection");
            if let Some(a) = decisive(d, modern) {
                f = f.decided_by(a, "TLSv1.2 not allowed here");
            }
            if f.evidence != Evidence::Explicit && dir == Direction::Outbound {
                f = f.note("on this version sending cannot use anything newer by default");
            }
            f.fix(ctx.protocol_fix(d, &[Protocol::Tls12], true))
        })
        .collect()
}
