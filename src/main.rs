//! The seglint binary: parse the command line, run the command, write its output, exit with
//! the frozen exit code (0 clean, 1 findings, 2 usage or configuration, 3 input).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use clap::Parser;
use seglint::app::{self, EXIT_USAGE};
use seglint::cli::{Cli, Command};
use std::io::Write;

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            std::process::exit(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    let outcome = match &cli.command {
        Command::Check(a) => app::check(a),
        Command::Migrate(a) => app::migrate(a),
        Command::Explain(a) => app::explain(a),
        Command::Rules(a) => app::rules(a),
        Command::Diff(a) => app::diff(a),
        Command::Probe(a) => app::probe(a),
        Command::Init(a) => app::init(a),
        Command::Completions(a) => app::completions(a),
    };
    eprint!("{}", outcome.stderr);
    let mut exit = outcome.exit;
    match &outcome.output {
        Some(path) if !outcome.stdout.is_empty() || exit != EXIT_USAGE => {
            if let Err(e) = app::write_atomically(path, &outcome.stdout) {
                eprintln!("error: cannot write {}: {e}", path.display());
                exit = exit.max(app::EXIT_INPUT);
            }
        }
        _ => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`seglint … | head`) is not an error worth a panic.
            let _ = out.write_all(outcome.stdout.as_bytes());
            let _ = out.flush();
        }
    }
    std::process::exit(exit);
}
