//! `seglint check` end to end: every rule's failing and passing fixture, every row of the
//! version table, snapshots of the JSON findings and of a few rendered diagnostics.

use crate::common::*;

#[test]
fn every_rule_fires_on_its_failing_fixture_and_not_on_its_passing_one() {
    use seglint::registry::{Origin, Rule};
    // Observed rules need a live server: tests/verify.rs fires each through `verify`.
    for code in Rule::ALL.iter().filter(|r| r.origin() != Origin::Observe).map(|r| r.code()) {
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
    let findings = json["findings"].as_array().unwrap();
    assert!(!findings.is_empty() && findings.iter().all(|f| f["array"] == "testdata/rules/SEG102-fail.xml"));
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

#[test]
fn certificate_files_win_over_the_attributes() {
    // A self-signed certificate whose file says serverAuth only and expired in 2025, while the
    // export's attributes claim a CA-issued certificate valid until 2030.
    let dir = tempfile::tempdir().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["mail01.contoso.com".to_string()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    params.not_after = rcgen::date_time_ymd(2025, 1, 1);
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    std::fs::create_dir(dir.path().join("certs")).unwrap();
    std::fs::write(dir.path().join("certs/mail01.pem"), cert.pem()).unwrap();
    let xml = std::fs::read_to_string(root().join("testdata/rules/SEG303-pass.xml")).unwrap().replace(
        "notAfter=\"2027-06-01\" enhancedKeyUsage=\"serverAuth clientAuth\"/>",
        "notAfter=\"2030-01-01\" enhancedKeyUsage=\"serverAuth clientAuth\" file=\"certs/mail01.pem\"/>",
    );
    std::fs::write(dir.path().join("export.xml"), xml).unwrap();
    let (_, json) = check_json(dir.path().to_str().unwrap(), &[]);
    let found = codes(&json);
    for code in ["SEG303", "SEG304", "SEG306"] {
        assert!(found.contains(&code.to_string()), "{code} from the file's own fields: {found:?}");
    }
    // A file that is not a certificate is an input error on the attribute.
    std::fs::write(dir.path().join("certs/mail01.pem"), "not a certificate").unwrap();
    let (exit, json) = check_json(dir.path().to_str().unwrap(), &[]);
    assert_eq!(exit, 3);
    assert!(json["arrays"][0]["error"]["message"].as_str().unwrap().contains("is not a PEM or DER X.509 certificate"));
}

#[test]
fn inputs_over_the_size_bound_are_refused() {
    let (exit, json) = check_json("testdata/rules/SEG102-fail.xml", &["--max-input-size", "100"]);
    assert_eq!(exit, 3);
    assert!(json["arrays"][0]["error"]["message"].as_str().unwrap().contains("more than the limit of 100"));
}

#[test]
fn json_of_every_malformed_input() {
    // Each file of malformed/ is one array; each directory (with its export.xml, or none) too.
    insta::glob!("../testdata", "malformed/{*.xml,*/export.xml,no-export/README.txt}", |path| {
        let target = if path.parent().unwrap().ends_with("malformed") {
            path.to_path_buf()
        } else {
            path.parent().unwrap().to_path_buf()
        };
        let (_, json) = check_json(&rel(&target), &[]);
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_json_snapshot!(json["arrays"][0]["error"]);
        });
    });
}

#[test]
fn suppressions_in_reg_and_settings_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("testdata/rules/SEG102-pass.xml"), dir.path().join("export.xml")).unwrap();
    let reg = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Marshal\\MailMarshal\\Default\\Sender]\r\n; seglint-allow SEG102: partner X until 2027\r\n\"SSLMethodSSLv3\"=dword:00000001\r\n";
    std::fs::write(dir.path().join("tls.reg"), reg).unwrap();
    let (_, json) = check_json(dir.path().to_str().unwrap(), &[]);
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SEG102" && f["direction"] == "outbound")
        .unwrap();
    assert_eq!(f["suppressed"]["reason"], "partner X until 2027");

    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("testdata/rules/SEG402-pass.xml"), dir.path().join("export.xml")).unwrap();
    std::fs::write(dir.path().join("tls.settings"), "# seglint-allow SEG102: partner X\nReceiver.SSLMethodSSLv3 = 1\n# seglint-allow SEG101\nReceiver.SSLMethodTLSv1_2 = 1\n").unwrap();
    let (_, json) = check_json(dir.path().to_str().unwrap(), &[]);
    let seg102: Vec<&serde_json::Value> =
        json["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "SEG102").collect();
    assert!(!seg102.is_empty() && seg102.iter().all(|f| f["suppressed"]["reason"] == "partner X"), "{seg102:?}");
    assert!(codes(&json).contains(&"SEG901".to_string()) && codes(&json).contains(&"SEG902".to_string()));
}

#[test]
fn config_ignore_skips_arrays_of_a_fleet() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["keep", "retired/old"] {
        std::fs::create_dir_all(dir.path().join(name)).unwrap();
        std::fs::copy(root().join("testdata/rules/SEG102-fail.xml"), dir.path().join(name).join("export.xml")).unwrap();
    }
    std::fs::write(dir.path().join("seglint.toml"), "ignore = [\"retired/**\"]\n").unwrap();
    let out = seglint().current_dir(dir.path()).args(["check", "-r", "--format", "json", "."]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources: Vec<&str> = json["arrays"].as_array().unwrap().iter().map(|a| a["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["./keep"]);
    // Regression: migrate -r walked past the config's ignore.
    let out = seglint()
        .current_dir(dir.path())
        .args(["migrate", "-r", "--format", "json", "--to", "10.1.0", "--fail-on", "never", "."])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // One array's migration is one report object, not a list of them.
    assert_eq!(json["array"], "./keep", "{json}");
}

#[test]
fn a_certificate_file_that_does_not_parse_says_what_and_where() {
    // Regression: a bad file was reported as `Parsing Error: NomError(Eof)`.
    let dir = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(root().join("testdata/rules/SEG303-pass.xml")).unwrap().replace(
        "enhancedKeyUsage=\"serverAuth clientAuth\"/>",
        "enhancedKeyUsage=\"serverAuth clientAuth\" file=\"mail01.cer\"/>",
    );
    std::fs::write(dir.path().join("export.xml"), &xml).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let der = rcgen::CertificateParams::new(vec!["a".to_string()]).unwrap().self_signed(&key).unwrap().der().to_vec();
    for (bytes, says) in [
        (der[..der.len() / 2].to_vec(), "the DER data ends early"),
        (b"-----BEGIN CERTIFICATE-----\nMIIB!!\n-----END CERTIFICATE-----\n".to_vec(), "base64"),
        (b"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n".to_vec(), "`-----BEGIN PRIVATE KEY-----`"),
        (b"subject=CN=mail01".to_vec(), "neither PEM text nor DER"),
        (Vec::new(), "the file is empty"),
    ] {
        std::fs::write(dir.path().join("mail01.cer"), &bytes).unwrap();
        let (exit, json) = check_json(dir.path().to_str().unwrap(), &[]);
        assert_eq!(exit, 3);
        let error = &json["arrays"][0]["error"];
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("mail01.cer") && message.contains("PEM or DER X.509") && message.contains(says),
            "{message}"
        );
        assert!(!message.contains("NomError"), "{message}");
        let at = xml.find("mail01.cer").unwrap();
        assert_eq!(error["location"]["offset"], at, "points at the file attribute");
    }
    // The whole certificate still reads.
    std::fs::write(dir.path().join("mail01.cer"), &der).unwrap();
    assert_ne!(check_json(dir.path().to_str().unwrap(), &[]).0, 3);
}

/// Runs seglint on a pseudo-terminal `columns` wide (tests/peers/pty_run.py); what it wrote.
fn on_terminal(columns: u16, args: &[&str]) -> String {
    let out = std::process::Command::new("python3")
        .current_dir(root())
        .arg("tests/peers/pty_run.py")
        .arg(columns.to_string())
        .arg(env!("CARGO_BIN_EXE_seglint"))
        .args(args)
        .output()
        .expect("python3 is needed for the pseudo-terminal of this test (.ci/run installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn diagnostics_wrap_at_the_terminals_width() {
    let args = ["check", "--now", NOW, "testdata/versions/8.2.1"];
    // Text lines wrap; source lines (with the `│` or `·` gutter) are shown whole.
    let widest = |text: &str| {
        text.lines().filter(|l| !l.contains('│') && !l.contains('·')).map(|l| l.chars().count()).max().unwrap_or(0)
    };
    let narrow = on_terminal(80, &args);
    assert!(narrow.contains("SEG102"), "{narrow}");
    assert!(widest(&narrow) <= 80, "{narrow}");
    assert!(widest(&on_terminal(200, &args)) > 80, "a wide terminal is used");
}

#[test]
fn control_characters_from_an_export_are_shown_escaped() {
    let (_dir, path, _) = variant(
        "testdata/versions/8.2.1/export.xml",
        "arrayName=\"Contoso Mail\"",
        "arrayName=\"Contoso\u{1b}]0;pwned\u{7}\"",
        "export.xml",
    );
    let out = seglint().args(["check", "--color", "never", "--now", NOW, path.to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "raw control characters reached the terminal");
    assert!(text.contains("Contoso\\u{1b}]0;pwned\\u{7}"), "{text}");
}

#[test]
fn quiet_prints_only_input_errors_and_the_summary_line() {
    let out = seglint()
        .args([
            "check",
            "-q",
            "--color",
            "never",
            "--now",
            NOW,
            "testdata/versions/8.2.1",
            "testdata/malformed/unclosed.xml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("unclosed.xml") && text.contains("malformed"), "the input error: {text}");
    assert!(!text.contains("SEG102"), "no findings: {text}");
    assert!(text.trim_end().ends_with("4 errors, 6 warnings, 1 info in 2 arrays; 1 could not be read"), "{text}");
}

#[test]
fn a_dash_reads_the_export_from_standard_input() {
    let export = std::fs::read(root().join("testdata/versions/8.2.1/export.xml")).unwrap();
    let out = seglint().args(["check", "--format", "json", "--now", NOW, "-"]).write_stdin(export).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["arrays"][0]["source"], "-");
    assert!(!json["findings"].as_array().unwrap().is_empty());
    assert!(json["findings"].as_array().unwrap().iter().any(|f| f["location"]["file"] == "-"), "{json}");
}

#[test]
fn emit_fix_writes_the_settings_that_clear_fixable_findings_and_the_rerun_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let array = dir.path().join("contoso");
    std::fs::create_dir(&array).unwrap();
    for f in ["export.xml", "tls.reg"] {
        std::fs::copy(root().join("testdata/versions/8.2.1").join(f), array.join(f)).unwrap();
    }
    let fix = dir.path().join("fix.reg");
    let out = seglint()
        .args(["check", "-q", "--now", NOW, "--emit-fix", fix.to_str().unwrap(), array.to_str().unwrap()])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("clears 5 of 11 findings"), "{said}");
    assert!(said.contains("not fixed by a setting: SEG106, SEG201, SEG204, SEG301 (MAIL02), SEG402, SEG501"), "{said}");
    let bytes = std::fs::read(&fix).unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xFE], "a .reg as regedit writes it (UTF-16LE)");
    // Imported beside the export, the fix leaves exactly what it said it would.
    std::fs::copy(&fix, array.join("zz-fix.reg")).unwrap();
    let (_, json) = check_json(array.to_str().unwrap(), &[]);
    let mut left = codes(&json);
    left.sort();
    assert_eq!(left, ["SEG106", "SEG201", "SEG204", "SEG301", "SEG402", "SEG501"]);
    // An existing file is not replaced; the wrong form is refused.
    let again = seglint()
        .args(["check", "--now", NOW, "--emit-fix", fix.to_str().unwrap(), "testdata/versions/8.2.1"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    let wrong = dir.path().join("fix.settings");
    let out = seglint()
        .args(["check", "--now", NOW, "--emit-fix", wrong.to_str().unwrap(), "testdata/versions/8.2.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("takes .reg settings"));
}

#[test]
fn emit_fix_on_10_x_writes_advanced_settings() {
    let dir = tempfile::tempdir().unwrap();
    let fix = dir.path().join("fix.settings");
    let out = seglint()
        .args(["check", "--now", NOW, "--emit-fix", fix.to_str().unwrap(), "testdata/versions/10.1.0"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("clears 3 of 5 findings (SEG103, SEG103 (SEG02), SEG502)"), "{said}");
    let text = std::fs::read_to_string(&fix).unwrap();
    assert!(text.lines().any(|l| l.starts_with("Sender.SSLMethodTLSv1_1 = 0")), "{text}");
    assert!(text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).all(|l| l.contains(" = ")), "{text}");
}
