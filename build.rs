//! Checks the rules data at build time and compiles it: every `rules/*.toml` must parse (a
//! broken one fails the build with the TOML error and its place). `rules/catalog.toml` (71 KB
//! of documentation) becomes Rust data the binary reads without parsing; `versions`,
//! `settings` and `migrate` become static trees with the span of every value
//! (`knowledge::tree`), which the loader deserializes as it would their text: lexing the TOML
//! took most of every start. The loader still validates what it reads, and still parses any
//! file given with `--rules DIR`, with the same diagnostics.

use serde::Deserialize;
use std::fmt::Write;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalog {
    rule: Vec<toml::Spanned<Doc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    code: String,
    name: String,
    severity: String,
    reported_per: String,
    summary: String,
    what: String,
    why: String,
    example: String,
    fix: String,
    sources: Vec<String>,
}

fn main() {
    for name in ["versions", "settings", "catalog", "migrate"] {
        println!("cargo::rerun-if-changed=rules/{name}.toml");
    }
    let read = |name: &str| {
        let path = format!("rules/{name}.toml");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        (path, text)
    };
    let fail = |path: &str, text: &str, e: toml::de::Error| -> ! {
        let at = e.span().map(|s| {
            let line = text[..s.start].matches('\n').count() + 1;
            format!(":{line}")
        });
        panic!("{path}{}: {}", at.unwrap_or_default(), e.message())
    };
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut trees = String::from("[\n");
    // In the order of `knowledge::EMBEDDED`; the catalog has its own compiled form below.
    for name in ["versions", "settings", "catalog", "migrate"] {
        if name == "catalog" {
            trees.push_str("    None,\n");
            continue;
        }
        let (path, text) = read(name);
        let root = toml::de::DeTable::parse(&text).unwrap_or_else(|e| fail(&path, &text, e));
        let span = root.span();
        let mut tree = String::new();
        table(&mut tree, &span, root.get_ref());
        let _ = writeln!(trees, "    Some({tree}),");
    }
    trees.push(']');
    std::fs::write(out_dir.join("trees.rs"), trees).expect("write the compiled rules data");
    let (path, text) = read("catalog");
    let catalog: Catalog = toml::from_str(&text).unwrap_or_else(|e| fail(&path, &text, e));
    let mut out = String::from("&[\n");
    for entry in &catalog.rule {
        let span = entry.span();
        let d = entry.get_ref();
        if !matches!(d.severity.as_str(), "error" | "warning" | "info") {
            let line = text[..span.start].matches('\n').count() + 1;
            panic!("{path}:{line}: {}: `{}` is not a severity (error, warning, info)", d.code, d.severity);
        }
        let _ = writeln!(
            out,
            "    CompiledDoc {{ span: {}..{}, code: {:?}, name: {:?}, severity: {:?}, reported_per: {:?}, summary: {:?}, what: {:?}, why: {:?}, example: {:?}, fix: {:?}, sources: &{:?} }},",
            span.start,
            span.end,
            d.code,
            d.name,
            d.severity,
            d.reported_per,
            d.summary,
            d.what,
            d.why,
            d.example,
            d.fix,
            d.sources
        );
    }
    out.push(']');
    std::fs::write(out_dir.join("catalog.rs"), out).expect("write the compiled catalog");
}

/// A parsed TOML value as the Rust expression of a `knowledge::tree::Tree`: the value with
/// the span of every key and value, so that the loader reads it as it reads the text.
fn tree(out: &mut String, value: &toml::Spanned<toml::de::DeValue<'_>>) {
    use toml::de::DeValue;
    let span = value.span();
    match value.get_ref() {
        DeValue::String(s) => {
            let _ = write!(out, "Tree {{ span: {span:?}, value: Value::Str({:?}) }}", s.as_ref());
        }
        DeValue::Array(items) => {
            let _ = write!(out, "Tree {{ span: {span:?}, value: Value::Array(&[");
            for item in items.iter() {
                tree(out, item);
                out.push(',');
            }
            out.push_str("]) }");
        }
        DeValue::Table(t) => table(out, &span, t),
        // The tree holds what the rules data uses; another kind of value needs `Value` to grow
        // (and toml's parsed numbers cannot be built outside the toml crate).
        other => panic!(
            "rules data: a {} at bytes {span:?} cannot be compiled; only strings, arrays and tables",
            other.type_str()
        ),
    }
}

fn table(out: &mut String, span: &std::ops::Range<usize>, t: &toml::de::DeTable<'_>) {
    let _ = write!(out, "Tree {{ span: {span:?}, value: Value::Table(&[");
    for (key, value) in t.iter() {
        let _ = write!(out, "({:?}, ", key.get_ref().as_ref());
        tree(out, value);
        out.push_str("),");
    }
    out.push_str("]) }");
}
