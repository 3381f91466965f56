//! The repository documents its own inputs and rules: `docs/rules/` is generated from
//! `rules/catalog.toml` and must match it (SEGLINT_UPDATE_DOCS=1 rewrites it), the README links
//! the docs, and no file of the repository names a path outside it.

use crate::common::*;

fn fresh(path: &std::path::Path, text: &str, stale: &mut Vec<String>) {
    if std::env::var_os("SEGLINT_UPDATE_DOCS").is_some() {
        std::fs::write(path, text).unwrap();
    } else if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        stale.push(path.display().to_string());
    }
}

#[test]
fn the_rule_pages_match_the_catalog() {
    let k = seglint::knowledge::Knowledge::embedded().unwrap();
    let dir = root().join("docs/rules");
    let mut stale = Vec::new();
    for (_, doc) in k.docs() {
        fresh(&dir.join(format!("{}.md", doc.code)), &seglint::report::rules::page(doc), &mut stale);
    }
    fresh(&dir.join("README.md"), &seglint::report::rules::index(&k), &mut stale);
    assert!(
        stale.is_empty(),
        "stale (regenerate: SEGLINT_UPDATE_DOCS=1 cargo test --test integration docs::): {stale:?}"
    );
    // No page for a rule that does not exist.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let code = name.trim_end_matches(".md");
        assert!(name == "README.md" || seglint::registry::Rule::lookup(code).is_some(), "{name}");
    }
}

#[test]
fn the_readme_links_the_docs_and_nothing_points_outside_the_repository() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("docs/export-format.md") && readme.contains("docs/rules/"));
    let files = std::process::Command::new("git").current_dir(root()).args(["ls-files"]).output().unwrap();
    let listed = String::from_utf8_lossy(&files.stdout).into_owned();
    assert!(!listed.is_empty(), "git ls-files lists the repository's files");
    for file in listed.lines().filter(|f| f.ends_with(".md") || f.ends_with(".toml") || f.ends_with(".rs")) {
        let text = std::fs::read_to_string(root().join(file)).unwrap_or_default();
        assert!(!text.contains(concat!("../", "shared")), "{file} names a path outside the repository");
    }
}
