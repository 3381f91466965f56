//! seglint: a version-aware TLS linter, migration reporter and STARTTLS probe for Trustwave
//! MailMarshal / SEG arrays. The binary in `main.rs` is a thin shell around this library.
//!
//! Layers, lowest first; a module uses only the layers below it (README, "Layout"):
//! vocabulary (`vocab`, `registry`, `source`, `target`, `version`, `cipher_string`) → `model`
//! → `input` → `knowledge` → `remedy` → `posture` → `finding`, `lint`, `migrate`, `diff`,
//! `probe` → `verify` → `policy` → `report` → `cli` → `commands` (and `main`).
//!
//! It holds no code of its own: only the module tree.

pub mod cipher_string;
pub mod cli;
pub mod commands;
pub mod diff;
pub mod finding;
pub mod fix;
pub mod headers;
pub mod input;
pub mod knowledge;
pub mod lint;
pub mod listen;
pub mod migrate;
pub mod model;
pub mod parallel;
pub mod policy;
pub mod posture;
pub mod probe;
pub mod registry;
pub mod remedy;
pub mod report;
pub mod source;
pub mod suites;
pub mod target;
pub mod verify;
pub mod version;
pub mod vocab;
