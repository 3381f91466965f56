//! `seglint migrate`: what an upgrade (or downgrade) changes, and the settings to apply.
//! It holds no logic of its own: `migrate` plans, `report::migration` renders.

use super::{ExitStatus, Outcome, Setup, cannot_write, render_input_error, write_bytes_atomically};
use crate::cli::{GoalArg, MigrateArgs};
use crate::input;
use crate::migrate::{self, EmittedForm, Goal, Migration};
use crate::policy::Overrides;
use crate::report::Document;

/// `--emit-settings` with the wrong arguments: several arrays, an existing file, a wrong extension.
fn emit_usage(setup: &Setup, args: &MigrateArgs) -> Option<Outcome> {
    let path = args.emit_settings.as_ref()?;
    if args.arrays.len() > 1 || args.recursive {
        return Some(Outcome::usage(
            "error: --emit-settings writes the settings of one array; give one ARRAY\n".into(),
        ));
    }
    if path.exists() && !args.force {
        return Some(Outcome::usage(format!("error: {} exists; pass --force to replace it\n", path.display())));
    }
    let want = EmittedForm::of(setup.k.row_for(&args.to).row.store).extension();
    let ext = path.extension().and_then(|e| e.to_str()).filter(|e| ["reg", "settings"].contains(e) && *e != want)?;
    let takes = if want == "reg" { "registry (.reg)" } else { "Advanced Settings (.settings)" };
    Some(Outcome::usage(format!(
        "error: SEG {} takes {takes} settings, but {} ends in .{ext}\n  help: name the file *.{want}\n",
        crate::version::without_build(&args.to),
        path.display()
    )))
}

/// Writes the emitted settings of the (one) plan; says what it wrote.
fn emit(args: &MigrateArgs, plan: &Migration, stderr: &mut String) -> ExitStatus {
    let Some(path) = &args.emit_settings else { return ExitStatus::Clean };
    let bytes = match plan.emitted.form {
        EmittedForm::Registry => migrate::reg_bytes(&plan.emitted.text),
        EmittedForm::Advanced | EmittedForm::None => plan.emitted.text.clone().into_bytes(),
    };
    match write_bytes_atomically(path, &bytes, args.force) {
        Ok(()) => {
            let n = plan.emitted.lines.len();
            stderr.push_str(&format!("wrote {} ({n} setting{})\n", path.display(), if n == 1 { "" } else { "s" }));
            ExitStatus::Clean
        }
        Err(e) => {
            let (message, status) = cannot_write(path, &e);
            stderr.push_str(&message);
            status
        }
    }
}

pub(super) fn run(args: &MigrateArgs) -> Outcome {
    let setup = match Setup::new(&args.common, args.output.as_deref()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if let Some(o) = emit_usage(&setup, args) {
        return o;
    }
    let policy = match setup.policy(&Overrides::default(), args.fail_on, None) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let goal = match args.goal {
        GoalArg::Keep => Goal::Keep,
        GoalArg::Recommended => Goal::Recommended,
    };
    let specs = super::check::arrays(&setup, &args.arrays, args.recursive);
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    let mut stderr = String::new();
    let mut exit = ExitStatus::Clean;
    for spec in &specs {
        match input::load(spec, &setup.load) {
            Ok(array) => {
                let from = args.from.clone().unwrap_or_else(|| array.version.clone());
                plans.push(migrate::plan(setup.k, &array, &migrate::Request { from: &from, to: &args.to, goal }));
            }
            Err(e) => {
                stderr.push_str(&render_input_error(&e, setup.color));
                errors.push(e);
                exit = ExitStatus::Input;
            }
        }
    }
    if plans.iter().flat_map(|p| &p.items).any(|i| policy.fails_at(i.severity)) {
        exit = exit.max(ExitStatus::Findings);
    }
    if let Some(plan) = plans.first() {
        exit = exit.max(emit(args, plan, &mut stderr));
    }
    // Several arrays asked for give a JSON array, even when some could not be read.
    let many = specs.len() > 1;
    let doc = Document::Migration { plans: &plans, many, errors: &errors };
    let stdout = match super::report(&doc, args.format, setup.k, &setup.style(&args.common)) {
        Ok(text) => text,
        Err(o) => return o,
    };
    Outcome { stdout, stderr, output: args.output.clone(), exit }
}
