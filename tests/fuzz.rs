//! Never a panic, on any input: mutated whole arrays (XML, .reg, .settings, suppression
//! comments, non-ASCII text) through loading, posture, rules, suppressions and every reporter.

use crate::common::*;
use seglint::knowledge::Knowledge;

fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn the_whole_pipeline_never_panics_on_mutated_arrays() {
    let k = Knowledge::embedded().unwrap();
    let xml = std::fs::read_to_string(root().join("testdata/ci/suppressions.xml")).unwrap();
    let reg = "Windows Registry Editor Version 5.00\r\n\r\n; seglint-allow SEG102: é\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave\\Secure Email Gateway\\Default\\Receiver]\r\n\"SSLMethodSSLv3\"=dword:00000001\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave\\Secure Email Gateway\\Servers]\r\n\"TLSCipherList\"=\"ALL:!aNULL\"\r\n";
    let settings = "# seglint-allow SEG103: ü\nReceiver.SSLMethodTLSv1_0 = 0\nServers.MAIL01.SSLMethodTLSv1_1 = 1\n";
    let pieces: &[&str] = &[
        "é",
        "€",
        "<",
        ">",
        "\"",
        "=",
        "\\",
        "<!-- seglint-allow SEG102 -->",
        "\r\n",
        "SSLMethod",
        "[-",
        "]",
        ":",
        "0",
        "1",
        "Zürich",
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut seed = 0x1234_5678_9abc_def0u64;
    // A fixed day, so a failing round can be replayed.
    let now = time::macros::datetime!(2026-11-28 0:00 UTC);
    let mut loaded = 0;
    for round in 0..300 {
        let mutate = |text: &str, seed: &mut u64| {
            let mut t = text.to_string();
            for _ in 0..(1 + next(seed) % 3) {
                let mut at = (next(seed) as usize) % (t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                t.insert_str(at, pieces[(next(seed) as usize) % pieces.len()]);
            }
            t
        };
        let version = ["7.2.3", "7.3.0", "8.2.1", "10.0.0", "10.1.0"][round % 5];
        // One file mutated per round, the others intact: a broken .reg would otherwise hide
        // every mutation of the export behind an input error.
        let which = next(&mut seed) % 3;
        let pick = |n: u64, text: &str, seed: &mut u64| if which == n { mutate(text, seed) } else { text.to_string() };
        std::fs::write(dir.path().join("export.xml"), pick(0, &xml, &mut seed).replace("7.3.0", version)).unwrap();
        std::fs::write(dir.path().join("tls.reg"), pick(1, reg, &mut seed)).unwrap();
        std::fs::write(dir.path().join("tls.settings"), pick(2, settings, &mut seed)).unwrap();
        let spec =
            seglint::input::ArraySpec { source: "fuzz".into(), path: dir.path().to_path_buf(), recursive: false };
        let opts = seglint::input::LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
        let report = seglint::report::CheckReport {
            arrays: vec![seglint::commands::check_array(&k, &spec, &opts, now, true)],
            baseline: None,
        };
        if every_reporter(&report, &k) {
            loaded += 1;
        }
    }
    // Most rounds must reach the rules and reporters, or the loop tests only the parsers.
    assert!(loaded >= 150, "only {loaded} of 300 rounds got past parsing");
}

/// Renders the report in every format `check` writes and, when the array loaded, its posture
/// and the migrations planned from it in every format theirs take; says whether it loaded.
fn every_reporter(report: &seglint::report::CheckReport, k: &Knowledge) -> bool {
    use seglint::report::{Document, Format, render};
    let mut style = seglint::report::Rendering::plain(80);
    style.style.verbose = true;
    let check = Document::Check { report, judged: |_| true, fails: &|_| true };
    for format in Format::ALL {
        render(&check, format, k, &style).expect("check writes every format");
    }
    let Some(array) = &report.arrays[0].array else { return false };
    let posture = seglint::posture::resolve(k, array, &array.version);
    for format in [Format::Human, Format::Json] {
        render(&Document::Explain { array, posture: &posture }, format, k, &style).expect("explain writes it");
    }
    for to in ["7.3.5", "8.2.1", "10.0.0", "10.2.0"] {
        let to = semver::Version::parse(to).unwrap();
        let goal = seglint::migrate::Goal::Recommended;
        let plan = seglint::migrate::plan(k, array, &seglint::migrate::Request { from: &array.version, to: &to, goal });
        let plans = std::slice::from_ref(&plan);
        for format in [Format::Human, Format::Json, Format::Markdown, Format::Html] {
            render(&Document::Migration { plans, many: false, errors: &[] }, format, k, &style)
                .expect("migrate writes it");
        }
    }
    true
}
