//! `verify` reports: per server, the table of what was predicted against what was observed,
//! then the findings as `check` writes them; or `seglint/verify/v1` JSON. The other formats
//! (SARIF, GitHub, JUnit, Markdown) are `check`'s, fed the same findings. It computes
//! nothing: it reads the server checks and findings and renders them.

use super::CheckReport;
use super::probe::stage_name;
use crate::knowledge::Knowledge;
use crate::verify::ServerCheck;
use crate::vocab::{Confidence, Evidence};
use serde::Serialize;
use std::fmt::Write;

/// The servers checked (with the array each belongs to) and the findings through the policy.
#[derive(Debug, Default)]
pub struct VerifyReport {
    pub check: CheckReport,
    pub servers: Vec<(String, ServerCheck)>,
}

impl VerifyReport {
    /// Servers that could not be probed: input errors (exit 3).
    pub fn unprobed(&self) -> usize {
        self.servers.iter().filter(|(_, s)| s.error.is_some()).count()
    }
}

#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
    tool: super::json::Tool,
    /// The arrays as `check` writes them, in the arguments' order; `error` also tells the
    /// servers that could not be probed.
    arrays: Vec<serde_json::Value>,
    servers: Vec<ServerEntry<'a>>,
    findings: Vec<serde_json::Value>,
    summary: super::Summary,
}

#[derive(Serialize)]
struct ServerEntry<'a> {
    array: &'a str,
    #[serde(flatten)]
    check: &'a ServerCheck,
}

pub fn json(report: &VerifyReport, k: &Knowledge) -> String {
    let findings = super::json::finding_values(&report.check, k);
    let out = Json {
        schema: "seglint/verify/v1",
        tool: super::json::Tool::SEGLINT,
        arrays: super::json::array_values(&report.check),
        servers: report.servers.iter().map(|(array, check)| ServerEntry { array, check }).collect(),
        findings,
        summary: report.check.summary(),
    };
    super::json::pretty(&out)
}

/// Why the prediction is what it is, in the explain vocabulary.
fn why(evidence: Evidence, confidence: Confidence) -> &'static str {
    match (evidence, confidence) {
        (Evidence::Explicit, Confidence::Inferred) => "explicit, inferred",
        (Evidence::Explicit, Confidence::Certain) => "explicit setting",
        (Evidence::Inferred, _) | (Evidence::Default, Confidence::Inferred) => "inferred default",
        (Evidence::Default, Confidence::Certain) => "version default",
        (Evidence::Observed, _) => "observed",
    }
}

/// One server: where it was reached, STARTTLS, the protocol table, the certificate.
pub fn human_server(out: &mut String, array: &str, s: &ServerCheck, quiet: bool) {
    let _ = writeln!(out, "{} in {array}, at {}", s.server, s.target);
    if let Some(e) = &s.error {
        let _ = writeln!(out, "  could not be probed: {} failed: {}\n", stage_name(e.stage), e.message);
        return;
    }
    let on = |b: bool| if b { "on" } else { "off" };
    let starttls = match s.starttls.observed {
        Some(true) => "offered",
        Some(false) => "not offered",
        None => "not reached",
    };
    let agrees = |ok: bool| if ok { "agrees" } else { "DIFFERS" };
    let starttls_ok = s.starttls.observed.is_none_or(|o| o == s.starttls.predicted);
    let _ = writeln!(
        out,
        "  STARTTLS: predicted {} (inbound tlsEnabled), observed {starttls}: {}",
        on(s.starttls.predicted),
        agrees(starttls_ok)
    );
    if quiet {
        return;
    }
    if !s.protocols.is_empty() {
        let _ = writeln!(out, "  {:<9} {:<28} {:<12} agrees", "protocol", "predicted (why)", "observed");
        for p in &s.protocols {
            let predicted = format!("{} ({})", p.predicted, why(p.predicted_evidence, p.predicted_confidence));
            let agrees = match p.agrees {
                Some(true) if p.confirmed_by_observation => "yes: confirmed by observation",
                Some(true) => "yes",
                Some(false) => "NO",
                None => "not tested",
            };
            let _ =
                writeln!(out, "  {:<9} {predicted:<28} {:<12} {agrees}", p.protocol.name(), p.observed.unwrap_or("-"));
        }
    }
    let cert = |c: &crate::verify::CertSummary| {
        let subject = c.subject.as_deref().unwrap_or("subject not given");
        let until = c.not_after.as_deref().map(|d| format!(", until {d}")).unwrap_or_default();
        format!("{subject}{until}")
    };
    if let Some(served) = &s.certificate.observed {
        let _ = writeln!(out, "  certificate served: {}", cert(served));
        let export = s.certificate.predicted.as_ref().map(cert).unwrap_or_else(|| "none".into());
        let verdict = match (&s.certificate.predicted, s.certificate_agrees) {
            (None, _) => "the export has none",
            (Some(_), Some(true)) => "agrees",
            (Some(_), _) => "DIFFERS",
        };
        let _ = writeln!(out, "  certificate in the export: {export}: {verdict}");
    }
    out.push('\n');
}

/// The tables of every server, then the findings as `check` prints them.
pub fn human(report: &VerifyReport, k: &Knowledge, style: super::Style) -> String {
    let mut out = String::new();
    for (array, s) in &report.servers {
        human_server(&mut out, array, s, style.quiet);
    }
    out.push_str(&super::human::render(&report.check, k, style));
    out
}
