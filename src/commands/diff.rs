//! `seglint diff BASE HEAD`: posture changes and the findings a change introduces or resolves.
//! It holds no logic of its own: `diff` compares, the sink applies policy, `report::diff` renders.

use super::{ExitStatus, Outcome, Setup, check_array, render_input_error};
use crate::cli::DiffArgs;
use crate::input::ArraySpec;
use crate::report::Document;

pub(super) fn run(args: &DiffArgs) -> Outcome {
    let setup = match Setup::new(&args.common, args.output.as_deref()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let policy = match setup.policy(&args.levels.overrides(), args.fail_on, args.baseline.as_deref()) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let load = |p| {
        let mut r = check_array(setup.k, &ArraySpec::new(p), &setup.load, setup.now, false);
        r.findings = policy.apply(r.array.as_ref(), std::mem::take(&mut r.findings));
        r
    };
    let (base, head) = (load(&args.base), load(&args.head));
    let stderr: String =
        [&base, &head].iter().filter_map(|r| r.error.as_ref()).map(|e| render_input_error(e, setup.color)).collect();
    let (Some(ba), Some(ha)) = (&base.array, &head.array) else {
        return Outcome { stderr, exit: ExitStatus::Input, ..Outcome::default() };
    };
    let bp = crate::posture::resolve(setup.k, ba, &ba.version);
    let hp = crate::posture::resolve(setup.k, ha, &ha.version);
    let d = crate::diff::diff((ba, &bp, &base.findings), (ha, &hp, &head.findings));
    let (bs, hs) = (args.base.display().to_string(), args.head.display().to_string());
    let doc = Document::Diff { diff: &d, base: (&bs, ba), head: (&hs, ha) };
    let stdout = match super::report(&doc, args.format, setup.k, &setup.style(&args.common)) {
        Ok(text) => text,
        Err(o) => return o,
    };
    // Only what the change introduces gates, and only what counts (not baselined).
    let fails = d.introduced.iter().any(|(f, _)| policy.fails(f));
    let exit = if fails { ExitStatus::Findings } else { ExitStatus::Clean };
    Outcome { stdout, stderr, output: args.output.clone(), exit }
}
