//! The posture of an array as one table: the servers × protocols matrix per direction, with the
//! cipher floor, cipher list, client certificate, DANE and certificate per server. A cell's
//! word is in the text; its symbol and its evidence word come from its classes (the style
//! writes them, on screen and in print), so a fleet's thousands of cells stay small; the hover
//! text says where the value came from.

use super::{evidence_word, risk};
use crate::knowledge::Knowledge;
use crate::model::{Array, Loc};
use crate::posture::{DirectionPosture, Evidenced, ProtocolState, Resolved};
use crate::vocab::{Confidence, Evidence, Protocol};
use maud::{Markup, html};

/// The evidence class of a cell (short: a fleet has thousands): `ev-x` explicit, `ev-xi`
/// explicit*, `ev-d` default, `ev-i` inferred, `ev-o` observed.
fn evidence_class(evidence: Evidence, confidence: Confidence) -> &'static str {
    match (evidence, confidence) {
        (Evidence::Explicit, Confidence::Inferred) => "ev-xi",
        (Evidence::Explicit, Confidence::Certain) => "ev-x",
        (Evidence::Default, _) => "ev-d",
        (Evidence::Inferred, _) => "ev-i",
        (Evidence::Observed, _) => "ev-o",
    }
}

/// A file of the array by its name within the array (the section names the array).
fn place(k: &Knowledge, array: &Array, loc: Option<Loc>, data: Option<crate::knowledge::DataRef>) -> Option<String> {
    if let Some(loc) = loc {
        let f = array.files.get(loc.file)?;
        let name = f.path.file_name().map_or(f.display.clone(), |n| n.to_string_lossy().into_owned());
        return Some(format!("{name}:{}", f.line_col(loc.span.offset).0));
    }
    k.data_place(data?).map(|(file, line, _)| format!("{file}:{line}"))
}

/// Where a value came from, for a cell's hover text: the file and line that set it, or the line
/// of seglint's data that states the default; the words when neither is known.
pub(super) fn provenance<T>(k: &Knowledge, array: &Array, v: &Evidenced<T>) -> String {
    let word = evidence_word(v.evidence, v.confidence);
    match place(k, array, v.loc, v.data) {
        Some(p) => format!("{word}: {p}"),
        None => format!("{word}: {}", v.via),
    }
}

/// How a protocol state is shown: its class (colour and symbol) and word. With TLS off for the
/// direction, an allowed protocol is not in use.
fn protocol_look(s: &ProtocolState, tls: bool) -> (&'static str, &'static str) {
    match (s.allowed.value, s.effective, tls) {
        (false, _, _) => ("off", "off"),
        (true, _, false) => ("inert", "allowed, TLS off"),
        (true, false, true) => ("inert", "not effective"),
        (true, true, true) => (risk(s.protocol), "allowed"),
    }
}

/// A cell; its hover text unless the row's (which it inherits) says the same.
fn cell(k: &Knowledge, array: &Array, class: &str, word: &str, v: &Evidenced<bool>, row_title: &str) -> Markup {
    let title = provenance(k, array, v);
    let own = (title != row_title).then_some(title);
    html! { td class={ (class) " " (evidence_class(v.evidence, v.confidence)) } title=[own] { (word) } }
}

/// The hover text most of a row's protocol cells share, set once on the row.
fn common_title(k: &Knowledge, array: &Array, d: &DirectionPosture) -> String {
    let titles: Vec<String> = d.protocols.iter().map(|s| provenance(k, array, &s.allowed)).collect();
    let count = |t: &String| titles.iter().filter(|x| *x == t).count();
    titles.iter().max_by_key(|t| count(t)).cloned().unwrap_or_default()
}

/// An evidenced value as text and hover, or `not stated` when the export states none.
fn evidenced_cell<T>(k: &Knowledge, array: &Array, v: Option<&Evidenced<T>>, text: impl Fn(&T) -> String) -> Markup {
    html! {
        @match v {
            Some(v) => td class=(evidence_class(v.evidence, v.confidence)) title=(provenance(k, array, v)) { (text(&v.value)) },
            None => td.muted { "not stated" },
        }
    }
}

fn certificate(s: &crate::model::Server) -> Markup {
    html! {
        @match &s.inbound.certificate {
            None => td.muted { "none" },
            Some(c) => td {
                (c.subject.as_deref().unwrap_or("(no subject)"))
                @if c.self_signed.as_ref().is_some_and(|s| s.value) { ", self-signed" }
                @if let Some(na) = &c.not_after { ", until " (na.value.date()) }
            },
        }
    }
}

/// One row: a label, TLS on or off, a cell per protocol (oldest first), then the cipher floor
/// and list; outbound adds the client-certificate offer and DANE, inbound the certificate.
fn row(k: &Knowledge, array: &Array, label: &str, d: &DirectionPosture) -> Markup {
    let tls = &d.tls_enabled;
    let yes = |b: &bool| if *b { "yes" } else { "no" }.to_string();
    let on = |b: &bool| if *b { "on" } else { "off" }.to_string();
    let server = d.server.as_deref().and_then(|n| array.server(n));
    let title = common_title(k, array, d);
    html! {
        tr data-server=[d.server.as_deref()] title=(title) {
            th { (label) }
            (cell(k, array, if tls.value { "ok" } else { "off" }, if tls.value { "on" } else { "off" }, tls, &title))
            @for s in &d.protocols {
                @let (class, word) = protocol_look(s, tls.value);
                (cell(k, array, class, word, &s.allowed, &title))
            }
            (evidenced_cell(k, array, d.cipher_floor.as_ref(), |s| s.to_string()))
            (evidenced_cell(k, array, d.cipher_list.as_ref(), String::clone))
            @match server {
                Some(s) => { td {} td {} (certificate(s)) },
                None => {
                    (evidenced_cell(k, array, d.offer_client_certificate.as_ref(), yes))
                    @if d.dane.is_some() { (evidenced_cell(k, array, d.dane.as_ref(), on)) } @else { td.muted { "not in this version" } }
                    td {}
                },
            }
        }
    }
}

/// The legend above the arrays: each class's symbol and word, and the evidence words.
pub(super) fn legend() -> Markup {
    html! {
        p.legend.muted {
            span.ok { "allowed (TLSv1.2, TLSv1.3)" } span.warn { "allowed, legacy (TLSv1.0, TLSv1.1)" }
            span.bad { "allowed, broken (SSLv2, SSLv3)" } span.off { "off" }
            span.inert { "not effective, or TLS off" }
            "Under each value, its evidence: explicit (set in a file; explicit* when the setting's name or place is assumed), default, inferred. Hover a cell for where it came from."
        }
    }
}

/// The posture of an array as one table: servers × protocols per direction (outbound is
/// array-wide, inbound per server), with the cipher floor, list and certificates beside.
pub(super) fn table(k: &Knowledge, array: &Array, posture: &Resolved) -> Markup {
    let servers: Vec<&str> = array.servers.iter().map(|s| s.name.as_str()).collect();
    let everyone = match servers.as_slice() {
        [] => "every server (the export lists none)".to_string(),
        names => format!("every server ({})", names.join(", ")),
    };
    html! {
        div.scroll { table.matrix {
            thead { tr {
                th { "Where" } th { "TLS" }
                @for p in Protocol::ALL { th { (p.name()) } }
                th { "Cipher floor" } th { "Cipher list" } th { "Client certificate offered" } th { "DANE" } th { "Certificate" }
            } }
            tbody.outbound {
                tr.group { th colspan="13" { "Outbound (Sender), array-wide" } }
                (row(k, array, &everyone, &posture.outbound))
            }
            tbody.inbound {
                tr.group { th colspan="13" { "Inbound (Receiver)" } }
                @for d in &posture.inbound { (row(k, array, d.server.as_deref().unwrap_or("?"), d)) }
            }
        } }
    }
}
