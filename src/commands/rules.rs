//! `seglint rules`: the rule list, one rule's documentation, or one built-in data file.
//! It holds no logic of its own: `knowledge` answers, `report::rules` renders.

use super::{Outcome, render};
use crate::cli::RulesArgs;
use crate::knowledge::Knowledge;
use crate::registry::Rule;
use crate::report::{Document, Rendering};

pub(super) fn run(args: &RulesArgs) -> Outcome {
    let k = match Knowledge::load(args.rules.as_deref()) {
        Ok(k) => k,
        Err(e) => return Outcome::usage(render(&e, false)),
    };
    let doc = if let Some(name) = &args.data {
        match k.data_file(name) {
            Some(file) => Document::DataFile(file),
            None => return Outcome::usage(format!("error: no data file `{name}`\n")),
        }
    } else if let Some(wanted) = &args.rule {
        match Rule::lookup(wanted) {
            Some(rule) => Document::RuleDoc(k.doc(rule)),
            None => {
                let hint = Rule::suggest(wanted).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
                return Outcome::usage(format!(
                    "error: no rule `{wanted}`{hint}\n  help: `seglint rules` lists every code and name\n"
                ));
            }
        }
    } else {
        Document::RuleList
    };
    match super::report(&doc, args.format, &k, &Rendering::plain(super::width())) {
        Ok(text) => Outcome::text(text),
        Err(o) => o,
    }
}
