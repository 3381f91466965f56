//! Inline `seglint-allow` suppressions: which findings each comment covers (the parsers
//! recorded what follows it), and SEG901 / SEG902 for comments without a reason or matching
//! nothing. It builds no findings of other rules: its only ones are SEG901 and SEG902.

use crate::finding::Finding;
use crate::model::{Array, Covers, Loc};
use crate::registry::Rule;

/// One inline `seglint-allow` comment.
#[derive(Debug, Clone)]
struct Suppression {
    rules: Vec<Rule>,
    unknown: Vec<String>,
    reason: Option<String>,
    comment: Loc,
    covers: Covers,
    used: bool,
}

fn parse(text: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = text.trim().strip_prefix("seglint-allow")?;
    if !rest.is_empty() && !rest.starts_with([' ', '\t', ':']) {
        return None;
    }
    let (codes, reason) = match rest.split_once(':') {
        Some((c, r)) => (c, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
        None => (rest, None),
    };
    let codes = codes.split([',', ' ']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect();
    Some((codes, reason))
}

fn suppressions(array: &Array) -> Vec<Suppression> {
    array
        .comments
        .iter()
        .filter_map(|c| {
            let (codes, reason) = parse(&c.text)?;
            let (known, unknown): (Vec<_>, Vec<_>) = codes.into_iter().partition(|c| Rule::lookup(c).is_some());
            let rules = known.iter().filter_map(|c| Rule::lookup(c)).collect();
            Some(Suppression { rules, unknown, reason, comment: c.loc, covers: c.covers, used: false })
        })
        .collect()
}

impl Suppression {
    fn covers(&self, f: &Finding, array: &Array) -> bool {
        // A finding that stems from a default is anchored at its server's element, if any.
        let anchor = f.location.or_else(|| f.server.as_deref().and_then(|n| array.server(n)).map(|s| s.name_loc));
        self.rules.contains(&f.rule)
            && match (self.covers, anchor) {
                (Covers::Array, _) => true,
                (Covers::Bytes(c), Some(l)) => {
                    c.file == l.file && c.span.offset <= l.span.offset && l.span.offset < c.span.end()
                }
                _ => false,
            }
    }

    /// A finding about the comment itself (SEG901, SEG902).
    fn finding(&self, array: &Array, rule: Rule, message: String, help: &str) -> Finding {
        let file = &array.files[self.comment.file];
        Finding {
            setting: Some(format!("{}@{}", file.display, file.line_col(self.comment.span.offset).0)),
            location: Some(self.comment),
            label: "this seglint-allow comment".into(),
            help: help.into(),
            ..Finding::new(rule, array, message)
        }
    }

    fn own_findings(&self, array: &Array) -> Vec<Finding> {
        let mut out = Vec::new();
        if self.reason.is_none() {
            let help = "write the reason after a colon: seglint-allow SEG102: peer X only speaks SSLv3 until 2027-03";
            out.push(self.finding(
                array,
                Rule::SuppressionWithoutReason,
                "a seglint-allow comment gives no reason".into(),
                help,
            ));
        }
        if !self.unknown.is_empty() {
            let message = format!("seglint-allow names {}, which is no rule", self.unknown.join(", "));
            out.push(self.finding(
                array,
                Rule::UnusedSuppression,
                message,
                "`seglint rules` lists every code and name",
            ));
        } else if !self.used && self.rules.iter().any(|r| r.origin() != crate::registry::Origin::Observe) {
            // Rules only `verify` raises cannot be matched here: such a comment is not unused.
            let codes = self.rules.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ");
            let help = "remove the comment: nothing it allows is reported any more (or it sits before the wrong element or line)";
            out.push(self.finding(
                array,
                Rule::UnusedSuppression,
                format!("seglint-allow {codes} matches no finding"),
                help,
            ));
        }
        out
    }
}

/// Marks the findings the array's comments cover as suppressed (with the reason) and adds
/// SEG901 / SEG902 for the comments themselves.
pub(super) fn apply(array: &Array, mut findings: Vec<Finding>, judge_comments: bool) -> Vec<Finding> {
    let mut sups = suppressions(array);
    for f in &mut findings {
        for s in &mut sups {
            if s.covers(f, array) {
                f.suppressed = Some(s.reason.clone().unwrap_or_default());
                s.used = true;
            }
        }
    }
    if judge_comments {
        findings.extend(sups.iter().flat_map(|s| s.own_findings(array)));
    }
    findings
}
