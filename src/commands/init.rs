//! `seglint init` (a starter seglint.toml) and `seglint completions` (shell completion scripts).
//! It holds no logic of its own: the starter file is `policy`'s, the scripts are clap's.

use super::{Outcome, write_bytes_atomically};
use crate::cli::{CompletionsArgs, InitArgs};
use std::path::Path;

pub(super) fn run(args: &InitArgs) -> Outcome {
    let path = Path::new(crate::policy::CONFIG_FILE);
    match write_bytes_atomically(path, crate::policy::STARTER.as_bytes(), args.force) {
        Ok(()) => Outcome {
            stderr: format!("wrote {} (edit it, then run `seglint check`)\n", path.display()),
            ..Outcome::default()
        },
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Outcome::usage(format!("error: {} exists; pass --force to replace it\n", path.display()))
        }
        Err(e) => Outcome::usage(super::cannot_write(path, &e).0),
    }
}

pub(super) fn completions(args: &CompletionsArgs) -> Outcome {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "seglint", &mut buf);
    Outcome::text(String::from_utf8_lossy(&buf).into_owned())
}
