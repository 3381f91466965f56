//! Reads regedit / `reg export` text (already decoded): the `Windows Registry Editor Version
//! 5.00` or `REGEDIT4` header, `[KEY]` and `[-KEY]` sections, `"Name"=` values of every type
//! regedit writes, `-` deletions, `\` continuation lines and `;` comments, keeping exact spans.
//! It knows no rules and renders nothing.

use crate::source::Span;
use crate::source::quoted as shown;
use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegHeader {
    V5,
    Regedit4,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// After the `;`, trimmed.
    pub text: String,
    pub span: Span,
    /// The next line that is not blank or a comment, which a suppression covers.
    pub covers: Option<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RegData {
    Delete,
    Dword(u32),
    Qword(u64),
    Sz(String),
    ExpandSz(String),
    MultiSz(Vec<String>),
    /// `hex:` is kind 3 (REG_BINARY); `hex(N):` of another kind keeps N.
    Binary {
        kind: u32,
        bytes: Vec<u8>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegValue {
    /// Empty for the default value `@`.
    pub name: String,
    pub name_span: Span,
    pub data: RegData,
    pub data_span: Span,
    /// The whole entry, continuation lines included.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegKey {
    pub path: String,
    pub path_span: Span,
    /// `[-KEY]`: the key and everything below it is deleted.
    pub delete: bool,
    pub span: Span,
    pub values: Vec<RegValue>,
}

#[derive(Debug, Clone)]
pub struct RegFile {
    pub header: RegHeader,
    pub keys: Vec<RegKey>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
pub struct RegError {
    pub message: String,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

fn error(span: Span, message: impl Into<String>, label: &str, help: &str) -> RegError {
    RegError { message: message.into(), span: span.into(), label: label.into(), help: Some(help.into()) }
}

/// The lines of `text` with their byte offsets, without line ends (`\r\n` or `\n`).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        (start, raw.trim_end_matches('\n').trim_end_matches('\r'))
    })
}

/// The header line, after any blank lines.
fn header<'t>(it: &mut impl Iterator<Item = (usize, &'t str)>) -> Result<RegHeader, RegError> {
    let help = "a registry export starts with `Windows Registry Editor Version 5.00` (or `REGEDIT4`), as regedit and `reg export` write";
    for (at, line) in it {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if t.eq_ignore_ascii_case("Windows Registry Editor Version 5.00") {
            return Ok(RegHeader::V5);
        }
        if t.eq_ignore_ascii_case("REGEDIT4") {
            return Ok(RegHeader::Regedit4);
        }
        return Err(error(
            Span::new(at, line.len()),
            format!("`{}` is not a registry export header", shown(t)),
            "expected a header",
            help,
        ));
    }
    Err(error(Span::new(0, 0), "the file is empty", "no header", help))
}

/// A `[KEY]` or `[-KEY]` line (`t` trimmed, starting at `start`).
fn key_line(t: &str, start: usize) -> Result<RegKey, RegError> {
    let help = "write keys as [HKEY_LOCAL_MACHINE\\SOFTWARE\\...]";
    let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
        return Err(error(Span::new(start, t.len()), "a key line does not end with `]`", "unclosed key", help));
    };
    let (delete, path) = match inner.strip_prefix('-') {
        Some(p) => (true, p),
        None => (false, inner),
    };
    if path.trim().is_empty() {
        return Err(error(Span::new(start, t.len()), "the key path is empty", "empty key", help));
    }
    let path_start = start + 1 + usize::from(delete);
    Ok(RegKey {
        path: path.to_string(),
        path_span: Span::new(path_start, path.len()),
        delete,
        span: Span::new(start, t.len()),
        values: Vec::new(),
    })
}

/// A value line joined with the lines it continues on (hex data ends lines with `\`): the
/// joined text, where the last of its lines ends, and where each piece of it sits in the file.
fn joined<'t>(t: &str, start: usize, it: &mut impl Iterator<Item = (usize, &'t str)>) -> (String, usize, Pieces) {
    let mut joined = t.to_string();
    let mut end = start + t.len();
    let mut pieces = Pieces { start, at: vec![(0, start)] };
    while joined.ends_with('\\') {
        joined.pop();
        match it.next() {
            Some((next_at, next)) => {
                let lead = next.len() - next.trim_start().len();
                pieces.at.push((joined.len(), next_at + lead));
                joined.push_str(next.trim());
                end = next_at + next.trim_end().len();
            }
            None => break,
        }
    }
    (joined, end, pieces)
}

/// Where the pieces of a joined value line sit in the file: (offset in the joined text, offset
/// in the file), so a span found in the joined text points at the file's own bytes.
struct Pieces {
    /// Where the first line starts: spans in the joined text are counted from it.
    start: usize,
    at: Vec<(usize, usize)>,
}

impl Pieces {
    fn offset(&self, file_offset: usize) -> usize {
        let j = file_offset.saturating_sub(self.start);
        let (joined, file) = self.at[self.at.partition_point(|&(o, _)| o <= j).saturating_sub(1)];
        file + (j - joined)
    }

    fn span(&self, s: Span) -> Span {
        if self.at.len() == 1 {
            return s;
        }
        // The end belongs to the piece of its last byte (a span ends where that piece goes on).
        let end = if s.len == 0 { self.offset(s.offset) } else { self.offset(s.end() - 1) + 1 };
        Span::between(self.offset(s.offset), end)
    }
}

pub fn parse(text: &str) -> Result<RegFile, RegError> {
    let mut it = lines(text);
    let header = header(&mut it)?;
    let mut file = RegFile { header, keys: Vec::new(), comments: Vec::new() };
    while let Some((at, line)) = it.next() {
        let t = line.trim();
        let start = at + (line.len() - line.trim_start().len());
        if t.is_empty() {
            continue;
        }
        if let Some(c) = t.strip_prefix(';') {
            if crate::model::is_suppression(c) {
                file.comments.push(Comment {
                    text: c.trim().to_string(),
                    span: Span::new(start, t.len()),
                    covers: None,
                });
            }
            continue;
        }
        // A suppression covers the next line that is neither blank nor a comment.
        for c in file.comments.iter_mut().rev().take_while(|c| c.covers.is_none()) {
            c.covers = Some(Span::new(start, t.len()));
        }
        if t.starts_with('[') {
            file.keys.push(key_line(t, start)?);
            continue;
        }
        let (joined, end, pieces) = joined(t, start, &mut it);
        let mut value = parse_value(&joined, start, end, header).map_err(|mut e| {
            let s = pieces.span(Span::new(e.span.offset(), e.span.len()));
            e.span = s.into();
            e
        })?;
        value.name_span = pieces.span(value.name_span);
        value.data_span = pieces.span(value.data_span);
        let Some(key) = file.keys.last_mut() else {
            let help = "put values under a [HKEY_LOCAL_MACHINE\\...] line";
            return Err(error(
                Span::new(start, t.len()),
                "a value comes before any [key]",
                "value outside a key",
                help,
            ));
        };
        key.values.push(value);
    }
    Ok(file)
}

/// Reads a quoted string at the start of `s` (`\\` and `\"` escapes); returns it and the
/// number of bytes it took.
fn quoted(s: &str, at: usize) -> Result<(String, usize), RegError> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => match chars.next() {
                Some((_, e @ ('\\' | '"'))) => out.push(e),
                Some((j, e)) => {
                    return Err(error(
                        Span::new(at + i, j + e.len_utf8() - i),
                        format!("`\\{e}` is not an escape regedit writes"),
                        "unknown escape",
                        "inside quotes write \\\\ for a backslash and \\\" for a quote",
                    ));
                }
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(error(Span::new(at, s.len()), "a quoted string is not closed", "no closing quote", "close the string with \""))
}

fn parse_value(line: &str, start: usize, end: usize, header: RegHeader) -> Result<RegValue, RegError> {
    let (name, name_len, name_span) = if line.starts_with('@') {
        (String::new(), 1, Span::new(start, 1))
    } else if line.starts_with('"') {
        let (name, len) = quoted(line, start)?;
        (name, len, Span::new(start + 1, len.saturating_sub(2)))
    } else {
        return Err(error(
            Span::new(start, line.len().min(end - start)),
            "a value line must start with \"Name\" or @",
            "not a value",
            "write values as \"Name\"=dword:00000001 or \"Name\"=\"text\"",
        ));
    };
    let rest = &line[name_len..];
    let after_name = rest.trim_start();
    let Some(data) = after_name.strip_prefix('=') else {
        return Err(error(
            Span::new(start, line.len().min(end - start)),
            "a value has no `=`",
            "expected =",
            "write values as \"Name\"=dword:00000001",
        ));
    };
    let data = data.trim();
    let eq = name_len + (rest.len() - after_name.len());
    let after_eq = &line[eq + 1..];
    let data_start = start + eq + 1 + (after_eq.len() - after_eq.trim_start().len());
    // In the joined text, as every span found here (the caller maps them onto the file).
    let joined_end = start + line.len();
    let data_span = Span::between(data_start.min(joined_end), joined_end);
    let value = data_value(data, data_start, data_span, header)?;
    Ok(RegValue { name, name_span, data: value, data_span, span: Span::between(start, end) })
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len()).filter(|h| h.eq_ignore_ascii_case(prefix)).map(|_| &s[prefix.len()..])
}

/// The bytes of a `hex:` list, or the first item that is not a hex byte.
fn hex_bytes(list: &str) -> Result<Vec<u8>, &str> {
    list.split(',')
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| if b.len() <= 2 { u8::from_str_radix(b, 16).map_err(|_| b) } else { Err(b) })
        .collect()
}

/// String data of hex(1)/hex(2)/hex(7): UTF-16LE in version 5 files, one byte a character in
/// REGEDIT4 files.
fn text(bytes: &[u8], header: RegHeader) -> String {
    match header {
        RegHeader::V5 => {
            char::decode_utf16(bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)])))
                .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        RegHeader::Regedit4 => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The data after `=`: a deletion, a string, a DWORD, or `hex` data of a type.
fn data_value(data: &str, data_start: usize, data_span: Span, header: RegHeader) -> Result<RegData, RegError> {
    let bad = |message: String| {
        let help = "regedit writes dword:XXXXXXXX (8 hex digits), \"text\", hex:XX,XX,…, hex(N):XX,… or - (delete)";
        error(data_span, message, "bad value data", help)
    };
    if data == "-" {
        return Ok(RegData::Delete);
    }
    if data.starts_with('"') {
        let (s, len) = quoted(data, data_start)?;
        if !data[len..].trim().is_empty() {
            return Err(bad(format!("unexpected text after the string: `{}`", shown(data[len..].trim()))));
        }
        return Ok(RegData::Sz(s));
    }
    if let Some(hex) = strip_prefix_ci(data, "dword:") {
        if hex.is_empty() || hex.len() > 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(format!("`{}` is not a DWORD (1 to 8 hex digits)", shown(hex))));
        }
        return Ok(RegData::Dword(u32::from_str_radix(hex, 16).map_err(|e| bad(e.to_string()))?));
    }
    let Some(rest) = strip_prefix_ci(data, "hex") else {
        return Err(bad(format!(
            "`{}` is not a value type regedit writes",
            shown(data.split(':').next().unwrap_or(data))
        )));
    };
    let (kind, list) = if let Some(list) = rest.strip_prefix(':') {
        (3, list)
    } else if let Some(inner) = rest.strip_prefix('(') {
        let Some((k, list)) = inner.split_once("):") else {
            return Err(bad("a hex type is written hex(N):".into()));
        };
        (u32::from_str_radix(k, 16).map_err(|_| bad(format!("`{}` is not a hex value type", shown(k))))?, list)
    } else {
        return Err(bad(format!("`{}` is not a value regedit writes", shown(data))));
    };
    let bytes = hex_bytes(list).map_err(|b| {
        // The item itself, found by where it lies in `data` (a sub-slice of it).
        let at = data_start + (b.as_ptr() as usize - data.as_ptr() as usize);
        let mut e = bad(format!("`{}` is not a hex byte", shown(b)));
        e.span = Span::new(at, b.len()).into();
        e.label = "not a hex byte".into();
        e
    })?;
    let found = bytes.len();
    typed_hex(kind, bytes, header)
        .ok_or_else(|| bad(format!("hex({kind:x}) needs {} bytes, found {found}", if kind == 4 { 4 } else { 8 })))
}

/// `hex(N):` bytes read as the registry type N; `None` when a DWORD or QWORD has the wrong length.
fn typed_hex(kind: u32, bytes: Vec<u8>, header: RegHeader) -> Option<RegData> {
    Some(match (kind, bytes.len()) {
        (4, 4) => RegData::Dword(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])),
        (0xb, 8) => {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes);
            RegData::Qword(u64::from_le_bytes(b))
        }
        (4 | 0xb, _) => return None,
        (1, _) => RegData::Sz(text(&bytes, header).trim_end_matches('\0').to_string()),
        (2, _) => RegData::ExpandSz(text(&bytes, header).trim_end_matches('\0').to_string()),
        (7, _) => {
            let all = text(&bytes, header);
            RegData::MultiSz(
                all.trim_end_matches('\0').split('\0').filter(|s| !s.is_empty()).map(str::to_string).collect(),
            )
        }
        (kind, _) => RegData::Binary { kind, bytes },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, s: Span) -> &str {
        &text[s.offset..s.end()]
    }

    const SAMPLE: &str = "Windows Registry Editor Version 5.00\r\n\r\n; seglint-allow SEG102: partner\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave\\Secure Email Gateway\\Default\\Sender]\r\n\"SSLMethodSSLv3\"=dword:00000001\r\n\"TLSCipherList\"=\"ALL:!aNULL \\\"x\\\" C:\\\\dir\"\r\n@=\"default\"\r\n\"Multi\"=hex(7):41,00,42,00,00,00,43,00,00,00,\\\r\n  00,00\r\n\"Q\"=hex(b):01,00,00,00,00,00,00,00\r\n\"D4\"=hex(4):02,00,00,00\r\n\"Bin\"=hex:de,ad\r\n\"Exp\"=hex(2):25,00,50,00,00,00\r\n\"Gone\"=-\r\n\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Old]\r\n";

    #[test]
    fn reads_every_construct_with_exact_spans() {
        let f = parse(SAMPLE).unwrap();
        assert_eq!(f.header, RegHeader::V5);
        assert_eq!(f.comments[0].text, "seglint-allow SEG102: partner");
        let k = &f.keys[0];
        assert_eq!(
            at(SAMPLE, k.path_span),
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave\\Secure Email Gateway\\Default\\Sender"
        );
        let v = &k.values;
        assert_eq!(v[0].data, RegData::Dword(1));
        assert_eq!(at(SAMPLE, v[0].span), "\"SSLMethodSSLv3\"=dword:00000001");
        assert_eq!(at(SAMPLE, v[0].name_span), "SSLMethodSSLv3");
        assert_eq!(at(SAMPLE, v[0].data_span), "dword:00000001");
        assert_eq!(v[1].data, RegData::Sz("ALL:!aNULL \"x\" C:\\dir".into()));
        assert_eq!(v[2].name, "");
        assert_eq!(v[3].data, RegData::MultiSz(vec!["AB".into(), "C".into()]));
        assert!(at(SAMPLE, v[3].span).ends_with("00,00"), "the span covers the continuation line");
        assert_eq!(v[4].data, RegData::Qword(1));
        assert_eq!(v[5].data, RegData::Dword(2));
        assert_eq!(v[6].data, RegData::Binary { kind: 3, bytes: vec![0xde, 0xad] });
        assert_eq!(v[7].data, RegData::ExpandSz("%P".into()));
        assert_eq!(v[8].data, RegData::Delete);
        assert!(f.keys[1].delete);
        assert_eq!(at(SAMPLE, f.keys[1].path_span), "HKEY_LOCAL_MACHINE\\SOFTWARE\\Old");
    }

    #[test]
    fn spans_after_a_continuation_point_at_the_files_bytes() {
        // Regression: spans were counted in the joined line, so after a `\` they pointed at the
        // wrong bytes, and could end inside a character.
        let v = &parse(SAMPLE).unwrap().keys[0].values[3];
        assert_eq!(at(SAMPLE, v.data_span), "hex(7):41,00,42,00,00,00,43,00,00,00,\\\r\n  00,00");
        let text =
            "Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"A\"=hex:01,\\\r\n    屋,02\r\n";
        let e = parse(text).unwrap_err();
        let bad = &text[e.span.offset()..e.span.offset() + e.span.len()];
        assert!(bad.starts_with('屋') || bad == "屋", "{bad:?} ({})", e.message);
        let text = "Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"\\\r\n屋\\S\"=dword:1\r\n";
        let e = parse(text).unwrap_err();
        assert_eq!(&text[e.span.offset()..e.span.offset() + e.span.len()], "\\S", "{}", e.message);
    }

    #[test]
    fn regedit4_strings_are_single_bytes() {
        let f = parse("REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\n\"M\"=hex(7):41,42,00,43,00,00\n").unwrap();
        assert_eq!(f.header, RegHeader::Regedit4);
        assert_eq!(f.keys[0].values[0].data, RegData::MultiSz(vec!["AB".into(), "C".into()]));
    }

    #[test]
    fn each_error_points_at_the_bytes() {
        let cases = [
            ("Registry 4\n", "Registry 4"),
            ("REGEDIT4\n\"A\"=dword:1\n", "\"A\"=dword:1"),
            ("REGEDIT4\n[X]\n\"A\"=dword:0000000g\n", "dword:0000000g"),
            ("REGEDIT4\n[X]\n\"A\"=dword:123456789\n", "dword:123456789"),
            ("REGEDIT4\n[X]\n\"A\"=foo:12\n", "foo:12"),
            ("REGEDIT4\n[X]\n\"A\"=hex:zz\n", "zz"),
            ("REGEDIT4\n[X]\n\"A\"=\"open\n", "\"open"),
            ("REGEDIT4\n[X\n", "[X"),
            ("REGEDIT4\n[X]\nA=1\n", "A=1"),
            ("REGEDIT4\n[X]\n\"A\"=\"a\\tb\"\n", "\\t"),
        ];
        for (text, bad) in cases {
            let e = parse(text).unwrap_err();
            let span = Span::new(e.span.offset(), e.span.len());
            assert_eq!(at(text, span), bad, "{}", e.message);
            assert!(e.help.is_some());
        }
    }

    #[test]
    fn never_panics_on_random_input() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"[]\"\\=:,-@;hexdword()0123456789abcdefABCDEF \r\n\t\xc3\xa9REGEDIT4";
        for round in 0..4000 {
            let len = (next() % 200) as usize;
            let mut bytes: Vec<u8> = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            if round % 2 == 0 {
                bytes.splice(0..0, b"Windows Registry Editor Version 5.00\r\n[K]\r\n".iter().copied());
            }
            if round % 3 == 0 {
                let mut valid = SAMPLE.as_bytes().to_vec();
                let i = (next() as usize) % valid.len();
                valid[i] = alphabet[(next() % alphabet.len() as u64) as usize];
                bytes = valid;
            }
            if let Ok(text) = crate::input::decode::decode(&bytes) {
                let _ = parse(&text);
            }
        }
    }
}
