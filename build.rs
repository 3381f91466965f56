//! Checks the rules data at build time and compiles the rule catalog: every `rules/*.toml`
//! must parse (a broken one fails the build with the TOML error and its place), and
//! `rules/catalog.toml` (71 KB of documentation, which took more than half of every start to
//! parse) becomes Rust data the binary reads without parsing. The loader still checks it
//! against the rule registry at run time, and still parses a `catalog.toml` given with
//! `--rules DIR`, with the same diagnostics.

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
    for name in ["versions", "settings", "migrate"] {
        let (path, text) = read(name);
        if let Err(e) = toml::from_str::<toml::Table>(&text) {
            fail(&path, &text, e);
        }
    }
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
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.rs");
    std::fs::write(dest, out).expect("write the compiled catalog");
}
