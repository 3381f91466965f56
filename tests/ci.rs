//! The CI ecosystem around `check`: SARIF against the official schema, GitHub annotations,
//! JUnit, config files, inline suppressions, baselines, `diff`, `init`, completions.

use crate::common::*;
use serde_json::Value;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = seglint().args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("testdata/schemas/sarif-2.1.0.json")).unwrap())
            .unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    for target in [
        "testdata/versions/8.2.1",
        "testdata/versions/7.2.3",
        "testdata/ci/suppressions.xml",
        "testdata/examples/clean-10.1",
        // Regression: no target was malformed, so the failed-run branch below never ran.
        "testdata/malformed/unclosed.xml",
    ] {
        let (_, out, _) = run(&["check", "--format", "sarif", "--now", NOW, target]);
        let sarif: Value = serde_json::from_str(&out).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{target}: {errors:#?}");
        let run0 = &sarif["runs"][0];
        let failed = target.contains("malformed");
        assert_eq!(run0["invocations"][0]["executionSuccessful"], !failed, "{target}");
        assert_eq!(run0["invocations"][0]["toolExecutionNotifications"].as_array().unwrap().is_empty(), !failed);
        assert_eq!(run0["tool"]["driver"]["rules"].as_array().unwrap().len(), seglint::registry::Rule::ALL.len());
        for rule in run0["tool"]["driver"]["rules"].as_array().unwrap() {
            let s: f64 = rule["properties"]["security-severity"].as_str().unwrap().parse().unwrap();
            let expected = match rule["defaultConfiguration"]["level"].as_str().unwrap() {
                "error" => 8.0,
                "warning" => 5.0,
                _ => 2.0,
            };
            assert_eq!(s, expected, "{}", rule["id"]);
        }
        assert!(run0["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap().starts_with("file:///"));
        assert!(run0["tool"]["driver"]["informationUri"].is_null(), "no address that does not exist");
        for r in run0["results"].as_array().unwrap() {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            assert!(region["startLine"].as_u64().unwrap() >= 1, "every result has a line: {r}");
            assert!(r["partialFingerprints"]["seglintFindingHash/v2"].as_str().unwrap().len() == 16);
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
            assert!(!artifact["uri"].as_str().unwrap().starts_with('/'), "never absolute: {artifact}");
        }
    }
}

#[test]
fn github_annotations_follow_the_workflow_command_format() {
    let (_, out, _) = run(&["check", "--format", "github", "--now", NOW, "testdata/versions/8.2.1"]);
    assert!(!out.is_empty());
    for line in out.lines() {
        let (command, rest) = line.strip_prefix("::").unwrap().split_once(' ').unwrap();
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        let (props, message) = rest.split_once("::").unwrap();
        assert!(!message.is_empty() && !message.contains('\n'));
        for prop in props.split(',') {
            let (key, value) = prop.split_once('=').unwrap_or_else(|| panic!("{prop} in {line}"));
            assert!(["file", "line", "col", "title", "endLine", "endColumn"].contains(&key), "{key}");
            assert!(!value.contains(':') && !value.contains(','), "escaped: {value}");
            if key == "line" || key == "col" {
                value.parse::<u32>().unwrap();
            }
        }
    }
    assert!(
        out.contains("::error file=testdata/versions/8.2.1/tls.reg,line=4,col=1,title=SEG102 sslv3-enabled::"),
        "{out}"
    );
}

/// The test cases of a JUnit report: (name, outcome) with outcome `pass`, `failure`, `error` or
/// `skipped`; and the root's counts. Fails on XML that is not well-formed.
fn junit_cases(xml: &str) -> (Vec<(String, String)>, [usize; 4]) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut cases, mut totals) = (Vec::new(), [0; 4]);
    let attr = |e: &quick_xml::events::BytesStart<'_>, name: &str| {
        e.try_get_attribute(name)
            .unwrap()
            .map(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned())
            .unwrap_or_default()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.name().as_ref() == "testsuites" => {
                for (i, key) in ["tests", "failures", "errors", "skipped"].iter().enumerate() {
                    totals[i] = attr(&e, key).parse().unwrap();
                }
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testcase" => {
                cases.push((attr(&e, "name"), "pass".to_string()));
            }
            Event::Start(e) | Event::Empty(e) if ["failure", "error", "skipped"].contains(&e.name().as_ref()) => {
                cases.last_mut().unwrap().1 = e.name().as_ref().to_string();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (cases, totals)
}

#[test]
fn junit_has_one_case_per_finding_and_one_per_clean_rule() {
    let args = [
        "check",
        "--format",
        "junit",
        "--now",
        NOW,
        "testdata/rules/SEG102-fail.xml",
        "testdata/rules/SEG102-pass.xml",
    ];
    let (_, out, _) = run(&args);
    let (cases, totals) = junit_cases(&out);
    // `check` evaluates every rule but the observed ones (SEG6xx are `verify`'s and `listen`'s).
    let judged =
        seglint::registry::Rule::ALL.iter().filter(|r| r.origin() != seglint::registry::Origin::Observe).count();
    let mut findings = Vec::new();
    let mut expected = 0;
    for file in &args[5..] {
        let (_, json) = check_json(file, &[]);
        let mine = json["findings"].as_array().unwrap().clone();
        let rules: std::collections::HashSet<String> =
            mine.iter().map(|f| f["code"].as_str().unwrap().to_string()).collect();
        expected += judged - rules.len() + mine.len();
        findings.extend(mine);
    }
    assert_eq!(cases.len(), expected);
    assert!(!out.contains("SEG601"), "check does not evaluate observed rules");
    let failing = cases.iter().filter(|(_, o)| o == "failure").count();
    assert_eq!(failing, findings.iter().filter(|f| f["severity"] == "error").count(), "--fail-on error");
    assert_eq!(totals, [cases.len(), failing, 0, 0], "the counts are exact");
    let sslv3: Vec<&String> = cases.iter().map(|(n, _)| n).filter(|n| n.starts_with("SEG102")).collect();
    assert!(sslv3.iter().any(|n| n.as_str() == "SEG102 sslv3-enabled (MAIL01)"), "rule and server: {sslv3:?}");
    assert!(out.contains("testdata/rules/SEG102-fail.xml:3:"), "file:line in the message");
}

#[test]
fn junit_of_an_unreadable_array_skips_its_rules_instead_of_passing_them() {
    let (_, out, _) = run(&["check", "--format", "junit", "--now", NOW, "testdata/malformed/unclosed.xml"]);
    let (cases, totals) = junit_cases(&out);
    assert_eq!(cases[0], ("input".to_string(), "error".to_string()));
    assert!(cases[1..].iter().all(|(_, o)| o == "skipped"), "{cases:?}");
    assert_eq!(totals, [cases.len(), 0, 1, cases.len() - 1]);
}

#[test]
fn junit_with_a_control_character_in_a_setting_name_is_well_formed_xml() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xml");
    let export = "<SegConfiguration productVersion=\"8.2.1\">\n  <Registry>\n    <Key path=\"HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave\\Secure Email Gateway\\Default\\Sender\">\n      <Value name=\"SSLMethod\u{1b}[31mSSLv3\u{7}\" type=\"REG_DWORD\">1</Value>\n    </Key>\n  </Registry>\n</SegConfiguration>\n";
    std::fs::write(&path, export).unwrap();
    let (_, out, _) =
        run(&["check", "--format", "junit", "--fail-on", "warning", "--now", NOW, path.to_str().unwrap()]);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "forbidden characters are dropped");
    assert!(out.contains("SSLMethod[31mSSLv3"), "the name is still there, less the control characters: {out}");
    let (cases, _) = junit_cases(&out);
    assert!(!cases.is_empty());
}

/// GitHub-flavoured Markdown rendered by cmark-gfm (a counterpart `.ci/run` installs).
fn gfm(markdown: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("cmark-gfm")
        .args(["--extension", "table", "--extension", "strikethrough"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("cmark-gfm is needed for this test (.ci/run installs it: apt-get install cmark-gfm)");
    child.stdin.take().unwrap().write_all(markdown.as_bytes()).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

#[test]
fn markdown_summary_comes_first_then_findings_with_fix_and_sources() {
    let (_, out, _) = run(&[
        "check",
        "--format",
        "markdown",
        "--now",
        NOW,
        "testdata/versions/8.2.1",
        "testdata/malformed/unclosed.xml",
    ]);
    assert!(out.starts_with("## seglint: "));
    let summary = out.find("| array | errors | warnings | info |").unwrap();
    let details = out.find("| severity | rule | server | direction | finding | where | fix | sources |").unwrap();
    assert!(summary < details);
    assert!(out.contains("| testdata/malformed/unclosed.xml | could not be read |"), "{out}");
    assert!(!out.contains("default default"), "{out}");
    assert!(
        out.contains("default (built-in rules/versions.toml:"),
        "a version default says where it is defined: {out}"
    );
    assert!(out.contains("| Q19541, Q21147 |"), "sources per finding: {out}");
}

#[test]
fn markdown_cells_with_angle_brackets_and_underscores_stay_text_in_gfm() {
    // SEG402's and SEG106's messages name HKEY_LOCAL_MACHINE\… and Servers.<name>.-style text.
    let (_dir, path, _) = variant(
        "testdata/versions/8.2.1/export.xml",
        "<Server name=\"MAIL02\"",
        "<Server name=\"MAIL<b>02</b>_x_\"",
        "export.xml",
    );
    let (_, out, _) = run(&["check", "--format", "markdown", "--now", NOW, path.to_str().unwrap()]);
    let html = gfm(&out);
    assert!(!html.contains("<b>") && html.contains("MAIL&lt;b&gt;02&lt;/b&gt;_x_"), "{html}");
    assert!(!html.contains("<em>"), "underscores are not emphasis: {html}");
    let rows = html.matches("<tr>").count();
    let (_, json) = check_json(path.to_str().unwrap(), &[]);
    // Header rows of the two tables, one summary row, one row per finding: no cell split by a `|`.
    assert_eq!(rows, 2 + 1 + json["findings"].as_array().unwrap().len(), "{html}");
}

#[test]
fn markdown_over_max_bytes_keeps_the_summary_and_counts_what_it_left_out() {
    let (_, out, _) =
        run(&["check", "--format", "markdown", "--now", NOW, "--max-bytes", "3000", "testdata/versions/8.2.1"]);
    assert!(out.len() <= 3000, "{} bytes", out.len());
    assert!(out.contains("| array | errors | warnings | info |"));
    assert!(out.contains("findings left out"), "{out}");
}

#[test]
fn github_annotations_start_with_a_summary_and_stop_at_the_limit() {
    let (_, out, _) =
        run(&["check", "--format", "github", "--now", NOW, "--max-annotations", "2", "testdata/versions/8.2.1"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("::notice title=seglint summary::4 errors, 6 warnings, 1 info in 1 array"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("SEG103 2"), "counts per rule: {}", lines[0]);
    let annotated: Vec<&&str> = lines.iter().filter(|l| l.contains("title=SEG")).collect();
    assert_eq!(annotated.len(), 2);
    assert!(annotated.iter().all(|l| l.starts_with("::error")), "the most severe first: {annotated:?}");
    assert!(lines.last().unwrap().contains("9 of 11 findings are not annotated"), "{out}");
}

#[test]
fn github_input_error_without_a_location_still_names_a_file() {
    let (_, out, _) = run(&["check", "--format", "github", "--now", NOW, "testdata/malformed/bad-utf16"]);
    let error = out.lines().find(|l| l.starts_with("::error")).unwrap();
    assert!(error.starts_with("::error file=testdata/malformed/bad-utf16"), "{error}");
}

#[test]
fn config_file_typos_are_diagnostics_with_suggestions() {
    let (code, _, err) = run(&[
        "check",
        "--color",
        "never",
        "--config",
        "testdata/ci/seglint-typo.toml",
        "testdata/rules/SEG102-fail.xml",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `legacy-tls-enabled`?"), "{err}");
    assert!(err.contains("seglint-typo.toml:5:1"), "{err}");
    let (code, _, err) = run(&[
        "check",
        "--color",
        "never",
        "--config",
        "testdata/ci/seglint-badkey.toml",
        "testdata/rules/SEG102-fail.xml",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `fail-on`?"), "{err}");
}

#[test]
fn config_levels_and_flags() {
    // seglint.toml: SEG103 allowed, SEG102 a warning, fail-on warning.
    let (code, json) = check_json("testdata/rules/SEG102-fail.xml", &["--config", "testdata/ci/seglint.toml"]);
    assert_eq!(code, 1);
    assert!(!codes(&json).contains(&"SEG103".to_string()));
    let seg102: Vec<&Value> = json["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "SEG102").collect();
    assert!(!seg102.is_empty() && seg102.iter().all(|f| f["severity"] == "warning"), "{seg102:?}");
    // Flags win over the file.
    let (code, json) = check_json(
        "testdata/rules/SEG102-fail.xml",
        &["--config", "testdata/ci/seglint.toml", "--allow", "SEG102", "--fail-on", "error"],
    );
    assert_eq!(code, 0);
    assert!(codes(&json).is_empty(), "{:?}", codes(&json));
    let (code, _) = check_json("testdata/rules/SEG103-fail.xml", &["--deny", "legacy-tls-enabled"]);
    assert_eq!(code, 1);
    assert_eq!(run(&["check", "--deny", "SEG999", "testdata/rules/SEG103-fail.xml"]).0, 2);
}

#[test]
fn inline_suppressions_need_a_reason_and_a_match() {
    let (code, json) = check_json("testdata/ci/suppressions.xml", &["--fail-on", "error"]);
    let findings = json["findings"].as_array().unwrap();
    let suppressed: Vec<&Value> = findings.iter().filter(|f| f["suppressed"].is_object()).collect();
    assert_eq!(suppressed.len(), 2, "{findings:#?}");
    assert!(
        suppressed
            .iter()
            .any(|f| f["server"] == "MAIL01" && f["suppressed"]["reason"] == "legacy partner until 2027-03")
    );
    assert!(codes(&json).contains(&"SEG901".to_string()));
    assert!(findings.iter().any(|f| f["code"] == "SEG902" && f["message"].as_str().unwrap().contains("SEG404")));
    // Both SEG102 findings are suppressed: the remaining errors are none, so exit 0.
    assert_eq!(code, 0);
    assert_eq!(json["suppressed"], 2);
    assert_eq!(json["summary"]["error"], 0);
}

#[test]
fn a_baseline_survives_reformatting_and_reports_fixed_entries() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_str().unwrap();
    let (code, _, err) = run(&["check", "--now", NOW, "--write-baseline", b, "testdata/versions/8.2.1"]);
    assert_eq!(code, 1);
    assert!(err.contains("wrote baseline"));
    // The same array, reordered and reformatted, in another directory: nothing is new.
    let (code, json) = check_json("testdata/ci/reordered-8.2.1", &["--baseline", b]);
    assert_eq!(code, 0, "{}", serde_json::to_string_pretty(&json["baseline"]).unwrap());
    assert_eq!(json["baseline"]["new"], 0);
    assert!(json["baseline"]["fixed"].as_array().unwrap().is_empty());
    // A baseline entry that no longer matches is reported as fixed.
    let mut recorded: Value = serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    recorded["findings"].as_array_mut().unwrap().push(serde_json::json!({"fingerprint": "0000000000000000", "code": "SEG101", "array": "Contoso Mail", "server": null, "direction": "outbound", "setting": "SSLMethodSSLv2", "message": "gone"}));
    std::fs::write(&baseline, serde_json::to_string(&recorded).unwrap()).unwrap();
    let (_, json) = check_json("testdata/versions/8.2.1", &["--baseline", b]);
    assert_eq!(json["baseline"]["fixed"][0]["code"], "SEG101");

    // The other formats agree: known findings do not shout, the fixed entry is listed.
    let (code, human, _) =
        run(&["check", "--now", NOW, "--color", "never", "--baseline", b, "testdata/versions/8.2.1"]);
    assert_eq!(code, 0);
    assert!(!human.contains("SSLv3 is allowed"), "known findings are not rendered in full:\n{human}");
    assert!(human.contains("11 findings already in the baseline"), "{human}");
    assert!(human.contains("baseline ") && human.contains("0 new, 11 known, 1 fixed or stale"), "{human}");
    assert!(human.contains("fixed: SEG101 (Contoso Mail, outbound, SSLMethodSSLv2): gone"), "{human}");
    let (_, verbose, _) = run(&["check", "--now", NOW, "-v", "--baseline", b, "testdata/versions/8.2.1"]);
    assert!(verbose.contains("in the baseline: SEG102 sslv3-enabled: SSLv3 is allowed"), "{verbose}");
    let (_, github, _) =
        run(&["check", "--now", NOW, "--format", "github", "--baseline", b, "testdata/versions/8.2.1"]);
    assert!(!github.contains("title=SEG"), "no annotations for known findings: {github}");
    assert!(github.starts_with("::notice title=seglint summary::0 errors"), "only the summary: {github}");
    let (_, markdown, _) =
        run(&["check", "--now", NOW, "--format", "markdown", "--baseline", b, "testdata/versions/8.2.1"]);
    assert!(markdown.contains("~~error~~ (baseline)") && markdown.contains("- fixed: SEG101 gone"), "{markdown}");
    let (_, sarif, _) = run(&["check", "--now", NOW, "--format", "sarif", "--baseline", b, "testdata/versions/8.2.1"]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.iter().all(|r| r["baselineState"] == "unchanged"));
}

#[test]
fn allowed_findings_are_told_in_one_line_each() {
    let (code, out, _) = run(&["check", "--now", NOW, "--color", "never", "testdata/ci/suppressions.xml"]);
    assert_eq!(code, 0, "warnings do not fail at the default fail-on (error)\n{out}");
    assert!(!out.contains("× SSLv3"), "suppressed errors are not rendered as errors:\n{out}");
    assert!(out.contains("allowed: SEG102 sslv3-enabled: SSLv3 is allowed when receiving on MAIL01 (SEG 7.3.0) [error] (reason: legacy partner until 2027-03)"), "{out}");
    assert!(out.contains("(no reason given, see SEG901)"), "{out}");
    assert!(out.contains("0 errors, 4 warnings, 0 info in 1 array; 2 allowed by seglint-allow"), "{out}");
}

#[test]
fn diff_reports_posture_changes_and_introduced_findings() {
    let (code, out, _) = run(&[
        "diff",
        "--format",
        "json",
        "--now",
        NOW,
        "testdata/rules/SEG102-pass.xml",
        "testdata/rules/SEG102-fail.xml",
    ]);
    assert_eq!(code, 1, "SEG102 is introduced");
    let d: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["schema"], "seglint/diff/v1");
    let introduced = d["introduced"].as_array().unwrap();
    assert!(!introduced.is_empty() && introduced.iter().all(|f| f["code"] == "SEG102"), "{introduced:?}");
    assert!(d["resolved"].as_array().unwrap().is_empty());
    assert!(
        d["postures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["direction"] == "outbound" && p["after"]["protocols"][0] == "SSLv3")
    );
    // The other way round the change resolves it: nothing introduced, exit 0.
    let (code, out, _) = run(&[
        "diff",
        "--format",
        "json",
        "--now",
        NOW,
        "testdata/rules/SEG102-fail.xml",
        "testdata/rules/SEG102-pass.xml",
    ]);
    assert_eq!(code, 0);
    let d: Value = serde_json::from_str(&out).unwrap();
    assert!(!d["resolved"].as_array().unwrap().is_empty());
    let (_, md, _) = run(&[
        "diff",
        "--format",
        "markdown",
        "--now",
        NOW,
        "testdata/rules/SEG102-pass.xml",
        "testdata/rules/SEG102-fail.xml",
    ]);
    assert!(md.contains("### Introduced findings"));
}

#[test]
fn init_writes_a_starter_once() {
    let dir = tempfile::tempdir().unwrap();
    let status = |args: &[&str]| seglint().current_dir(dir.path()).args(args).output().unwrap().status.code();
    assert_eq!(status(&["init"]), Some(0));
    let text = std::fs::read_to_string(dir.path().join("seglint.toml")).unwrap();
    assert!(seglint::policy::parse_config("seglint.toml", &text).is_ok(), "the starter file is valid");
    assert_eq!(status(&["init"]), Some(2), "never over an existing file without --force");
    assert_eq!(status(&["init", "--force"]), Some(0));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, out, _) = run(&["completions", shell]);
        assert_eq!(code, 0);
        assert!(out.contains("seglint") && out.contains("migrate"), "{shell}");
    }
}

#[test]
fn pre_commit_hook_definition_runs_check() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("id: seglint") && hooks.contains("entry: seglint check"));
}

#[test]
fn sarif_regions_count_code_points_not_bytes() {
    let (_dir, path, text) = variant(
        "testdata/rules/SEG201-fail.xml",
        "arrayName=\"Contoso Mail\"",
        "arrayName=\"Zürich Maïl ✉\"",
        "export.xml",
    );
    let (_, out, _) = run(&["check", "--now", NOW, "--format", "sarif", path.to_str().unwrap()]);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let result = sarif["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "SEG201").unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let offset = region["charOffset"].as_u64().unwrap() as usize;
    let length = region["charLength"].as_u64().unwrap() as usize;
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(chars[offset..offset + length].iter().collect::<String>(), "Low", "{region}");
}

#[test]
fn diff_does_not_resolve_an_exposure_that_is_still_there() {
    // Regression: base turns off only TLSv1.0 inbound, head turns off nothing; diff printed
    // "resolved: TLSv1.1 is allowed…" although TLSv1.1 is still allowed in HEAD.
    let base = r#"<SegConfiguration productVersion="10.1.0" arrayName="D">
  <SenderProperties><OutboundSecurity tlsEnabled="true" minimumCipherStrength="Medium"/></SenderProperties>
  <Servers><Server name="S1"><InboundSecurity tlsEnabled="true" minimumCipherStrength="Medium"><Certificate subject="CN=a" issuer="CN=b"/></InboundSecurity></Server></Servers>
  <AdvancedSettings><Setting name="Receiver.SSLMethodTLSv1_0" type="Integer" value="0"/></AdvancedSettings>
</SegConfiguration>"#;
    let dir = tempfile::tempdir().unwrap();
    let (b, h) = (dir.path().join("base.xml"), dir.path().join("head.xml"));
    std::fs::write(&b, base).unwrap();
    std::fs::write(&h, base.replace(r#"<Setting name="Receiver.SSLMethodTLSv1_0" type="Integer" value="0"/>"#, ""))
        .unwrap();
    let (bs, hs) = (b.to_str().unwrap(), h.to_str().unwrap());
    let (exit, out, _) = run(&["diff", "--format", "json", "--fail-on", "warning", bs, hs]);
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(d["resolved"].as_array().unwrap().is_empty(), "{}", d["resolved"]);
    let introduced = d["introduced"].as_array().unwrap();
    assert_eq!(introduced.len(), 1, "TLSv1.0 comes back: {introduced:?}");
    assert_eq!((&introduced[0]["code"], &introduced[0]["server"]), (&"SEG103".into(), &"S1".into()));
    assert!(introduced[0]["was"].as_str().unwrap().starts_with("TLSv1.1 is allowed"));
    assert_eq!(exit, 1);
    let (_, out, _) = run(&["diff", bs, hs]);
    assert!(out.contains("findings resolved: 0"), "{out}");
    // The other way round, the finding narrows (TLSv1.1 stays): not resolved, and it says what remains.
    let (exit, out, _) = run(&["diff", "--format", "json", "--fail-on", "warning", hs, bs]);
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(d["resolved"].as_array().unwrap().is_empty() && d["introduced"].as_array().unwrap().is_empty(), "{d}");
    let narrowed = d["narrowed"].as_array().unwrap();
    assert_eq!(narrowed.len(), 1);
    assert!(narrowed[0]["now"].as_str().unwrap().starts_with("TLSv1.1 is allowed"));
    assert_eq!(exit, 0, "narrowing introduces nothing");
    let (_, out, _) = run(&["diff", hs, bs]);
    assert!(
        out.contains("findings resolved: 0")
            && out.contains("findings narrowed: 1")
            && out.contains("(now: TLSv1.1 is allowed"),
        "{out}"
    );
}

#[test]
fn check_recursive_on_a_tree_without_an_array_says_so() {
    // Regression: with -r given, the help still said "use --recursive".
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let (exit, _, err) = run(&["check", "-r", dir.path().to_str().unwrap()]);
    let (_, out, _) = run(&["check", "-r", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(exit, 3);
    let message = serde_json::from_str::<serde_json::Value>(&out).unwrap()["arrays"][0]["error"].to_string();
    assert!(message.contains("or any directory below it") && !message.contains("--recursive"), "{message}");
    assert!(!err.contains("use --recursive"), "{err}");
    // Without -r the hint to use it stays.
    let (_, out, _) = run(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert!(out.contains("use --recursive"), "{out}");
}

#[test]
fn sarif_uris_with_a_space_a_percent_and_a_non_ascii_letter_are_valid_uri_references() {
    let dir = tempfile::tempdir().unwrap();
    let array = dir.path().join("exports/Zürich 100%");
    std::fs::create_dir_all(&array).unwrap();
    std::fs::copy(root().join("testdata/versions/8.2.1/export.xml"), array.join("export.xml")).unwrap();
    let out = seglint()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif", "--now", NOW, "exports/Zürich 100%"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(!uris.is_empty());
    for uri in uris {
        assert_eq!(uri, "exports/Z%C3%BCrich%20100%25/export.xml");
    }
    // With --sarif-root, relative to that directory.
    let out = seglint()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif", "--now", NOW, "--sarif-root", "exports", "exports/Zürich 100%"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "Z%C3%BCrich%20100%25/export.xml");
}

#[test]
fn same_named_arrays_in_two_directories_do_not_share_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    for site in ["east", "west"] {
        std::fs::create_dir_all(dir.path().join(site)).unwrap();
        std::fs::copy(root().join("testdata/versions/8.2.1/export.xml"), dir.path().join(site).join("export.xml"))
            .unwrap();
    }
    let out = seglint()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif", "--now", NOW, "east", "west"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let prints: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"]["seglintFindingHash/v2"].as_str().unwrap())
        .collect();
    let unique: std::collections::HashSet<&&str> = prints.iter().collect();
    assert_eq!(unique.len(), prints.len(), "{prints:?}");
    // A baseline of both tells them apart too (the name alone would match either).
    let base = dir.path().join("baseline.json");
    seglint()
        .current_dir(dir.path())
        .args(["check", "--now", NOW, "--write-baseline", base.to_str().unwrap(), "east", "west"])
        .output()
        .unwrap();
    let b: Value = serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    let entries = b["findings"].as_array().unwrap();
    let prints: std::collections::HashSet<&str> = entries.iter().map(|e| e["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(prints.len(), entries.len());
    assert_eq!(entries.len(), unique.len(), "both arrays' findings are recorded, none merged");
}

#[cfg(unix)]
#[test]
fn output_files_keep_the_mode_of_the_file_they_replace_else_the_umasks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let write = || {
        seglint()
            .args([
                "check",
                "--format",
                "json",
                "--now",
                NOW,
                "-o",
                report.to_str().unwrap(),
                "testdata/versions/8.2.1",
            ])
            .output()
            .unwrap()
    };
    write();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_ne!(mode(&report), 0o600, "a new file gets 0666 less the umask, not 0600");
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o640)).unwrap();
    write();
    assert_eq!(mode(&report), 0o640, "a replaced file keeps its mode");
}

#[test]
fn recursive_discovery_skips_hidden_ignored_and_non_export_xml() {
    let dir = tempfile::tempdir().unwrap();
    let export = std::fs::read_to_string(root().join("testdata/versions/8.2.1/export.xml")).unwrap();
    for d in ["fleet/east", "fleet/.snapshots/east", "fleet/retired/west", "fleet/docs"] {
        std::fs::create_dir_all(dir.path().join(d)).unwrap();
    }
    std::fs::write(dir.path().join("fleet/east/export.xml"), &export).unwrap();
    std::fs::write(dir.path().join("fleet/.snapshots/east/export.xml"), &export).unwrap();
    std::fs::write(dir.path().join("fleet/retired/west/export.xml"), &export).unwrap();
    std::fs::write(dir.path().join("fleet/docs/network.xml"), "<?xml version=\"1.0\"?>\n<network/>\n").unwrap();
    std::fs::write(dir.path().join("fleet/.gitignore"), "retired/\n").unwrap();
    let sources = |extra: &[&str]| {
        let out = seglint()
            .current_dir(dir.path())
            .args(["check", "-r", "--format", "json", "--now", NOW])
            .args(extra)
            .arg("fleet")
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut s: Vec<String> =
            json["arrays"].as_array().unwrap().iter().map(|a| a["source"].as_str().unwrap().to_string()).collect();
        s.sort();
        (s, out.status.code())
    };
    let (found, code) = sources(&[]);
    assert_eq!(found, ["fleet/east"], "hidden, git-ignored and non-export XML are left out");
    assert_ne!(code, Some(3), "docs/network.xml is no input error");
    let (found, _) = sources(&["--no-ignore"]);
    assert_eq!(found, ["fleet/.snapshots/east", "fleet/east", "fleet/retired/west"]);
    // Named explicitly, a non-export XML is still checked (and is an input error).
    let out = seglint().current_dir(dir.path()).args(["check", "fleet/docs/network.xml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn ignore_globs_in_seglint_toml_match_non_ascii_names_classes_and_alternatives() {
    let dir = tempfile::tempdir().unwrap();
    let export = std::fs::read_to_string(root().join("testdata/versions/8.2.1/export.xml")).unwrap();
    for d in ["exports/Zürich", "exports/bern", "exports/genf", "exports/basel"] {
        std::fs::create_dir_all(dir.path().join(d)).unwrap();
        std::fs::write(dir.path().join(d).join("export.xml"), &export).unwrap();
    }
    std::fs::write(dir.path().join("seglint.toml"), "ignore = [\"exports/Z?rich\", \"exports/{bern,genf}\"]\n")
        .unwrap();
    let out = seglint()
        .current_dir(dir.path())
        .args(["check", "-r", "--format", "json", "--now", NOW, "exports"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources: Vec<&str> = json["arrays"].as_array().unwrap().iter().map(|a| a["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["exports/basel"]);
}

#[test]
fn concise_is_one_line_per_finding_as_compilers_write_them() {
    let (_, out, _) = run(&["check", "--format", "concise", "--now", NOW, "testdata/versions/8.2.1"]);
    let lines: Vec<&str> = out.lines().collect();
    let (findings, summary) = lines.split_at(lines.len() - 1);
    assert_eq!(findings.len(), 11);
    for l in findings {
        let mut parts = l.splitn(4, ':');
        let (file, line, col, rest) =
            (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        assert!(file.starts_with("testdata/versions/8.2.1/"), "{l}");
        line.parse::<u32>().unwrap();
        col.parse::<u32>().unwrap();
        let words: Vec<&str> = rest.trim_start().splitn(3, ' ').collect();
        assert!(["error", "warning", "info"].contains(&words[0]) && words[1].starts_with("SEG"), "{l}");
    }
    assert_eq!(summary[0], "4 errors, 6 warnings, 1 info in 1 array");
}

#[test]
fn gitlab_code_quality_issues_have_unique_fingerprints_and_gitlabs_severities() {
    // The unreadable array is named by its absolute path: its issue's path is still relative.
    let unclosed = root().join("testdata/malformed/unclosed.xml");
    let args = ["check", "--format", "gitlab", "--now", NOW, "testdata/versions/8.2.1", unclosed.to_str().unwrap()];
    let (_, out, _) = run(&args);
    let issues: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(issues.len(), 12, "11 findings and an input error");
    let mut prints = std::collections::HashSet::new();
    for i in &issues {
        assert!(prints.insert(i["fingerprint"].as_str().unwrap().to_string()), "unique: {i}");
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&i["severity"].as_str().unwrap()));
        assert!(i["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(i["check_name"].as_str().is_some());
        assert!(i["location"]["path"].as_str().unwrap().starts_with("testdata/"), "relative: {i}");
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn statistics_count_findings_per_rule_most_first() {
    let (_, out, _) = run(&["check", "--statistics", "--now", NOW, "testdata/versions/8.2.1"]);
    let first = out.lines().next().unwrap();
    assert!(first.trim_start().starts_with("2  SEG103  legacy-tls-enabled"), "{out}");
    assert_eq!(out.lines().count(), 10, "one line per rule with findings: {out}");
}

#[test]
fn seglint_format_and_several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let (sarif, junit) = (dir.path().join("out.sarif"), dir.path().join("out.xml"));
    let out = seglint()
        .env("SEGLINT_FORMAT", "concise")
        .args(["check", "--now", NOW, "testdata/versions/8.2.1"])
        .args(["--output-format", &format!("sarif={}", sarif.display())])
        .args(["--output-format", &format!("junit={}", junit.display())])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("testdata/versions/8.2.1/"), "SEGLINT_FORMAT=concise: {stdout}");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(s["runs"][0]["results"].as_array().unwrap().len(), 11);
    assert!(std::fs::read_to_string(&junit).unwrap().contains("<testsuites"));
    // --format on the command line wins over the environment.
    let out = seglint()
        .env("SEGLINT_FORMAT", "concise")
        .args(["check", "--format", "json", "--now", NOW, "testdata/versions/8.2.1"])
        .output()
        .unwrap();
    assert!(serde_json::from_slice::<Value>(&out.stdout).is_ok());
    let bad = seglint().args(["check", "--output-format", "yaml=x", "testdata/versions/8.2.1"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("one of human, json"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
