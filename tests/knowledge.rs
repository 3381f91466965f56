//! The knowledge past 10.x, through the real binary: the inferred 11.x row, SEG107 (CVE-2014-2727)
//! with build parts, DANE (`Sender.EnableDANE`, a Boolean) in every input form and on every
//! version row, and where each finding's sources and rules data come from.

use crate::common::*;
use serde_json::Value;

fn explain(target: &str, extra: &[&str]) -> Value {
    let out = seglint().args(["explain", "--format", "json"]).args(extra).arg(target).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn outbound(e: &Value) -> &Value {
    e["postures"].as_array().unwrap().iter().find(|p| p["direction"] == "outbound").unwrap()
}

fn findings<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["findings"].as_array().unwrap().iter().filter(|f| f["code"] == code).collect()
}

/// A temporary array directory: `export.xml` plus the named extra files.
fn array_dir(export: &str, extra: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.xml"), export).unwrap();
    for (name, bytes) in extra {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn export(version: &str, outbound_tls: bool, settings: &str) -> String {
    format!(
        r#"<SegConfiguration productVersion="{version}" arrayName="Woodgrove">
  <SenderProperties><OutboundSecurity tlsEnabled="{outbound_tls}" minimumCipherStrength="Medium"/></SenderProperties>
  <Servers><Server name="SEG01"><InboundSecurity tlsEnabled="true" minimumCipherStrength="Medium"><Certificate subject="CN=seg01" issuer="CN=CA" notAfter="2027-06-01"/></InboundSecurity></Server></Servers>
  <AdvancedSettings>{settings}</AdvancedSettings>
</SegConfiguration>"#
    )
}

#[test]
fn the_11x_row_is_inferred_and_says_why() {
    // Every default of 11.x is inferred (no article states it); 10.x stays certain.
    for (version, evidence) in [("10.2.5.6043", "default"), ("11.0.0", "inferred"), ("11.1.0.100", "inferred")] {
        let e = explain("testdata/rules/SEG401-pass.xml", &["--seg-version", version]);
        let states = outbound(&e)["protocol_states"].as_array().unwrap();
        assert!(
            !states.is_empty() && states.iter().all(|s| s["allowed"]["evidence"] == evidence),
            "{version}: {states:?}"
        );
        assert_eq!(e["assumed"].is_string(), evidence == "inferred", "{version}");
        assert_eq!(e["covered"], true, "{version} is in a row");
    }
    let e = explain("testdata/rules/SEG401-pass.xml", &["--seg-version", "11.0.0"]);
    let tls10 = &outbound(&e)["protocol_states"][2]["allowed"];
    assert!(tls10["caveat"].as_str().unwrap().contains("11.x"), "{tls10}");
    assert!(tls10["sources"].as_array().unwrap().contains(&Value::from("Q21230")));

    // A finding resting on the row says "inferred" and why; an explicit switch on 11.x is
    // explicit, but the mechanism it relies on is assumed.
    let dir = array_dir(
        &export("11.1.0", true, r#"<Setting name="Receiver.SSLMethodTLSv1_0" type="Integer" value="0"/>"#),
        &[],
    );
    let (_, r) = check_json(dir.path().to_str().unwrap(), &[]);
    let sending = findings(&r, "SEG103").into_iter().find(|f| f["direction"] == "outbound").unwrap();
    assert_eq!((&sending["evidence"], &sending["confidence"]), (&Value::from("inferred"), &Value::from("inferred")));
    assert!(sending["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("11.x")), "{sending}");
    let e = explain(dir.path().to_str().unwrap(), &[]);
    let inbound = e["postures"].as_array().unwrap().iter().find(|p| p["server"] == "SEG01").unwrap();
    let switch = &inbound["protocol_states"][2]["allowed"];
    assert_eq!((&switch["evidence"], &switch["confidence"]), (&Value::from("explicit"), &Value::from("inferred")));
    // Human explain says so up front.
    let out = seglint().args(["explain", dir.path().to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("inferred: no article states the TLS defaults or settings of 11.x"), "{text}");
}

#[test]
fn seg107_judges_the_version_without_its_build() {
    for (version, fires) in [
        ("6.2.2.3503", true),
        ("7.1.9.4521", true),
        ("7.1", true),
        ("v7.2.0", false),
        ("7.2.0.100", false),
        ("7.2.2.6606", false),
        ("8.2.6.11305", false),
    ] {
        let (_, r) = check_json("testdata/rules/SEG107-fail.xml", &["--seg-version", version]);
        assert_eq!(!findings(&r, "SEG107").is_empty(), fires, "{version}");
    }
    let (exit, r) = check_json("testdata/rules/SEG107-fail.xml", &[]);
    assert_eq!(exit, 1);
    let f = findings(&r, "SEG107")[0];
    assert_eq!((&f["severity"], &f["server"], &f["direction"]), (&Value::from("error"), &Value::Null, &Value::Null));
    assert_eq!(f["sources"], serde_json::json!(["CVE-2014-2727"]));
    assert_eq!(f["location"]["line"], 3, "points at productVersion");
    // Given with --seg-version, no byte of the export decided.
    let (_, r) = check_json("testdata/rules/SEG107-pass.xml", &["--seg-version", "7.1.0"]);
    assert!(findings(&r, "SEG107")[0]["location"].is_null());
}

#[test]
fn dane_is_read_in_every_input_form() {
    let on_10_1 = |settings: &str, extra: &[(&str, &[u8])]| {
        let dir = array_dir(&export("10.1.0", true, settings), extra);
        let e = explain(dir.path().to_str().unwrap(), &[]);
        outbound(&e)["dane"].clone()
    };
    let xml = |ty: &str, value: &str| format!(r#"<Setting name="Sender.EnableDANE"{ty} value="{value}"/>"#);
    for (settings, on) in [
        (xml(r#" type="Boolean""#, "True"), true),
        (xml(r#" type="Boolean""#, "false"), false),
        (xml(r#" type="Boolean""#, "1"), true),
        (xml("", "TRUE"), true),
        (xml(r#" type="Integer""#, "1"), true),
        (xml(r#" type="Integer""#, "0"), false),
    ] {
        let dane = on_10_1(&settings, &[]);
        assert_eq!((&dane["value"], &dane["evidence"]), (&Value::from(on), &Value::from("explicit")), "{settings}");
    }
    for (line, on) in
        [("Sender.EnableDANE = True", true), ("sender.enabledane = fAlSe", false), ("Sender.EnableDANE = 1", true)]
    {
        let dane = on_10_1("", &[("tls.settings", format!("{line}\n").as_bytes())]);
        assert_eq!((&dane["value"], &dane["evidence"]), (&Value::from(on), &Value::from("explicit")), "{line}");
    }
    // Absent: off, the vendor default, stated by Q21213, and no finding.
    let dane = on_10_1("", &[]);
    assert_eq!((&dane["value"], &dane["evidence"]), (&Value::from(false), &Value::from("default")));
    assert_eq!(dane["sources"], serde_json::json!(["Q21213"]));
    let out = seglint().args(["explain", "testdata/examples/clean-10.1"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("DANE validation          off                      default"), "{text}");
}

#[test]
fn dane_on_every_version_row_and_bad_values() {
    let setting = r#"<Setting name="Sender.EnableDANE" type="Boolean" value="True"/>"#;
    // Before 10.1.0 the setting does not exist (SEG402); from 10.1.0 it is in effect.
    for (version, code) in [
        ("8.2.1", Some("SEG402")),
        ("10.0.0", Some("SEG402")),
        ("10.0.1", Some("SEG402")),
        ("10.1.0", None),
        ("11.1.0", None),
    ] {
        let dir = array_dir(&export(version, true, setting), &[]);
        let (_, r) = check_json(dir.path().to_str().unwrap(), &[]);
        let dane: Vec<&Value> =
            r["findings"].as_array().unwrap().iter().filter(|f| f["setting"] == "Sender.EnableDANE").collect();
        assert_eq!(dane.first().map(|f| f["code"].as_str().unwrap()), code, "{version}: {dane:?}");
        if let Some(f) = dane.first() {
            assert!(f["message"].as_str().unwrap().contains("10.1.0") || version == "8.2.1", "{f}");
            assert_eq!(f["direction"], "outbound");
        }
    }
    // A registry value on 8.x is no DANE switch either.
    let reg = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave\\Secure Email Gateway\\Default\\Sender]\r\n\"EnableDANE\"=dword:00000001\r\n";
    let dir = array_dir(&export("8.2.1", true, ""), &[("tls.reg", reg.as_bytes())]);
    let (_, r) = check_json(dir.path().to_str().unwrap(), &[]);
    assert!(
        r["findings"].as_array().unwrap().iter().any(|f| f["code"] == "SEG402" && f["setting"] == "EnableDANE"),
        "{r}"
    );
    // Values outside the Boolean space: SEG404, and DANE stays off.
    for (settings, file) in [
        (r#"<Setting name="Sender.EnableDANE" type="Boolean" value="maybe"/>"#, None),
        (r#"<Setting name="Sender.EnableDANE" type="Integer" value="2"/>"#, None),
        (r#"<Setting name="Sender.EnableDANE" type="String" value="True"/>"#, None),
        ("", Some("Sender.EnableDANE = yes\n")),
    ] {
        let extra: Vec<(&str, &[u8])> = file.iter().map(|f| ("tls.settings", f.as_bytes())).collect();
        let dir = array_dir(&export("10.1.0", false, settings), &extra);
        let (_, r) = check_json(dir.path().to_str().unwrap(), &[]);
        assert!(!findings(&r, "SEG404").is_empty(), "{settings}{file:?}: {:?}", codes(&r));
        assert!(findings(&r, "SEG310").is_empty(), "an ignored value does not switch DANE on");
    }
    // Elsewhere than Sender: an unknown setting, with the right name offered.
    let dir =
        array_dir(&export("10.1.0", true, r#"<Setting name="Receiver.EnableDANE" type="Boolean" value="True"/>"#), &[]);
    let (_, r) = check_json(dir.path().to_str().unwrap(), &[]);
    let f = findings(&r, "SEG403")[0];
    assert!(f["help"].as_str().unwrap().contains("Sender.EnableDANE"), "{f}");
}

#[test]
fn dane_never_changes_protocols_or_the_floor() {
    let plain = array_dir(&export("10.1.0", true, ""), &[]);
    let dane =
        array_dir(&export("10.1.0", true, r#"<Setting name="Sender.EnableDANE" type="Boolean" value="True"/>"#), &[]);
    let (a, b) = (explain(plain.path().to_str().unwrap(), &[]), explain(dane.path().to_str().unwrap(), &[]));
    for (pa, pb) in a["postures"].as_array().unwrap().iter().zip(b["postures"].as_array().unwrap()) {
        assert_eq!(pa["protocols"], pb["protocols"]);
        assert_eq!(pa["cipher_floor"]["value"], pb["cipher_floor"]["value"]);
    }
}

#[test]
fn seg310_needs_dane_on_and_outbound_tls_off() {
    let on = r#"<Setting name="Sender.EnableDANE" type="Boolean" value="True"/>"#;
    let off = r#"<Setting name="Sender.EnableDANE" type="Boolean" value="False"/>"#;
    for (tls, settings, fires) in [(false, on, true), (true, on, false), (false, off, false), (false, "", false)] {
        let dir = array_dir(&export("10.1.0", tls, settings), &[]);
        let (_, r) = check_json(dir.path().to_str().unwrap(), &[]);
        let found = findings(&r, "SEG310");
        assert_eq!(!found.is_empty(), fires, "tls {tls}, {settings:?}");
        if let Some(f) = found.first() {
            assert_eq!((&f["server"], &f["direction"]), (&Value::Null, &Value::from("outbound")));
            assert_eq!(f["sources"], serde_json::json!(["Q21213"]));
            assert_eq!(f["location"]["line"], 4);
        }
    }
}

#[test]
fn sources_name_the_facts_that_decided_the_finding() {
    // Regression: SEG102 on 8.2.1 cited every article of the rule, the 7.2.3 ForceTLSv1
    // article (Q11675) and a URL Categorizer article (Q20362) among them.
    let (_, r) = check_json("testdata/versions/8.2.1", &[]);
    let f = findings(&r, "SEG102")[0];
    let sources: Vec<&str> = f["sources"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert!(sources.contains(&"Q19541"), "{sources:?}");
    assert!(!sources.contains(&"Q11675") && !sources.contains(&"Q20362"), "{sources:?}");
    // A default cites its row's articles only.
    let (_, r) = check_json("testdata/rules/SEG103-fail.xml", &[]);
    assert!(!findings(&r, "SEG103").is_empty(), "the fixture fires SEG103");
    for f in findings(&r, "SEG103") {
        assert!(
            f["sources"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| ["Q19438", "Q19541", "Q21147"].contains(&s.as_str().unwrap())),
            "{f}"
        );
    }
}

#[test]
fn a_default_points_at_built_in_data_a_user_can_print() {
    // Regression: `rules/versions.toml:46` named a file users of the released binary do not have.
    let (_, r) = check_json("testdata/rules/SEG103-fail.xml", &[]);
    let data = &findings(&r, "SEG103")[0]["rules_data"];
    assert_eq!(data["file"], "built-in rules/versions.toml");
    assert_eq!(data["show"], "seglint rules --data versions");
    let line = data["line"].as_u64().unwrap() as usize;
    let out = seglint().args(["rules", "--data", "versions"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let shown = text.lines().find(|l| l.trim_start().starts_with(&format!("{line} │"))).unwrap();
    assert!(shown.contains("sending") || shown.contains("receiving"), "{shown}");
    let out =
        seglint().args(["check", "--color", "never", "--now", NOW, "testdata/rules/SEG103-fail.xml"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("`seglint rules --data versions` prints it"));
    assert_eq!(seglint().args(["rules", "--data", "nonsense"]).output().unwrap().status.code(), Some(2));
}

#[test]
fn fixes_follow_the_registry_layout_of_the_arrays_own_files() {
    // Regression: 7.x help named HKLM\SOFTWARE\Marshal\MailMarshal although the array's .reg
    // files use SOFTWARE\Wow6432Node\Marshal\MailMarshal.
    let (_, r) = check_json("testdata/versions/7.3.5", &[]);
    let helps: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["help"].as_str())
        .filter(|h| h.contains("Marshal\\MailMarshal"))
        .collect();
    assert!(!helps.is_empty());
    assert!(helps.iter().all(|h| h.contains("SOFTWARE\\Wow6432Node\\Marshal\\MailMarshal")), "{helps:?}");
    // The 8.2.1 sample writes its own hive without Wow6432Node (and a stray 7.x key with it).
    let (_, r) = check_json("testdata/versions/8.2.1", &[]);
    let helps: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["help"].as_str())
        .filter(|h| h.contains("Secure Email Gateway\\Default"))
        .collect();
    assert!(!helps.is_empty() && helps.iter().all(|h| !h.contains("Wow6432Node")), "{helps:?}");
    // An export without .reg files keeps the plain layout.
    let (_, r) = check_json("testdata/rules/SEG102-fail.xml", &[]);
    let helps: Vec<&str> = r["findings"].as_array().unwrap().iter().filter_map(|f| f["help"].as_str()).collect();
    assert!(!helps.is_empty() && helps.iter().all(|h| !h.contains("Wow6432Node")), "{helps:?}");
}
