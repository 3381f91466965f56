//! `seglint verify`: probe each server of each array and compare with its predicted inbound
//! posture. It holds no logic of its own: `probe` probes, `verify` compares, the sink applies
//! policy, `report::verify` renders.

use super::{ExitStatus, Outcome, Setup, render_input_error};
use crate::cli::{Format, VerifyArgs};
use crate::input::{self, ArraySpec};
use crate::model::Array;
use crate::policy::Policy;
use crate::probe::{Options, ProbeReport, smtp};
use crate::report::verify::VerifyReport;
use crate::report::{self, ArrayReport, Document};
use crate::target::Target;
use crate::verify::{ServerCheck, Verifier};
use std::io::IsTerminal;

/// A `--server NAME` given twice, or that no array has: a usage error (which address would be
/// meant, or nothing would be probed for it).
fn unknown_server(args: &VerifyArgs, arrays: &[&Array]) -> Option<String> {
    let twice = args
        .servers
        .iter()
        .enumerate()
        .find(|(i, (name, _))| args.servers[..*i].iter().any(|(other, _)| other.eq_ignore_ascii_case(name)));
    if let Some((_, (name, _))) = twice {
        return Some(format!("error: --server {name}=… is given twice\n  help: give each server once\n"));
    }
    let known = |name: &str| arrays.iter().any(|a| a.server(name).is_some());
    let (name, _) = args.servers.iter().find(|(name, _)| !known(name))?;
    let names: Vec<&str> = arrays.iter().flat_map(|a| a.servers.iter().map(|s| s.name.as_str())).collect();
    Some(format!(
        "error: --server {name}=…: no array given has a server {name}\n  help: the servers are {}\n",
        if names.is_empty() { "none".to_string() } else { names.join(", ") }
    ))
}

/// One array's servers checked against their probe reports, the findings through the policy.
fn verify_array(
    setup: &Setup,
    policy: &Policy,
    array: Array,
    reports: &mut impl Iterator<Item = (Target, ProbeReport)>,
    at: &str,
) -> (ArrayReport, Vec<(String, ServerCheck)>) {
    let posture = crate::posture::resolve(setup.k, &array, &array.version);
    let v = Verifier { k: setup.k, array: &array, posture: &posture, now: setup.now, at: at.to_string() };
    let mut checks = Vec::new();
    let mut findings = Vec::new();
    for (server, (target, r)) in array.servers.iter().zip(reports) {
        let (check, found) = v.server(server, &target, &r);
        checks.push((array.source.clone(), check));
        findings.extend(found);
    }
    let findings = policy.apply(Some(&array), findings);
    let kept = posture.resolved();
    let mut report = ArrayReport::checked(array, findings, Some(kept));
    report.error = unprobed_error(&checks);
    (report, checks)
}

/// The servers of one array that could not be probed, as the array's input error: every format
/// of `check` tells input errors (SARIF notifications, JUnit errors, annotations), and exit 3.
fn unprobed_error(checks: &[(String, ServerCheck)]) -> Option<input::InputError> {
    let failed: Vec<String> = checks
        .iter()
        .filter_map(|(_, s)| {
            let e = s.error.as_ref()?;
            Some(format!("{} ({}): {} failed: {}", s.server, s.target, report::probe::stage_name(e.stage), e.message))
        })
        .collect();
    if failed.is_empty() {
        return None;
    }
    let n = failed.len();
    let mut e = input::InputError::new(format!(
        "{n} server{} could not be probed: {}",
        if n == 1 { "" } else { "s" },
        failed.join("; ")
    ));
    e.help = Some("check that this machine reaches the server on its SMTP port, or say where it is with --server NAME=HOST[:PORT]; the other servers are verified".into());
    Some(e)
}

/// Probes every target; on a terminal, with a bar on stderr (a fleet takes a while).
fn probe_with_progress(targets: &[Target], options: &Options, args: &VerifyArgs) -> Vec<ProbeReport> {
    let jobs = usize::from(args.jobs);
    if targets.len() < 2 || args.common.quiet || !std::io::stderr().is_terminal() {
        return crate::probe::probe_all(targets, options, jobs);
    }
    let bar = indicatif::ProgressBar::new(targets.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} servers probed {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let reports = crate::probe::probe_all_with(targets, options, jobs, &|| bar.inc(1));
    bar.finish_and_clear();
    reports
}

pub(super) fn run(args: &VerifyArgs) -> Outcome {
    let setup = match Setup::new(&args.common, args.output.as_deref()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let policy = match setup.policy(&args.levels.overrides(), args.fail_on, args.baseline.as_deref()) {
        Ok(p) => p.observing(),
        Err(o) => return o,
    };
    let specs: Vec<ArraySpec> = super::check::arrays(&setup, &args.arrays, args.recursive);
    let loaded: Vec<Result<Array, ArrayReport>> = specs
        .iter()
        .map(|spec| input::load(spec, &setup.load).map_err(|e| ArrayReport::unreadable(spec.source.clone(), e)))
        .collect();
    let arrays: Vec<&Array> = loaded.iter().filter_map(|l| l.as_ref().ok()).collect();
    if let Some(message) = unknown_server(args, &arrays) {
        return Outcome::usage(message);
    }
    let targets: Vec<Target> =
        arrays.iter().flat_map(|a| a.servers.iter().map(|s| crate::verify::target_of(s, &args.servers))).collect();
    let options = Options {
        helo: args.helo.clone().unwrap_or_else(smtp::default_helo),
        timeout: args.timeout,
        identity: None,
        legacy: !args.no_legacy,
    };
    let at = crate::vocab::now_rfc3339();
    let probed = probe_with_progress(&targets, &options, args);
    let mut reports = targets.into_iter().zip(probed);
    let mut report = VerifyReport::default();
    // In the arguments' order, arrays that could not be read among them.
    for l in loaded {
        match l {
            Ok(array) => {
                let (a, checks) = verify_array(&setup, &policy, array, &mut reports, &at);
                report.check.arrays.push(a);
                report.servers.extend(checks);
            }
            Err(failed) => report.check.arrays.push(failed),
        }
    }
    report.check.baseline = policy.fixed(report.check.findings());
    let doc = Document::Verify { report: &report, fails: &|f| policy.fails(f) };
    let stdout = match super::report(&doc, args.format, setup.k, &setup.style(&args.common)) {
        Ok(text) => text,
        Err(o) => return o,
    };
    let mut exit =
        if report.check.findings().any(|f| policy.fails(f)) { ExitStatus::Findings } else { ExitStatus::Clean };
    if report.unprobed() > 0 || report.check.input_errors() > 0 {
        exit = ExitStatus::Input;
    }
    let mut stderr = String::new();
    if args.format != Format::Human {
        for e in report.check.arrays.iter().filter_map(|a| a.error.as_ref()) {
            stderr.push_str(&render_input_error(e, false));
        }
    }
    if let Some(path) = &args.write_baseline {
        let (message, status) = super::write_baseline(path, report.check.findings());
        stderr.push_str(&message);
        exit = exit.max(status);
    }
    Outcome { stdout, stderr, output: args.output.clone(), exit }
}
