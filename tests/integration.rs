//! The integration tests, one binary: each module drives the real `seglint` binary (or the
//! library) for one part of the product. One binary links once, where one per file linked the
//! crate fifteen times (time, and the disk of a CI machine).

mod common;

mod check;
mod ci;
mod docs;
mod fuzz;
mod headers;
mod html;
mod knowledge;
mod listen;
mod migrate;
mod probe;
mod properties;
mod reliability;
mod rules;
mod verify;
mod versions;
