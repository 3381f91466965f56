//! The one error type for inputs that cannot be used (exit 3): what is wrong, where, and what
//! would be accepted. Parsers of every format convert their own errors into it.
//! It knows no rules and renders nothing itself: the commands and `report::human` do.

use crate::source::{Excerpt, Span};
use miette::{Diagnostic, LabeledSpan, SourceCode};
use std::fmt;

#[derive(Debug, Clone)]
pub struct InputError {
    /// The file as the user should see it (`None` when the problem is not in one file).
    pub file: Option<String>,
    /// The lines around the span, to render it (never a copy of the whole file).
    pub excerpt: Option<Excerpt>,
    pub message: String,
    pub span: Option<Span>,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl InputError {
    pub fn new(message: impl Into<String>) -> Self {
        let message = crate::source::shorten_quoted(message.into());
        InputError { file: None, excerpt: None, message, span: None, label: None, help: None }
    }

    pub fn in_file(file: &str, text: &str, span: Option<Span>, message: impl Into<String>) -> Self {
        InputError {
            file: Some(file.to_string()),
            excerpt: span.map(|s| Excerpt::around(text, s)),
            message: crate::source::shorten_quoted(message.into()),
            span,
            label: None,
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adopts another parser's diagnostic: its message, first label and help.
    pub fn from_diagnostic(file: &str, text: &str, d: &dyn Diagnostic) -> Self {
        let first = d.labels().and_then(|mut l| l.next());
        let span = first.as_ref().map(|l| Span::new(l.offset(), l.len()));
        InputError {
            file: Some(file.to_string()),
            excerpt: span.map(|s| Excerpt::around(text, s)),
            message: crate::source::shorten_quoted(d.to_string()),
            span,
            label: first.and_then(|l| l.label().map(str::to_string)),
            help: d.help().map(|h| h.to_string()),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{file}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// Renders with the lines around the span when the error has them.
pub struct InputDiagnostic<'a> {
    pub error: &'a InputError,
    source: Option<crate::source::Window<'a, std::borrow::Cow<'a, str>>>,
    /// The span in the excerpt.
    span: Option<Span>,
}

impl<'a> InputDiagnostic<'a> {
    pub fn new(error: &'a InputError) -> Self {
        let (source, span) = match (&error.file, &error.excerpt, error.span) {
            (Some(f), Some(x), Some(s)) => {
                let text = crate::source::terminal_safe(&x.text);
                let window = crate::source::Window { name: f.clone(), text, lines: None, first: x.first };
                let at = s.offset.saturating_sub(x.start).min(x.text.len());
                (Some(window), Some(Span::new(at, s.len.min(x.text.len() - at))))
            }
            _ => (None, None),
        };
        InputDiagnostic { error, source, span }
    }
}

impl fmt::Debug for InputDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.error, f)
    }
}

impl fmt::Display for InputDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::source::escape_controls(&self.error.to_string()))
    }
}

impl std::error::Error for InputDiagnostic<'_> {}

impl Diagnostic for InputDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new("input-error"))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.error.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = crate::source::label(self.source.as_ref()?.text.as_ref(), self.span?);
        let label = self.error.label.clone().or_else(|| Some("here".into()));
        Some(Box::new(std::iter::once(LabeledSpan::new_primary_with_span(label, span))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `e` as it rendered when it kept the whole file.
    fn from_whole_file(e: &InputError, text: &str) -> String {
        let window = crate::source::Window {
            name: e.file.clone().unwrap(),
            text: crate::source::terminal_safe(text),
            lines: None,
            first: (0, 0),
        };
        let d = InputDiagnostic { error: e, source: Some(window), span: e.span };
        let mut out = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .render_report(&mut out, &d)
            .unwrap();
        out
    }

    /// The excerpt renders as the whole file did: the same line numbers, columns and snippet.
    #[test]
    fn an_error_renders_from_its_excerpt_as_from_the_whole_file() {
        let mut long: String = (1..=50).map(|i| format!("line {i}\n")).collect();
        long.push_str(&format!("{}BAD{}\n", "x".repeat(100_000), "y".repeat(100_000)));
        long.push_str("after\n");
        let cases = [
            (long.clone(), long.find("BAD").unwrap(), 3),
            ("a\nb = ?\nc\nd\n".to_string(), 6, 1),
            ("only ?".to_string(), 5, 1),
            (format!("{}é?{}", "é".repeat(5_000), "z".repeat(10)), 10_002, 1),
        ];
        for (text, at, len) in cases {
            let e = InputError::in_file("f.txt", &text, Some(Span::new(at, len)), "a bad value");
            assert!(e.excerpt.as_ref().unwrap().text.len() < 20_000);
            let mut out = String::new();
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                .render_report(&mut out, &InputDiagnostic::new(&e))
                .unwrap();
            assert_eq!(out, from_whole_file(&e, &text));
            assert!(out.contains("here"), "{out}");
        }
    }
}
