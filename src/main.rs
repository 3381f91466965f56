//! The seglint binary: parse the command line, run the command, write its output, exit with
//! the frozen exit code (0 clean, 1 findings, 2 usage or configuration, 3 input).
//! It holds no logic of its own: it only writes what the command returns, and exits (a
//! `check` JSON report is written by the command as it is made, never held whole).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use clap::Parser;
use seglint::cli::Cli;
use seglint::commands::{self, ExitStatus};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            std::process::exit(if e.use_stderr() { ExitStatus::Usage.code() } else { 0 });
        }
    };
    let outcome = commands::run(&cli.command);
    eprint!("{}", outcome.stderr);
    let mut exit = outcome.exit;
    match &outcome.output {
        Some(path) if !outcome.stdout.is_empty() || exit != ExitStatus::Usage => {
            if let Err(e) = commands::write_atomically(path, &outcome.stdout) {
                eprintln!("error: cannot write {}: {e}", path.display());
                exit = exit.max(ExitStatus::Usage);
            }
        }
        _ => {
            // A closed pipe (`seglint … | head`) is no error; a full disk is.
            if let Err((message, status)) = commands::write_to_stdout(|w| w.write_all(outcome.stdout.as_bytes())) {
                eprint!("{message}");
                exit = exit.max(status);
            }
        }
    }
    std::process::exit(exit.code());
}
