//! `--format junit`: one test suite per array and one test case per rule, failing with the
//! rule's findings (suppressed ones do not fail), for CI systems that chart JUnit results.
//! It computes nothing: whether a finding fails is the policy's answer, handed in.

use super::CheckReport;
use crate::knowledge::Knowledge;
use std::fmt::Write;

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `judged`: the rules the command evaluated (a test case each); `fails`: the policy's answer.
pub fn render(
    report: &CheckReport,
    k: &Knowledge,
    judged: impl Fn(crate::registry::Rule) -> bool,
    fails: impl Fn(&crate::finding::Finding) -> bool,
) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"seglint\">\n");
    let tests = k.docs().filter(|(rule, _)| judged(*rule)).count();
    for a in &report.arrays {
        let failures = k.docs().filter(|(rule, _)| a.findings.iter().any(|f| f.rule == *rule && fails(f))).count();
        let errors = usize::from(a.error.is_some());
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\">",
            xml(&a.source),
            tests
        );
        if let Some(e) = &a.error {
            let _ = writeln!(
                out,
                "    <testcase name=\"input\" classname=\"{}\">\n      <error message=\"{}\"/>\n    </testcase>",
                xml(&a.source),
                xml(&e.to_string())
            );
        }
        for (rule, r) in k.docs().filter(|(rule, _)| judged(*rule)) {
            let _ = write!(out, "    <testcase name=\"{} {}\" classname=\"{}\"", r.code, r.name, xml(&a.source));
            let mine: Vec<_> = a.findings.iter().filter(|f| f.rule == rule).collect();
            let failing: Vec<_> = mine.iter().filter(|f| fails(f)).collect();
            if failing.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            let mut text = String::new();
            for f in &failing {
                let at = super::locate(a.array.as_ref(), f.location)
                    .map(|l| format!(" ({}:{}:{})", l.file, l.line, l.column))
                    .unwrap_or_default();
                let _ = writeln!(text, "{}: {}{at}\nhelp: {}", f.severity, f.message, f.help);
                if let Some(o) = &f.observation {
                    let _ = writeln!(text, "{}", o.summary());
                }
            }
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                xml(&failing[0].message),
                failing[0].severity,
                xml(&text)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
