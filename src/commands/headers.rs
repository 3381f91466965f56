//! `seglint headers`: what delivered mail shows of SEG hops, held to the array's servers.
//! It holds no logic of its own: `headers` reads, `headers::judge` compares, the sink applies
//! policy, `report::headers` renders.

use super::{ExitStatus, Outcome, Setup, read_message, render_input_error};
use crate::cli::HeadersArgs;
use crate::headers::{self, Message, judge};
use crate::input::{self, ArraySpec, InputError};
use crate::model::Array;
use crate::policy::Policy;
use crate::report::headers::HeadersReport;
use crate::report::{ArrayReport, CheckReport, Document};

/// Every file's messages, and the files that could not be read.
fn read_all(args: &HeadersArgs, max: u64) -> (Vec<Message>, Vec<InputError>) {
    let (mut messages, mut errors) = (Vec::new(), Vec::new());
    for path in &args.files {
        match read_message(path, max).and_then(|(display, bytes)| headers::read(&display, &bytes)) {
            Ok(m) => messages.extend(m),
            Err(e) => errors.push(e),
        }
    }
    (messages, errors)
}

/// The findings of every hop a server of the array wrote, through the policy.
fn judged(
    setup: &Setup,
    policy: &Policy,
    array: Array,
    servers: &[(String, String)],
    messages: &mut [Message],
) -> ArrayReport {
    let posture = crate::posture::resolve(setup.k, &array, &array.version);
    let j = judge::Judge { array: &array, posture: &posture };
    let mut findings = Vec::new();
    for hop in messages.iter_mut().flat_map(|m| m.hops.iter_mut()) {
        if let Some(server) = judge::identify(&array, hop, servers) {
            hop.server = Some(server.name.clone());
            findings.extend(j.hop(server, hop));
        }
    }
    let findings = policy.apply(Some(&array), findings);
    let kept = posture.resolved();
    ArrayReport::checked(array, findings, Some(kept))
}

/// A `--server` without `--array`, or naming a server the array lacks: a usage error.
fn unknown_server(args: &HeadersArgs, array: Option<&Array>) -> Option<String> {
    let (name, _) = args.servers.first()?;
    let Some(a) = array else {
        return Some(format!(
            "error: --server {name}=… needs --array: it says which server of the array wrote a hop\n"
        ));
    };
    let (name, _) = args.servers.iter().find(|(n, _)| a.server(n).is_none())?;
    let names: Vec<&str> = a.servers.iter().map(|s| s.name.as_str()).collect();
    Some(format!(
        "error: --server {name}=…: the array has no server {name}\n  help: the servers are {}\n",
        names.join(", ")
    ))
}

pub(super) fn run(args: &HeadersArgs) -> Outcome {
    let setup = match Setup::new(&args.common, args.output.as_deref()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let policy = match setup.policy(&args.levels.overrides(), args.fail_on, args.baseline.as_deref()) {
        Ok(p) => p.observing(),
        Err(o) => return o,
    };
    // An array that cannot be read is told as `check` tells it; the hops are still listed.
    let (array, array_error) = match args.array.as_ref().map(|p| (p, input::load(&ArraySpec::new(p), &setup.load))) {
        Some((_, Ok(a))) => (Some(a), None),
        Some((p, Err(e))) => (None, Some(ArrayReport::unreadable(p.display().to_string(), e))),
        None => (None, None),
    };
    if let Some(message) = unknown_server(args, array.as_ref()).filter(|_| array_error.is_none()) {
        return Outcome::usage(message);
    }
    let (mut messages, errors) = read_all(args, args.common.max_input_size);
    let mut check = CheckReport::default();
    if let Some(array) = array {
        check.arrays.push(judged(&setup, &policy, array, &args.servers, &mut messages));
        check.baseline = policy.fixed(check.findings());
    }
    let mut exit = ExitStatus::Clean;
    if let Some(failed) = array_error {
        check.arrays.push(failed);
        exit = ExitStatus::Input;
    }
    let stderr: String = errors.iter().map(|e| render_input_error(e, setup.color)).collect();
    if check.findings().any(|f| policy.fails(f)) {
        exit = exit.max(ExitStatus::Findings);
    }
    if !errors.is_empty() {
        exit = ExitStatus::Input;
    }
    // The CI formats tell an unreadable file as `check` tells an unreadable array (a SARIF
    // notification, a JUnit error, an annotation); human and JSON list them on their own.
    if !matches!(args.format, crate::cli::Format::Human | crate::cli::Format::Json) {
        check
            .arrays
            .extend(errors.iter().map(|e| ArrayReport::unreadable(e.file.clone().unwrap_or_default(), e.clone())));
    }
    let report = HeadersReport { messages, errors, check };
    let doc = Document::Headers { report: &report, fails: &|f| policy.fails(f) };
    let stdout = match super::report(&doc, args.format, setup.k, &setup.style(&args.common)) {
        Ok(text) => text,
        Err(o) => return o,
    };
    Outcome { stdout, stderr, output: args.output.clone(), exit }
}
