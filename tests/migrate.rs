//! `seglint migrate` end to end: every boundary, multi-hop order, no-ops, downgrades, usage
//! errors, the emitted settings proven by reading them back with `explain`.

mod common;
use common::*;
use serde_json::Value;

fn migrate(target: &str, args: &[&str]) -> (i32, Value) {
    let out = seglint().args(["migrate", "--format", "json", "--now", NOW]).args(args).arg(target).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), json)
}

fn protocols(v: &Value) -> Vec<String> {
    v["protocols"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect()
}

fn posture<'a>(report: &'a Value, server: Option<&str>) -> &'a Value {
    report["postures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["server"].as_str() == server)
        .unwrap_or_else(|| panic!("no posture for {server:?}"))
}

#[test]
fn multi_hop_lists_every_boundary_in_order() {
    let (_, r) = migrate("testdata/versions/7.2.3", &["--to", "10.1.0"]);
    assert_eq!(r["schema"], "seglint/migration/v1");
    assert_eq!(r["from"], "7.2.3");
    assert_eq!(r["crossed"], serde_json::json!(["7.3.0", "7.3.5", "7.5.7", "8.0.0", "10.0.0", "10.0.1"]));
    let boundaries: Vec<&str> = r["items"].as_array().unwrap().iter().filter_map(|i| i["boundary"].as_str()).collect();
    let mut sorted = boundaries.clone();
    sorted.sort_by_key(|b| semver::Version::parse(b).unwrap());
    assert_eq!(boundaries, sorted, "items follow the order of the boundaries");
    assert!(r["items"].as_array().unwrap().iter().all(|i| i["sources"].as_array().is_some()));
}

#[test]
fn before_and_after_follow_the_carry_rules() {
    // 7.2.3 with ForceTLSv1 = 1: sending is TLSv1.0 alone before; 7.3.0 drops ForceTLSv1.
    let (_, r) = migrate("testdata/versions/7.2.3", &["--to", "7.3.0"]);
    assert_eq!(protocols(&posture(&r, None)["before"]), ["TLSv1.0"]);
    assert_eq!(protocols(&posture(&r, None)["after"]), ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"]);
    assert_eq!(protocols(&posture(&r, Some("RELAY01"))["before"]), ["SSLv2", "SSLv3", "TLSv1.0"]);

    // Crossing 7.3.5 turns SSLv3 off even where a registry value allowed it.
    let (_, r) = migrate("testdata/versions/7.3.0", &["--to", "7.3.5"]);
    let relay01 = posture(&r, Some("RELAY01"));
    assert!(!protocols(&relay01["after"]).contains(&"SSLv3".to_string()));
    assert!(r["items"].as_array().unwrap().iter().any(|i| i["boundary"] == "7.3.5" && i["kind"] == "behaviour-change"));

    // 7.x registry values carry into 8.x (hive renamed); Low is shown as InsecureCompatibility.
    let (_, r) = migrate("testdata/versions/7.5.7", &["--to", "8.2.1"]);
    assert_eq!(posture(&r, None)["before"]["cipher_floor"], "Low");
    assert_eq!(posture(&r, None)["after"]["cipher_floor"], "InsecureCompatibility");
    assert!(r["items"].as_array().unwrap().iter().any(|i| i["boundary"] == "8.0.0"
        && i["kind"] == "risk"
        && i["message"].as_str().unwrap().contains("TLSCipherList")));

    // Registry values are not carried into 10.x: after shows the target's defaults.
    let (_, r) = migrate("testdata/versions/8.2.1", &["--to", "10.1.0"]);
    assert_eq!(protocols(&posture(&r, Some("MAIL01"))["after"]), ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
    assert!(
        r["items"].as_array().unwrap().iter().any(|i| i["kind"] == "setting-dropped" && i["confidence"] == "inferred")
    );
}

#[test]
fn ten_zero_zero_cannot_keep_a_non_default_posture() {
    let (exit, r) = migrate("testdata/versions/8.2.1", &["--to", "10.0.0"]);
    assert_eq!(exit, 1, "an error item fails at the default --fail-on error");
    assert!(r["items"].as_array().unwrap().iter().any(|i| i["severity"] == "error" && i["kind"] == "cannot-apply"));
    assert_eq!(r["settings"]["form"], "none");
}

#[test]
fn same_version_is_an_empty_change_list() {
    let (exit, r) = migrate("testdata/versions/8.2.1", &["--to", "8.2.1"]);
    assert_eq!(exit, 0);
    assert_eq!(r["direction"], "none");
    assert!(r["items"].as_array().unwrap().is_empty());
    assert!(r["postures"].as_array().unwrap().iter().all(|p| p["before"] == p["after"]));
}

#[test]
fn downgrade_says_so() {
    let (_, r) = migrate("testdata/versions/10.1.0", &["--to", "8.2.1"]);
    assert_eq!(r["direction"], "downgrade");
    assert_eq!(r["crossed"], serde_json::json!(["10.0.1", "10.0.0"]));
}

#[test]
fn bad_versions_are_usage_errors() {
    for args in [["--to", "ten"], ["--to", "8.2-rc1"]] {
        let out = seglint().arg("migrate").args(args).arg("testdata/versions/8.2.1").output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("accepted forms"));
    }
    let out = seglint().args(["migrate", "--to", "10.1.0", "--from", "x", "testdata/versions/8.2.1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Copies an array directory and adds the emitted settings file, then reads it back.
fn round_trip(array: &str, to: &str, goal: &str, ext: &str) -> (Value, Value) {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join(array)).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    let emitted = dir.path().join(format!("zz-seglint.{ext}"));
    let (_, report) = migrate(array, &["--to", to, "--goal", goal, "--emit-settings", emitted.to_str().unwrap()]);
    assert!(emitted.exists(), "settings written");
    let out = seglint().args(["explain", "--format", "json", "--seg-version", to]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    (report, serde_json::from_slice(&out.stdout).unwrap())
}

fn effective(explain: &Value, server: Option<&str>) -> Vec<String> {
    let p = explain["postures"].as_array().unwrap().iter().find(|p| p["server"].as_str() == server).unwrap();
    protocols(p)
}

#[test]
fn emitted_settings_give_the_intended_posture() {
    for (array, to, goal, ext) in [
        ("testdata/versions/7.3.5", "8.2.1", "keep", "reg"),
        ("testdata/versions/7.3.5", "8.2.1", "recommended", "reg"),
        ("testdata/versions/8.2.1", "10.1.0", "keep", "settings"),
        ("testdata/versions/8.2.1", "10.1.0", "recommended", "settings"),
        ("testdata/versions/7.3.0", "7.3.5", "keep", "reg"),
    ] {
        let (report, explain) = round_trip(array, to, goal, ext);
        for p in report["postures"].as_array().unwrap() {
            let server = p["server"].as_str();
            let want: Vec<String> = if goal == "keep" {
                protocols(&p["before"])
            } else if to.starts_with("10") {
                vec!["TLSv1.2".into(), "TLSv1.3".into()]
            } else {
                vec!["TLSv1.2".into()]
            };
            assert_eq!(effective(&explain, server), want, "{array} → {to} ({goal}), {server:?}");
        }
    }
}

#[test]
fn emitted_reg_is_what_regedit_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upgrade.reg");
    migrate(
        "testdata/versions/7.3.5",
        &["--to", "8.2.1", "--goal", "recommended", "--emit-settings", path.to_str().unwrap()],
    );
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xFE]);
    let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let text = String::from_utf16(&units).unwrap();
    assert!(text.starts_with("Windows Registry Editor Version 5.00\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    // Never over an existing file without --force.
    let out = seglint()
        .args(["migrate", "--to", "8.2.1", "--emit-settings"])
        .arg(&path)
        .arg("testdata/versions/7.3.5")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn markdown_and_human_reports() {
    for (name, format) in [("migrate_markdown", "markdown"), ("migrate_human", "human")] {
        let out = seglint()
            .args(["migrate", "--to", "10.1.0", "--format", format, "testdata/versions/7.2.3"])
            .output()
            .unwrap();
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(name, String::from_utf8(out.stdout).unwrap());
        });
    }
    insta::glob!("../testdata", "versions/*/export.xml", |path| {
        let (_, r) = migrate(&rel(path.parent().unwrap()), &["--to", "10.1.0"]);
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, snapshot_suffix => format!("migrate-{}", path.parent().unwrap().file_name().unwrap().to_string_lossy())}, {
            insta::assert_json_snapshot!(r);
        });
    });
}

#[test]
fn each_boundary_on_its_own() {
    for (array, from, to, boundary) in [
        ("testdata/versions/7.2.3", "7.2.3", "7.3.0", "7.3.0"),
        ("testdata/versions/7.3.0", "7.3.0", "7.3.5", "7.3.5"),
        ("testdata/versions/7.3.5", "7.3.5", "7.5.7", "7.5.7"),
        ("testdata/versions/7.5.7", "7.5.7", "8.0.0", "8.0.0"),
        ("testdata/versions/8.2.1", "8.2.1", "10.0.0", "10.0.0"),
        ("testdata/versions/10.0.0", "10.0.0", "10.0.1", "10.0.1"),
    ] {
        let (_, r) = migrate(array, &["--from", from, "--to", to]);
        assert_eq!(r["crossed"], serde_json::json!([boundary]), "{from} → {to}");
        let items = r["items"].as_array().unwrap();
        assert!(items.iter().any(|i| i["boundary"] == boundary), "{from} → {to}: no item for {boundary}");
        assert!(
            items.iter().filter(|i| i["boundary"] == boundary).all(|i| !i["sources"].as_array().unwrap().is_empty())
        );
    }
}
