//! The lint checks of the rule registry, one file per family, run over an array's effective
//! posture. Each check returns its findings for one rule; the dispatch below is generated from
//! the registry's table, so a rule's code, name, severity and check are declared once. Checks
//! never print and know nothing of policy (levels, suppressions, baselines: the sink) or output.

mod certificates;
mod ciphers;
mod drift;
mod protocols;
mod settings;

use crate::finding::Finding;
use crate::knowledge::Knowledge;
use crate::model::Array;
use crate::posture::{DirectionPosture, Posture};
use crate::registry::{Origin, Rule, for_each_rule};
use crate::remedy::{At, Fix, Remedy};
use crate::vocab::{Direction, Protocol};
use time::OffsetDateTime;

pub struct Ctx<'a> {
    pub k: &'a Knowledge,
    pub array: &'a Array,
    pub posture: &'a Posture<'a>,
    pub now: OffsetDateTime,
}

impl Ctx<'_> {
    /// A finding of `rule` with its default severity, to be filled in by the check.
    fn finding(&self, rule: Rule, message: String) -> Finding {
        // Only the articles of the facts that decide this finding go into `sources`; the rule's
        // own list of sources is its documentation (`seglint rules CODE`).
        Finding::new(rule, self.array, message)
    }

    /// The product version as a mail administrator reads it (no build).
    fn version(&self) -> String {
        crate::version::without_build(&self.posture.version).to_string()
    }

    /// Fixes in the form of the posture's version, following the array's own registry layout.
    fn remedy(&self) -> Remedy<'_> {
        Remedy::new(self.k, &self.posture.version, self.posture.layout)
    }

    fn protocol_fix(&self, d: &DirectionPosture, protocols: &[Protocol], on: bool) -> Fix {
        self.remedy().protocol_fix(at(d), protocols, on)
    }
}

/// The place of a direction posture, for remedies.
fn at(d: &DirectionPosture) -> At<'_> {
    At { direction: d.direction, server: d.server.as_deref() }
}

macro_rules! define_dispatch {
    ($($code:ident $variant:ident $name:literal $severity:ident $origin:ident $($check:path)?;)*) => {
        /// The findings of one rule's check; rules raised elsewhere (the sink) have none here.
        fn check(rule: Rule, ctx: &Ctx<'_>) -> Vec<Finding> {
            match rule {
                $(Rule::$variant => run_check!(ctx, rule $(, $check)?),)*
            }
        }
    };
}

macro_rules! run_check {
    ($ctx:ident, $rule:ident, $check:path) => {
        $check($ctx, $rule)
    };
    ($ctx:ident, $rule:ident) => {
        Vec::new()
    };
}

for_each_rule!(define_dispatch);

/// The findings of just these rules, in their order (`verify` judges a served certificate).
pub fn run_rules(ctx: &Ctx<'_>, rules: &[Rule]) -> Vec<Finding> {
    rules.iter().flat_map(|&r| check(r, ctx)).collect()
}

/// Runs every lint rule over one array at its posture; findings come out sorted.
pub fn run(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut out: Vec<Finding> =
        Rule::ALL.iter().filter(|r| r.origin() == Origin::Lint).flat_map(|&r| check(r, ctx)).collect();
    out.sort_by(|a, b| {
        let key = |f: &Finding| (f.rule, f.server.clone(), f.direction, f.location.map(|l| (l.file, l.span.offset)));
        key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
    });
    out
}

/// "when receiving on MAIL01" / "when sending from every server".
fn where_(direction: Direction, server: Option<&str>) -> String {
    match (direction, server) {
        (Direction::Inbound, Some(s)) => format!("when receiving on {s}"),
        (Direction::Inbound, None) => "when receiving".to_string(),
        (Direction::Outbound, _) => "when sending from every server".to_string(),
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
