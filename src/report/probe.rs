//! `probe` reports: a readable verdict first and the details after, or `seglint/probe/v1`
//! JSON (one object for one peer, an array for several).
//! It computes nothing: it reads the probe's reports and renders them.

use super::Style;
use crate::probe::ProbeReport;
use crate::probe::smtp::Stage;
use crate::vocab::Severity;

/// One peer: the documented object; several: a JSON array of them.
pub fn json(reports: &[ProbeReport]) -> String {
    let text = match reports {
        [one] => serde_json::to_string_pretty(one),
        many => serde_json::to_string_pretty(many),
    };
    format!("{}\n", text.unwrap_or_default())
}

pub fn human_all(reports: &[ProbeReport], style: Style) -> String {
    reports.iter().map(|r| human(r, style)).collect::<Vec<_>>().join("\n")
}

fn yes(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not tested",
    }
}

/// The readable report: the verdict first, details after.
pub fn human(r: &ProbeReport, style: Style) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let t = &r.target;
    let head = match (&r.error, &r.tls, r.starttls) {
        (Some(e), _, _) if r.unprobed() => {
            format!("could not be probed: {} failed: {}", stage_name(e.stage), e.message)
        }
        (_, Some(tls), _) => format!("STARTTLS, {} with {}", tls.protocol, tls.cipher_suite),
        (_, None, Some(false)) => "no STARTTLS offered: mail to this peer goes unencrypted".into(),
        (Some(e), None, _) => format!("STARTTLS offered, but no TLSv1.2/1.3 handshake: {}", e.message),
        _ => "no TLS".into(),
    };
    let _ = writeln!(out, "{}:{} — {head}", t.host, t.port);
    if r.unprobed() {
        return out;
    }
    let paint = |word: &str, code: &str| {
        if style.color { format!("\x1b[{code}m{word}\x1b[0m") } else { word.to_string() }
    };
    for v in &r.verdicts {
        if v.reasons.is_empty() {
            let _ = writeln!(out, "  {}  {} {}", paint("PASS", "32"), v.array, v.server);
        }
        for reason in &v.reasons {
            let sources =
                if reason.sources.is_empty() { String::new() } else { format!(" [{}]", reason.sources.join(", ")) };
            let word = if reason.severity == Severity::Error { paint("FAIL", "31") } else { paint("NOTE", "36") };
            let _ = writeln!(out, "  {word}  {} {}: {}{sources}", v.array, v.server, reason.message);
        }
    }
    if !style.quiet {
        details(&mut out, r, style);
    }
    out
}

/// What the probe saw, after the verdicts.
fn details(out: &mut String, r: &ProbeReport, style: Style) {
    use std::fmt::Write;
    if style.verbose && !r.capabilities.is_empty() {
        let _ = writeln!(out, "  EHLO capabilities:  {}", r.capabilities.join(" "));
    }
    if let Some(b) = &r.banner {
        let _ = writeln!(out, "  banner:             {}", b.replace('\n', " | "));
    }
    if let Some(c) = &r.client_certificate {
        let cas = if c.acceptable_cas.is_empty() {
            String::new()
        } else {
            format!(" (accepted CAs: {})", c.acceptable_cas.join("; "))
        };
        let _ = writeln!(out, "  client certificate: {}{cas}", if c.requested { "requested" } else { "not requested" });
    }
    let untested = r.error.as_ref().is_some_and(|e| e.message.starts_with(crate::probe::UNTESTED));
    match (&r.error, &r.tls) {
        (Some(e), Some(_)) if untested => {
            let _ = writeln!(out, "  incomplete:         {}", e.message);
        }
        (Some(e), Some(_)) => {
            let _ = writeln!(out, "  then failed:        {}: {}", stage_name(e.stage), e.message);
        }
        _ => {}
    }
    let versions: Vec<String> = r.tls_versions.iter().map(|(k, v)| format!("{k} {}", yes(*v))).collect();
    let _ = writeln!(out, "  TLS versions:       {}", versions.join(", "));
    match &r.legacy_protocols {
        Some(l) if l.values().any(Option::is_some) || untested => {
            let legacy: Vec<String> = l.iter().map(|(k, v)| format!("{k} {}", yes(*v))).collect();
            let _ = writeln!(out, "  legacy protocols:   {}", legacy.join(", "));
        }
        _ if r.starttls == Some(true) && r.error.is_none() => {
            let _ = writeln!(out, "  legacy protocols:   not tested (--no-legacy)");
        }
        _ => {}
    }
    if let Some(s) = r.strong_256 {
        let _ = writeln!(out, "  256-bit suite:      {}", if s { "yes" } else { "no" });
    }
    if let Some(c) = &r.certificate_check {
        let state = match (c.trusted, c.hostname_valid) {
            (true, true) => "trusted, valid for the host name".to_string(),
            (true, false) => format!("trusted, but {}", c.problem.clone().unwrap_or_default()),
            (false, true) => {
                format!("not trusted ({}), valid for the host name", c.problem.clone().unwrap_or_default())
            }
            (false, false) => format!("not trusted: {}", c.problem.clone().unwrap_or_default()),
        };
        let _ = writeln!(out, "  peer certificate:   {state}");
    }
    for c in &r.peer_certificates {
        let _ = writeln!(out, "    {} (issuer {}; {} – {})", c.subject, c.issuer, c.not_before, c.not_after);
    }
}

pub fn stage_name(s: Stage) -> &'static str {
    match s {
        Stage::Connect => "connect",
        Stage::Banner => "banner",
        Stage::Ehlo => "ehlo",
        Stage::Starttls => "starttls",
        Stage::Handshake => "handshake",
    }
}
