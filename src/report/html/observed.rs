//! `verify`, `listen` and `headers --format html`: per server, what was predicted beside what
//! was observed, each difference marked in words; then the array as `check` shows it.

use super::check::{summary, totals};
use super::{filters, page, plural};
use crate::knowledge::Knowledge;
use crate::posture::DirectionPosture;
use crate::report::{headers::HeadersReport, listen::ListenReport, verify::VerifyReport};
use crate::vocab::Protocol;
use maud::{Markup, html};

/// An agreement cell: a symbol and a word, never colour alone.
fn agreement(agrees: Option<bool>) -> Markup {
    compared(agrees, "– not tested")
}

/// An agreement cell, with the words for a value that was not compared.
fn compared(agrees: Option<bool>, not: &str) -> Markup {
    html! {
        @match agrees {
            Some(true) => td.ok { "✓ agrees" },
            Some(false) => td.bad.mismatch { "✖ differs" },
            None => td.off { (not) },
        }
    }
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn verify_server(array: &str, s: &crate::verify::ServerCheck) -> Markup {
    let cert = |c: &crate::verify::CertSummary| {
        format!(
            "{}{}",
            c.subject.as_deref().unwrap_or("subject not given"),
            c.not_after.as_deref().map(|d| format!(", until {d}")).unwrap_or_default()
        )
    };
    html! {
        h3 { (s.server) " in " code { (array) } ", at " code { (s.target) } }
        @if let Some(e) = &s.error {
            div.input-error role="alert" { p { "Could not be probed: " (crate::report::probe::stage_name(e.stage)) " failed: " (e.message) } }
        } @else {
            table.observed {
                thead { tr { th scope="col" { "What" } th scope="col" { "Predicted" } th scope="col" { "Observed" } th scope="col" { "Agreement" } } }
                tbody {
                    tr {
                        th scope="row" { "STARTTLS" }
                        td { (on_off(s.starttls.predicted)) }
                        td { (s.starttls.observed.map_or("not reached", |o| if o { "offered" } else { "not offered" })) }
                        (agreement(s.starttls.observed.map(|o| o == s.starttls.predicted)))
                    }
                    @for p in &s.protocols {
                        tr {
                            th scope="row" { (p.protocol.name()) }
                            td { (p.predicted) span.ev.muted { " (" (super::evidence_word(p.predicted_evidence, p.predicted_confidence)) ")" } }
                            td { (p.observed.unwrap_or("—")) }
                            (agreement(p.agrees))
                        }
                    }
                    @if let Some(served) = &s.certificate.observed {
                        tr {
                            th scope="row" { "Certificate" }
                            td { (s.certificate.predicted.as_ref().map_or("none in the export".into(), cert)) }
                            td { (cert(served)) }
                            (agreement(s.certificate.predicted.as_ref().and(s.certificate_agrees)))
                        }
                    }
                }
            }
        }
    }
}

pub fn verify(report: &VerifyReport, k: &Knowledge) -> String {
    let title = format!("seglint verify: {}", plural(report.servers.len(), "server"));
    let body = html! {
        header { h1 { (title) } (totals(&report.check)) }
        (filters(&report.check))
        h2 { "Predicted and observed, per server" }
        @for (array, s) in &report.servers { (verify_server(array, s)) }
        (summary(&report.check))
        (super::arrays(&report.check, k))
    };
    page(&title, body)
}

/// Per protocol: the predicted outbound posture beside what the sender's hello offered; without
/// a prediction, why there is none.
fn offered_rows(c: &crate::listen::Connection, predicted: Result<&DirectionPosture, &str>) -> Markup {
    let highest = c.client_hello.as_ref().and_then(|h| h.highest());
    html! {
        @for p in Protocol::ALL {
            @let offered = c.offered_protocols.contains(&p);
            @let expected = predicted.ok().map(|d| d.state(p).effective);
            @let agrees = expected.and_then(|e| crate::listen::judge::agreement(p, e, offered, highest));
            tr {
                th scope="row" { (p.name()) }
                td { (expected.map_or(predicted.err().unwrap_or_default(), |e| if e { "allowed" } else { "off" })) }
                td { (if offered { "offered" } else { "not offered" }) }
                (compared(agrees, if expected.is_some() { "– not compared (below the highest offered)" } else { "—" }))
            }
        }
    }
}

/// The rules the judge raised on what was observed at `target` (a connection, a hop).
fn raised(report: &crate::report::CheckReport, target: &str) -> Vec<&'static str> {
    let mut codes: Vec<&str> = report
        .findings()
        .filter(|f| f.observation.as_ref().is_some_and(|o| o.target == target))
        .map(|f| f.rule.code())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// An agreement cell from the rules raised: which of `rules` the judge found, if any.
fn judged(raised: &[&str], rules: &[&str]) -> Markup {
    let found: Vec<&str> = raised.iter().copied().filter(|c| rules.contains(c)).collect();
    html! {
        @if found.is_empty() { td.ok { "✓ agrees" } } @else { td.bad.mismatch { "✖ differs (" (found.join(", ")) ")" } }
    }
}

/// The connection's STARTTLS, offered floor, weak suites and client certificate beside the
/// prediction, marked by the findings the judge raised on them.
fn connection_rows(c: &crate::listen::Connection, d: &DirectionPosture, raised: &[&str]) -> Markup {
    let weak = c.client_hello.as_ref().map_or(0, |h| h.weak_suites().count());
    let cert = match &c.client_certificate {
        None => "not asked for",
        Some(cc) if cc.presented => "presented",
        Some(_) => "requested, none presented",
    };
    html! {
        tr { th scope="row" { "STARTTLS" } td { (on_off(d.tls_enabled.value)) } td { (if c.starttls { "used" } else { "not used" }) } (judged(raised, &["SEG604"])) }
        tr {
            th scope="row" { "Cipher floor" }
            td { (d.cipher_floor.as_ref().map_or("not stated".to_string(), |f| f.value.to_string())) }
            td { (c.offered_floor.map_or("unknown", |f| f.name())) }
            (judged(raised, &["SEG605"]))
        }
        tr { th scope="row" { "Weak suites" } td { "none below the floor" } td { (weak) " offered" } (judged(raised, &["SEG606"])) }
        tr {
            th scope="row" { "Client certificate" }
            td { (d.offer_client_certificate.as_ref().map_or("not stated", |o| if o.value { "offered" } else { "not offered" })) }
            td { (cert) }
            (judged(raised, &["SEG607", "SEG301", "SEG302", "SEG303", "SEG304"]))
        }
    }
}

fn connection(
    n: usize,
    c: &crate::listen::Connection,
    predicted: Option<&DirectionPosture>,
    raised: &[&str],
) -> Markup {
    html! {
        h3 {
            "Connection " (n) " from " code { (c.peer) }
            @if let Some(s) = &c.server { ": " (s) }
            @if let Some(e) = &c.ehlo { " (EHLO " (e) ")" }
        }
        p.meta {
            (c.at) " · STARTTLS " (if c.starttls { "used" } else { "not used" })
            @if let Some(t) = &c.tls { " · handshake " (t.protocol.name()) " " (t.cipher_suite) }
            @if let Some(f) = c.offered_floor { " · offered floor " (f.name()) }
            @if let Some(e) = &c.error { " · stopped: " (e.message) }
        }
        @let held = predicted.filter(|_| c.server.is_some());
        @if c.client_hello.is_some() || held.is_some() {
            table.observed {
                thead { tr { th scope="col" { "What" } th scope="col" { "Predicted (outbound)" } th scope="col" { "Seen" } th scope="col" { "Agreement" } } }
                @let why = if predicted.is_none() { "no --array" } else { "not a server of the array" };
                tbody {
                    @if let Some(d) = held { (connection_rows(c, d, raised)) }
                    @if c.client_hello.is_some() { (offered_rows(c, held.ok_or(why))) }
                }
            }
        }
    }
}

pub fn listen(report: &ListenReport, k: &Knowledge) -> String {
    let title = format!("seglint listen: {}", plural(report.connections.len(), "connection"));
    let predicted = report.check.arrays.first().and_then(|a| a.posture.as_ref()).map(|p| &p.outbound);
    let body = html! {
        header { h1 { (title) } p.meta { "listened on " code { (report.bind) } } (totals(&report.check)) }
        (filters(&report.check))
        h2 { "What each sender offered, beside the prediction" }
        @if predicted.is_none() { p.muted { "No --array: the connections are not held to a predicted posture." } }
        @for (i, c) in report.connections.iter().enumerate() { (connection(i + 1, c, predicted, &raised(&report.check, &c.peer))) }
        (super::arrays(&report.check, k))
    };
    page(&title, body)
}

/// A hop's TLS as observed, and whether the server's predicted inbound posture allows it.
fn hop_row(h: &crate::headers::Hop, posture: Option<&crate::posture::Resolved>, raised: &[&str]) -> Markup {
    let tls = h.fields.tls.as_ref();
    let inbound = posture
        .zip(h.server.as_deref())
        .and_then(|(p, s)| p.inbound.iter().find(|d| d.server.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(s))));
    let predicted = inbound.zip(tls.and_then(|t| t.protocol)).map(|(d, p)| d.state(p).effective);
    html! {
        tr {
            td { code { (h.file) ":" (h.line) } }
            td { (h.fields.by.as_deref().unwrap_or("—")) @if let Some(s) = &h.server { " (" (s) ")" } }
            td { (h.fields.version.as_deref().unwrap_or("unknown")) }
            td {
                @match tls {
                    None => "plaintext",
                    Some(t) => {
                        (t.protocol.map_or(t.protocol_text.as_str(), |p| p.name()))
                        @if let Some(c) = &t.cipher { " " (c) }
                        @if !t.weak.is_empty() { " " strong { "weak: " (t.weak.iter().map(|w| w.name()).collect::<Vec<_>>().join(", ")) } }
                    },
                }
            }
            td { (predicted.map_or("—", |e| if e { "allowed" } else { "off" })) }
            @if h.server.is_some() && posture.is_some() { (judged(raised, &["SEG601", "SEG606", "SEG608"])) } @else { td.off { "— not held to a server" } }
        }
    }
}

pub fn headers(report: &HeadersReport, k: &Knowledge) -> String {
    let title = format!("seglint headers: {}", plural(report.messages.len(), "message"));
    let posture = report.check.arrays.first().and_then(|a| a.posture.as_deref());
    let hops = report.messages.iter().map(|m| m.hops.len()).sum();
    let body = html! {
        header {
            h1 { (title) }
            p.meta {
                (plural(hops, "SEG hop")) " · " (super::check::counts(&report.check))
                @if !report.errors.is_empty() { " · " strong { (plural(report.errors.len(), "file")) " could not be read" } }
            }
        }
        (filters(&report.check))
        h2 { "SEG hops, beside the prediction" }
        @if posture.is_none() { p.muted { "No --array: the hops are not held to a predicted posture." } }
        table.observed.sortable {
            thead { tr {
                th scope="col" { "Where" } th scope="col" { "By (server)" } th scope="col" { "SEG version" }
                th scope="col" { "TLS seen" } th scope="col" { "Predicted inbound" } th scope="col" { "Agreement" }
            } }
            tbody { @for h in report.messages.iter().flat_map(|m| &m.hops) { (hop_row(h, posture, &raised(&report.check, &h.target()))) } }
        }
        @for e in &report.errors { (super::input_error(e)) }
        // The files that could not be read are told above, not as arrays.
        (super::arrays_where(&report.check, k, |a| a.array.is_some()))
    };
    page(&title, body)
}
