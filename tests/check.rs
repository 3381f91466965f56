//! `seglint check` end to end: every rule's failing and passing fixture, every row of the
//! version table, snapshots of the JSON findings and of a few rendered diagnostics.

mod common;
use common::*;

#[test]
fn every_rule_fires_on_its_failing_fixture_and_not_on_its_passing_one() {
    for (code, _) in seglint::lint::RULES {
        let (_, fail) = check_json(&format!("testdata/rules/{code}-fail.xml"), &[]);
        assert!(
            codes(&fail).contains(&code.to_string()),
            "{code} should fire on its failing fixture: {:?}",
            codes(&fail)
        );
        let (_, pass) = check_json(&format!("testdata/rules/{code}-pass.xml"), &[]);
        assert!(!codes(&pass).contains(&code.to_string()), "{code} should not fire on its passing fixture");
        assert!(pass["arrays"][0]["error"].is_null() && fail["arrays"][0]["error"].is_null());
    }
}

#[test]
fn json_findings_of_every_fixture() {
    insta::glob!("../testdata", "{rules/*.xml,versions/*/export.xml,examples/*/export.xml}", |path| {
        // Version samples are directories: the export plus its .reg / .settings files.
        let target =
            if path.starts_with(root().join("testdata/rules")) { rel(path) } else { rel(path.parent().unwrap()) };
        let (_, json) = check_json(&target, &[]);
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_json_snapshot!(json, {".tool.version" => "[version]"});
        });
    });
}

#[test]
fn rendered_diagnostics() {
    for (name, target) in [
        ("human_8.2.1", "testdata/versions/8.2.1"),
        ("human_7.2.3", "testdata/versions/7.2.3"),
        ("human_SEG203", "testdata/rules/SEG203-fail.xml"),
        ("human_SEG401", "testdata/rules/SEG401-fail.xml"),
    ] {
        let out = seglint().args(["check", "--color", "never", "--now", NOW, target]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(name, text);
        });
    }
}

#[test]
fn exit_codes_follow_the_contract() {
    let code = |args: &[&str]| seglint().args(args).output().unwrap().status.code();
    assert_eq!(code(&["check", "--now", NOW, "testdata/examples/clean-10.1"]), Some(0));
    assert_eq!(code(&["check", "--now", NOW, "testdata/rules/SEG102-fail.xml"]), Some(1));
    assert_eq!(code(&["check", "--now", NOW, "--fail-on", "never", "testdata/rules/SEG102-fail.xml"]), Some(0));
    // SEG103 is a warning: it fails only from --fail-on warning down.
    assert_eq!(code(&["check", "--now", NOW, "testdata/rules/SEG103-fail.xml", "--fail-on", "error"]), Some(0));
    assert_eq!(code(&["check", "--now", NOW, "testdata/rules/SEG103-fail.xml", "--fail-on", "warning"]), Some(1));
    assert_eq!(code(&["check", "--bogus", "x.xml"]), Some(2));
    assert_eq!(code(&["check", "--now", "28/11/2026", "x.xml"]), Some(2));
    assert_eq!(code(&["check", "--seg-version", "eight", "x.xml"]), Some(2));
    assert_eq!(code(&["check", "testdata/does-not-exist.xml"]), Some(3));
    // An unreadable array and one with findings: the highest code wins.
    assert_eq!(
        code(&["check", "--now", NOW, "testdata/rules/SEG102-fail.xml", "testdata/does-not-exist.xml"]),
        Some(3)
    );
    assert_eq!(code(&["--help"]), Some(0));
}

#[test]
fn a_bad_array_does_not_stop_the_others() {
    let (exit, json) = check_json("testdata/malformed/unclosed.xml", &["testdata/rules/SEG102-fail.xml"]);
    assert_eq!(exit, 3);
    let arrays = json["arrays"].as_array().unwrap();
    assert_eq!(arrays.len(), 2);
    assert!(arrays[0]["error"].is_null());
    assert!(arrays[1]["error"]["message"].as_str().unwrap().contains("malformed"), "{}", arrays[1]);
    assert!(codes(&json).contains(&"SEG102".to_string()));
    assert!(json["findings"].as_array().unwrap().iter().all(|f| f["array"] == "testdata/rules/SEG102-fail.xml"));
}

#[test]
fn every_malformed_input_is_exit_3_with_a_located_error() {
    for entry in std::fs::read_dir(root().join("testdata/malformed")).unwrap() {
        let path = entry.unwrap().path();
        if !(path.is_dir() || path.extension().is_some_and(|e| e == "xml")) {
            continue;
        }
        let target = rel(&path);
        let (exit, json) = check_json(&target, &[]);
        assert_eq!(exit, 3, "{target}");
        let error = &json["arrays"][0]["error"];
        assert!(error["message"].is_string(), "{target}: {json}");
        assert!(json["findings"].as_array().unwrap().is_empty(), "{target}");
    }
}

#[test]
fn the_seg_version_flag_overrides_the_export() {
    let (_, json) = check_json("testdata/rules/SEG102-fail.xml", &["--seg-version", "8.2.1"]);
    assert_eq!(json["arrays"][0]["product_version"], "8.2.1");
    assert!(!codes(&json).contains(&"SEG102".to_string()));
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let status = seglint()
        .args(["check", "--format", "json", "--now", NOW, "-o"])
        .arg(&out)
        .arg("testdata/rules/SEG102-fail.xml")
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1));
    assert!(status.stdout.is_empty());
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(json["schema"], "seglint/report/v1");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left behind");
}

#[test]
fn recursive_fleet_reports_each_array() {
    let (_, json) = check_json("testdata/versions", &["-r"]);
    let sources: Vec<&str> = json["arrays"].as_array().unwrap().iter().map(|a| a["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        [
            "testdata/versions/10.0.0",
            "testdata/versions/10.1.0",
            "testdata/versions/7.2.3",
            "testdata/versions/7.3.0",
            "testdata/versions/7.3.5",
            "testdata/versions/7.5.7",
            "testdata/versions/8.2.1"
        ]
    );
}
