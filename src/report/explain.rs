//! `explain`: the effective posture of one array, value by value, with its evidence and where
//! it came from (an input file's bytes, or seglint's built-in data); human table or
//! `seglint/explain/v1` JSON. It computes nothing: it reads the resolved posture and renders it.

use crate::knowledge::Knowledge;
use crate::model::Array;
use crate::posture::{Class, DirectionPosture, Evidenced, Posture};
use crate::registry::Rule;
use crate::vocab::{Confidence, Direction, Evidence};
use std::fmt::Write;

pub(super) fn where_from<T>(k: &Knowledge, array: &Array, v: &Evidenced<T>) -> String {
    let place = match (v.loc, v.data) {
        (Some(loc), _) => array.files.get(loc.file).map(|f| {
            let (l, c) = f.line_col(loc.span.offset);
            format!("{}:{l}:{c}", f.display)
        }),
        (None, Some(d)) => k.data_place(d).map(|(file, line, _)| format!("{file}:{line}")),
        _ => None,
    };
    match place {
        Some(p) => format!("{}  [{p}]", v.via),
        None => v.via.clone(),
    }
}

fn explain_direction(out: &mut String, k: &Knowledge, array: &Array, d: &DirectionPosture) {
    let title = match &d.server {
        Some(s) => format!("inbound on {s} (Receiver)"),
        None => "outbound (Sender, array-wide: every server)".to_string(),
    };
    let _ = writeln!(out, "\n{title}");
    let row =
        |out: &mut String, what: &str, value: String, evidence: Evidence, confidence: Confidence, from: String| {
            let mark = if confidence == Confidence::Inferred && evidence == Evidence::Explicit { "*" } else { "" };
            let _ = writeln!(out, "  {what:<24} {value:<24} {:<9} {from}", format!("{}{mark}", evidence.name()));
        };
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    row(
        out,
        "TLS enabled",
        yes(d.tls_enabled.value),
        d.tls_enabled.evidence,
        d.tls_enabled.confidence,
        where_from(k, array, &d.tls_enabled),
    );
    for s in &d.protocols {
        let value = match (s.allowed.value, s.effective) {
            (true, true) => "allowed".to_string(),
            (true, false) => "allowed, cannot work (no certificate)".to_string(),
            (false, _) => "off".to_string(),
        };
        row(out, s.protocol.name(), value, s.allowed.evidence, s.allowed.confidence, where_from(k, array, &s.allowed));
    }
    match &d.cipher_floor {
        Some(f) => {
            row(out, "minimum cipher strength", f.value.to_string(), f.evidence, f.confidence, where_from(k, array, f))
        }
        None => {
            let _ = writeln!(
                out,
                "  {:<24} {:<24} {:<9} not stated in the export",
                "minimum cipher strength", "unknown", "-"
            );
        }
    }
    if let Some(l) = &d.cipher_list {
        row(out, "TLSCipherList", l.value.clone(), l.evidence, l.confidence, where_from(k, array, l));
    }
    if let Some(o) = &d.offer_client_certificate {
        row(out, "offer client cert", yes(o.value), o.evidence, o.confidence, where_from(k, array, o));
    }
    match &d.dane {
        Some(v) => {
            let value = if v.value { "on" } else { "off" }.to_string();
            row(out, "DANE validation", value, v.evidence, v.confidence, where_from(k, array, v));
        }
        None if d.direction == Direction::Outbound => {
            let since = k.fact("dane").since().map_or_else(|| "later versions".into(), |v| format!("{v} and later"));
            let _ = writeln!(out, "  {:<24} {:<24} {:<9} {since}", "DANE validation", "not available", "-");
        }
        None => {}
    }
    let certs: Vec<String> = match &d.server {
        Some(s) => array.server(s).into_iter().map(cert_line).collect(),
        None => array.servers.iter().map(|s| format!("{}: {}", s.name, cert_line(s))).collect(),
    };
    for (i, c) in certs.iter().enumerate() {
        let _ = writeln!(out, "  {:<24} {c}", if i == 0 { "certificate" } else { "" });
    }
}

fn cert_line(s: &crate::model::Server) -> String {
    match &s.inbound.certificate {
        None => "none".into(),
        Some(c) => {
            let mut parts = vec![c.subject.clone().unwrap_or_else(|| "(no subject)".into())];
            if c.self_signed.as_ref().is_some_and(|s| s.value) {
                parts.push("self-signed".into());
            }
            if let Some(na) = &c.not_after {
                parts.push(format!("until {}", na.value.date()));
            }
            parts.join(", ")
        }
    }
}

pub fn human(k: &Knowledge, array: &Array, p: &Posture<'_>) -> String {
    let mut out = String::new();
    let v = crate::version::without_build(&p.version);
    let _ = writeln!(out, "{} — {}", array.source, array.name.as_deref().unwrap_or("(unnamed array)"));
    let _ = writeln!(
        out,
        "SEG {v}: version-table row {}{}; TLS settings are {}",
        p.row.row.label,
        if p.row.covered {
            String::new()
        } else {
            format!(" (nearest lower row: this version is not covered, {})", Rule::VersionNotCovered)
        },
        p.row.row.store.describe()
    );
    if let Some(assumed) = &p.row.row.assumed {
        let _ = writeln!(out, "inferred: {assumed} [{}]", p.row.row.sources.join(", "));
    }
    let _ = writeln!(
        out,
        "evidence: explicit = set in an input file (explicit* = the setting's name or place is assumed, no article states it);\n          default = a version default a source states; inferred = a default no source states"
    );
    explain_direction(&mut out, k, array, &p.outbound);
    for d in &p.inbound {
        explain_direction(&mut out, k, array, d);
    }
    let tls: Vec<_> = p.settings.iter().filter(|c| c.class != Class::NotTls).collect();
    if !tls.is_empty() {
        let _ = writeln!(out, "\nTLS settings in the input");
        for c in tls {
            let s = c.setting;
            let f = &array.files[s.loc.file];
            let (l, col) = f.line_col(s.loc.span.offset);
            let verdict = match &c.class {
                Class::Effective(_) => "in effect".to_string(),
                Class::Ineffective { reason, .. } => format!("no effect ({}): {reason}", Rule::IneffectiveSetting),
                Class::UnknownServer { written, .. } => {
                    format!("no effect ({}): no server `{written}`", Rule::UnknownServer)
                }
                Class::Unknown { .. } => format!("no effect ({}): not a TLS setting SEG reads", Rule::UnknownSetting),
                Class::Invalid { expected } => {
                    format!("no effect ({}): expected {expected}", Rule::InvalidSettingValue)
                }
                Class::Unsupported(p) => {
                    format!("no effect ({}): no {} switch on this version", Rule::UnsupportedProtocolSetting, p.name())
                }
                Class::NotTls => String::new(),
            };
            let _ = writeln!(
                out,
                "  {} = {}  [{}:{l}:{col}]\n      {verdict}",
                c.display,
                crate::posture::value_text(&s.value),
                f.display
            );
        }
    }
    out
}

fn evidenced_json<T: serde::Serialize>(k: &Knowledge, array: &Array, v: &Evidenced<T>) -> serde_json::Value {
    serde_json::json!({
        "value": v.value, "evidence": v.evidence, "confidence": v.confidence, "via": v.via,
        "location": super::locate(Some(array), v.loc),
        "caveat": v.caveat,
        "rules_data": v.data.and_then(|d| k.data_place(d).map(|(file, line, _)| format!("{file}:{line}"))),
        "sources": v.sources,
    })
}

pub fn json(k: &Knowledge, array: &Array, p: &Posture<'_>) -> String {
    let direction = |d: &DirectionPosture| {
        serde_json::json!({
            "server": d.server, "direction": d.direction,
            "tls_enabled": evidenced_json(k, array, &d.tls_enabled),
            "protocols": d.effective(),
            "protocol_states": d.protocols.iter().map(|s| serde_json::json!({"protocol": s.protocol, "allowed": evidenced_json(k, array, &s.allowed), "effective": s.effective})).collect::<Vec<_>>(),
            "cipher_floor": d.cipher_floor.as_ref().map(|f| evidenced_json(k, array, f)),
            "cipher_list": d.cipher_list.as_ref().map(|l| evidenced_json(k, array, l)),
            "offer_client_certificate": d.offer_client_certificate.as_ref().map(|o| evidenced_json(k, array, o)),
            "dane": d.dane.as_ref().map(|v| evidenced_json(k, array, v)),
        })
    };
    let mut postures = vec![direction(&p.outbound)];
    postures.extend(p.inbound.iter().map(direction));
    let out = serde_json::json!({
        "schema": "seglint/explain/v1",
        "array": array.source, "name": array.name, "product_version": array.version.to_string(),
        "row": p.row.row.label, "covered": p.row.covered, "assumed": p.row.row.assumed,
        "postures": postures,
    });
    format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default())
}
