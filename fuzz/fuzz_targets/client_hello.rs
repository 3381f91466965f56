//! The ClientHello parser of `listen`: no panic on any record; what it says is consistent.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = seglint::listen::hello::wanted(data);
    if let Ok(h) = seglint::listen::hello::parse(data) {
        let offered = h.offered_protocols();
        // The highest protocol the hello proves is one it offers.
        assert!(h.highest().is_none_or(|top| offered.contains(&top)), "{:?} not in {offered:?}", h.highest());
        let _ = h.offered_floor();
        let _ = h.weak_suites().count();
    }
});
