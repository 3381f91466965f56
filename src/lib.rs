//! seglint: a version-aware TLS linter, migration reporter and STARTTLS probe for Trustwave
//! MailMarshal / SEG arrays. The binary in `main.rs` is a thin shell around this library.

pub mod source;
pub mod tls;
