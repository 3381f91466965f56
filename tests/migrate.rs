//! `seglint migrate` end to end: every boundary, multi-hop order, no-ops, downgrades, usage
//! errors, the emitted settings proven by reading them back with `explain`.

use crate::common::*;
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
    assert_eq!(r["crossed"], serde_json::json!(["7.3.0", "7.3.5", "7.5.7", "8.0.0", "10.0.0", "10.0.1", "10.1.0"]));
    let boundaries: Vec<&str> = r["items"].as_array().unwrap().iter().filter_map(|i| i["boundary"].as_str()).collect();
    let mut sorted = boundaries.clone();
    sorted.sort_by_key(|b| semver::Version::parse(b).unwrap());
    assert_eq!(boundaries, sorted, "items follow the order of the boundaries");
    // Regression: this once asserted only that `sources` is an array, which it always is.
    let boundary_items: Vec<&Value> =
        r["items"].as_array().unwrap().iter().filter(|i| i["boundary"].is_string()).collect();
    assert!(!boundary_items.is_empty());
    assert!(boundary_items.iter().all(|i| !i["sources"].as_array().unwrap().is_empty()), "{boundary_items:?}");
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
    let postures = r["postures"].as_array().unwrap();
    assert!(!postures.is_empty() && postures.iter().all(|p| p["before"] == p["after"]));
}

#[test]
fn downgrade_says_so() {
    let (_, r) = migrate("testdata/versions/10.1.0", &["--to", "8.2.1"]);
    assert_eq!(r["direction"], "downgrade");
    assert_eq!(r["crossed"], serde_json::json!(["10.1.0", "10.0.1", "10.0.0"]));
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
}

#[test]
fn migration_json_of_every_sample() {
    // Regression: these JSON snapshots were named after the Markdown and human test.
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

fn item<'a>(r: &'a Value, boundary: &str) -> Vec<&'a Value> {
    r["items"].as_array().unwrap().iter().filter(|i| i["boundary"] == boundary).collect()
}

#[test]
fn crossing_7_2_0_fixes_cve_2014_2727_and_a_downgrade_reintroduces_it() {
    let (_, up) = migrate("testdata/rules/SEG107-fail.xml", &["--to", "7.2.0.1"]);
    let fix = item(&up, "7.2.0");
    assert_eq!(fix.len(), 1, "{up}");
    assert!(fix[0]["message"].as_str().unwrap().contains("CVE-2014-2727"));
    assert_eq!(
        (&fix[0]["severity"], &fix[0]["sources"]),
        (&Value::from("info"), &serde_json::json!(["CVE-2014-2727"]))
    );
    let (exit, down) = migrate("testdata/rules/SEG107-pass.xml", &["--to", "7.1.9"]);
    let back = item(&down, "7.2.0");
    assert_eq!(back[0]["severity"], "error", "{down}");
    assert!(back[0]["message"].as_str().unwrap().starts_with("downgrading below 7.2.0"));
    assert_eq!(exit, 1, "an error item fails at the default --fail-on");
}

#[test]
fn crossing_10_1_0_names_dane_in_the_targets_form() {
    let (_, r) = migrate("testdata/versions/10.0.0", &["--to", "10.1.0"]);
    let dane = item(&r, "10.1.0");
    assert_eq!(dane.len(), 1, "{r}");
    let text = dane[0]["message"].as_str().unwrap();
    assert!(
        text.contains("off by default")
            && text.contains("Sender.EnableDANE = True")
            && text.contains("Advanced Settings"),
        "{text}"
    );
    assert_eq!(dane[0]["sources"], serde_json::json!(["Q21213"]));
    // Outbound TLS off: DANE cannot be used after the upgrade.
    let (_dir, path, _) = variant(
        "testdata/rules/SEG310-pass.xml",
        r#"tlsEnabled="true" minimumCipherStrength="Medium" offerClientCertificate"#,
        r#"tlsEnabled="false" minimumCipherStrength="Medium" offerClientCertificate"#,
        "off.xml",
    );
    // Regression: with outbound TLS off, the report said both that DANE "takes effect" and
    // that outbound TLS must be enabled first.
    let (_, r) = migrate(path.to_str().unwrap(), &["--from", "10.0.1", "--to", "10.2.0"]);
    let kinds: Vec<&str> = item(&r, "10.1.0").iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"risk") && !kinds.contains(&"behaviour-change"), "{kinds:?}");
    assert!(item(&r, "10.1.0").iter().any(|i| i["message"].as_str().unwrap().contains("SEG310")));
    // With outbound TLS on, the setting the export carries takes effect.
    let (_, r) = migrate("testdata/rules/SEG310-pass.xml", &["--from", "10.0.1", "--to", "10.2.0"]);
    let kinds: Vec<&str> = item(&r, "10.1.0").iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"behaviour-change") && !kinds.contains(&"risk"), "{kinds:?}");
    // Downgrading below 10.1.0 with DANE on drops it.
    let (_, r) = migrate("testdata/rules/SEG310-pass.xml", &["--to", "10.0.1"]);
    let dropped = item(&r, "10.1.0");
    assert!(
        dropped
            .iter()
            .any(|i| i["kind"] == "setting-dropped" && i["message"].as_str().unwrap().contains("Sender.EnableDANE")),
        "{r}"
    );
}

#[test]
fn crossing_11_0_0_says_what_is_assumed_and_11_1_0_names_mta_sts() {
    let (_, r) = migrate("testdata/versions/10.1.0", &["--to", "11.1.0"]);
    let eleven = item(&r, "11.0.0");
    assert_eq!(
        (eleven.len(), &eleven[0]["confidence"], &eleven[0]["kind"]),
        (1, &Value::from("inferred"), &Value::from("assumption"))
    );
    assert!(eleven[0]["message"].as_str().unwrap().contains("10.0.1 - 10.x"));
    assert!(eleven[0]["sources"].as_array().unwrap().contains(&Value::from("Q21230")));
    let sts = item(&r, "11.1.0");
    let text = sts[0]["message"].as_str().unwrap();
    assert!(text.contains("MTA-STS") && text.contains("MX routes") && text.contains("smart-host"), "{text}");
    assert_eq!(sts[0]["sources"], serde_json::json!(["Q21230"]));
    // Settings to apply on 11.x rest on the assumed mechanism.
    let (_, r) = migrate("testdata/versions/8.2.1", &["--to", "11.1.0"]);
    let apply: Vec<&Value> = r["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "apply-setting").collect();
    assert!(!apply.is_empty() && apply.iter().all(|i| i["confidence"] == "inferred"), "{apply:?}");
    let (_, r) = migrate("testdata/versions/8.2.1", &["--to", "10.2.0"]);
    let apply: Vec<&Value> = r["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "apply-setting").collect();
    assert!(!apply.is_empty() && apply.iter().all(|i| i["confidence"] == "certain"), "{apply:?}");
    // Within 11.x no boundary says it, so the report does once, unattached.
    let (_, r) = migrate("testdata/versions/10.1.0", &["--from", "11.0.0", "--to", "11.1.0"]);
    let said: Vec<&Value> = r["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "assumption").collect();
    assert_eq!(said.len(), 1, "{r}");
    assert_eq!(said[0]["confidence"], "inferred");
    // A downgrade from 11.x does not "reverse" an assumption.
    let (_, r) = migrate("testdata/versions/10.1.0", &["--from", "11.1.0", "--to", "10.2.0"]);
    assert!(!item(&r, "11.0.0")[0]["message"].as_str().unwrap().contains("reverses"));
    // Within 10.x nothing is assumed.
    let (_, r) = migrate("testdata/versions/10.1.0", &["--to", "10.2.5", "--goal", "recommended"]);
    let items = r["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|i| i["kind"] != "assumption"), "{r}");
}

#[test]
fn keeping_sslv3_alone_does_not_name_drown() {
    // Regression: the keep-posture risk named DROWN (an SSLv2 attack) when only SSLv3 came back.
    let (_, r) = migrate("testdata/rules/SEG102-fail.xml", &["--to", "8.2.1"]);
    let risks: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "risk")
        .map(|i| i["message"].as_str().unwrap())
        .filter(|m| m.starts_with("keeping"))
        .collect();
    assert!(!risks.is_empty(), "{r}");
    for m in risks {
        assert!(m.contains("POODLE") && !m.contains("DROWN"), "{m}");
    }
}

#[test]
fn migrate_takes_the_common_options_and_recursive() {
    // -r over a fleet: every array directory below the argument.
    let (exit, r) = migrate("testdata/versions", &["-r", "--to", "10.1.0", "--fail-on", "never"]);
    assert_eq!(exit, 0);
    assert_eq!(r.as_array().map(Vec::len), Some(7), "one report per sample array");
    // --seg-version stands in for the export's version, --rules for the built-in data.
    let (_, r) = migrate("testdata/rules/SEG401-pass.xml", &["--seg-version", "7.3.5", "--to", "8.2.1"]);
    assert_eq!(r["from"], "7.3.5");
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("rules/migrate.toml"))
        .unwrap()
        .replace("fixes the STARTTLS implementation", "FIXES THE STARTTLS IMPLEMENTATION");
    std::fs::write(dir.path().join("migrate.toml"), text).unwrap();
    let (_, r) = migrate("testdata/rules/SEG107-fail.xml", &["--rules", dir.path().to_str().unwrap(), "--to", "7.2.0"]);
    assert!(item(&r, "7.2.0")[0]["message"].as_str().unwrap().contains("FIXES"), "{r}");
    // The config's fail-on counts, the command line wins.
    let cfg = dir.path().join("seglint.toml");
    std::fs::write(&cfg, "fail-on = \"warning\"\n").unwrap();
    let (exit, _) = migrate("testdata/versions/7.3.0", &["--config", cfg.to_str().unwrap(), "--to", "7.3.5"]);
    assert_eq!(exit, 1, "7.3.5 turns SSLv3 off: a warning item");
    let (exit, _) =
        migrate("testdata/versions/7.3.0", &["--config", cfg.to_str().unwrap(), "--to", "7.3.5", "--fail-on", "error"]);
    assert_eq!(exit, 0);
    assert_eq!(migrate("testdata/versions/7.3.0", &["--color", "never", "--to", "7.3.5", "-q", "-v"]).0, 0);
}

/// Regression (found by tests/properties.rs): a server named `S0=` got the line
/// `Servers.S0=.SSLMethodSSLv3 = 0`, which a `.settings` reader takes as another setting. A
/// setting the file cannot hold is left out of it and named as an error, to enter by hand.
#[test]
fn a_setting_the_file_cannot_hold_is_left_out_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let export = r#"<SegConfiguration productVersion="10.1.0" arrayName="P"><Servers><Server name="S0=" role="Processing"><InboundSecurity tlsEnabled="true"/></Server></Servers><AdvancedSettings><Setting name="Servers.S0=.SSLMethodSSLv3" type="Integer" value="0"/></AdvancedSettings></SegConfiguration>"#;
    std::fs::write(dir.path().join("export.xml"), export).unwrap();
    let emitted = dir.path().join("apply.settings");
    let (code, r) = migrate(
        dir.path().to_str().unwrap(),
        &["--to", "10.1.0", "--goal", "recommended", "--emit-settings", emitted.to_str().unwrap()],
    );
    let text = std::fs::read_to_string(&emitted).unwrap();
    assert!(!text.contains("S0="), "{text}");
    assert!(r["settings"]["lines"].as_array().unwrap().iter().all(|l| !l.as_str().unwrap().contains("S0=")), "{r:#}");
    let cannot: Vec<&Value> = r["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "cannot-apply").collect();
    assert!(
        cannot
            .iter()
            .any(|i| i["message"].as_str().unwrap().contains("`Servers.S0=.SSLMethodSSLv3 = 0` cannot be written")),
        "{cannot:?}"
    );
    assert_eq!(code, 1, "an error item fails the run");
    // What is written reads back as a `.settings` file.
    let read = seglint::input::settings::parse(&text).unwrap();
    assert_eq!(read.entries.len(), r["settings"]["lines"].as_array().unwrap().len());
}
