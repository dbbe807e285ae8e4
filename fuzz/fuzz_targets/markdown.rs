//! `cargo +nightly fuzz run markdown`: see fuzz/README.md. The work (and every
//! check) is in drivers.rs, shared with tests/fuzz_regressions.rs.
#![no_main]

#[path = "../drivers.rs"]
mod drivers;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    drivers::markdown(data);
});
