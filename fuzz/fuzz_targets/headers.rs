//! The message and Received-field reader of `headers`: no panic; what it reads serializes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(messages) = seglint::headers::read("fuzz.eml", data) {
        for m in &messages {
            for h in &m.hops {
                serde_json::to_string(&h.fields).expect("hop fields serialize");
            }
        }
        let _ = seglint::headers::newest_version(&messages);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = seglint::headers::received::read(&seglint::headers::received::unfold(text));
    }
});
