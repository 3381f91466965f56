//! Reads a 10.x Advanced Settings list: one `Name = Value` per line, `#` comments,
//! blank lines ignored. A value that is a whole number is an Integer, `True`/`False` (any case)
//! a Boolean, anything else a String. It knows no rules and renders nothing.

use super::reg::Comment;
use crate::source::Span;
use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq)]
pub enum SettingsValue {
    Integer(i64),
    Boolean(bool),
    String(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SettingLine {
    pub name: String,
    pub name_span: Span,
    pub value: SettingsValue,
    pub value_span: Span,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct SettingsFile {
    pub entries: Vec<SettingLine>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(help(
    "write one setting per line as Name = Value, e.g. Receiver.SSLMethodTLSv1_0 = 0; # starts a comment"
))]
pub struct SettingsError {
    pub message: String,
    #[label("here")]
    pub span: SourceSpan,
}

pub fn parse(text: &str) -> Result<SettingsFile, SettingsError> {
    let mut file = SettingsFile { entries: Vec::new(), comments: Vec::new() };
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let at = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let t = line.trim();
        let start = at + (line.len() - line.trim_start().len());
        if t.is_empty() {
            continue;
        }
        if let Some(c) = t.strip_prefix('#') {
            if crate::model::is_suppression(c) {
                file.comments.push(Comment {
                    text: c.trim().to_string(),
                    span: Span::new(start, t.len()),
                    covers: None,
                });
            }
            continue;
        }
        for c in file.comments.iter_mut().rev().take_while(|c| c.covers.is_none()) {
            c.covers = Some(Span::new(start, t.len()));
        }
        let Some((name, value)) = t.split_once('=') else {
            return Err(SettingsError { message: format!("`{t}` has no `=`"), span: (start, t.len()).into() });
        };
        let name_trimmed = name.trim();
        if name_trimmed.is_empty() {
            return Err(SettingsError {
                message: "a setting has no name before `=`".into(),
                span: (start, t.len()).into(),
            });
        }
        let value_trimmed = value.trim();
        let eq = start + name.len();
        let value_start = eq + 1 + (value.len() - value.trim_start().len());
        let parsed = match value_trimmed.parse::<i64>() {
            Ok(n) if !value_trimmed.starts_with('+') => SettingsValue::Integer(n),
            _ if value_trimmed.eq_ignore_ascii_case("true") => SettingsValue::Boolean(true),
            _ if value_trimmed.eq_ignore_ascii_case("false") => SettingsValue::Boolean(false),
            _ => SettingsValue::String(value_trimmed.to_string()),
        };
        file.entries.push(SettingLine {
            name: name_trimmed.to_string(),
            name_span: Span::new(start, name_trimmed.len()),
            value: parsed,
            value_span: Span::new(value_start, value_trimmed.len()),
            span: Span::new(start, t.len()),
        });
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_values_and_comments_with_spans() {
        let text = "# seglint-allow SEG103: copied from the console\r\n# other\r\n  Receiver.SSLMethodTLSv1_0 = 0\r\n\r\nSender.TLSCipherList=HIGH:!aNULL\nServers.A.X = -3\nEmpty =\nSender.EnableDANE = tRUE\nB = False\nC = yes\n";
        let f = parse(text).unwrap();
        assert_eq!(f.comments.len(), 1, "only suppressions are kept");
        assert_eq!(f.comments[0].text, "seglint-allow SEG103: copied from the console");
        let covered = f.comments[0].covers.unwrap();
        assert_eq!(&text[covered.offset..covered.end()], "Receiver.SSLMethodTLSv1_0 = 0", "the next setting line");
        let e = &f.entries;
        assert_eq!(e[0].value, SettingsValue::Integer(0));
        assert_eq!(&text[e[0].name_span.offset..e[0].name_span.end()], "Receiver.SSLMethodTLSv1_0");
        assert_eq!(&text[e[0].value_span.offset..e[0].value_span.end()], "0");
        assert_eq!(e[1].value, SettingsValue::String("HIGH:!aNULL".into()));
        assert_eq!(e[2].value, SettingsValue::Integer(-3));
        assert_eq!(e[3].value, SettingsValue::String(String::new()));
        assert_eq!(e[4].value, SettingsValue::Boolean(true));
        assert_eq!(e[5].value, SettingsValue::Boolean(false));
        assert_eq!(e[6].value, SettingsValue::String("yes".into()));
    }

    #[test]
    fn lines_without_a_setting_are_errors() {
        for (text, bad) in [("Receiver.X 0\n", "Receiver.X 0"), ("ok = 1\n = 2\n", "= 2")] {
            let e = parse(text).unwrap_err();
            assert_eq!(&text[e.span.offset()..e.span.offset() + e.span.len()], bad);
        }
    }

    #[test]
    fn never_panics_on_random_input() {
        let mut seed: u64 = 42;
        for _ in 0..3000 {
            let text: String = (0..(seed % 120))
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ['=', '#', ' ', '\n', '\r', 'a', '1', '-', 'é', '.'][(seed >> 59) as usize % 10]
                })
                .collect();
            let _ = parse(&text);
        }
    }
}
