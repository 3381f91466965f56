//! The one error type for inputs that cannot be used (exit 3): what is wrong, where, and what
//! would be accepted. Parsers of every format convert their own errors into it.
//! It knows no rules and renders nothing itself: the commands and `report::human` do.

use crate::source::Span;
use miette::{Diagnostic, LabeledSpan, SourceCode};
use std::fmt;

#[derive(Debug, Clone)]
pub struct InputError {
    /// The file as the user should see it (`None` when the problem is not in one file).
    pub file: Option<String>,
    /// The file's decoded text, for rendering the span.
    pub text: Option<String>,
    pub message: String,
    pub span: Option<Span>,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl InputError {
    pub fn new(message: impl Into<String>) -> Self {
        let message = crate::source::shorten_quoted(message.into());
        InputError { file: None, text: None, message, span: None, label: None, help: None }
    }

    pub fn in_file(file: &str, text: &str, span: Option<Span>, message: impl Into<String>) -> Self {
        InputError {
            file: Some(file.to_string()),
            text: Some(text.to_string()),
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
        InputError {
            file: Some(file.to_string()),
            text: Some(text.to_string()),
            message: crate::source::shorten_quoted(d.to_string()),
            span: first.as_ref().map(|l| Span::new(l.offset(), l.len())),
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

/// Renders with the file's text when there is one.
pub struct InputDiagnostic<'a> {
    pub error: &'a InputError,
    source: Option<crate::source::Window<'a, std::borrow::Cow<'a, str>>>,
}

impl<'a> InputDiagnostic<'a> {
    pub fn new(error: &'a InputError) -> Self {
        let source = match (&error.file, &error.text) {
            (Some(f), Some(t)) if error.span.is_some() => {
                Some(crate::source::Window { name: f.clone(), text: crate::source::terminal_safe(t), lines: None })
            }
            _ => None,
        };
        InputDiagnostic { error, source }
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
        let span = crate::source::label(self.source.as_ref()?.text.as_ref(), self.error.span?);
        let label = self.error.label.clone().or_else(|| Some("here".into()));
        Some(Box::new(std::iter::once(LabeledSpan::new_primary_with_span(label, span))))
    }
}
