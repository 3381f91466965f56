//! SEG201 – SEG209: minimum cipher strength per direction and the raw `TLSCipherList`
//! override. Runs only where TLS is enabled in that direction.

use super::{Ctx, where_};
use crate::finding::{Direction, Finding};
use crate::model::Loc;
use crate::posture::DirectionPosture;
use crate::remedy::cipher_floor_place;
use crate::source::Span;
use crate::tls::Strength;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let p = ctx.posture;
    if p.outbound.tls_enabled.value {
        floor(ctx, &p.outbound, out);
        cipher_list(ctx, &p.outbound, out);
    }
    for d in p.inbound.iter().filter(|d| d.tls_enabled.value) {
        floor(ctx, d, out);
    }
}

fn floor(ctx: &Ctx<'_>, d: &DirectionPosture, out: &mut Vec<Finding>) {
    let server = d.server.as_deref();
    let dir = d.direction;
    let at = where_(dir, server);
    let version = &ctx.posture.version;
    let v = ctx.version();
    let place = cipher_floor_place(dir, server, version);
    let new_label = ctx.k.holds("insecure-compatibility-label", version);
    let label_fact = ctx.k.fact("insecure-compatibility-label");
    let levels = ctx.k.fact("cipher-strength-levels");
    let Some(floor) = &d.cipher_floor else {
        let element = match dir {
            Direction::Outbound => ctx.array.outbound.loc,
            Direction::Inbound => {
                server.and_then(|s| ctx.array.server(s)).and_then(|s| s.inbound.loc.or(Some(s.name_loc)))
            }
        };
        let mut f = ctx
            .finding(
                "SEG209",
                format!("no minimum cipher strength is stated {at}: seglint cannot tell the floor in force"),
            )
            .place(server, Some(dir))
            .at(element, "no minimumCipherStrength here")
            // With no element at all, TLS is on only by the export format's default.
            .evidence_if_unlocated(d.tls_enabled.evidence)
            .help(format!(
                "add minimumCipherStrength=\"Medium\" (or \"High\") to this element after checking the setting {place}"
            ))
            .sources(&levels.sources);
        f.setting = Some("minimumCipherStrength".into());
        out.push(f);
        return;
    };
    let f = |code: &'static str, message: String, help: String| {
        let mut f = ctx
            .finding(code, message)
            .place(server, Some(dir))
            .decided_by(floor, format!("minimumCipherStrength is {}", floor.value))
            .help(help)
            .sources(&levels.sources);
        f.setting = Some("minimumCipherStrength".into());
        f
    };
    let insecure_name = if floor.value == Strength::Low { "Low" } else { "Insecure Compatibility" };
    if floor.value.is_insecure() {
        let scope_note = match dir {
            Direction::Outbound => {
                "the outbound setting is array-wide: lowering it for one obsolete peer weakens every connection from every server"
            }
            Direction::Inbound => "senders may then negotiate old, deprecated suites with this server",
        };
        out.push(
            f(
                "SEG201",
                format!("the minimum cipher strength {at} is {insecure_name} (SEG {v})"),
                format!("set the minimum cipher strength to Medium or High {place}; Trustwave advises at least Medium"),
            )
            .note(scope_note),
        );
    }
    let mismatched = match floor.value {
        Strength::Low => new_label,
        Strength::InsecureCompatibility => !new_label,
        _ => false,
    };
    if mismatched {
        let (written, expected) =
            if new_label { ("Low", "InsecureCompatibility") } else { ("InsecureCompatibility", "Low") };
        out.push(
            f("SEG204", format!("the cipher strength label `{written}` {at} is not the label SEG {v} uses (`{expected}`)"), format!("write minimumCipherStrength=\"{expected}\" (the same level under {v}'s label), or better, raise it to Medium"))
                .note(label_fact.text.clone())
                .sources(&label_fact.sources),
        );
    }
    if dir == Direction::Outbound && floor.value == Strength::High {
        out.push(
            f("SEG205", format!("the minimum cipher strength when sending is High (SEG {v}): peers without 256-bit suites cannot negotiate TLS"), format!("if mail to some domains fails over TLS, lower the outbound floor to Medium {place}"))
                .note("High admits only the newest, strongest suites, usually 256-bit"),
        );
    }
}

fn cipher_list(ctx: &Ctx<'_>, d: &DirectionPosture, out: &mut Vec<Finding>) {
    let Some(list) = &d.cipher_list else { return };
    let version = &ctx.posture.version;
    let v = ctx.version();
    if ctx.k.holds("stale-cipher-list", version) {
        let fact = ctx.k.fact("stale-cipher-list");
        let mut f = ctx
            .finding("SEG202", format!("TLSCipherList is set for sending on SEG {v}: it overrides the built-in cipher defaults fixed in 8.0"))
            .place(None, Some(Direction::Outbound))
            .decided_by(list, "TLSCipherList set here")
            .help("delete the TLSCipherList value (registry on 8.x, Sender.TLSCipherList in Advanced Settings on 10.x), commit configuration and restart the Sender service on each processing server")
            .note(fact.text.clone())
            .sources(&fact.sources);
        f.setting = Some("TLSCipherList".into());
        out.push(f);
    }
    let reading = crate::cipher_string::read(&list.value);
    if reading.weak.is_empty() {
        return;
    }
    let classes: Vec<String> = reading.weak.iter().map(|h| format!("{} (via `{}`)", h.class.name(), h.term)).collect();
    // Point at the term inside the value when the value is written verbatim in the file.
    let term_loc = list.loc.and_then(|loc| {
        let file = ctx.array.files.get(loc.file)?;
        let text = file.text.get(loc.span.offset..loc.span.end())?;
        let start = text.find(list.value.as_str())?;
        let hit = &reading.weak[0];
        Some(Loc { file: loc.file, span: Span::new(loc.span.offset + start + hit.span.offset, hit.span.len) })
    });
    let removals: Vec<String> = reading.weak.iter().map(|h| format!("!{}", h.class.name())).collect();
    let mut f = ctx
        .finding("SEG203", format!("TLSCipherList lets weak suites in when sending: {}", super::join_and(&classes)))
        .place(None, Some(Direction::Outbound))
        .decided_by(list, "")
        .help(format!(
            "append {} to the list (`!` removes a class for good), or remove TLSCipherList{}",
            removals.join(":"),
            if ctx.k.holds("stale-cipher-list", version) {
                " altogether: 8.0 and later exclude the Diffie-Hellman problem suites by default"
            } else {
                ""
            }
        ));
    if let Some(loc) = term_loc {
        f.location = Some(loc);
        f.label = format!("`{}` lets {} in", reading.weak[0].term, reading.weak[0].class.name());
    } else {
        f.label = "weak suites let in here".into();
    }
    for h in &reading.weak {
        f.notes.push(format!("{}: {}", h.class.name(), h.class.describe()));
    }
    f.setting = Some("TLSCipherList".into());
    out.push(f);
}
