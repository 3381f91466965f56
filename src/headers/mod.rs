//! `headers`: what delivered mail shows of SEG hops and their TLS (spec 8.4). Reads `.eml`
//! files, mbox files and pasted header blocks with mail-parser (mbox split by its
//! `MessageIterator`), reads each `Received:` field an SEG hop wrote (`received`), and with
//! `judge` holds the hops to the receiving server's inbound posture. No network; nothing here
//! prints or applies policy.

pub mod judge;
pub mod received;

use crate::input::InputError;
use crate::source::Span;
use received::Fields;
use serde::Serialize;

/// No header field may be longer than this.
pub const MAX_FIELD: usize = 1024 * 1024;

/// One SEG hop, where it was read.
#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    pub file: String,
    /// The line the `Received:` field starts on (1-based, in the file).
    pub line: usize,
    /// Which message of the file (1-based: mbox files hold several).
    pub message: usize,
    #[serde(flatten)]
    pub fields: Fields,
    /// The server of `--array` that wrote the hop, once `judge` identified it.
    pub server: Option<String>,
}

impl Hop {
    /// `FILE:LINE`, the observation's target.
    pub fn target(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// One message: its SEG hops newest first (the order of the fields), and the other hops.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub file: String,
    pub index: usize,
    /// The line the message starts on.
    pub line: usize,
    pub subject: Option<String>,
    pub hops: Vec<Hop>,
    /// Received fields no SEG hop wrote (shown with `--verbose`), unfolded.
    pub other_hops: Vec<String>,
}

/// The messages of one file's bytes: an mbox when it starts with `From `, else one message (an
/// `.eml` or a pasted header block).
pub fn read(display: &str, raw: &[u8]) -> Result<Vec<Message>, InputError> {
    if raw.contains(&0) && !raw.starts_with(&[0xFF, 0xFE]) && !raw.starts_with(&[0xFE, 0xFF]) {
        return Err(InputError::new(format!("{display}: binary data, not a message"))
            .help("give an .eml file, an mbox file, or the header block of a message as a mail client shows it"));
    }
    // A byte-order mark or UTF-16 (Notepad, PowerShell) is decoded; 8-bit header bytes that are
    // not UTF-8 are kept as replacement characters.
    let text = crate::input::decode::decode(raw).unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned());
    let text = text.trim_start_matches('\u{feff}');
    let bytes = text.as_bytes();
    if !bytes.starts_with(b"From ") {
        return Ok(vec![message(display, text, bytes, 1, 1)?]);
    }
    let mut out = Vec::new();
    let mut line = 1;
    let reader = std::io::BufReader::new(bytes);
    for (i, m) in mail_parser::mailbox::mbox::MessageIterator::new(reader).enumerate() {
        let m = m.map_err(|e| InputError::new(format!("{display}: cannot read the mbox: {e}")))?;
        let contents = m.contents();
        // The `From ` line, then the message; `>From ` lines keep their count when unescaped. A
        // `From ` line a body left unescaped starts no header block: it stays body text.
        let starts_message = contents.split(|&b| b == b'\n').next().is_some_and(|l| is_field(l.trim_ascii_start()));
        if i == 0 || starts_message {
            out.push(message(display, text, contents, out.len() + 1, line + 1)?);
        }
        line += 1 + contents.iter().filter(|&&b| b == b'\n').count();
    }
    if out.is_empty() {
        return Err(InputError::new(format!("{display}: an mbox without a message")));
    }
    Ok(out)
}

/// Line numbers of offsets met in increasing order, counting each byte once.
struct Lines<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, offset: usize) -> usize {
        let offset = offset.clamp(self.offset, self.bytes.len());
        self.line += self.bytes[self.offset..offset].iter().filter(|&&b| b == b'\n').count();
        self.offset = offset;
        self.line
    }
}

/// Whether a line can begin a header block: `Name: value`, the name printable ASCII.
fn is_field(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else { return false };
    colon > 0 && line[..colon].iter().all(|&b| b.is_ascii_graphic())
}

/// An error at `line` of the file, pointing at that line's text.
fn error_at(display: &str, text: &str, line: usize, message: String) -> InputError {
    let start: usize = text.split_inclusive('\n').take(line - 1).map(str::len).sum();
    let len = text[start.min(text.len())..].find('\n').unwrap_or(text.len().saturating_sub(start));
    InputError::in_file(display, text, Some(Span::new(start, len)), message)
}

/// One message's SEG hops; `first_line` is where its bytes start in the file.
fn message(display: &str, text: &str, bytes: &[u8], index: usize, first_line: usize) -> Result<Message, InputError> {
    // A pasted block may start with blank lines: skipped, and counted.
    let blank = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let skipped = bytes[..blank].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let first_line = first_line + bytes[..skipped].iter().filter(|&&b| b == b'\n').count();
    let bytes = &bytes[skipped..];
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    if !is_field(first.trim_ascii_start()) {
        return Err(error_at(
            display,
            text,
            first_line,
            format!("message {index} does not start with a header field (`Name: value`)"),
        )
        .help("give an .eml file, an mbox file, or the header block of a message as a mail client shows it"));
    }
    let parsed = mail_parser::MessageParser::default().parse_headers(bytes);
    let Some(parsed) = parsed.filter(|m| !m.headers().is_empty()) else {
        return Err(error_at(display, text, first_line, format!("message {index} is not a message: no header fields"))
            .help("give an .eml file, an mbox file, or the header block of a message as a mail client shows it"));
    };
    let mut m = Message {
        file: display.to_string(),
        index,
        line: first_line,
        subject: parsed.subject().map(String::from),
        hops: vec![],
        other_hops: vec![],
    };
    let mut lines = Lines { bytes, offset: 0, line: first_line };
    for h in parsed.headers() {
        let line = lines.at(h.offset_field as usize);
        let (start, end) = (h.offset_start as usize, (h.offset_end as usize).min(bytes.len()));
        if end.saturating_sub(h.offset_field as usize) > MAX_FIELD {
            return Err(error_at(
                display,
                text,
                line,
                format!("a header field over {MAX_FIELD} bytes: not a message seglint reads"),
            ));
        }
        if !matches!(h.name, mail_parser::HeaderName::Received) {
            continue;
        }
        let raw = String::from_utf8_lossy(&bytes[start.min(end)..end]);
        let unfolded = received::unfold(&raw);
        match received::read(&unfolded) {
            Ok(Some(fields)) => {
                m.hops.push(Hop { file: display.to_string(), line, message: index, fields, server: None })
            }
            Ok(None) => m.other_hops.push(unfolded),
            Err(e) => return Err(error_at(display, text, line, format!("an SEG Received field: {e}"))),
        }
    }
    Ok(m)
}

/// The version of the newest SEG hop that names one (the first field is the newest), for
/// `--seg-version-from`.
pub fn newest_version(messages: &[Message]) -> Option<semver::Version> {
    // Each message's newest versioned hop is its first; of those, the latest by date (an mbox
    // appends, so without dates the last message's).
    let date = |h: &Hop| {
        h.fields
            .date
            .as_deref()
            .and_then(mail_parser::DateTime::parse_rfc822)
            .filter(|d| d.is_valid())
            .map(|d| d.to_timestamp())
    };
    let hop = messages
        .iter()
        .filter_map(|m| m.hops.iter().find(|h| h.fields.version.is_some()))
        .enumerate()
        .max_by_key(|(i, h)| (date(h), *i))
        .map(|(_, h)| h)?;
    let core = hop.fields.version.as_deref()?;
    let text = match &hop.fields.build {
        Some(b) => format!("{core}.{b}"),
        None => core.to_string(),
    };
    crate::version::parse(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EML: &str = "Received: from mx1.contoso.example (Not Verified[10.0.0.5]) by seg01.contoso.example\r\n with Trustwave MailMarshal (v10, 2, 5,\r\n 6043) (using TLS: TLSv1.3, TLS_AES_256_GCM_SHA384)\r\n id <B0001>; Tue, 2 Jan 2024 10:00:01 +0000\r\nReceived: from mail-wr1.google.com (mail-wr1.google.com [209.85.221.41]) by mx1.contoso.example\r\n (Postfix) with ESMTPS id 4XyZ; Tue, 2 Jan 2024 10:00:00 +0000\r\nSubject: test\r\nFrom: a@b\r\n\r\nbody\r\n";

    #[test]
    fn an_eml_gives_its_seg_hops_with_their_lines() {
        let m = read("a.eml", EML.as_bytes()).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].hops.len(), 1);
        assert_eq!(m[0].hops[0].line, 1);
        assert_eq!(m[0].hops[0].fields.version.as_deref(), Some("10.2.5"));
        assert_eq!(m[0].other_hops.len(), 1);
        assert_eq!(m[0].subject.as_deref(), Some("test"));
        assert_eq!(newest_version(&m).map(|v| v.to_string()).as_deref(), Some("10.2.5+6043"));
    }

    #[test]
    fn an_mbox_gives_each_message_at_its_line() {
        let mbox = format!(
            "From a@b Tue Jan  2 10:00:00 2024\n{}\nFrom c@d Tue Jan  2 11:00:00 2024\n{}",
            EML.replace("\r\n", "\n"),
            EML.replace("\r\n", "\n")
        );
        let m = read("box.mbox", mbox.as_bytes()).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].hops[0].line, m[1].line), (2, 2 + EML.matches("\r\n").count() + 2));
        assert_eq!(m[1].hops[0].line, m[1].line);
    }

    #[test]
    fn what_is_not_a_message_is_an_error_with_its_line() {
        let e = read("x.txt", b"just some text\nwithout headers\n").unwrap_err();
        assert!(e.message.contains("does not start with a header field"), "{}", e.message);
        let bad = "Received: from a (Not Verified[192.0.2.1]) by mx with Trustwave SEG (v8,2) id <B1>; Tue, 2 Jan 2024 10:00:00 +0000\r\nSubject: x\r\n\r\n";
        let e = read("bad.eml", bad.as_bytes()).unwrap_err();
        assert!(e.message.contains("out of shape"), "{}", e.message);
        assert_eq!(e.span.map(|s| s.offset), Some(0));
    }
}
