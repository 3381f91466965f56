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
    pub code: Text,
    pub name: Text,
    pub severity: Severity,
    pub reported_per: Text,
    pub summary: Text,
    pub what: Text,
    pub why: Text,
    pub example: Text,
    pub fix: Text,
    pub sources: Vec<Text>,
}

/// The built-in catalog's text is borrowed from the binary; a `--rules DIR` catalog's owned.
pub type Text = std::borrow::Cow<'static, str>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    rule: Vec<Spanned<RuleDoc>>,
}

/// An entry of the built-in `rules/catalog.toml` as build.rs compiled it, with its place.
struct CompiledDoc {
    span: std::ops::Range<usize>,
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    reported_per: &'static str,
    summary: &'static str,
    what: &'static str,
    why: &'static str,
    example: &'static str,
    fix: &'static str,
    sources: &'static [&'static str],
}

const COMPILED: &[CompiledDoc] = include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// The built-in catalog's entries, from the compiled data (no TOML to parse at start).
fn compiled() -> Vec<(std::ops::Range<usize>, RuleDoc)> {
    COMPILED
        .iter()
        .map(|c| {
            let severity = match c.severity {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                _ => Severity::Info,
            };
            let doc = RuleDoc {
                code: c.code.into(),
                name: c.name.into(),
                severity,
                reported_per: c.reported_per.into(),
                summary: c.summary.into(),
                what: c.what.into(),
                why: c.why.into(),
                example: c.example.into(),
                fix: c.fix.into(),
                sources: c.sources.iter().map(|&s| s.into()).collect(),
            };
            (c.span.clone(), doc)
        })
        .collect()
}

/// The documentation of every rule, in code order, each paired with its rule. The built-in
/// text comes compiled; a catalog of `--rules DIR` (any other text) is parsed.
pub(super) fn load(doc: &Doc<'_>) -> Result<Vec<(Rule, RuleDoc)>, KnowledgeError> {
    let entries = if doc.compiled && doc.files[CATALOG].text == super::EMBEDDED[CATALOG].1 {
        compiled()
    } else {
        let raw: RawCatalog = doc.parse(CATALOG)?;
        raw.rule.into_iter().map(|e| (e.span(), e.into_inner())).collect()
    };
    let mut rules: Vec<(Rule, RuleDoc)> = Vec::new();
    for (span, d) in entries {
        let err = |message: String, help: &str| doc.error(CATALOG, Some(span.clone()), message, help);
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
        rules.push((rule, d));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What build.rs compiled is what the loader parses from the same text, places included.
    #[test]
    fn the_compiled_catalog_is_the_parsed_one() {
        let parsed: RawCatalog = toml::from_str(super::super::EMBEDDED[CATALOG].1).unwrap();
        let parsed: Vec<_> = parsed.rule.into_iter().map(|e| (e.span(), e.into_inner())).collect();
        assert_eq!(format!("{parsed:?}"), format!("{:?}", compiled()));
    }
}
