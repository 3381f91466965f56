//! The XML export reader: any bytes, decoded as seglint decodes files; no panic, and every span
//! of the result lies inside the text on character boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = seglint::input::decode::decode(data) else { return };
    let Ok(x) = seglint::input::xml::parse(&text, 0, "fuzz.xml", std::path::Path::new("/nonexistent")) else { return };
    for s in &x.settings {
        for span in [s.loc.span, s.name_loc.span, s.value_loc.span] {
            assert!(
                span.end() <= text.len() && text.is_char_boundary(span.offset) && text.is_char_boundary(span.end())
            );
        }
    }
});
