//! `--format html` of `check`, `migrate` and `headers`, read as its readers get it: parsed by an
//! HTML5 parser and held to the JSON of the same run (arrays, servers, matrix cells, findings),
//! with hostile names escaped, nothing loaded from anywhere; and rendered in headless Chromium
//! (not blank, nothing on the console). `verify` and `listen` pages are tested beside their
//! peers in tests/verify.rs and tests/listen.rs.

use crate::common::html;
use crate::common::*;
use html::{parse, render_in_browser, save, select, text, texts};
use serde_json::Value;

fn stdout(args: &[&str]) -> (i32, String) {
    let out = seglint().args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).expect("UTF-8"))
}

fn json(args: &[&str]) -> Value {
    let (_, text) = stdout(args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The matrix row of a direction (and server, inbound): each protocol's name and cell (the
/// cells after the row's label and its TLS cell, under the protocol headers).
fn matrix_row<'a>(
    doc: &'a scraper::Html,
    direction: &str,
    server: Option<&str>,
) -> Vec<(String, scraper::ElementRef<'a>)> {
    let css = match server {
        Some(s) => format!("table.matrix tbody.{direction} tr[data-server=\"{s}\"]"),
        None => format!("table.matrix tbody.{direction} tr:not(.group)"),
    };
    let rows = select(doc, &css);
    assert_eq!(rows.len(), 1, "{css}");
    let heads = texts(doc, "table.matrix thead th");
    let cells: Vec<_> = rows[0].child_elements().collect();
    heads.into_iter().zip(cells).skip(2).take(6).collect()
}

/// A cell's evidence word, from its class (the style writes the word).
fn cell_evidence(cell: &scraper::ElementRef<'_>) -> &'static str {
    let class = cell.value().attr("class").unwrap_or_default();
    match class.split(' ').find(|c| c.starts_with("ev-")) {
        Some("ev-x") => "explicit",
        Some("ev-xi") => "explicit",
        Some("ev-d") => "default",
        Some("ev-i") => "inferred",
        Some("ev-o") => "observed",
        other => panic!("no evidence class: {other:?} in {class}"),
    }
}

/// What a cell must say for a protocol state of `explain --format json`.
fn expected_word(state: &Value, tls: bool) -> &'static str {
    match (state["allowed"]["value"].as_bool().unwrap(), state["effective"].as_bool().unwrap(), tls) {
        (false, _, _) => "off",
        (true, _, false) => "allowed, TLS off",
        (true, false, true) => "not effective",
        (true, true, true) => "allowed",
    }
}

/// Every protocol cell of every direction says what `explain` says, with its evidence.
fn assert_matrices_match_explain(doc: &scraper::Html, array: &str) {
    let explain = json(&["explain", "--format", "json", array]);
    for posture in explain["postures"].as_array().unwrap() {
        let direction = posture["direction"].as_str().unwrap();
        let row = matrix_row(doc, direction, posture["server"].as_str());
        let tls = posture["tls_enabled"]["value"].as_bool().unwrap();
        let states = posture["protocol_states"].as_array().unwrap();
        assert_eq!(row.len(), states.len(), "{direction} {:?}", posture["server"]);
        for ((protocol, cell), state) in row.iter().zip(states) {
            assert_eq!(protocol, state["protocol"].as_str().unwrap());
            let word = expected_word(state, tls);
            let evidence = state["allowed"]["evidence"].as_str().unwrap();
            assert_eq!((text(cell).as_str(), cell_evidence(cell)), (word, evidence), "{direction} {protocol}");
        }
    }
}

/// Each finding of the JSON has its row: rule, severity, message and place.
fn assert_findings_match_json(doc: &scraper::Html, report: &Value) {
    let rows = select(doc, "tr[data-rule]");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(rows.len(), findings.len());
    for (row, f) in rows.iter().zip(findings) {
        assert_eq!(row.value().attr("data-rule"), f["code"].as_str());
        assert_eq!(row.value().attr("data-severity"), f["severity"].as_str());
        let t = text(row);
        assert!(t.contains(f["message"].as_str().unwrap()), "{t}");
        if let Some(file) = f["location"]["file"].as_str() {
            let name = std::path::Path::new(file).file_name().unwrap().to_str().unwrap();
            assert!(t.contains(&format!("{name}:{}:", f["location"]["line"])), "{t}");
        }
        // Its rule links to why it matters and the fix, written once for the whole page.
        let why = select_in(row, "a[href^='#why-']");
        let target = &why[0].value().attr("href").unwrap()[1..];
        let entry = texts(doc, &format!("div.why#{target}"));
        assert!(entry[0].contains(f["help"].as_str().unwrap()), "{entry:?}");
    }
}

#[test]
fn check_shows_the_summary_the_matrices_and_the_findings_of_the_json() {
    let array = "testdata/versions/8.2.1";
    let (code, page) = stdout(&["check", "--format", "html", "--now", NOW, array]);
    let (json_code, report) = check_json(array, &[]);
    assert_eq!(code, json_code, "the exit code does not depend on the format");
    let doc = parse(&page);
    assert_eq!(texts(&doc, "h1"), ["seglint check: Contoso Mail"]);
    let summary = texts(&doc, "table#summary tbody tr");
    assert_eq!(summary.len(), 1);
    assert!(summary[0].starts_with("Contoso Mail testdata/versions/8.2.1 8.2.1 4 6 1"), "{summary:?}");
    assert_eq!(select(&doc, "table#summary th button").len(), 0, "sort buttons are the script's, not the markup's");
    assert_eq!(select(&doc, "table.matrix tbody.inbound tr[data-server]").len(), 2, "MAIL01 and MAIL02");
    assert_matrices_match_explain(&doc, array);
    // The cell says where its value came from: the .reg line that allows SSLv3 on MAIL01.
    let (_, sslv3) = &matrix_row(&doc, "inbound", Some("MAIL01"))[1];
    let title = sslv3.value().attr("title").unwrap();
    assert!(title.starts_with("explicit*: tls.reg:"), "{title}");
    // The other cells of the row inherit the row's hover text, here a version default.
    let row = select(&doc, "table.matrix tr[data-server=MAIL01]");
    let inherited = row[0].value().attr("title").unwrap();
    assert!(inherited.starts_with("default: built-in rules/versions.toml:"), "{inherited}");
    assert_findings_match_json(&doc, &report);
    // Filters list each rule once, and every severity.
    let rules = select(&doc, "#filters select[name=rule] option").len();
    let mut codes = codes(&report);
    codes.dedup();
    assert_eq!(rules, 1 + codes.len());
    assert_eq!(select(&doc, "#filters input[name=severity]").len(), 3);
    let floor = select(&doc, "table.matrix tbody.outbound tr:not(.group) td");
    assert_eq!(text(&floor[7]), "Low", "the outbound cipher floor, after TLS and the six protocols");
}

#[test]
fn names_with_markup_and_quotes_are_text_not_markup() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = r#"<script>alert("x")</script>'&"#;
    std::fs::write(
        dir.path().join("export.xml"),
        r#"<?xml version="1.0" encoding="utf-8"?>
<SegConfiguration productVersion="8.2.1.5620" arrayName="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'&amp;">
  <SenderProperties><OutboundSecurity tlsEnabled="true" minimumCipherStrength="Low" offerClientCertificate="true"/></SenderProperties>
  <Servers>
    <Server name="MX&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" role="Processing">
      <InboundSecurity tlsEnabled="true" minimumCipherStrength="Medium">
        <Certificate subject="CN=&lt;b&gt;bold&lt;/b&gt;" notAfter="2020-01-01"/>
      </InboundSecurity>
    </Server>
  </Servers>
</SegConfiguration>
"#,
    )
    .unwrap();
    let (code, page) = stdout(&["check", "--format", "html", "--now", NOW, dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let doc = parse(&page);
    assert_eq!(select(&doc, "b").len(), 0, "no element from the input");
    assert!(texts(&doc, "h2").iter().any(|h| h == hostile), "{:?}", texts(&doc, "h2"));
    let server = r#"MX"><img src=x onerror=alert(1)>"#;
    assert_eq!(select(&doc, "tbody.inbound tr[data-server]")[0].value().attr("data-server"), Some(server));
    assert!(page.contains("CN=&lt;b&gt;bold&lt;/b&gt;"), "the certificate subject, escaped");
    let path = save(dir.path(), "hostile", &page);
    render_in_browser(&path, "hostile");
}

#[test]
fn check_of_a_fleet_has_one_row_and_section_per_array_and_an_input_error_stays_visible() {
    let dir = tempfile::tempdir().unwrap();
    for (i, v) in ["7.2.3", "7.3.5", "8.2.1", "10.0.0", "10.1.0"].iter().enumerate() {
        let to = dir.path().join(format!("site-{i}"));
        std::fs::create_dir(&to).unwrap();
        for f in std::fs::read_dir(root().join("testdata/versions").join(v)).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir(dir.path().join("broken")).unwrap();
    std::fs::write(dir.path().join("broken/export.xml"), "<SegConfiguration productVersion=\"8.2.1\">\n<Servers>")
        .unwrap();
    let fleet = dir.path().to_str().unwrap();
    let (code, page) = stdout(&["check", "--format", "html", "--now", NOW, "--recursive", fleet]);
    assert_eq!(code, 3, "an input error wins, as in every format");
    let doc = parse(&page);
    let report = json(&["check", "--format", "json", "--now", NOW, "--recursive", fleet]);
    let arrays = report["arrays"].as_array().unwrap();
    assert_eq!(select(&doc, "table#summary tbody tr").len(), arrays.len());
    assert_eq!(select(&doc, "section.array").len(), arrays.len());
    for (a, row) in arrays.iter().zip(texts(&doc, "table#summary tbody tr")) {
        assert!(row.contains(a["source"].as_str().unwrap()), "{row}");
    }
    assert_eq!(select(&doc, "div.input-error").len(), 1);
    let broken = texts(&doc, "table#summary tbody tr").into_iter().find(|r| r.contains("input error")).unwrap();
    assert!(
        broken.ends_with("not checked not checked not checked"),
        "an unreadable array is not a clean one: {broken}"
    );
    assert_findings_match_json(&doc, &report);
    let path = save(dir.path(), "check", &page);
    render_in_browser(&path, "check");
    // The script ran in the browser: sort buttons on the summary, the count of findings shown.
    let after = html::dom_after_script(&path);
    assert_eq!(select(&after, "table#summary thead th button.sort").len(), 6);
    let shown = format!("{} shown", report["findings"].as_array().unwrap().len());
    assert_eq!(texts(&after, "output#shown"), [shown]);
    let pdf = html::print_to_pdf(&path);
    assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 20_000, "a printed report of {} bytes", pdf.len());
}

#[test]
fn migrate_shows_before_and_after_with_the_changed_cells_marked_and_the_settings_to_copy() {
    let args = ["migrate", "--now", NOW, "--to", "10.1.0", "--goal", "recommended", "testdata/versions/7.2.3"];
    let (code, page) = stdout(&[&args[..], &["--format", "html"]].concat());
    let plan = json(&[&args[..], &["--format", "json"]].concat());
    let (json_code, _) = stdout(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, json_code);
    let doc = parse(&page);
    assert_eq!(select(&doc, "table.matrix").len(), 2, "before and after");
    let postures = plan["postures"].as_array().unwrap();
    let (before, after) = (select(&doc, "table.matrix")[0], select(&doc, "table.matrix")[1]);
    for (table, side) in [(before, "before"), (after, "after")] {
        let rows = select_in(&table, "tbody tr");
        assert_eq!(rows.len(), postures.len());
        for (row, p) in rows.iter().zip(postures) {
            let on: Vec<&str> = p[side]["protocols"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
            let other = if side == "before" { "after" } else { "before" };
            let there: Vec<&str> =
                p[other]["protocols"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
            for cell in select_in(row, "td[data-protocol]") {
                let protocol = cell.value().attr("data-protocol").unwrap();
                let t = text(&cell);
                assert_eq!(t.contains("allowed"), on.contains(&protocol), "{side} {protocol}: {t}");
                let changed = on.contains(&protocol) != there.contains(&protocol);
                assert_eq!(cell.value().has_class("changed", scraper::CaseSensitivity::CaseSensitive), changed);
                assert_eq!(t.contains("changed"), changed, "a changed cell says so in words");
            }
        }
    }
    assert!(select(&doc, "td.changed").len() > 2, "7.2.3 → 10.1.0 changes protocols");
    let items = select(&doc, "section.array table.sortable tbody tr").len();
    assert_eq!(items, plan["items"].as_array().unwrap().len());
    let block = select(&doc, "pre[id^=settings-]");
    assert_eq!(block[0].text().collect::<String>(), plan["settings"]["text"].as_str().unwrap());
    assert_eq!(select(&doc, "button.copy").len(), 1);
    // An array that cannot be read is on the page too, not only on stderr.
    let broken = tempfile::tempdir().unwrap();
    std::fs::write(broken.path().join("export.xml"), "<SegConfiguration productVersion=\"8.2.1\">").unwrap();
    let (code, with_error) = stdout(&[&args[..], &["--format", "html", broken.path().to_str().unwrap()]].concat());
    assert_eq!(code, 3);
    let with_error = parse(&with_error);
    assert_eq!(select(&with_error, "div.input-error").len(), 1);
    assert_eq!(select(&with_error, "section.array").len(), 1, "the plan of the array that could be read");
    let dir = tempfile::tempdir().unwrap();
    let path = save(dir.path(), "migrate", &page);
    render_in_browser(&path, "migrate");
}

fn select_in<'a>(e: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    e.select(&scraper::Selector::parse(css).unwrap()).collect()
}

#[test]
fn headers_shows_each_hop_beside_the_predicted_inbound_posture() {
    let args = ["headers", "--array", "testdata/versions/10.1.0", "testdata/messages/pasted-headers.txt"];
    let (code, page) = stdout(&[&args[..], &["--format", "html"]].concat());
    let report = json(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 1);
    let doc = parse(&page);
    let hops = select(&doc, "table.observed tbody tr");
    assert_eq!(hops.len(), report["hops"].as_array().unwrap().len());
    let row = text(&hops[0]);
    assert!(row.contains("SEG01") && row.contains("TLSv1.0") && row.contains("off"), "{row}");
    assert!(row.ends_with("✖ differs (SEG601, SEG606, SEG608)"), "the rules the judge raised on the hop: {row}");
    assert_findings_match_json(&doc, &report);
    assert_matrices_match_explain(&doc, "testdata/versions/10.1.0");
    let dir = tempfile::tempdir().unwrap();
    let path = save(dir.path(), "headers", &page);
    render_in_browser(&path, "headers");
}

#[test]
fn html_can_be_one_of_several_outputs_of_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    let (code, out) = stdout(&[
        "check",
        "--format",
        "json",
        "--now",
        NOW,
        "--output-format",
        &format!("html={}", file.display()),
        "testdata/versions/8.2.1",
    ]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    let doc = parse(&std::fs::read_to_string(&file).unwrap());
    assert_findings_match_json(&doc, &report);
    assert_matrices_match_explain(&doc, "testdata/versions/8.2.1");
}

#[test]
#[should_panic(expected = "wrote to the console")]
fn the_browser_check_catches_a_script_error() {
    let dir = tempfile::tempdir().unwrap();
    let page = "<!DOCTYPE html><html><body><h1>x</h1><p>text</p><script>undefinedFunction();</script></body></html>";
    render_in_browser(&save(dir.path(), "broken", page), "broken");
}

#[test]
#[should_panic(expected = "nearly blank")]
fn the_browser_check_catches_a_blank_page() {
    let dir = tempfile::tempdir().unwrap();
    render_in_browser(&save(dir.path(), "blank", "<!DOCTYPE html><html><body></body></html>"), "blank");
}
