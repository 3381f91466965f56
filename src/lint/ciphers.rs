//! SEG201 – SEG209: the minimum cipher strength per direction and the raw `TLSCipherList`
//! override. Each rule runs only where TLS is enabled in that direction.
//! It prints nothing and applies no policy.

use super::{Ctx, at, where_};
use crate::finding::Finding;
use crate::model::Loc;
use crate::posture::{DirectionPosture, Evidenced};
use crate::registry::Rule;
use crate::source::Span;
use crate::vocab::{Direction, Strength};

fn enabled<'a>(ctx: &'a Ctx<'_>) -> impl Iterator<Item = &'a DirectionPosture> {
    let p = ctx.posture;
    std::iter::once(&p.outbound).chain(&p.inbound).filter(|d| d.tls_enabled.value)
}

/// The directions with a stated floor, each with its floor.
fn floors<'a>(ctx: &'a Ctx<'_>) -> impl Iterator<Item = (&'a DirectionPosture, &'a Evidenced<Strength>)> {
    enabled(ctx).filter_map(|d| d.cipher_floor.as_ref().map(|f| (d, f)))
}

/// A finding about a stated floor, decided by it.
fn about_floor(
    ctx: &Ctx<'_>,
    rule: Rule,
    d: &DirectionPosture,
    floor: &Evidenced<Strength>,
    message: String,
) -> Finding {
    ctx.finding(rule, message)
        .place(d.server.as_deref(), Some(d.direction))
        .decided_by(floor, format!("minimumCipherStrength is {}", floor.value))
        .sources(&ctx.k.fact("cipher-strength-levels").sources)
        .setting("minimumCipherStrength")
}

fn place(ctx: &Ctx<'_>, d: &DirectionPosture) -> String {
    ctx.remedy().cipher_floor_place(at(d))
}

pub(crate) fn cipher_floor_unknown(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    enabled(ctx)
        .filter(|d| d.cipher_floor.is_none())
        .map(|d| {
            let server = d.server.as_deref();
            let element = match d.direction {
                Direction::Outbound => ctx.array.outbound.loc,
                Direction::Inbound => {
                    server.and_then(|s| ctx.array.server(s)).and_then(|s| s.inbound.loc.or(Some(s.name_loc)))
                }
            };
            let message = format!(
                "no minimum cipher strength is stated {}: seglint cannot tell the floor in force",
                where_(d.direction, server)
            );
            ctx.finding(rule, message)
                .place(server, Some(d.direction))
                .at(element, "no minimumCipherStrength here")
                // With no element at all, TLS is on only by the export format's default.
                .evidence_if_unlocated(d.tls_enabled.evidence)
                .help(format!(
                    "add minimumCipherStrength=\"Medium\" (or \"High\") to this element after checking the setting {}",
                    place(ctx, d)
                ))
                .sources(&ctx.k.fact("cipher-strength-levels").sources)
                .setting("minimumCipherStrength")
        })
        .collect()
}

pub(crate) fn insecure_cipher_floor(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    floors(ctx)
        .filter(|(_, f)| f.value.is_insecure())
        .map(|(d, floor)| {
            let label = if floor.value == Strength::Low { "Low" } else { "Insecure Compatibility" };
            let message =
                format!("the minimum cipher strength {} is {label} (SEG {})", where_(d.direction, d.server.as_deref()), ctx.version());
            let scope = match d.direction {
                Direction::Outbound => {
                    "the outbound setting is array-wide: lowering it for one obsolete peer weakens every connection from every server"
                }
                Direction::Inbound => "senders may then negotiate old, deprecated suites with this server",
            };
            about_floor(ctx, rule, d, floor, message)
                .help(format!(
                    "set the minimum cipher strength to Medium or High {}; Trustwave advises at least Medium",
                    place(ctx, d)
                ))
                .note(scope)
        })
        .collect()
}

pub(crate) fn cipher_strength_label(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let version = &ctx.posture.version;
    let new_label = ctx.k.holds("insecure-compatibility-label", version);
    let fact = ctx.k.fact("insecure-compatibility-label");
    let (written, expected) =
        if new_label { ("Low", "InsecureCompatibility") } else { ("InsecureCompatibility", "Low") };
    let mismatched = |s: Strength| if new_label { s == Strength::Low } else { s == Strength::InsecureCompatibility };
    let v = ctx.version();
    floors(ctx)
        .filter(|(_, f)| mismatched(f.value))
        .map(|(d, floor)| {
            let message = format!(
                "the cipher strength label `{written}` {} is not the label SEG {v} uses (`{expected}`)",
                where_(d.direction, d.server.as_deref())
            );
            about_floor(ctx, rule, d, floor, message)
                .help(format!(
                    "write minimumCipherStrength=\"{expected}\" (the same level under {v}'s label), or better, raise it to Medium"
                ))
                .note(fact.text.clone())
                .sources(&fact.sources)
        })
        .collect()
}

pub(crate) fn strict_outbound_cipher_floor(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    floors(ctx)
        .filter(|(d, f)| d.direction == Direction::Outbound && f.value == Strength::High)
        .map(|(d, floor)| {
            let message = format!(
                "the minimum cipher strength when sending is High (SEG {}): peers without 256-bit suites cannot negotiate TLS",
                ctx.version()
            );
            about_floor(ctx, rule, d, floor, message)
                .help(format!("if mail to some domains fails over TLS, lower the outbound floor to Medium {}", place(ctx, d)))
                .note("High admits only the newest, strongest suites, usually 256-bit")
        })
        .collect()
}

/// The outbound `TLSCipherList` in force, when outbound TLS is on.
fn cipher_list<'a>(ctx: &'a Ctx<'_>) -> Option<&'a Evidenced<String>> {
    let o = &ctx.posture.outbound;
    o.tls_enabled.value.then_some(o.cipher_list.as_ref()).flatten()
}

pub(crate) fn stale_cipher_list(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let Some(list) = cipher_list(ctx).filter(|_| ctx.k.holds("stale-cipher-list", &ctx.posture.version)) else {
        return vec![];
    };
    let fact = ctx.k.fact("stale-cipher-list");
    let fixed_in = fact.since().map_or_else(|| "later versions".into(), |v| crate::version::release_line(&v));
    let message = format!(
        "TLSCipherList is set for sending on SEG {}: it overrides the built-in cipher defaults fixed in {fixed_in}",
        ctx.version()
    );
    let f = ctx
        .finding(rule, message)
        .place(None, Some(Direction::Outbound))
        .decided_by(list, "TLSCipherList set here")
        .help("delete the TLSCipherList value (registry on 8.x, Sender.TLSCipherList in Advanced Settings on 10.x), commit configuration and restart the Sender service on each processing server")
        .note(fact.text.clone())
        .sources(&fact.sources)
        .setting("TLSCipherList");
    vec![f]
}

pub(crate) fn weak_cipher_list(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let Some(list) = cipher_list(ctx) else { return vec![] };
    let reading = crate::cipher_string::read(&list.value);
    let Some(first) = reading.weak.first() else { return vec![] };
    let classes: Vec<String> = reading.weak.iter().map(|h| format!("{} (via `{}`)", h.class.name(), h.term)).collect();
    // Point at the term inside the value when the value is written verbatim in the file.
    let term_loc = list.loc.and_then(|loc| {
        let text = ctx.array.files.get(loc.file)?.text.get(loc.span.offset..loc.span.end())?;
        let start = text.find(list.value.as_str())?;
        Some(Loc { file: loc.file, span: Span::new(loc.span.offset + start + first.span.offset, first.span.len) })
    });
    let removals: Vec<String> = reading.weak.iter().map(|h| format!("!{}", h.class.name())).collect();
    let stale = ctx.k.fact("stale-cipher-list");
    let altogether = match stale.since().filter(|_| ctx.k.holds("stale-cipher-list", &ctx.posture.version)) {
        Some(v) => format!(
            " altogether: {} and later exclude the Diffie-Hellman problem suites by default",
            crate::version::release_line(&v)
        ),
        None => String::new(),
    };
    let mut f = ctx
        .finding(rule, format!("TLSCipherList lets weak suites in when sending: {}", super::join_and(&classes)))
        .place(None, Some(Direction::Outbound))
        .decided_by(list, "")
        .help(format!(
            "append {} to the list (`!` removes a class for good), or remove TLSCipherList{altogether}",
            removals.join(":")
        ));
    f = match term_loc {
        Some(loc) => f.at(Some(loc), format!("`{}` lets {} in", first.term, first.class.name())),
        None => {
            f.label = "weak suites let in here".into();
            f
        }
    };
    for h in &reading.weak {
        f = f.note(format!("{}: {}", h.class.name(), h.class.describe()));
    }
    vec![f.setting("TLSCipherList")]
}
