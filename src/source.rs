//! Source files and byte spans: the one place that turns a byte offset into a line and column.
//! It owns no parsing and knows nothing of SEG; parsers hand it text, reporters ask it for places.

use std::path::PathBuf;

/// A byte range in a decoded source text (UTF-8 offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub fn new(offset: usize, len: usize) -> Self {
        Span { offset, len }
    }

    /// The span from `start` to `end` (exclusive), saturating when reversed.
    pub fn between(start: usize, end: usize) -> Self {
        Span { offset: start, len: end.saturating_sub(start) }
    }

    pub fn end(&self) -> usize {
        self.offset + self.len
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.offset, s.len).into()
    }
}

/// One decoded input file. `display` is the path as the user should see it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub display: String,
    pub text: String,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`; an offset past the end
/// or inside a character counts from the character it falls in.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The span of the one character at (or containing) byte `at`; empty at the end.
pub fn char_span(text: &str, at: usize) -> Span {
    let at = floor_char_boundary(text, at.min(text.len()));
    Span::new(at, text[at..].chars().next().map_or(0, char::len_utf8))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile { path: "x".into(), display: "x".into(), text: "ab\ncé d\n".into() };
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // 'd' is after "cé " (c=1 byte, é=2 bytes, space=1): byte 7, column 4
        assert_eq!(f.line_col(7), (2, 4));
    }
}

/// Whether a character would act on a terminal instead of showing (C0, DEL, C1; not tab or
/// line breaks).
fn acts(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// The text for a terminal snippet: each control character becomes `?`s of its byte length, so
/// every span still points at the same bytes.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars().map(|c| if acts(c) { "?".repeat(c.len_utf8()) } else { c.to_string() }).collect::<String>().into()
}

/// Text from an input or a peer for a message: control characters written as `\u{1b}`.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| if acts(c) { c.escape_unicode().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod terminal_tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_a_terminal_raw() {
        let raw = "a\u{1b}[31mb\u{7}\u{9b}c\n";
        let safe = terminal_safe(raw);
        assert_eq!(safe.len(), raw.len(), "spans still fit");
        assert_eq!(safe, "a?[31mb???c\n");
        assert_eq!(escape_controls(raw), "a\\u{1b}[31mb\\u{7}\\u{9b}c\n");
        assert!(matches!(terminal_safe("plain"), std::borrow::Cow::Borrowed(_)));
    }
}
