//! Turns a file's bytes into text: UTF-8 (with or without BOM) and UTF-16LE/BE (with BOM, as
//! regedit writes it, or without one when the text is plainly ASCII in UTF-16). One pass; the
//! BOM is dropped (a doubled one too) and nothing else is changed. It knows no rules and renders nothing.

use miette::Diagnostic;
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(help("save the file as UTF-8, or as UTF-16 with a byte-order mark (as regedit writes it)"))]
pub struct DecodeError {
    pub message: String,
    /// The byte offset of the first bad byte.
    pub offset: usize,
    /// The text before it, decoded: where the bad byte is, in lines and columns.
    pub before: String,
}

/// `decode`, taking the bytes: UTF-8 (the common case) becomes the text without a copy, and is
/// validated once.
pub fn decode_owned(mut bytes: Vec<u8>) -> Result<String, DecodeError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bom_less_utf16(&bytes).is_some() {
        return decode(&bytes);
    }
    let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    bytes.drain(..bom);
    match String::from_utf8(bytes) {
        Ok(text) => Ok(drop_boms(text)),
        Err(e) => utf8(e.as_bytes(), bom),
    }
}

pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    decode_once(bytes).map(drop_boms)
}

/// A second byte-order mark (a tool that added one to a file that had one) is no text either;
/// left in, the XML reader would skip it and every offset after it would be off by its bytes.
fn drop_boms(mut text: String) -> String {
    let marks = text.len() - text.trim_start_matches('\u{feff}').len();
    text.drain(..marks);
    text
}

fn decode_once(bytes: &[u8]) -> Result<String, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest, 3);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, 2, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, 2, u16::from_be_bytes);
    }
    match bom_less_utf16(bytes) {
        Some(true) => utf16(bytes, 0, u16::from_le_bytes),
        Some(false) => utf16(bytes, 0, u16::from_be_bytes),
        None => utf8(bytes, 0),
    }
}

/// Without a BOM, ASCII text written as UTF-16 shows a NUL in every other byte: `Some(true)`
/// for little-endian, `Some(false)` for big-endian.
fn bom_less_utf16(bytes: &[u8]) -> Option<bool> {
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 4 {
        return None;
    }
    let (even, odd) = head.chunks(2).fold((0, 0), |(e, o), c| (e + usize::from(c[0] == 0), o + usize::from(c[1] == 0)));
    let half = head.len() / 2;
    match (even, odd) {
        (0, o) if o == half => Some(true),
        (e, 0) if e == half => Some(false),
        _ => None,
    }
}

fn utf8(bytes: &[u8], base: usize) -> Result<String, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(DecodeError {
            message: format!(
                "the file is not valid UTF-8 (byte {} is not part of a character)",
                base + e.valid_up_to()
            ),
            offset: base + e.valid_up_to(),
            before: String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
        }),
    }
}

fn utf16(bytes: &[u8], base: usize, unit: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    if bytes.len() % 2 != 0 {
        let even = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
        return Err(DecodeError {
            message: format!("the UTF-16 text has an odd number of bytes ({}): it is cut short", bytes.len() + base),
            offset: base + bytes.len() - 1,
            before: char::decode_utf16(even).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)).collect(),
        });
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, r) in char::decode_utf16(units).enumerate() {
        match r {
            Ok(c) => out.push(c),
            Err(_) => {
                return Err(DecodeError {
                    message: format!("the UTF-16 text has an unpaired surrogate at byte {}", base + 2 * i),
                    offset: base + 2 * i,
                    before: out,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    #[test]
    fn decodes_every_accepted_encoding() {
        let text = "Windows Registry Editor Version 5.00\r\n\"é\"=\"ü\"\r\n";
        assert_eq!(decode(text.as_bytes()).unwrap(), text);
        assert_eq!(decode(&[&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat()).unwrap(), text);
        assert_eq!(decode(&le(text, true)).unwrap(), text);
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode(&be).unwrap(), text);
        assert_eq!(decode(&le("REGEDIT4\r\n", false)).unwrap(), "REGEDIT4\r\n");
    }

    #[test]
    fn bad_bytes_say_where() {
        assert_eq!(decode(b"ok\xff").unwrap_err().offset, 2);
        assert!(decode(&[0xFF, 0xFE, 0x41]).unwrap_err().message.contains("odd number"));
        assert!(decode(&[0xFF, 0xFE, 0x00, 0xD8]).unwrap_err().message.contains("surrogate"));
    }
}

#[cfg(test)]
mod owned_tests {
    /// `decode_owned` answers as `decode`, text and errors alike.
    #[test]
    fn owned_decoding_answers_as_borrowed() {
        let cases: [&[u8]; 8] = [
            b"",
            b"<a/>",
            b"\xef\xbb\xbf<a/>",
            b"\xef\xbb\xbf\xef\xbb\xbf<a/>",
            b"\xef\xbb\xbf<a>\xff</a>",
            b"<a>\xc3</a>",
            b"\xff\xfe<\x00a\x00/\x00>\x00",
            b"<\x00a\x00/\x00>\x00",
        ];
        for bytes in cases {
            let owned = super::decode_owned(bytes.to_vec()).map_err(|e| (e.message, e.offset, e.before));
            let borrowed = super::decode(bytes).map_err(|e| (e.message, e.offset, e.before));
            assert_eq!(owned, borrowed, "{bytes:?}");
        }
    }
}
