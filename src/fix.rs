//! `check --emit-fix`: the settings that clear today's fixable findings, in the version's own
//! form (`.reg` for 7.x/8.x, `.settings` for 10.x), made by the same machinery as `migrate
//! --emit-settings` at the array's own version with the recommended goal, and checked by running
//! the rules again on the array with those settings merged. A fix that would bring a finding in
//! is refused. It writes nothing and prints nothing.

use crate::finding::Finding;
use crate::input::InputError;
use crate::knowledge::Knowledge;
use crate::migrate::{self, Emitted, EmittedForm, Goal, Request};
use crate::model::Array;
use std::collections::HashSet;

pub struct Fix {
    pub emitted: Emitted,
    /// Today's findings the settings clear.
    pub cleared: Vec<Finding>,
    /// Today's findings no setting clears (a certificate to install, a version to upgrade, …).
    pub remaining: Vec<Finding>,
    /// Findings the fixed array would have that it has not today (the fix is then refused).
    pub introduced: Vec<Finding>,
}

/// The fix for `array`, judged at `now`, named `file` (its extension says the form).
pub fn fix(k: &Knowledge, array: &Array, now: time::OffsetDateTime, file: &str) -> Result<Fix, InputError> {
    let lint = |a: &Array| {
        let posture = crate::posture::resolve(k, a, &a.version);
        crate::lint::run(&crate::lint::Ctx { k, array: a, posture: &posture, now })
    };
    let today = lint(array);
    let request = Request { from: &array.version, to: &array.version, goal: Goal::Recommended };
    let emitted = migrate::plan(k, array, &request).emitted;
    if emitted.lines.is_empty() || emitted.form == EmittedForm::None {
        return Ok(Fix { emitted, cleared: vec![], remaining: today, introduced: vec![] });
    }
    let fixed = lint(&crate::input::with_file(array, file, &emitted.text)?);
    let after: HashSet<String> = fixed.iter().map(Finding::fingerprint).collect();
    let before: HashSet<String> = today.iter().map(Finding::fingerprint).collect();
    let introduced = fixed.into_iter().filter(|f| !before.contains(&f.fingerprint())).collect();
    let (remaining, cleared) = today.into_iter().partition(|f| after.contains(&f.fingerprint()));
    Ok(Fix { emitted, cleared, remaining, introduced })
}
