//! Product version parsing: no panic; a version that parses is written (`8.2.1+5620`) as one
//! that parses again to the same version.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(v) = seglint::version::parse(text) {
        let again = seglint::version::parse(&v.to_string()).expect("a written version parses");
        assert_eq!(again, v);
        let _ = seglint::version::shown(&v);
    }
    let _ = seglint::version::in_product_text(text);
});
