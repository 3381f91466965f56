//! Lenient product-version parsing: what administrators type and what exports carry
//! (`7.3`, `v7.3.5`, `8.2.1.5620`) into `semver::Version`. Versions are never compared as
//! strings anywhere else; this module owns the only text-to-version step.

use crate::source::quoted;
use semver::{BuildMetadata, Version};

pub const ACCEPTED_FORMS: &str = "accepted forms: `7.3` (= 7.3.0), `7.3.5`, `v7.3.5`, \
`8.2.1.5620` (the fourth number is the build), `8.2.1+5620`";

/// Why a text is not a product version, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("the version is empty")]
    Empty,
    #[error("`{0}` has too many parts")]
    TooManyParts(String),
    #[error("`{part}` in `{text}` is not a whole number")]
    NotANumber { part: String, text: String },
    #[error("`{part}` in `{text}` is too large")]
    TooLarge { part: String, text: String },
    #[error("`{0}` is not a valid build")]
    BadBuild(String),
}

/// Parses a product version; the error says what was wrong, in words.
pub fn parse(text: &str) -> Result<Version, VersionError> {
    let s = text.trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    if s.is_empty() {
        return Err(VersionError::Empty);
    }
    let (core, build) = match s.split_once('+') {
        Some((core, build)) => (core, Some(build)),
        None => (s, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 4 || (build.is_some() && parts.len() > 3) {
        return Err(VersionError::TooManyParts(quoted(text)));
    }
    let mut numbers = [0u64; 4];
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(VersionError::NotANumber { part: quoted(part), text: quoted(text) });
        }
        numbers[i] = part.parse().map_err(|_| VersionError::TooLarge { part: quoted(part), text: quoted(text) })?;
    }
    let mut version = Version::new(numbers[0], numbers[1], numbers[2]);
    let build = match build {
        Some(b) => Some(b.to_string()),
        None if parts.len() == 4 => Some(numbers[3].to_string()),
        None => None,
    };
    if let Some(b) = build {
        version.build = BuildMetadata::new(&b).map_err(|_| VersionError::BadBuild(quoted(&b)))?;
    }
    Ok(version)
}

/// The product version a banner or `Received:` field names, as `(v6.2.2.3503)` or
/// `(v8,2,6,11305)` (commas, and the spaces of a folded field, allowed); `None` when it names
/// none. Only the first `(v…)` counts.
pub fn in_product_text(text: &str) -> Option<Version> {
    let start = text.find("(v").or_else(|| text.find("(V"))? + 2;
    let end = start + text[start..].find(')')?;
    let inner: String = text[start..end].chars().filter(|c| !c.is_whitespace()).collect();
    let dotted = inner.replace(',', ".");
    (dotted.split('.').count() >= 2).then(|| parse(&dotted).ok()).flatten()
}

/// Whether a version a banner or header shows differs from the export's: major, minor and
/// patch always, the build only when both have one (SEG608).
pub fn differs(seen: &Version, export: &Version) -> bool {
    let builds_differ = !seen.build.is_empty() && !export.build.is_empty() && seen.build != export.build;
    without_build(seen) != without_build(export) || builds_differ
}

/// `8.2.6 build 11305`, or `8.2.6`.
pub fn shown(v: &Version) -> String {
    if v.build.is_empty() { v.to_string() } else { format!("{} build {}", without_build(v), v.build) }
}

/// How the vendor names a release line: `10.0` for 10.0.0, `7.3.5` otherwise.
pub fn release_line(v: &Version) -> String {
    if v.patch == 0 { format!("{}.{}", v.major, v.minor) } else { without_build(v).to_string() }
}

/// The version that decides which row and facts apply: the build part never does.
pub fn without_build(v: &Version) -> Version {
    Version::new(v.major, v.minor, v.patch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_version_a_banner_or_received_field_names() {
        let v = |t: &str| in_product_text(t).map(|v| v.to_string());
        assert_eq!(v("220 mx ESMTP MailMarshal (v6.2.2.3503) Ready").as_deref(), Some("6.2.2+3503"));
        assert_eq!(v("with Trustwave SEG (v8,2,6,11305) (using TLS").as_deref(), Some("8.2.6+11305"));
        assert_eq!(v("Trustwave MailMarshal (v10, 2, 5,\r\n 6043)").as_deref(), Some("10.2.5+6043"));
        assert_eq!(v("220 mx ESMTP Postfix (Debian)"), None);
        assert_eq!(v("220 mx (v) ready"), None);
        assert_eq!(v("220 mx (v8 ready"), None);
    }

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(parse("7.3").unwrap().to_string(), "7.3.0");
        assert_eq!(parse("v7.3.5").unwrap().to_string(), "7.3.5");
        assert_eq!(parse("8.2.1.5620").unwrap().to_string(), "8.2.1+5620");
        assert_eq!(parse("8.2.1+5620").unwrap().to_string(), "8.2.1+5620");
        assert_eq!(parse(" 10 ").unwrap().to_string(), "10.0.0");
        assert_eq!(without_build(&parse("10.0.0.77").unwrap()).to_string(), "10.0.0");
    }

    #[test]
    fn rejects_what_is_not_a_version() {
        for bad in ["", "v", "8.x", "8..1", "1.2.3.4.5", "8.2-beta", "8.2.1.5620+7", "seven"] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
