//! `seglint listen`: receive test mail from the array's servers and hold what they send with
//! to the predicted outbound posture. It holds no logic of its own: `listen` serves and
//! records, `listen::judge` compares, the sink applies policy, `report::listen` renders. While
//! it waits it tells on stderr where it listens and each connection as it ends (unless `-q`):
//! a session can last until `--duration`, and the user must know it is ready.

use super::{ExitStatus, Outcome, Setup, render_input_error};
use crate::cli::{ClientCertArg, ListenArgs};
use crate::input::{self, ArraySpec};
use crate::listen::{self, ClientCertMode, Connection, Options, Profile, judge};
use crate::model::Array;
use crate::policy::Policy;
use crate::report::listen::ListenReport;
use crate::report::{ArrayReport, CheckReport, Document};
use std::io::Write as _;
use std::net::{IpAddr, ToSocketAddrs};
use std::sync::Arc;

/// `--server NAME=HOST`: each name known to the array, each host resolved to its addresses.
fn senders(args: &ListenArgs, array: Option<&Array>) -> Result<Vec<(String, IpAddr)>, Outcome> {
    let usage = |m: String| Outcome::usage(format!("error: {m}\n"));
    let mut out = Vec::new();
    for (name, target) in &args.servers {
        let Some(array) = array else {
            return Err(usage(
                "--server needs --array: it says which server of the array sends from an address".into(),
            ));
        };
        let Some(server) = array.server(name) else {
            let names: Vec<&str> = array.servers.iter().map(|s| s.name.as_str()).collect();
            return Err(usage(format!(
                "--server {name}=…: the array has no server {name}\n  help: the servers are {}",
                names.join(", ")
            )));
        };
        let host = target.host.trim_matches(['[', ']']);
        let ips: Vec<IpAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => (host, 0)
                .to_socket_addrs()
                .map_err(|e| usage(format!("--server {name}={host}: cannot resolve {host}: {e}")))?
                .map(|a| a.ip())
                .collect(),
        };
        out.extend(ips.into_iter().map(|ip| (server.name.clone(), ip)));
    }
    Ok(out)
}

fn profile(args: &ListenArgs) -> Profile {
    let mut tls_versions = args.tls_versions.clone();
    tls_versions.sort();
    tls_versions.dedup();
    Profile {
        client_cert: match args.client_cert {
            ClientCertArg::None => ClientCertMode::None,
            ClientCertArg::Request => ClientCertMode::Request,
            ClientCertArg::Require => ClientCertMode::Require,
        },
        tls_versions,
        strong_only: args.strong_only,
        starttls: !args.no_starttls,
        hostname: args.hostname.clone().unwrap_or_else(crate::probe::smtp::default_helo),
    }
}

/// The listener's certificate: `--cert/--key`, or one made for the host name.
fn identities(args: &ListenArgs, hostname: &str) -> Result<Vec<Arc<rustls::sign::CertifiedKey>>, Outcome> {
    let usage = |e: &dyn std::fmt::Display| Outcome::usage(format!("error: {e}\n"));
    match (&args.cert, &args.key) {
        (Some(c), Some(k)) => crate::probe::tls::load_identity(c, k).map(|i| vec![i.certified]).map_err(|e| usage(&e)),
        _ => listen::generated_identities(hostname).map_err(|e| usage(&e)),
    }
}

/// One line on stderr as each connection ends, so a waiting user sees progress.
fn tell(c: &Connection) {
    let how = match (&c.tls, &c.error) {
        (Some(t), _) => format!("{} {}", t.protocol.name(), t.cipher_suite),
        (None, Some(e)) => format!("stopped: {}", e.message),
        (None, None) if c.mail.is_some() => "mail in plaintext".into(),
        (None, None) => "no TLS".into(),
    };
    let ehlo = c.ehlo.as_deref().unwrap_or("no EHLO");
    let _ = writeln!(std::io::stderr(), "connection from {} ({ehlo}): {how}", c.peer);
}

/// The findings of every identified connection, through the policy.
fn judged(
    setup: &Setup,
    policy: &Policy,
    array: Array,
    profile: &Profile,
    senders: &[(String, IpAddr)],
    connections: &mut [Connection],
) -> ArrayReport {
    let posture = crate::posture::resolve(setup.k, &array, &array.version);
    let j = judge::Judge { k: setup.k, array: &array, posture: &posture, profile };
    let mut findings = Vec::new();
    for c in connections.iter_mut() {
        if let Some(server) = judge::identify(&array, c, senders) {
            c.server = Some(server.name.clone());
            findings.extend(j.connection(server, c));
        }
    }
    let findings = policy.apply(Some(&array), findings);
    let kept = posture.resolved();
    ArrayReport::checked(array, findings, Some(kept))
}

/// The bound listener and its options; a usage error if the certificate or address is bad.
fn prepare(args: &ListenArgs) -> Result<(std::net::TcpListener, Options), Outcome> {
    let profile = profile(args);
    let identities = identities(args, &profile.hostname)?;
    let listener = std::net::TcpListener::bind(args.bind).map_err(|e| {
        let help = match e.kind() {
            std::io::ErrorKind::PermissionDenied => {
                "a port below 1024 needs root (or CAP_NET_BIND_SERVICE); choose another with --bind, e.g. 0.0.0.0:2525"
            }
            std::io::ErrorKind::AddrInUse => {
                "another program listens on that port (an MTA?); stop it or choose another port with --bind"
            }
            _ => "give an address of this machine, e.g. 0.0.0.0:2525 or [::]:2525",
        };
        Outcome::usage(format!("error: cannot listen on {}: {e}\n  help: {help}\n", args.bind))
    })?;
    let options = Options {
        profile,
        identities,
        count: args.count as usize,
        duration: args.duration,
        timeout: args.timeout,
        max_clients: usize::from(args.max_clients),
    };
    Ok((listener, options))
}

pub(super) fn run(args: &ListenArgs) -> Outcome {
    let setup = match Setup::new(&args.common, args.output.as_deref()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let policy = match setup.policy(&args.levels.overrides(), args.fail_on, args.baseline.as_deref()) {
        Ok(p) => p.observing(),
        Err(o) => return o,
    };
    let array = match args.array.as_ref().map(|p| input::load(&ArraySpec::new(p), &setup.load)).transpose() {
        Ok(a) => a,
        Err(e) => {
            return Outcome {
                stderr: render_input_error(&e, setup.color),
                exit: ExitStatus::Input,
                ..Outcome::default()
            };
        }
    };
    let senders = match senders(args, array.as_ref()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let (listener, options) = match prepare(args) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let bind = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| args.bind.to_string());
    if !args.common.quiet {
        let _ =
            writeln!(std::io::stderr(), "listening on {bind}: send a test message from the array; mail is discarded");
    }
    let quiet = args.common.quiet;
    let mut connections = match listen::serve(&listener, &options, &|c| {
        if !quiet {
            tell(c)
        }
    }) {
        Ok(c) => c,
        Err(e) => return Outcome::usage(format!("error: cannot serve on {bind}: {e}\n")),
    };
    let mut check = CheckReport::default();
    if let Some(array) = array {
        check.arrays.push(judged(&setup, &policy, array, &options.profile, &senders, &mut connections));
        check.baseline = policy.fixed(check.findings());
    }
    let report = ListenReport { bind, profile: options.profile, connections, check };
    let doc = Document::Listen { report: &report, fails: &|f| policy.fails(f) };
    let stdout = match super::report(&doc, args.format, setup.k, &setup.style(&args.common)) {
        Ok(text) => text,
        Err(o) => return o,
    };
    let mut exit =
        if report.check.findings().any(|f| policy.fails(f)) { ExitStatus::Findings } else { ExitStatus::Clean };
    let mut stderr = String::new();
    if report.connections.is_empty() {
        stderr.push_str("error: no connection came before the time ran out (--duration)\n");
        exit = ExitStatus::Input;
    }
    if let Some(path) = &args.write_baseline {
        let (message, status) = super::write_baseline(path, report.check.findings());
        stderr.push_str(&message);
        exit = exit.max(status);
    }
    Outcome { stdout, stderr, output: args.output.clone(), exit }
}
