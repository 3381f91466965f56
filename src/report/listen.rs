//! `listen` reports: one block per connection (who sent, what its hello offered, what was
//! agreed, the client certificate, the envelope), then the findings as `check` writes them; or
//! `seglint/listen/v1` JSON (spec 8.3). The other formats are `check`'s, fed the same findings.
//! It computes nothing: it reads the connections and findings and renders them.

use super::CheckReport;
use crate::knowledge::Knowledge;
use crate::listen::{Connection, Profile};
use serde::Serialize;
use std::fmt::Write;

/// What a listening session saw, and the findings through the policy (none without `--array`).
#[derive(Debug)]
pub struct ListenReport {
    /// The address actually bound (with the port chosen for `:0`).
    pub bind: String,
    pub profile: Profile,
    pub connections: Vec<Connection>,
    /// The array the senders were held to, and its findings; no arrays without `--array`.
    pub check: CheckReport,
}

#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
    tool: super::json::Tool,
    bind: &'a str,
    profile: &'a Profile,
    /// The array as `check` writes it, or null without `--array`.
    array: Option<serde_json::Value>,
    connections: &'a [Connection],
    findings: Vec<serde_json::Value>,
    summary: super::Summary,
}

pub fn json(report: &ListenReport, k: &Knowledge) -> String {
    let findings = super::json::finding_values(&report.check, k);
    let out = Json {
        schema: "seglint/listen/v1",
        tool: super::json::Tool::SEGLINT,
        bind: &report.bind,
        profile: &report.profile,
        array: super::json::array_values(&report.check).into_iter().next(),
        connections: &report.connections,
        findings,
        summary: report.check.summary(),
    };
    super::json::pretty(&out)
}

fn suite_name(s: &crate::suites::OfferedSuite) -> String {
    s.openssl.clone().or(s.name.map(String::from)).unwrap_or_else(|| s.id.clone())
}

/// One connection, as lines under its heading.
fn human_connection(out: &mut String, n: usize, c: &Connection, verbose: bool) {
    let who = c.server.as_deref().map(|s| format!(": {s}")).unwrap_or_default();
    let ehlo = c.ehlo.as_deref().map(|e| format!(" (EHLO {e})")).unwrap_or_default();
    let _ = writeln!(out, "connection {n} from {}{who}{ehlo} at {}", c.peer, c.at);
    let _ = writeln!(out, "  STARTTLS     {}", if c.starttls { "used" } else { "not used" });
    if let Some(h) = &c.client_hello {
        let names = |v: &[crate::vocab::Protocol]| v.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ");
        let versions = match &h.supported_versions {
            Some(v) => {
                format!(", supported_versions {}", v.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" "))
            }
            None => ", no supported_versions".into(),
        };
        let sni = h.sni.as_deref().map(|s| format!(", SNI {s}")).unwrap_or_default();
        let kind = if h.sslv2_compatible { "SSLv2-compatible hello, " } else { "" };
        let _ = writeln!(
            out,
            "  hello        {kind}record {}, client_version {}{versions}{sni}",
            h.record_version, h.client_version
        );
        let floor = c.offered_floor.map(|f| f.name()).unwrap_or("unknown");
        let _ = writeln!(out, "  offers       {} (what the hello proves); floor {floor}", names(&c.offered_protocols));
        let suites: Vec<_> = h.cipher_suites.iter().filter(|s| !s.signalling).collect();
        let weak: Vec<String> = h
            .weak_suites()
            .map(|s| format!("{} ({})", suite_name(s), s.weak.iter().map(|w| w.name()).collect::<Vec<_>>().join(", ")))
            .collect();
        let _ = writeln!(
            out,
            "  suites       {} offered, {} weak{}",
            suites.len(),
            weak.len(),
            if weak.is_empty() { String::new() } else { format!(": {}", weak.join("; ")) }
        );
        if verbose {
            for s in &h.cipher_suites {
                let bits = s.bits.map(|b| format!("{b} bits")).unwrap_or_else(|| "signalling".into());
                let _ = writeln!(out, "               {} {} ({bits})", s.id, suite_name(s));
            }
        }
    }
    if let Some(t) = &c.tls {
        let _ = writeln!(out, "  handshake    {} {}", t.protocol.name(), t.cipher_suite);
    }
    if let Some(cc) = &c.client_certificate {
        let what = match cc.chain.first() {
            Some(leaf) => format!(
                "presented {} (issuer {}, until {}, SHA-1 {})",
                leaf.subject, leaf.issuer, leaf.not_after, leaf.sha1
            ),
            None if cc.presented => "presented (unreadable)".into(),
            None => "requested, none presented".into(),
        };
        let _ = writeln!(out, "  client cert  {what}");
    }
    if let Some(m) = &c.mail {
        let _ = writeln!(
            out,
            "  mail         from <{}> to {} recipient{}, {} bytes (discarded)",
            m.from,
            m.rcpt.len(),
            if m.rcpt.len() == 1 { "" } else { "s" },
            m.bytes
        );
    }
    if let Some(e) = &c.error {
        let stage = serde_json::to_value(e.stage).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        let _ = writeln!(out, "  stopped      at {stage}: {}", e.message);
    }
    out.push('\n');
}

/// Every connection, then the findings as `check` prints them.
pub fn human(report: &ListenReport, k: &Knowledge, style: super::Style) -> String {
    let mut out = String::new();
    if !style.quiet {
        let n = report.connections.len();
        let _ = writeln!(out, "listened on {}: {n} connection{}\n", report.bind, if n == 1 { "" } else { "s" });
        for (i, c) in report.connections.iter().enumerate() {
            human_connection(&mut out, i + 1, c, style.verbose);
        }
    }
    if report.check.arrays.is_empty() {
        if !style.quiet {
            out.push_str("no --array: the connections are not held to a predicted posture\n");
        }
        return out;
    }
    let unidentified = report.connections.iter().filter(|c| c.server.is_none()).count();
    if unidentified > 0 && !style.quiet {
        let _ = writeln!(
            out,
            "{unidentified} connection{} not from a server of the array (say which with --server NAME=IP): not compared\n",
            if unidentified == 1 { "" } else { "s" }
        );
    }
    out.push_str(&super::human::render(&report.check, k, style));
    out
}
