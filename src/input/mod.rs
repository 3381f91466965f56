//! Everything that turns files on disk into an `Array`: decoding, one parser per format, and
//! the loader that finds an array's files and merges them. Nothing here applies versions.

pub mod certificate;
pub mod decode;
mod error;
mod load;
pub mod reg;
pub mod settings;
pub mod xml;

pub use error::{InputDiagnostic, InputError};
pub use load::{ArraySpec, LoadOptions, discover, load, load_text, read_bounded, read_file_bounded, with_file};
