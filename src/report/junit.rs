//! `--format junit`: one test suite per array; one test case per finding (classname the
//! array, name the rule and server, the message with its file:line), failing when the policy
//! says it fails, skipped when suppressed or baselined; one passing case per evaluated rule
//! without findings. An array that could not be read has an `input` error and its rules
//! skipped, never passed. Written with quick-xml's writer; characters XML 1.0 forbids are
//! dropped. It computes nothing: whether a finding fails is the policy's answer, handed in.

use super::{ArrayReport, CheckReport};
use crate::finding::Finding;
use crate::knowledge::Knowledge;
use crate::registry::Rule;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::fmt::Write as _;

/// Text XML 1.0 can hold: control characters other than tab, newline and return are dropped.
fn clean(s: &str) -> String {
    s.chars().filter(|&c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect()
}

/// One test case, before it is written.
struct Case {
    name: String,
    /// `failure`, `error` or `skipped`, with its message and text; `None` passes.
    outcome: Option<(&'static str, String, String)>,
}

/// What one finding is as a test case.
fn finding_case(a: &ArrayReport, f: &Finding, fails: &dyn Fn(&Finding) -> bool) -> Case {
    let server = f.server.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
    let name = format!("{} {}{server}", f.rule.code(), f.rule.name());
    let at = super::locate(a.array.as_ref(), f.location)
        .or_else(|| super::fallback_location(a.array.as_ref()))
        .map(|l| format!("{}:{}:{}: ", l.file, l.line, l.column))
        .unwrap_or_default();
    let mut text = format!("{at}{}: {}\nhelp: {}\n", f.severity, f.message, f.help);
    if let Some(o) = &f.observation {
        let _ = writeln!(text, "{}", o.summary());
    }
    let message = format!("{at}{}", f.message);
    let outcome = if let Some(reason) = &f.suppressed {
        Some(("skipped", format!("suppressed: {reason}"), text))
    } else if f.in_baseline == Some(true) {
        Some(("skipped", "recorded in the baseline".to_string(), text))
    } else if fails(f) {
        Some(("failure", message, text))
    } else {
        None
    };
    Case { name, outcome }
}

/// The cases of one array: an input error first, then per evaluated rule its findings, or
/// one passing case (skipped when the array could not be read).
fn cases(a: &ArrayReport, k: &Knowledge, judged: fn(Rule) -> bool, fails: &dyn Fn(&Finding) -> bool) -> Vec<Case> {
    let mut out = Vec::new();
    if let Some(e) = &a.error {
        let text = super::locate_error(e).map(|l| format!("{}:{}:{}: ", l.file, l.line, l.column)).unwrap_or_default();
        out.push(Case { name: "input".into(), outcome: Some(("error", e.to_string(), format!("{text}{e}"))) });
    }
    for (rule, r) in k.docs().filter(|(rule, _)| judged(*rule)) {
        let mine: Vec<&Finding> = a.findings.iter().filter(|f| f.rule == rule).collect();
        if mine.is_empty() {
            let outcome = a.array.is_none().then(|| ("skipped", "the array could not be read".into(), String::new()));
            out.push(Case { name: format!("{} {}", r.code, r.name), outcome });
        }
        out.extend(mine.into_iter().map(|f| finding_case(a, f, fails)));
    }
    out
}

fn count(cases: &[Case], kind: &str) -> usize {
    cases.iter().filter(|c| c.outcome.as_ref().is_some_and(|(k, _, _)| *k == kind)).count()
}

fn write_case(w: &mut Writer<Vec<u8>>, classname: &str, c: &Case) -> std::io::Result<()> {
    let mut start = BytesStart::new("testcase");
    start.push_attribute(("name", clean(&c.name).as_str()));
    start.push_attribute(("classname", classname));
    let Some((kind, message, text)) = &c.outcome else { return w.write_event(Event::Empty(start)) };
    w.write_event(Event::Start(start))?;
    let mut element = BytesStart::new(*kind);
    element.push_attribute(("message", clean(message).as_str()));
    if text.is_empty() {
        w.write_event(Event::Empty(element))?;
    } else {
        w.write_event(Event::Start(element))?;
        w.write_event(Event::Text(BytesText::new(&clean(text))))?;
        w.write_event(Event::End(BytesEnd::new(*kind)))?;
    }
    w.write_event(Event::End(BytesEnd::new("testcase")))
}

fn write(
    report: &CheckReport,
    k: &Knowledge,
    judged: fn(Rule) -> bool,
    fails: &dyn Fn(&Finding) -> bool,
) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let suites: Vec<(String, Vec<Case>)> =
        report.arrays.iter().map(|a| (clean(&a.source), cases(a, k, judged, fails))).collect();
    let total = |kind: &str| suites.iter().map(|(_, c)| count(c, kind)).sum::<usize>().to_string();
    let mut root = BytesStart::new("testsuites");
    root.push_attribute(("name", "seglint"));
    root.push_attribute(("tests", suites.iter().map(|(_, c)| c.len()).sum::<usize>().to_string().as_str()));
    root.push_attribute(("failures", total("failure").as_str()));
    root.push_attribute(("errors", total("error").as_str()));
    root.push_attribute(("skipped", total("skipped").as_str()));
    w.write_event(Event::Start(root))?;
    for (name, cases) in &suites {
        let mut suite = BytesStart::new("testsuite");
        suite.push_attribute(("name", name.as_str()));
        suite.push_attribute(("tests", cases.len().to_string().as_str()));
        suite.push_attribute(("failures", count(cases, "failure").to_string().as_str()));
        suite.push_attribute(("errors", count(cases, "error").to_string().as_str()));
        suite.push_attribute(("skipped", count(cases, "skipped").to_string().as_str()));
        w.write_event(Event::Start(suite))?;
        for c in cases {
            write_case(&mut w, name, c)?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuite")))?;
    }
    w.write_event(Event::End(BytesEnd::new("testsuites")))?;
    Ok(w.into_inner())
}

/// `judged`: the rules the command evaluated; `fails`: the policy's answer.
pub fn render(
    report: &CheckReport,
    k: &Knowledge,
    judged: fn(Rule) -> bool,
    fails: &dyn Fn(&Finding) -> bool,
) -> String {
    // Writing into memory cannot fail; the text is UTF-8 because every piece was.
    let bytes = write(report, k, judged, fails).unwrap_or_default();
    let mut s = String::from_utf8(bytes).unwrap_or_default();
    s.push('\n');
    s
}
