//! seglint: a version-aware TLS linter, migration reporter and STARTTLS probe for Trustwave
//! MailMarshal / SEG arrays. The binary in `main.rs` is a thin shell around this library.

pub mod app;
pub mod cipher_string;
pub mod cli;
pub mod diff;
pub mod finding;
pub mod input;
pub mod knowledge;
pub mod lint;
pub mod migrate;
pub mod model;
pub mod policy;
pub mod posture;
pub mod probe;
pub mod remedy;
pub mod report;
pub mod source;
pub mod tls;
pub mod version;
