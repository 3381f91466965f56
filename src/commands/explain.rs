//! `seglint explain`: the effective posture of one array, each value with its evidence.
//! It holds no logic of its own: `posture` resolves, `report::explain` renders.

use super::{ExitStatus, Outcome, Setup, render_input_error};
use crate::cli::ExplainArgs;
use crate::input::{self, ArraySpec};
use crate::report::Document;

pub(super) fn run(args: &ExplainArgs) -> Outcome {
    let setup = match Setup::new(&args.common, args.output.as_deref()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let array = match input::load(&ArraySpec::new(&args.array), &setup.load) {
        Ok(a) => a,
        Err(e) => {
            return Outcome {
                stderr: render_input_error(&e, setup.color),
                exit: ExitStatus::Input,
                ..Outcome::default()
            };
        }
    };
    let posture = crate::posture::resolve(setup.k, &array, &array.version);
    let doc = Document::Explain { array: &array, posture: &posture };
    let stdout = match super::report(&doc, args.format, setup.k, &setup.style(&args.common)) {
        Ok(text) => text,
        Err(o) => return o,
    };
    Outcome { stdout, output: args.output.clone(), ..Outcome::default() }
}
