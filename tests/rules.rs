//! The rule catalog: every rule documented under the fixed headings, codes stable (a snapshot
//! shows any rename or removal in review), lookups by code or name, and `--rules DIR` checks.

use crate::common::*;

#[test]
fn every_rule_is_documented() {
    let k = seglint::knowledge::Knowledge::embedded().unwrap();
    for &rule in seglint::registry::Rule::ALL {
        let (code, doc) = (rule.code(), k.doc(rule));
        assert_eq!(doc.name, rule.name());
        for (field, text) in [
            ("what", &doc.what),
            ("why", &doc.why),
            ("example", &doc.example),
            ("fix", &doc.fix),
            ("summary", &doc.summary),
        ] {
            assert!(text.trim().len() > 10, "{code}: `{field}` is too thin");
        }
        assert!(!doc.sources.is_empty() || code.starts_with("SEG9"), "{code} cites no source");
        let out = seglint().args(["rules", code]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        for heading in ["## What it checks", "## Why it matters", "## Example", "## How to fix it", "## Sources"] {
            assert!(text.contains(heading), "{code}: missing {heading}");
        }
    }
}

#[test]
fn the_code_list_is_stable() {
    let out = seglint().arg("rules").output().unwrap();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("rule_codes", String::from_utf8(out.stdout).unwrap());
    });
}

#[test]
fn rules_are_found_by_code_or_name() {
    let by_name = seglint().args(["rules", "sslv3-enabled"]).output().unwrap();
    let by_code = seglint().args(["rules", "seg102"]).output().unwrap();
    assert_eq!(by_name.stdout, by_code.stdout);
    let typo = seglint().args(["rules", "sslv3-enabeld"]).output().unwrap();
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean `sslv3-enabled`?"));
}

#[test]
fn bad_rules_data_is_a_configuration_error_pointing_into_the_toml() {
    let dir = tempfile::tempdir().unwrap();
    let versions = std::fs::read_to_string(root().join("rules/versions.toml")).unwrap().replacen(
        "\"TLSv1.2\", \"TLSv1.3\"]",
        "\"TLSv1.2\", \"TLSv9\"]",
        1,
    );
    std::fs::write(dir.path().join("versions.toml"), versions).unwrap();
    let out = seglint()
        .args(["check", "--color", "never", "--rules"])
        .arg(dir.path())
        .arg("testdata/rules/SEG102-fail.xml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`TLSv9` is not a protocol") && err.contains("versions.toml:"), "{err}");
}

#[test]
fn a_rules_directory_can_correct_a_fact() {
    // An administrator whose 8.x build keeps SSLv3 on by default says so in their own data.
    let dir = tempfile::tempdir().unwrap();
    let versions = std::fs::read_to_string(root().join("rules/versions.toml")).unwrap().replacen(
        "sending = [\"TLSv1.0\", \"TLSv1.1\", \"TLSv1.2\"]",
        "sending = [\"SSLv3\", \"TLSv1.0\", \"TLSv1.1\", \"TLSv1.2\"]",
        1,
    );
    std::fs::write(dir.path().join("versions.toml"), versions).unwrap();
    let (_, json) = check_json("testdata/rules/SEG103-fail.xml", &["--rules", dir.path().to_str().unwrap()]);
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SEG102")
        .expect("SEG102 from the corrected default");
    assert_eq!(f["evidence"], "default");
    assert!(f["location"].is_null());
    assert!(f["rules_data"]["file"].as_str().unwrap().ends_with("versions.toml"));
}

/// A documented example as the files of one array: one XML export, or `--- NAME` sections.
fn example_files(example: &str) -> Vec<(String, String)> {
    if !example.trim_start().starts_with("--- ") {
        return vec![("export.xml".into(), example.to_string())];
    }
    let mut files: Vec<(String, String)> = Vec::new();
    for line in example.lines() {
        match line.strip_prefix("--- ") {
            Some(name) => files.push((name.trim().to_string(), String::new())),
            None => {
                if let Some((_, text)) = files.last_mut() {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    files
}

#[test]
fn every_documented_example_fires_its_own_rule() {
    // Biome's way: the example a user reads in `seglint rules CODE` is real input for that rule.
    let k = seglint::knowledge::Knowledge::embedded().unwrap();
    for (rule, doc) in k.docs() {
        if rule.origin() == seglint::registry::Origin::Observe {
            // Raised only against live servers and senders (tests/verify.rs and tests/listen.rs fire each); the example shows
            // the command that does, and `check` never raises the rule.
            let shows = ["$ seglint verify", "$ seglint listen"].iter().any(|c| doc.example.contains(c));
            assert!(shows, "{rule}: the example does not show the command that raises it");
            assert!(doc.what.contains("never by `check`"), "{rule}: the docs do not say check never raises it");
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let files = example_files(&doc.example);
        assert!(files.iter().any(|(name, _)| name == "export.xml"), "{rule}: the example has no export");
        for (name, text) in &files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let (exit, json) = check_json(dir.path().to_str().unwrap(), &[]);
        assert_ne!(exit, 3, "{rule}: the example is not valid input: {}", json["arrays"][0]["error"]);
        assert!(
            codes(&json).contains(&rule.code().to_string()),
            "{rule}: its example does not fire it: {:?}",
            codes(&json)
        );
    }
}

#[test]
fn a_hypothetical_rule_needs_only_its_declaration_and_docs() {
    // The registry is the one list: the catalog must document exactly its rules, so a rule
    // declared without docs (or docs without a rule) fails to load, with a span.
    let k = seglint::knowledge::Knowledge::embedded().unwrap();
    assert_eq!(k.docs().count(), seglint::registry::Rule::ALL.len());
    let dir = tempfile::tempdir().unwrap();
    let catalog = std::fs::read_to_string(root().join("rules/catalog.toml")).unwrap();
    let extra = catalog.replacen("[[rule]]\ncode = \"SEG101\"", "[[rule]]\ncode = \"SEG199\"\nname = \"x\"\nseverity = \"error\"\nreported_per = \"array\"\nsummary = \"s\"\nwhat = \"w\"\nwhy = \"y\"\nexample = \"e\"\nfix = \"f\"\nsources = []\n\n[[rule]]\ncode = \"SEG101\"", 1);
    std::fs::write(dir.path().join("catalog.toml"), extra).unwrap();
    let out = seglint().args(["rules", "--rules"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`SEG199` is not a rule seglint implements"));
    let missing = catalog.replacen("code = \"SEG310\"", "code = \"SEG311\"", 1);
    std::fs::write(dir.path().join("catalog.toml"), missing).unwrap();
    let out = seglint().args(["rules", "--rules"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
