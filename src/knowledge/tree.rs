//! The built-in `versions`, `settings` and `migrate` data as build.rs parsed them: static trees
//! of strings, arrays and tables with the span of every value, and a serde deserializer over
//! them that does what toml's does for the same text (a `Spanned` gets the value's span, an
//! error the span of the innermost value it concerns), without lexing anything at start.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use std::fmt;
use std::ops::Range;

pub(super) struct Tree {
    span: Range<usize>,
    value: Value,
}

enum Value {
    Str(&'static str),
    Array(&'static [Tree]),
    Table(&'static [(&'static str, Tree)]),
}

/// The compiled trees, in the order of `super::EMBEDDED` (the catalog is compiled apart).
pub(super) static TREES: [Option<Tree>; 4] = include!(concat!(env!("OUT_DIR"), "/trees.rs"));

/// What a compiled file does not hold that its reader asked for.
#[derive(Debug)]
pub(super) struct Error {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error { message: message.to_string(), span: None }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Reads a compiled file as `toml::from_str` reads its text.
pub(super) fn read<T: de::DeserializeOwned>(root: &'static Tree) -> Result<T, Error> {
    T::deserialize(Node(root))
}

#[derive(Clone, Copy)]
struct Node(&'static Tree);

impl Node {
    fn within<T>(self, r: Result<T, Error>) -> Result<T, Error> {
        r.map_err(|mut e| {
            e.span.get_or_insert_with(|| self.0.span.clone());
            e
        })
    }
}

impl<'de> de::Deserializer<'de> for Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.within(match &self.0.value {
            Value::Str(s) => visitor.visit_str(s),
            Value::Array(items) => visitor.visit_seq(de::value::SeqDeserializer::new(items.iter().map(Node))),
            Value::Table(entries) => visitor.visit_map(Table { entries: entries.iter(), next: None }),
        })
    }

    /// TOML has no null: a value that is there is `Some`, a missing one is left to serde.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.within(visitor.visit_some(self))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.within(visitor.visit_newtype_struct(self))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if serde_spanned::de::is_spanned(name) {
            return visitor.visit_map(serde_spanned::de::SpannedDeserializer::new(self, self.0.span.clone()));
        }
        self.deserialize_any(visitor)
    }

    /// The rules data names enum variants by string (`kind = "risk"`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Str(s) => self.within(visitor.visit_enum((*s).into_deserializer())),
            _ => self.within(Err(de::Error::custom("wanted string or table"))),
        }
    }

    serde::forward_to_deserialize_any! {
        bool u8 u16 u32 u64 i8 i16 i32 i64 i128 u128 f32 f64 char str string seq
        bytes byte_buf map unit ignored_any unit_struct tuple_struct tuple identifier
    }
}

impl IntoDeserializer<'_, Error> for Node {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

struct Table {
    entries: std::slice::Iter<'static, (&'static str, Tree)>,
    next: Option<Node>,
}

impl<'de> de::MapAccess<'de> for Table {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.next = Some(Node(value));
        seed.deserialize(BorrowedStrDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let node = self.next.take().expect("serde asks for a value after its key");
        node.within(seed.deserialize(node))
    }
}
