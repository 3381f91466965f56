//! SEG101 – SEG105: which protocols are effectively allowed, per server when receiving and
//! array-wide when sending. Runs only where TLS is enabled in that direction.

use super::{Ctx, where_};
use crate::finding::{Direction, Evidence, Finding};
use crate::posture::DirectionPosture;
use crate::remedy::protocol_fix;
use crate::tls::Protocol;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let p = ctx.posture;
    if p.outbound.tls_enabled.value {
        direction(ctx, &p.outbound, out);
    }
    for d in p.inbound.iter().filter(|d| d.tls_enabled.value) {
        direction(ctx, d, out);
    }
}

fn direction(ctx: &Ctx<'_>, d: &DirectionPosture, out: &mut Vec<Finding>) {
    let server = d.server.as_deref();
    let dir = d.direction;
    let at = where_(dir, server);
    let version = ctx.version();
    let switches = ctx.posture.row.row.protocol_control == crate::knowledge::ProtocolControl::Switches;
    let service = if dir == Direction::Inbound { "Receiver" } else { "Sender" };
    // Where an explicit switch allowed it, changing that switch is the fix; else set one.
    let fix = |protocols: &[Protocol]| {
        let explicit: Vec<String> = protocols
            .iter()
            .map(|&p| &d.state(p).allowed)
            .filter(|a| switches && a.evidence == Evidence::Explicit)
            .map(|a| a.setting.clone().unwrap_or_else(|| a.via.clone()))
            .collect();
        let defaults: Vec<Protocol> = protocols
            .iter()
            .copied()
            .filter(|&p| !(switches && d.state(p).allowed.evidence == Evidence::Explicit))
            .collect();
        let mut parts = Vec::new();
        if !explicit.is_empty() {
            parts.push(format!(
                "set {} to 0 (it is 1), commit configuration, then restart the {service} service on each processing server",
                explicit.join(" and ")
            ));
        }
        if !defaults.is_empty() {
            parts.push(protocol_fix(ctx.k, &ctx.posture.version, ctx.layout(), dir, server, &defaults, false));
        }
        parts.join("; ")
    };

    for (code, p, why) in [
        ("SEG101", Protocol::Ssl2, "SSLv2 is broken (DROWN) and lets an attacker read or forge the session"),
        ("SEG102", Protocol::Ssl3, "SSLv3 is broken (POODLE): a network attacker can decrypt parts of the session"),
    ] {
        let s = d.state(p);
        if !s.effective {
            continue;
        }
        let mut f = ctx
            .finding(code, format!("{} is allowed {at} (SEG {version})", p.name()))
            .place(server, Some(dir))
            .decided_by(&s.allowed, format!("{} allowed here", p.name()))
            .help(fix(&[p]))
            .note(why);
        f.setting = Some(format!("SSLMethod{}", p.switch_suffix()));
        if p == Protocol::Ssl2
            && dir == Direction::Inbound
            && ctx.k.holds("sslv2-needs-certificate", &ctx.posture.version)
        {
            f = f.note("SSLv2 can work here because the server has a certificate installed (from 7.3.0 on, SSLv2 needs one)").sources(&ctx.k.fact("sslv2-needs-certificate").sources);
        }
        out.push(f);
    }

    let legacy: Vec<_> = [Protocol::Tls10, Protocol::Tls11].into_iter().filter(|&p| d.state(p).effective).collect();
    if !legacy.is_empty() {
        let names = legacy.iter().map(|p| p.name()).collect::<Vec<_>>().join(" and ");
        // The finding's evidence is that of the first explicit value, else of the first default.
        let decisive = legacy.iter().map(|&p| &d.state(p).allowed).min_by_key(|a| a.evidence).map(|a| (*a).clone());
        let mut f = ctx
            .finding("SEG103", format!("{names} {} allowed {at} (SEG {version})", if legacy.len() > 1 { "are" } else { "is" }))
            .place(server, Some(dir))
            .help(fix(&legacy))
            .note("TLSv1.0 and TLSv1.1 are deprecated (RFC 8996); turn them off once the peers you exchange mail with speak TLSv1.2");
        if let Some(a) = decisive {
            f = f.decided_by(&a, format!("{names} allowed here"));
        }
        f.setting =
            Some(legacy.iter().map(|p| format!("SSLMethod{}", p.switch_suffix())).collect::<Vec<_>>().join(","));
        out.push(f);
    }

    let effective = d.effective();
    let decisive = |pred: &dyn Fn(Protocol) -> bool| {
        let mut states: Vec<_> = d.protocols.iter().filter(|s| pred(s.protocol)).collect();
        states.sort_by_key(|s| s.allowed.evidence);
        states.first().map(|s| s.allowed.clone())
    };
    if effective.is_empty() {
        let mut f = ctx
            .finding("SEG104", format!("no protocol is allowed {at} (SEG {version}): TLS cannot be negotiated"))
            .place(server, Some(dir))
            .help(protocol_fix(ctx.k, &ctx.posture.version, ctx.layout(), dir, server, &[Protocol::Tls12], true))
            .note("with every protocol off, every TLS handshake fails; mail that requires TLS is not delivered");
        if let Some(a) = decisive(&|_| true) {
            f = f.decided_by(&a, "protocols switched off");
        }
        out.push(f);
    } else if !effective.contains(&Protocol::Tls12) && !effective.contains(&Protocol::Tls13) {
        let list = effective.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ");
        let mut f = ctx
            .finding(
                "SEG105",
                format!(
                    "only {list} {} allowed {at} (SEG {version}): neither TLSv1.2 nor TLSv1.3",
                    if effective.len() > 1 { "are" } else { "is" }
                ),
            )
            .place(server, Some(dir))
            .help(protocol_fix(ctx.k, &ctx.posture.version, ctx.layout(), dir, server, &[Protocol::Tls12], true))
            .note("peers that require TLSv1.2 or later refuse the connection");
        if let Some(a) = decisive(&|p| p == Protocol::Tls12 || p == Protocol::Tls13) {
            f = f.decided_by(&a, "TLSv1.2 not allowed here");
        }
        if f.evidence != Evidence::Explicit && dir == Direction::Outbound {
            f.notes.push("on this version sending cannot use anything newer by default".into());
        }
        out.push(f);
    }
}
