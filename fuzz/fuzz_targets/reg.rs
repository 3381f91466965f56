//! The `.reg` reader, with the UTF-16 decoding regedit files go through: no panic; every span
//! (values, names, data, errors) inside the text on character boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;

fn inside(text: &str, offset: usize, len: usize) -> bool {
    offset + len <= text.len() && text.is_char_boundary(offset) && text.is_char_boundary(offset + len)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = seglint::input::decode::decode(data) else { return };
    match seglint::input::reg::parse(&text) {
        Ok(f) => {
            for k in &f.keys {
                for v in &k.values {
                    for s in [v.span, v.name_span, v.data_span] {
                        assert!(inside(&text, s.offset, s.len), "{s:?}");
                    }
                }
            }
        }
        Err(e) => assert!(inside(&text, e.span.offset(), e.span.len()), "{:?}", e.span),
    }
});
