//! Every row of the version table, through the real binary: the effective protocols per
//! direction and their evidence on the bundled sample arrays, and the defaults of each row on
//! a bare export (no settings), read back with `explain --format json`.

use crate::common::*;
use serde_json::Value;

fn explain(target: &str, extra: &[&str]) -> Value {
    let out = seglint().args(["explain", "--format", "json"]).args(extra).arg(target).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn effective(e: &Value, server: Option<&str>) -> Vec<String> {
    let p = e["postures"].as_array().unwrap().iter().find(|p| p["server"].as_str() == server).unwrap();
    p["protocols"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

fn evidence(e: &Value, server: Option<&str>, protocol: &str) -> String {
    let p = e["postures"].as_array().unwrap().iter().find(|p| p["server"].as_str() == server).unwrap();
    let s = p["protocol_states"].as_array().unwrap().iter().find(|s| s["protocol"] == protocol).unwrap();
    s["allowed"]["evidence"].as_str().unwrap().to_string()
}

#[test]
fn defaults_of_every_row_on_a_bare_export() {
    let rows: &[(&str, &[&str], &str, &str)] = &[
        ("7.2.3", &["SSLv2", "SSLv3", "TLSv1.0"], "default", "inferred"),
        ("7.2.4", &["SSLv2", "SSLv3", "TLSv1.0"], "inferred", "inferred"),
        ("7.3.0", &["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"], "default", "default"),
        ("7.3.4", &["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"], "default", "default"),
        ("7.3.5", &["TLSv1.0", "TLSv1.1", "TLSv1.2"], "default", "default"),
        ("7.5.7", &["TLSv1.0", "TLSv1.1", "TLSv1.2"], "default", "default"),
        ("8.2.1", &["TLSv1.0", "TLSv1.1", "TLSv1.2"], "default", "default"),
        ("10.0.0", &["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"], "default", "default"),
        ("10.0.1", &["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"], "default", "default"),
        ("10.2.0", &["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"], "default", "default"),
    ];
    for (version, protocols, sending, receiving) in rows {
        // SEG102-pass.xml is a 7.3.0 export whose settings are registry values; the bare
        // SEG401-pass.xml has none, so --seg-version shows each row's defaults.
        let e = explain("testdata/rules/SEG401-pass.xml", &["--seg-version", version]);
        assert_eq!(effective(&e, None), *protocols, "{version} sending");
        let inbound: Vec<String> =
            protocols.iter().map(|p| p.to_string()).filter(|p| p != "SSLv2" || version.starts_with("7.2")).collect();
        assert_eq!(
            effective(&e, Some("MAIL01")),
            inbound,
            "{version} receiving (SSLv2 needs a certificate only from 7.3.0)"
        );
        assert_eq!(evidence(&e, None, "TLSv1.0"), *sending, "{version} sending evidence");
        assert_eq!(evidence(&e, Some("MAIL01"), "TLSv1.0"), *receiving, "{version} receiving evidence");
    }
}

#[test]
fn the_sample_array_of_every_row() {
    // 7.2.3: ForceTLSv1 = 1 (UTF-16LE .reg, Wow6432Node path) makes sending TLSv1.0 alone.
    let e = explain("testdata/versions/7.2.3", &[]);
    assert_eq!(effective(&e, None), ["TLSv1.0"]);
    assert_eq!(evidence(&e, None, "SSLv3"), "explicit");
    assert_eq!(effective(&e, Some("RELAY01")), ["SSLv2", "SSLv3", "TLSv1.0"]);
    // 7.3.0: SSLv2 allowed array-wide; RELAY01 switches SSLv3 off for itself.
    let e = explain("testdata/versions/7.3.0", &[]);
    assert_eq!(effective(&e, Some("RELAY01")), ["SSLv2", "TLSv1.0", "TLSv1.1", "TLSv1.2"]);
    // 7.3.5: SSLv3 back on and TLSv1.0 off when receiving; TLSv1.1 off when sending.
    let e = explain("testdata/versions/7.3.5", &[]);
    assert_eq!(effective(&e, Some("MAIL02")), ["SSLv3", "TLSv1.1", "TLSv1.2"]);
    assert_eq!(effective(&e, None), ["TLSv1.0", "TLSv1.2"]);
    // 7.5.7: defaults, with a TLSCipherList.
    let e = explain("testdata/versions/7.5.7", &[]);
    assert_eq!(effective(&e, None), ["TLSv1.0", "TLSv1.1", "TLSv1.2"]);
    assert!(e["postures"][0]["cipher_list"]["value"].as_str().unwrap().starts_with("ALL:"));
    // 8.2.1: the 7.x-hive value and the TLSv1_3 switch have no effect.
    let e = explain("testdata/versions/8.2.1", &[]);
    assert_eq!(effective(&e, Some("MAIL01")), ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"]);
    // 10.0.0: the Receiver setting is ignored.
    let e = explain("testdata/versions/10.0.0", &[]);
    assert_eq!(effective(&e, Some("SEG01")), ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
    // 10.0.1+: Advanced Settings, a server's own value wins over the array-wide one.
    let e = explain("testdata/versions/10.1.0", &[]);
    assert_eq!(effective(&e, Some("SEG01")), ["TLSv1.2", "TLSv1.3"]);
    assert_eq!(effective(&e, Some("SEG02")), ["TLSv1.1", "TLSv1.2", "TLSv1.3"]);
    assert_eq!(effective(&e, None), ["TLSv1.1", "TLSv1.2", "TLSv1.3"]);
}

#[test]
fn verbose_lists_what_the_export_has_that_seglint_ignores() {
    let (_dir, path, _) = variant(
        "testdata/rules/SEG102-pass.xml",
        "<Servers>",
        "<Servers sortOrder=\"name\">\n    <Appliance model=\"x\"/>",
        "export.xml",
    );
    let out = seglint().args(["check", "-v", "--color", "never", "--now", NOW]).arg(&path).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ignored: attribute `sortOrder` on <Servers>"), "{text}");
    assert!(text.contains("ignored: element <Appliance>"), "{text}");
}
