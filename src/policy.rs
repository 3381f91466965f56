//! The sink between rules and reporters: the one place that applies the user's policy to
//! findings: severity overrides (`seglint.toml`, `--deny/--warn/--allow`), inline
//! `seglint-allow` suppressions (with SEG901/SEG902), and baselines. Rules never see policy.

use crate::finding::{Confidence, Evidence, Finding, Severity};
use crate::knowledge::Knowledge;
use crate::model::{Array, Loc};
use crate::source::Span;
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a rule's findings become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Allow,
    Severity(Severity),
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "allow" => Level::Allow,
            "info" => Level::Severity(Severity::Info),
            "warning" | "warn" => Level::Severity(Severity::Warning),
            "error" | "deny" => Level::Severity(Severity::Error),
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub fail_on: Option<String>,
    pub seg_version: Option<semver::Version>,
    pub ignore: Vec<String>,
    /// By rule code.
    pub levels: BTreeMap<&'static str, Level>,
}

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{file}: {message}")]
#[diagnostic(code(seglint::config))]
pub struct ConfigError {
    pub file: String,
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{message}")]
    pub span: Option<SourceSpan>,
    #[help]
    pub help: Option<String>,
}

pub const CONFIG_FILE: &str = "seglint.toml";
const KEYS: &[&str] = &["fail-on", "seg-version", "ignore", "rules"];

/// `--config FILE`, else the nearest `seglint.toml` in the current directory or above.
pub fn find_config(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let mut dir = std::env::current_dir().ok()?;
    loop {
        let candidate = dir.join(CONFIG_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !dir.pop() {
            return None;
        }
    }
}

pub fn load_config(path: &Path) -> Result<Config, ConfigError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: display.clone(),
        message: format!("cannot read it: {e}"),
        src: NamedSource::new(&display, String::new()),
        span: None,
        help: Some("check the path given to --config".into()),
    })?;
    parse_config(&display, &text).map(|mut c| {
        c.path = Some(path.to_path_buf());
        c
    })
}

pub fn parse_config(display: &str, text: &str) -> Result<Config, ConfigError> {
    let err = |span: Option<std::ops::Range<usize>>, message: String, help: Option<String>| ConfigError {
        file: display.to_string(),
        message,
        src: NamedSource::new(display, text.to_string()),
        span: span.map(|r| (r.start, r.end - r.start).into()),
        help,
    };
    let table: toml::Spanned<toml::Table> =
        toml::from_str(text).map_err(|e| err(e.span(), e.message().trim().to_string(), None))?;
    // Spans of keys and values come from a second, span-keeping parse of the same text.
    let spanned: toml::de::DeTable =
        toml::de::DeTable::parse(text).map_err(|e| err(e.span(), e.message().trim().to_string(), None))?.into_inner();
    let mut config = Config::default();
    for (key, value) in spanned.iter() {
        let key_span = key.span();
        let name = key.get_ref().as_ref();
        let vspan = value.span();
        match name {
            "fail-on" => {
                let s = value.get_ref().as_str().filter(|s| ["error", "warning", "info", "never"].contains(s));
                config.fail_on = Some(
                    s.ok_or_else(|| {
                        err(Some(vspan), "fail-on must be one of error, warning, info, never".into(), None)
                    })?
                    .to_string(),
                );
            }
            "seg-version" => {
                let s = value.get_ref().as_str().ok_or_else(|| {
                    err(
                        Some(vspan.clone()),
                        "seg-version must be a string".into(),
                        Some("e.g. seg-version = \"8.2.1\"".into()),
                    )
                })?;
                config.seg_version = Some(
                    crate::version::parse(s)
                        .map_err(|e| err(Some(vspan), e, Some(crate::version::ACCEPTED_FORMS.into())))?,
                );
            }
            "ignore" => {
                let arr = value.get_ref().as_array().ok_or_else(|| {
                    err(
                        Some(vspan.clone()),
                        "ignore must be a list of paths".into(),
                        Some("e.g. ignore = [\"exports/retired/**\"]".into()),
                    )
                })?;
                for item in arr.iter() {
                    let s = item.get_ref().as_str().ok_or_else(|| {
                        err(Some(item.span()), "each ignore entry is a path pattern (a string)".into(), None)
                    })?;
                    config.ignore.push(s.to_string());
                }
            }
            "rules" => {
                let rules = value
                    .get_ref()
                    .as_table()
                    .ok_or_else(|| err(Some(vspan), "[rules] must be a table of CODE-or-name = level".into(), None))?;
                for (rule, level) in rules.iter() {
                    let r = rule.get_ref().as_ref();
                    let Some((code, _)) = crate::lint::lookup(r) else {
                        let names: Vec<&str> = crate::lint::RULES.iter().flat_map(|(c, n)| [*c, *n]).collect();
                        let hint = crate::posture::closest(r, names).map(|s| format!("did you mean `{s}`?"));
                        return Err(err(
                            Some(rule.span()),
                            format!("`{r}` is not a rule"),
                            hint.or(Some("`seglint rules` lists every code and name".into())),
                        ));
                    };
                    let l = level.get_ref().as_str().and_then(Level::parse).ok_or_else(|| {
                        err(Some(level.span()), "a rule's level is one of error, warning, info, allow".into(), None)
                    })?;
                    config.levels.insert(code, l);
                }
            }
            other => {
                let hint = crate::posture::closest(other, KEYS.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                return Err(err(
                    Some(key_span),
                    format!("`{other}` is not a setting of seglint.toml"),
                    hint.or(Some(format!("the settings are {}", KEYS.join(", ")))),
                ));
            }
        }
    }
    drop(table);
    Ok(config)
}

/// The commented starter file `seglint init` writes.
pub const STARTER: &str = r#"# seglint.toml: settings for `seglint check` in this directory and below.
# Flags on the command line win over this file.

# Exit 1 when a finding is at or above this severity: error, warning, info or never.
fail-on = "error"

# The product version to assume when an export has no productVersion (e.g. "8.2.1").
# seg-version = "8.2.1"

# Paths (relative to this file's directory) that `check --recursive` skips. * and ** match.
# ignore = ["exports/retired/**"]

# Per-rule severity, by code or name: error, warning, info, or allow (never reported).
[rules]
# legacy-tls-enabled = "error"   # fail CI on TLSv1.0/TLSv1.1 too
# SEG205 = "allow"               # we require High outbound on purpose
"#;

/// Matches a path against an ignore pattern: `*` any run within a part, `**` any parts, `?` one character.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    fn parts(p: &[&str], s: &[&str]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(&"**"), _) => parts(&p[1..], s) || (!s.is_empty() && parts(p, &s[1..])),
            (Some(pp), Some(ss)) => part(pp.as_bytes(), ss.as_bytes()) && parts(&p[1..], &s[1..]),
            _ => false,
        }
    }
    fn part(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => part(&p[1..], s) || (!s.is_empty() && part(p, &s[1..])),
            (Some(b'?'), Some(_)) => part(&p[1..], &s[1..]),
            (Some(a), Some(b)) => a == b && part(&p[1..], &s[1..]),
            _ => false,
        }
    }
    let norm = |x: &str| x.replace('\\', "/").trim_start_matches("./").trim_end_matches('/').to_string();
    let (p, s) = (norm(pattern), norm(path));
    parts(&p.split('/').collect::<Vec<_>>(), &s.split('/').collect::<Vec<_>>())
}

/// One inline `seglint-allow` comment.
#[derive(Debug, Clone)]
struct Suppression {
    codes: Vec<&'static str>,
    unknown: Vec<String>,
    reason: Option<String>,
    comment: Loc,
    /// The bytes it covers; `None` for a comment before the root element: the whole array.
    covers: Option<Loc>,
    used: bool,
}

fn parse_suppression(text: &str) -> Option<(Vec<String>, Option<String>)> {
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

/// The bytes a comment ending at `end` covers: the next XML element (with its children), or
/// the next line of a `.reg` / `.settings` file.
fn covered(text: &str, end: usize, xml: bool) -> Option<Span> {
    let start = end + text.get(end..)?.find(|c: char| !c.is_whitespace())?;
    if !xml {
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        return Some(Span::between(start, line_end));
    }
    if !text[start..].starts_with('<') {
        return None;
    }
    // Scan bytes: every position we stop at is an ASCII `<` or `>`, so slices stay on
    // character boundaries.
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"<!--") {
            i += find(&bytes[i..], b"-->").map_or(bytes.len() - i, |j| j + 3);
            continue;
        }
        if bytes[i] == b'<' {
            let close = find(&bytes[i..], b">").map_or(bytes.len(), |j| i + j + 1);
            let tag = &bytes[i..close];
            if tag.starts_with(b"</") {
                depth = depth.saturating_sub(1);
            } else if !tag.ends_with(b"/>") && !tag.starts_with(b"<?") && !tag.starts_with(b"<!") {
                depth += 1;
            }
            i = close;
            if depth == 0 {
                return Some(Span::between(start, i));
            }
            continue;
        }
        i += 1;
    }
    Some(Span::between(start, bytes.len()))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn suppressions(array: &Array) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in &array.comments {
        let Some((codes, reason)) = parse_suppression(&c.text) else { continue };
        let file = &array.files[c.loc.file];
        let xml = c.loc.file == 0;
        let covers = covered(&file.text, c.loc.span.end(), xml);
        let whole = xml && covers.is_some_and(|s| file.text[s.offset..].starts_with("<SegConfiguration"));
        let (known, unknown): (Vec<_>, Vec<_>) = codes.into_iter().partition(|c| crate::lint::lookup(c).is_some());
        out.push(Suppression {
            codes: known.iter().filter_map(|c| crate::lint::lookup(c).map(|(code, _)| code)).collect(),
            unknown,
            reason,
            comment: c.loc,
            covers: if whole { None } else { covers.map(|span| Loc { file: c.loc.file, span }) },
            used: false,
        });
    }
    out
}

/// Severity overrides from config and flags; `flags` win. Returns the kept findings.
pub fn apply_levels(findings: Vec<Finding>, levels: &BTreeMap<&'static str, Level>) -> Vec<Finding> {
    findings
        .into_iter()
        .filter_map(|mut f| match levels.get(f.code) {
            Some(Level::Allow) => None,
            Some(Level::Severity(s)) => {
                f.severity = *s;
                Some(f)
            }
            None => Some(f),
        })
        .collect()
}

/// Marks findings covered by `seglint-allow` comments; adds SEG901 / SEG902.
pub fn apply_suppressions(k: &Knowledge, array: &Array, findings: &mut Vec<Finding>) {
    let mut sups = suppressions(array);
    for f in findings.iter_mut() {
        // A finding that stems from a default is anchored at its server's element, if any.
        let anchor = f.location.or_else(|| f.server.as_deref().and_then(|n| array.server(n)).map(|s| s.name_loc));
        for s in sups.iter_mut().filter(|s| s.codes.contains(&f.code)) {
            let hit = match (s.covers, anchor) {
                (None, _) => true,
                (Some(c), Some(l)) => {
                    c.file == l.file && c.span.offset <= l.span.offset && l.span.offset < c.span.end()
                }
                (Some(_), None) => false,
            };
            if hit {
                f.suppressed = Some(s.reason.clone().unwrap_or_default());
                s.used = true;
            }
        }
    }
    for s in &sups {
        let make = |code: &'static str, message: String, help: &str| {
            let (_, name) = crate::lint::lookup(code).unwrap_or((code, ""));
            Finding {
                code,
                name,
                severity: k.rule(code).map_or(Severity::Warning, |d| d.severity),
                message,
                array: array.source.clone(),
                array_name: array.name.clone().unwrap_or_else(|| array.source.clone()),
                server: None,
                direction: None,
                setting: Some(format!(
                    "{}@{}",
                    array.files[s.comment.file].display,
                    array.files[s.comment.file].line_col(s.comment.span.offset).0
                )),
                evidence: Evidence::Explicit,
                confidence: Confidence::Certain,
                location: Some(s.comment),
                label: "this seglint-allow comment".into(),
                data: None,
                help: help.into(),
                notes: vec![],
                sources: vec![],
                suppressed: None,
                in_baseline: None,
            }
        };
        if s.reason.is_none() {
            findings.push(make(
                "SEG901",
                "a seglint-allow comment gives no reason".into(),
                "write the reason after a colon: seglint-allow SEG102: peer X only speaks SSLv3 until 2027-03",
            ));
        }
        if !s.unknown.is_empty() {
            findings.push(make(
                "SEG902",
                format!("seglint-allow names {}, which is no rule", s.unknown.join(", ")),
                "`seglint rules` lists every code and name",
            ));
        } else if !s.used {
            let codes = s.codes.join(", ");
            findings.push(make("SEG902", format!("seglint-allow {codes} matches no finding"), "remove the comment: nothing it allows is reported any more (or it sits before the wrong element or line)"));
        }
    }
}

/// A recorded finding of a baseline file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub code: String,
    pub array: String,
    pub server: Option<String>,
    pub direction: Option<String>,
    pub setting: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    pub schema: String,
    pub findings: Vec<BaselineEntry>,
}

impl Baseline {
    pub fn of(findings: &[&Finding]) -> Baseline {
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint(),
                code: f.code.to_string(),
                array: f.array_name.clone(),
                server: f.server.clone(),
                direction: f.direction.map(|d| d.name().to_string()),
                setting: f.setting.clone(),
                message: f.message.clone(),
            })
            .collect();
        entries.sort_by(|a, b| (&a.array, &a.code, &a.fingerprint).cmp(&(&b.array, &b.code, &b.fingerprint)));
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline { schema: "seglint/baseline/v1".into(), findings: entries }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_covered_element_is_found_in_non_ascii_text() {
        // Regression: the scanner sliced text inside multi-byte characters and panicked.
        let text = "<!-- seglint-allow SEG102: é -->\n<Server name=\"Zürich\"><InboundSecurity note=\"ünïcode\"/></Server><x/>";
        let end = text.find("-->").unwrap() + 3;
        let span = covered(text, end, true).unwrap();
        assert!(text[span.offset..span.end()].ends_with("</Server>"));
        let reg = "; seglint-allow SEG102: é\n\"Näme\"=dword:00000001\nnext";
        let span = covered(reg, reg.find('\n').unwrap(), false).unwrap();
        assert_eq!(&reg[span.offset..span.end()], "\"Näme\"=dword:00000001");
    }

    #[test]
    fn globs() {
        assert!(glob_match("exports/retired/**", "exports/retired/a/b"));
        assert!(glob_match("**/old-*", "x/y/old-contoso"));
        assert!(!glob_match("exports/*", "exports/a/b"));
        assert!(glob_match("exports/?", "./exports/a/"));
    }
}
