//! The OpenSSL cipher-string reader: no panic on any list.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = std::str::from_utf8(data) {
        let _ = seglint::cipher_string::read(list);
    }
});
