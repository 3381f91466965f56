//! The `.settings` reader: no panic; error spans inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = seglint::input::settings::parse(text) {
        let (o, l) = (e.span.offset(), e.span.len());
        assert!(o + l <= text.len() && text.is_char_boundary(o) && text.is_char_boundary(o + l));
    }
});
