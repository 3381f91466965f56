//! The whole pipeline: an export read from any bytes, its posture, every rule, and every
//! reporter of `check` at a fixed date; the JSON reporter's output parses, and every
//! location lies inside its file on character boundaries. Then `migrate` to a registry version
//! and to an Advanced Settings one: the settings file it emits, read back as seglint reads
//! `.reg` and `.settings` files, holds exactly the settings the plan lists.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seglint::knowledge::Knowledge;
use seglint::migrate::{Goal, Request};
use seglint::report::{ArrayReport, CheckReport, Document, Format, Rendering, render};
use std::sync::OnceLock;

/// The built-in rules, loaded once: every run would otherwise spend most of its time there.
fn knowledge() -> &'static Knowledge {
    static K: OnceLock<Knowledge> = OnceLock::new();
    K.get_or_init(|| Knowledge::embedded().expect("the built-in rules load"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = seglint::input::decode::decode(data) else { return };
    let opts = seglint::input::LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
    let Ok(array) = seglint::input::load_text("fuzz.xml", &text, &opts) else { return };
    let k = knowledge();
    let now = time::macros::datetime!(2026-11-28 0:00 UTC);
    let posture = seglint::posture::resolve(k, &array, &array.version);
    let findings = seglint::lint::run(&seglint::lint::Ctx { k, array: &array, posture: &posture, now });
    for f in &findings {
        if let Some(loc) = f.location {
            let file = &array.files[loc.file].text;
            assert!(
                loc.span.end() <= file.len()
                    && file.is_char_boundary(loc.span.offset)
                    && file.is_char_boundary(loc.span.end())
            );
        }
    }
    let goal = if data.len() % 2 == 0 { Goal::Keep } else { Goal::Recommended };
    for to in ["8.2.1", "10.1.0"] {
        let to = semver::Version::parse(to).expect("a version");
        let plan = seglint::migrate::plan(k, &array, &Request { from: &array.version, to: &to, goal });
        let mut listed = plan.emitted.lines.clone();
        listed.sort();
        assert_eq!(plan.emitted.read_back(), Ok(listed), "{}", plan.emitted.text);
    }
    let resolved = Some(Box::new(posture.resolved()));
    let report = CheckReport {
        arrays: vec![ArrayReport {
            source: "fuzz.xml".into(),
            array: Some(array),
            error: None,
            findings,
            posture: resolved,
        }],
        baseline: None,
    };
    let doc = Document::Check { report: &report, judged: |_| true, fails: &|_| true };
    for format in Format::ALL {
        let out = render(&doc, format, k, &Rendering::plain(80)).expect("check writes every format");
        if matches!(format, Format::Json | Format::Sarif | Format::Gitlab) {
            serde_json::from_str::<serde_json::Value>(&out).expect("the JSON formats parse");
        }
    }
});
