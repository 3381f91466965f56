//! `seglint rules`: the rule list, one rule's documentation, or one built-in data file.
//! It holds no logic of its own: `knowledge` answers, `report::rules` renders.

use super::{Outcome, render};
use crate::cli::{ExplainFormat, RulesArgs};
use crate::knowledge::Knowledge;
use crate::registry::Rule;

pub(super) fn run(args: &RulesArgs) -> Outcome {
    let k = match Knowledge::load(args.rules.as_deref()) {
        Ok(k) => k,
        Err(e) => return Outcome::usage(render(&e, false)),
    };
    let json = args.format == ExplainFormat::Json;
    if let Some(name) = &args.data {
        return match k.data_file(name) {
            Some(file) => Outcome::text(crate::report::rules::data(file, json)),
            None => Outcome::usage(format!("error: no data file `{name}`\n")),
        };
    }
    let Some(wanted) = &args.rule else { return Outcome::text(crate::report::rules::list(&k, json)) };
    match Rule::lookup(wanted) {
        Some(rule) => Outcome::text(crate::report::rules::doc(k.doc(rule), json)),
        None => {
            let hint = Rule::suggest(wanted).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
            Outcome::usage(format!(
                "error: no rule `{wanted}`{hint}\n  help: `seglint rules` lists every code and name\n"
            ))
        }
    }
}
