//! The one policy sink every command's findings pass through: severity levels (seglint.toml
//! `[rules]`, then `--deny/--warn/--allow`), inline suppressions, the baseline, and `--fail-on`.
//! Checks never see policy; reporters see only what the sink returns.

use super::baseline::{Baseline, BaselineEntry};
use super::config::{Config, Level};
use crate::finding::Finding;
use crate::model::Array;
use crate::registry::Rule;
use crate::vocab::{FailOn, Severity};
use std::collections::{BTreeMap, HashSet};

/// A rule named on the command line that is no rule.
#[derive(Debug, thiserror::Error)]
#[error("`{written}` is not a rule")]
pub struct UnknownRule {
    pub written: String,
    pub suggestion: Option<String>,
}

/// Rule levels given on the command line; they win over seglint.toml.
#[derive(Debug, Clone, Default)]
pub struct Overrides<'a> {
    pub deny: &'a [String],
    pub warn: &'a [String],
    pub allow: &'a [String],
}

/// The policy of one run.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    levels: BTreeMap<Rule, Level>,
    fail_on: Option<Severity>,
    baseline: Option<(String, Baseline)>,
    known: HashSet<String>,
    /// Whether the comments themselves are judged (SEG901, SEG902): by the commands that lint
    /// the files, not by those that observe servers (the same comments would be judged twice,
    /// and against findings of another kind).
    judge_comments: bool,
}

impl Policy {
    /// From seglint.toml, the command line's levels and `--fail-on` (which wins), and a baseline.
    pub fn new(
        config: &Config,
        overrides: &Overrides<'_>,
        fail_on: Option<FailOn>,
        baseline: Option<(String, Baseline)>,
    ) -> Result<Policy, UnknownRule> {
        let mut levels = config.levels.clone();
        for (list, level) in [
            (overrides.warn, Level::Severity(Severity::Warning)),
            (overrides.deny, Level::Severity(Severity::Error)),
            (overrides.allow, Level::Allow),
        ] {
            for written in list {
                let rule = Rule::lookup(written)
                    .ok_or_else(|| UnknownRule { written: written.clone(), suggestion: Rule::suggest(written) })?;
                levels.insert(rule, level);
            }
        }
        let fail_on = fail_on.or(config.fail_on).unwrap_or(FailOn::Error).threshold();
        let known = baseline.iter().flat_map(|(_, b)| b.findings.iter().map(|e| e.fingerprint.clone())).collect();
        Ok(Policy { levels, fail_on, baseline, known, judge_comments: true })
    }

    /// For `verify`: suppressions apply, but the comments are `check`'s to judge.
    pub fn observing(mut self) -> Self {
        self.judge_comments = false;
        self
    }

    /// The findings of one array as the policy leaves them: suppressions marked (SEG901/SEG902
    /// added), levels applied (allowed rules dropped), baseline state set.
    pub fn apply(&self, array: Option<&Array>, findings: Vec<Finding>) -> Vec<Finding> {
        let findings = match array {
            Some(a) => super::suppress::apply(a, findings, self.judge_comments),
            None => findings,
        };
        findings
            .into_iter()
            .filter_map(|mut f| {
                f.severity = self.severity_of(f.rule, f.severity)?;
                if self.baseline.is_some() {
                    f.in_baseline = Some(self.known.contains(&f.fingerprint()));
                }
                Some(f)
            })
            .collect()
    }

    /// The severity the levels give `rule` (`None`: allowed, not reported); `default` when no
    /// level names it. Also for what is not a finding but stands for a rule (probe reasons).
    pub fn severity_of(&self, rule: Rule, default: Severity) -> Option<Severity> {
        match self.levels.get(&rule) {
            Some(Level::Allow) => None,
            Some(Level::Severity(s)) => Some(*s),
            None => Some(default),
        }
    }

    /// Whether something of this severity fails the run (`--fail-on`).
    pub fn fails_at(&self, severity: Severity) -> bool {
        self.fail_on.is_some_and(|t| severity >= t)
    }

    pub fn has_baseline(&self) -> bool {
        self.baseline.is_some()
    }

    /// Whether a finding fails the run: it counts (not suppressed, not known) and is severe enough.
    pub fn fails(&self, f: &Finding) -> bool {
        f.counts() && self.fails_at(f.severity)
    }

    /// With a baseline: its file, and the entries no finding of the run matches any more.
    pub fn fixed<'f>(&self, findings: impl IntoIterator<Item = &'f Finding>) -> Option<(String, Vec<BaselineEntry>)> {
        self.baseline.as_ref()?;
        self.fixed_among(&findings.into_iter().map(Finding::fingerprint).collect())
    }

    /// `fixed`, from the fingerprints of the run's findings (gathered as they were written).
    pub fn fixed_among(&self, seen: &HashSet<String>) -> Option<(String, Vec<BaselineEntry>)> {
        let (file, baseline) = self.baseline.as_ref()?;
        let fixed = baseline.findings.iter().filter(|e| !seen.contains(&e.fingerprint)).cloned().collect();
        Some((file.clone(), fixed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_levels_win_and_typos_are_refused() {
        let config = super::super::config::parse_config("t", "[rules]\nSEG103 = \"allow\"\n").unwrap();
        let deny = ["legacy-tls-enabled".to_string()];
        let p = Policy::new(&config, &Overrides { deny: &deny, ..Overrides::default() }, None, None).unwrap();
        assert_eq!(p.levels.get(&Rule::LegacyTlsEnabled), Some(&Level::Severity(Severity::Error)));
        let bad = ["sslv3-enabeld".to_string()];
        let e = Policy::new(&config, &Overrides { allow: &bad, ..Overrides::default() }, None, None).unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("sslv3-enabled"));
    }

    #[test]
    fn fail_on_defaults_to_the_config_then_error() {
        let none = Config::default();
        let p = Policy::new(&none, &Overrides::default(), None, None).unwrap();
        assert!(p.fails_at(Severity::Error) && !p.fails_at(Severity::Warning));
        let warn = Config { fail_on: Some(FailOn::Warning), ..Config::default() };
        assert!(Policy::new(&warn, &Overrides::default(), None, None).unwrap().fails_at(Severity::Warning));
        let never = Policy::new(&warn, &Overrides::default(), Some(FailOn::Never), None).unwrap();
        assert!(!never.fails_at(Severity::Error));
    }
}
