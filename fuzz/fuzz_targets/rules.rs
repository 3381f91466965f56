//! The rules data loader (`--rules DIR`): the first byte picks the file to replace
//! (versions, settings, catalog, migrate), the rest is its text. No panic; an error's span lies
//! inside the text it names on character boundaries; data that loads carries a bundled export
//! through posture, every rule and the JSON reporter, whose output parses.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seglint::report::{ArrayReport, CheckReport, Document, Format, Rendering, render};

const EXPORT: &str = include_str!("../../testdata/versions/8.2.1/export.xml");

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let name = seglint::knowledge::DATA_FILES[usize::from(pick) % 4];
    let k = match seglint::knowledge::Knowledge::with_file(&format!("{name}.toml"), text.to_string()) {
        Ok(k) => k,
        Err(e) => {
            if let Some(span) = e.span {
                let (o, l) = (span.offset(), span.len());
                let named = e.src.inner();
                assert!(o + l <= named.len() && named.is_char_boundary(o) && named.is_char_boundary(o + l), "{span:?}");
            }
            return;
        }
    };
    let opts = seglint::input::LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
    let array = seglint::input::load_text("export.xml", EXPORT, &opts).expect("the bundled export loads");
    let now = time::macros::datetime!(2026-11-28 0:00 UTC);
    let posture = seglint::posture::resolve(&k, &array, &array.version);
    let findings = seglint::lint::run(&seglint::lint::Ctx { k: &k, array: &array, posture: &posture, now });
    let report = CheckReport {
        arrays: vec![ArrayReport {
            source: "export.xml".into(),
            array: Some(array),
            error: None,
            findings,
            posture: None,
        }],
        baseline: None,
    };
    let doc = Document::Check { report: &report, judged: |_| true, fails: &|_| true };
    let out = render(&doc, Format::Json, &k, &Rendering::plain(80)).expect("check writes JSON");
    serde_json::from_str::<serde_json::Value>(&out).expect("the JSON parses");
});
