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
    pub text: std::borrow::Cow<'static, str>,
    /// Where each line starts, made at the first question for a place (one pass over the text,
    /// then each place costs a binary search and its own line, not a scan from byte 0).
    lines: std::sync::OnceLock<Vec<usize>>,
    /// The characters before each line, made at the first question for a character offset.
    line_chars: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(
        path: impl Into<PathBuf>,
        display: impl Into<String>,
        text: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Self {
        SourceFile {
            path: path.into(),
            display: display.into(),
            text: text.into(),
            lines: Default::default(),
            line_chars: Default::default(),
        }
    }

    /// Where each line starts (byte offsets, the first 0).
    pub fn line_starts(&self) -> &[usize] {
        self.lines.get_or_init(|| {
            let newlines = self.text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1);
            std::iter::once(0).chain(newlines).collect()
        })
    }

    /// 1-based line and column (in characters) of a byte offset; as `line_col`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = &self.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let starts = self.line_starts();
        let line = starts.partition_point(|&start| start <= offset);
        let col = text[starts[line - 1]..offset].chars().count() + 1;
        (line, col)
    }

    /// The characters before a byte offset (SARIF's `charOffset`), from the line index: the
    /// characters before its line, then those of its line.
    pub fn char_offset(&self, offset: usize) -> usize {
        let before = self.line_chars.get_or_init(|| {
            let starts = self.line_starts();
            let mut total = 0;
            let mut before = Vec::with_capacity(starts.len());
            for (i, &start) in starts.iter().enumerate() {
                before.push(total);
                let end = starts.get(i + 1).copied().unwrap_or(self.text.len());
                total += self.text[start..end].chars().count();
            }
            before
        });
        let (line, column) = self.line_col(offset);
        before[line - 1] + column - 1
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

/// How far a diagnostic shows a long line around its span, in bytes: miette pads a label to its
/// column with `{:width$}`, which stops at 65,535, and a one-line export of megabytes should
/// not be laid out per diagnostic. Before the span little, so the label stays on the screen.
const WINDOW: usize = 160;
const BEFORE: usize = 40;
/// A line longer than this is shown as a window around the span.
const LONG_LINE: usize = 4 * WINDOW;

/// Text lent to miette for one diagnostic: the lines around its span as they are, or, when the
/// span's line is long, a window of that line around it (with the label clamped by `label`).
/// Only the lines shown are read: `lines` (the file's line starts, when known) gives the line
/// numbers without a scan from byte 0, so a file of many diagnostics costs linear time.
pub struct Window<'a, T> {
    pub name: String,
    pub text: T,
    pub lines: Option<&'a [usize]>,
    /// Where `text` sits in its file, when it is an excerpt: the 0-based line it starts on and
    /// the characters of that line before it, added to the line and column miette shows.
    pub first: (usize, usize),
}

impl<T: AsRef<str>> Window<'_, T> {
    /// The 0-based line a byte offset is on, in `text`.
    fn line_of(&self, offset: usize) -> usize {
        match self.lines {
            Some(starts) => starts.partition_point(|&s| s <= offset).saturating_sub(1),
            None => self.text.as_ref()[..offset].bytes().filter(|&b| b == b'\n').count(),
        }
    }

    /// Line and column in the file for a line and column in `text`.
    fn in_file(&self, line: usize, column: usize) -> (usize, usize) {
        (self.first.0 + line, if line == 0 { self.first.1 + column } else { column })
    }
}

/// The part of a file an input error keeps to show its span: the lines around it, cut to
/// `EXCERPT` bytes either side on a long line, so that an error in a 50 MB value holds kilobytes,
/// not a copy of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    /// The byte offset in the file where `text` starts.
    pub start: usize,
    /// The 0-based line `text` starts on, and the characters of that line before it.
    pub first: (usize, usize),
    /// 1-based line and column (characters) of the span's start, for output formats.
    pub line_col: (usize, usize),
}

const EXCERPT: usize = 4 * LONG_LINE;

impl Excerpt {
    /// The excerpt of `text` around `span`: its line, the one before and the one after.
    pub fn around(text: &str, span: Span) -> Excerpt {
        let at = floor_char_boundary(text, span.offset.min(text.len()));
        let end = floor_char_boundary(text, span.end().min(text.len())).max(at);
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = text[..line_start.saturating_sub(1)].rfind('\n').map_or(0, |i| i + 1);
        let start = floor_char_boundary(text, before.max(at.saturating_sub(EXCERPT)));
        let mut stop = end;
        for _ in 0..2 {
            stop = text[stop..].find('\n').map_or(text.len(), |i| stop + i + 1);
        }
        // A span of megabytes is shown by its start (the label is clamped there too).
        let stop = stop.min(end.saturating_add(EXCERPT)).min(at.saturating_add(2 * EXCERPT));
        let stop = floor_char_boundary(text, stop.min(text.len()));
        let line = text[..start].bytes().filter(|&b| b == b'\n').count();
        let first_line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let column = text[first_line_start..start].chars().count();
        Excerpt { text: text[start..stop].to_string(), start, first: (line, column), line_col: line_col(text, at) }
    }
}

impl<T: AsRef<str> + Send + Sync> miette::SourceCode for Window<'_, T> {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let text = self.text.as_ref();
        let named = |data: &'a str, at: usize, line: usize, column: usize, lines: usize| {
            Box::new(miette::MietteSpanContents::new_named(
                self.name.clone(),
                data.as_bytes(),
                (at, data.len()).into(),
                line,
                column,
                lines,
            )) as Box<dyn miette::SpanContents<'a> + 'a>
        };
        let wanted = Span::new(span.offset(), span.len());
        if let (Some(start), end) = window(text, wanted) {
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..start].chars().count();
            let data = &text[start..end];
            let (line, column) = self.in_file(self.line_of(start), column);
            return Ok(named(data, start, line, column, data.matches('\n').count() + 1));
        }
        // The lines around the span, read by miette from a slice of them.
        let at = floor_char_boundary(text, wanted.offset.min(text.len()));
        let end = floor_char_boundary(text, wanted.end().min(text.len()));
        let mut base = text[..at].rfind('\n').map_or(0, |i| i + 1);
        for _ in 0..before {
            base = match base.checked_sub(1) {
                Some(nl) => text[..nl].rfind('\n').map_or(0, |i| i + 1),
                None => break,
            };
        }
        let mut stop = end;
        for _ in 0..=after {
            stop = text[stop..].find('\n').map_or(text.len(), |i| (stop + i + 1).min(text.len()));
        }
        let slice = &text[base..stop];
        let local = miette::SourceSpan::from((at - base, end - at));
        let c = slice.read_span(&local, before, after)?;
        let data = std::str::from_utf8(c.data()).map_err(|_| miette::MietteError::OutOfBounds)?;
        let (line, column) = self.in_file(self.line_of(base) + c.line(), c.column());
        Ok(named(data, base + c.span().offset(), line, column, c.line_count()))
    }
}

/// The window of a long line around a span, on character boundaries: its start (`None` when
/// the line is short enough to show whole) and end.
fn window(text: &str, span: Span) -> (Option<usize>, usize) {
    let at = floor_char_boundary(text, span.offset.min(text.len()));
    let end = floor_char_boundary(text, span.end().min(text.len()));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    if line_end - line_start <= LONG_LINE {
        return (None, line_end);
    }
    let start = floor_char_boundary(text, at.saturating_sub(BEFORE).max(line_start));
    let stop = ceil_char_boundary(text, (end.min(at + WINDOW) + WINDOW).min(line_end));
    (Some(start), stop)
}

/// A label's span as miette may draw it in `Window`: on a long line, at most `WINDOW` bytes, on
/// character boundaries, inside the window.
pub fn label(text: &str, span: Span) -> Span {
    match window(text, span) {
        (None, _) => span,
        (Some(_), _) => {
            let at = floor_char_boundary(text, span.offset.min(text.len()));
            let end = floor_char_boundary(text, span.end().min(at + WINDOW).min(text.len()));
            Span::between(at, end)
        }
    }
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The span of the one character at (or containing) byte `at`; empty at the end.
pub fn char_span(text: &str, at: usize) -> Span {
    let at = floor_char_boundary(text, at.min(text.len()));
    Span::new(at, text[at..].chars().next().map_or(0, char::len_utf8))
}

/// The nearest character boundary at or before byte `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
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
        let f = SourceFile::new("x", "x", "ab\ncé d\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // 'd' is after "cé " (c=1 byte, é=2 bytes, space=1): byte 7, column 4
        assert_eq!(f.line_col(7), (2, 4));
        // The line index answers as the scan from byte 0 does, past the end and inside a character.
        for offset in 0..f.text.len() + 3 {
            assert_eq!(f.line_col(offset), line_col(&f.text, offset), "{offset}");
            let on_boundary = floor_char_boundary(&f.text, offset.min(f.text.len()));
            assert_eq!(f.char_offset(offset), f.text[..on_boundary].chars().count(), "{offset}");
        }
    }

    #[test]
    fn an_excerpt_keeps_the_lines_around_a_span_and_their_place() {
        let text = "one\ntwo\nthrée bad here\nfour\nfive\n";
        let at = text.find("bad").unwrap();
        let x = Excerpt::around(text, Span::new(at, 3));
        assert_eq!(x.text, "two\nthrée bad here\nfour\n");
        assert_eq!((x.start, x.first, x.line_col), (4, (1, 0), (3, 7)));
        // On a line of megabytes: kilobytes around the span, and the column it starts at.
        let long = format!("<a>\n{}é{}\n</a>", "x".repeat(3_000_000), "y".repeat(3_000_000));
        let at = long.find('é').unwrap();
        let x = Excerpt::around(&long, Span::new(at, 2));
        assert!(x.text.len() <= 2 * EXCERPT + 2, "{}", x.text.len());
        assert_eq!(&x.text[at - x.start..at - x.start + 2], "é");
        assert_eq!(x.first, (1, 3_000_000 - (at - x.start)));
        assert_eq!(x.line_col, (2, 3_000_001));
        // A span of megabytes (a whole bad value) is kept by its start.
        let x = Excerpt::around(&long, Span::new(4, 6_000_000));
        assert!(x.text.len() <= 3 * EXCERPT, "{}", x.text.len());
        assert_eq!(quoted(&"z".repeat(100)), format!("{}… (100 characters)", "z".repeat(40)));
        assert_eq!(quoted("short"), "short");
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

/// The most bytes seglint reads from a file that is not an input array (a `seglint.toml`, a
/// baseline, a `--targets` list, a rules file, a certificate or key).
pub const MAX_SIDE_FILE: u64 = 64 * 1024 * 1024;

/// Reads a regular file, at most `max` bytes. A device, FIFO, socket or directory is refused
/// without being opened (opening a FIFO blocks until a writer comes; `/dev/zero` never ends),
/// and the read itself is bounded, whatever the file's size said.
pub fn read_regular_file(path: &std::path::Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let what = if meta.is_dir() { "a directory" } else { "not a regular file (a device, FIFO or socket)" };
        return Err(Error::new(ErrorKind::InvalidInput, what));
    }
    // Room for the whole file at once (the size it has now, within the bound): growing by
    // doubling would hold up to twice the file while reading it.
    let mut bytes = Vec::with_capacity(meta.len().min(max) as usize + 1);
    std::fs::File::open(path)?.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(Error::new(ErrorKind::InvalidData, format!("more than the limit of {max} bytes")));
    }
    Ok(bytes)
}

/// `read_regular_file` as UTF-8 text.
pub fn read_regular_text(path: &std::path::Path, max: u64) -> std::io::Result<String> {
    String::from_utf8(read_regular_file(path, max)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// The most characters of an input's own text a message quotes between backquotes.
const QUOTED: usize = 80;

/// An input's value for a message, cut as `shorten_quoted` cuts it; made before the message,
/// so that a 50 MB value is never copied into one.
pub fn quoted(text: &str) -> String {
    match text.char_indices().nth(QUOTED) {
        None => text.to_string(),
        Some(_) => {
            let head: String = text.chars().take(QUOTED / 2).collect();
            format!("{head}… ({} characters)", text.chars().count())
        }
    }
}

/// A message with each backquoted run of the input's text cut to `QUOTED` characters, saying
/// how long it was: a 50 MB bad value is told in a line, not repeated whole (the span still
/// points at all of it).
pub fn shorten_quoted(message: String) -> String {
    if message.len() <= 2 * QUOTED {
        return message;
    }
    let mut out = String::with_capacity(4 * QUOTED);
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&quoted(part));
        } else {
            out.push_str(part);
        }
    }
    out
}
