//! `rules/catalog.toml`: each rule's documentation, checked against the rule registry when it
//! loads: every registered rule documented once, no entry without a rule, names and default
//! severities as the registry declares them. It judges no array.

use super::{CATALOG, Doc, KnowledgeError};
use crate::registry::Rule;
use crate::vocab::Severity;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub reported_per: String,
    pub summary: String,
    pub what: String,
    pub why: String,
    pub example: String,
    pub fix: String,
    pub sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    rule: Vec<Spanned<RuleDoc>>,
}

/// The documentation of every rule, in code order, each paired with its rule.
pub(super) fn load(doc: &Doc<'_>) -> Result<Vec<(Rule, RuleDoc)>, KnowledgeError> {
    let raw: RawCatalog = doc.parse(CATALOG)?;
    let mut rules: Vec<(Rule, RuleDoc)> = Vec::new();
    for entry in &raw.rule {
        let d = entry.get_ref();
        let err = |message: String, help: &str| doc.error(CATALOG, Some(entry.span()), message, help);
        let Some(rule) = Rule::ALL.iter().copied().find(|r| r.code() == d.code) else {
            return Err(err(
                format!("`{}` is not a rule seglint implements", d.code),
                "remove the entry; codes are fixed by the binary",
            ));
        };
        if rule.name() != d.name {
            return Err(err(
                format!("{} is named `{}`, not `{}`", d.code, rule.name(), d.name),
                "rule names are stable; keep the binary's name",
            ));
        }
        if rule.default_severity() != d.severity {
            let message =
                format!("{} has the default severity {}, not {}", d.code, rule.default_severity(), d.severity);
            return Err(err(
                message,
                "severities are changed by policy (seglint.toml [rules]), not by the documentation",
            ));
        }
        if rules.iter().any(|(r, _)| *r == rule) {
            return Err(err(format!("{} is documented twice", d.code), "keep one [[rule]] per code"));
        }
        rules.push((rule, d.clone()));
    }
    if let Some(missing) = Rule::ALL.iter().find(|r| !rules.iter().any(|(d, _)| d == *r)) {
        return Err(doc.error(
            CATALOG,
            None,
            format!("{} has no [[rule]] entry", missing.code()),
            "every rule needs its documentation",
        ));
    }
    rules.sort_by_key(|(r, _)| *r);
    Ok(rules)
}
