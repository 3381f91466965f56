//! `seglint.toml`: the policy file (fail-on, seg-version, ignore, per-rule levels), found in
//! the current directory or above, read with spans so a typo is a diagnostic with "did you
//! mean". It applies nothing: the sink does.

use crate::registry::Rule;
use crate::vocab::{FailOn, Severity};
use miette::{Diagnostic, NamedSource, SourceSpan};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

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
    pub fail_on: Option<FailOn>,
    pub seg_version: Option<semver::Version>,
    /// The `ignore` patterns as written, and compiled (wax: `*` within a part, `**` across
    /// parts, `?` one character, `[…]` and `{a,b}`).
    pub ignore: Vec<String>,
    pub ignore_globs: Vec<wax::Glob<'static>>,
    pub levels: BTreeMap<Rule, Level>,
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
    let text = crate::source::read_regular_text(path, crate::source::MAX_SIDE_FILE).map_err(|e| ConfigError {
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

/// The file being read, for errors that point into it.
struct File<'a> {
    display: &'a str,
    text: &'a str,
}

impl File<'_> {
    fn err(
        &self,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError {
            file: self.display.to_string(),
            message: message.into(),
            src: NamedSource::new(self.display, self.text.to_string()),
            span: span.map(|r| (r.start, r.end - r.start).into()),
            help,
        }
    }
}

type Value<'a> = Spanned<toml::de::DeValue<'a>>;

pub fn parse_config(display: &str, text: &str) -> Result<Config, ConfigError> {
    let file = File { display, text };
    // Spans of keys and values come from a span-keeping parse.
    let table = toml::de::DeTable::parse(text)
        .map_err(|e| file.err(e.span(), e.message().trim().to_string(), None))?
        .into_inner();
    let mut config = Config::default();
    for (key, value) in table.iter() {
        match key.get_ref().as_ref() {
            "fail-on" => config.fail_on = Some(fail_on(&file, value)?),
            "seg-version" => config.seg_version = Some(seg_version(&file, value)?),
            "ignore" => (config.ignore, config.ignore_globs) = ignore(&file, value)?,
            "rules" => config.levels = levels(&file, value)?,
            other => {
                let hint = crate::vocab::suggest(other, KEYS.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                let help = hint.or(Some(format!("the settings are {}", KEYS.join(", "))));
                return Err(file.err(Some(key.span()), format!("`{other}` is not a setting of seglint.toml"), help));
            }
        }
    }
    Ok(config)
}

fn fail_on(file: &File<'_>, value: &Value<'_>) -> Result<FailOn, ConfigError> {
    value
        .get_ref()
        .as_str()
        .and_then(FailOn::parse)
        .ok_or_else(|| file.err(Some(value.span()), "fail-on must be one of error, warning, info, never", None))
}

fn seg_version(file: &File<'_>, value: &Value<'_>) -> Result<semver::Version, ConfigError> {
    let span = value.span();
    let s = value.get_ref().as_str().ok_or_else(|| {
        file.err(Some(span.clone()), "seg-version must be a string", Some("e.g. seg-version = \"8.2.1\"".into()))
    })?;
    crate::version::parse(s)
        .map_err(|e| file.err(Some(span), e.to_string(), Some(crate::version::ACCEPTED_FORMS.into())))
}

fn ignore(file: &File<'_>, value: &Value<'_>) -> Result<(Vec<String>, Vec<wax::Glob<'static>>), ConfigError> {
    let list = value.get_ref().as_array().ok_or_else(|| {
        file.err(
            Some(value.span()),
            "ignore must be a list of paths",
            Some("e.g. ignore = [\"exports/retired/**\"]".into()),
        )
    })?;
    let (mut patterns, mut globs) = (Vec::new(), Vec::new());
    for item in list {
        let pattern = item
            .get_ref()
            .as_str()
            .ok_or_else(|| file.err(Some(item.span()), "each ignore entry is a path pattern (a string)", None))?;
        let glob = wax::Glob::new(pattern.trim_start_matches("./").trim_end_matches('/')).map_err(|e| {
            let help = "`*` matches within a part, `**` across parts, `?` one character, `[ab]` and `{a,b}` either";
            file.err(Some(item.span()), format!("not a glob pattern: {e}"), Some(help.into()))
        })?;
        globs.push(glob.into_owned());
        patterns.push(pattern.to_string());
    }
    Ok((patterns, globs))
}

fn levels(file: &File<'_>, value: &Value<'_>) -> Result<BTreeMap<Rule, Level>, ConfigError> {
    let rules = value
        .get_ref()
        .as_table()
        .ok_or_else(|| file.err(Some(value.span()), "[rules] must be a table of CODE-or-name = level", None))?;
    let mut levels = BTreeMap::new();
    for (rule, level) in rules.iter() {
        let written = rule.get_ref().as_ref();
        let Some(r) = Rule::lookup(written) else {
            let hint = Rule::suggest(written).map(|s| format!("did you mean `{s}`?"));
            let help = hint.or(Some("`seglint rules` lists every code and name".into()));
            return Err(file.err(Some(rule.span()), format!("`{written}` is not a rule"), help));
        };
        let l = level.get_ref().as_str().and_then(Level::parse).ok_or_else(|| {
            file.err(Some(level.span()), "a rule's level is one of error, warning, info, allow", None)
        })?;
        levels.insert(r, l);
    }
    Ok(levels)
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

/// Whether a path (relative to seglint.toml's directory) matches an `ignore` pattern.
pub fn ignored(config: &Config, path: &str) -> bool {
    let norm = path.replace('\\', "/");
    let path = norm.trim_start_matches("./").trim_end_matches('/');
    config.ignore_globs.iter().any(|g| wax::Pattern::is_match(g, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_globs_match_characters_classes_and_alternatives() {
        let c = |pattern: &str| parse_config("t", &format!("ignore = [\"{pattern}\"]\n")).unwrap();
        assert!(ignored(&c("exports/retired/**"), "exports/retired/a/b"));
        assert!(ignored(&c("**/old-*"), "x/y/old-contoso"));
        assert!(!ignored(&c("exports/*"), "exports/a/b"));
        assert!(ignored(&c("exports/?"), "./exports/a/"));
        assert!(ignored(&c("exports/Z?rich"), "exports/Zürich"), "? is one character, not one byte");
        assert!(ignored(&c("exports/[ab]"), "exports/b") && !ignored(&c("exports/[ab]"), "exports/c"));
        assert!(ignored(&c("exports/{east,west}"), "exports/west"));
        let e = parse_config("t", "ignore = [\"exports/[a\"]\n").unwrap_err();
        assert!(e.to_string().contains("not a glob pattern"), "{e}");
    }

    #[test]
    fn levels_and_typos() {
        let c = parse_config("t", "fail-on = \"warning\"\n[rules]\nsslv3-enabled = \"allow\"\nSEG103 = \"error\"\n")
            .unwrap();
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert_eq!(c.levels.get(&Rule::Sslv3Enabled), Some(&Level::Allow));
        assert_eq!(c.levels.get(&Rule::LegacyTlsEnabled), Some(&Level::Severity(Severity::Error)));
        let e = parse_config("t", "[rules]\nsslv3-enabeld = \"allow\"\n").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `sslv3-enabled`?"));
        let e = parse_config("t", "fail_on = \"error\"\n").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `fail-on`?"));
    }
}
