//! `seglint probe`: live STARTTLS checks of peers, with verdicts for each server of `--array`.
//! It holds no logic beyond a certificate's dates at `--now`: `verdict` judges, a reporter renders.

use super::{ExitStatus, Outcome, Setup, render_input_error};
use crate::cli::ProbeArgs;
use crate::input::{self, ArraySpec, InputError};
use crate::model::Server;
use crate::probe::verdict::{self, ArrayOutbound, ServerOutbound};
use crate::probe::{Options, ProbeReport, smtp, tls};
use crate::report::Document;
use std::path::Path;

/// The outbound side of one `--array`, at the version and with the rules data the run uses.
fn outbound(setup: &Setup, path: &Path) -> Result<ArrayOutbound, InputError> {
    let spec = ArraySpec::new(path);
    let array = input::load(&spec, &setup.load)?;
    let p = crate::posture::resolve(setup.k, &array, &array.version);
    let now = setup.now;
    let expired = |s: &Server| {
        s.inbound.certificate.as_ref().is_some_and(|c| {
            c.not_after.as_ref().is_some_and(|na| na.value < now)
                || c.not_before.as_ref().is_some_and(|nb| nb.value > now)
        })
    };
    let sources = verdict::Sources {
        client_certificate: setup.k.fact("client-certificate").sources.clone(),
        protocols: p.row.row.sources.clone(),
        cipher_floor: setup.k.fact("cipher-strength-levels").sources.clone(),
    };
    Ok(ArrayOutbound {
        sources,
        array: spec.source.clone(),
        tls_enabled: p.outbound.tls_enabled.value,
        protocols: p.outbound.effective(),
        cipher_floor: p.outbound.cipher_floor.as_ref().map(|f| f.value),
        offer_client_certificate: p.outbound.offer_client_certificate.as_ref().is_none_or(|o| o.value),
        servers: array
            .servers
            .iter()
            .map(|s| ServerOutbound {
                name: s.name.clone(),
                has_certificate: s.inbound.certificate.is_some(),
                certificate_expired: expired(s),
            })
            .collect(),
    })
}

/// The network options, or a usage error (a bad client certificate or key).
fn options(args: &ProbeArgs) -> Result<Options, tls::IdentityError> {
    let identity = match (&args.client_cert, &args.client_key) {
        (Some(c), Some(k)) => Some(tls::load_identity(c, k)?),
        _ => None,
    };
    Ok(Options {
        helo: args.helo.clone().unwrap_or_else(smtp::default_helo),
        timeout: args.timeout,
        identity,
        legacy: !args.no_legacy,
    })
}

pub(super) fn run(args: &ProbeArgs) -> Outcome {
    let setup = match Setup::new(&args.common, args.output.as_deref()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let policy = match setup.policy(&args.levels.overrides(), args.fail_on, None) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let usage = |message: &dyn std::fmt::Display| Outcome::usage(format!("error: {message}\n"));
    let file = match &args.targets_file {
        Some(path) => match crate::source::read_regular_text(path, crate::source::MAX_SIDE_FILE) {
            Ok(text) => Some(text),
            Err(e) => return usage(&format!("cannot read {}: {e}", path.display())),
        },
        None => None,
    };
    let targets = match crate::probe::targets(&args.targets, file.as_deref()) {
        Ok(t) => t,
        Err(e) => return usage(&e),
    };
    let options = match options(args) {
        Ok(o) => o,
        Err(e) => return usage(&e),
    };
    let arrays = match args.array.iter().map(|a| outbound(&setup, a)).collect::<Result<Vec<_>, _>>() {
        Ok(a) => a,
        Err(e) => {
            let stderr = render_input_error(&e, setup.color);
            return Outcome { stderr, exit: ExitStatus::Input, ..Outcome::default() };
        }
    };
    let mut reports = crate::probe::probe_all(&targets, &options, usize::from(args.jobs));
    for r in reports.iter_mut().filter(|r| !r.unprobed()) {
        let facts = r.facts();
        r.verdicts = arrays
            .iter()
            .flat_map(|a| verdict::verdicts(&facts, a))
            .map(|v| v.with_levels(|rule, s| policy.severity_of(rule, s)))
            .collect();
    }
    let fails = |r: &ProbeReport| r.verdicts.iter().flat_map(|v| &v.reasons).any(|x| policy.fails_at(x.severity));
    let exit = if reports.iter().any(ProbeReport::unprobed) {
        ExitStatus::Input
    } else if reports.iter().any(fails) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    };
    let stdout = match super::report(&Document::Probe(&reports), args.format, setup.k, &setup.style(&args.common)) {
        Ok(text) => text,
        Err(o) => return o,
    };
    Outcome { stdout, output: args.output.clone(), exit, ..Outcome::default() }
}
