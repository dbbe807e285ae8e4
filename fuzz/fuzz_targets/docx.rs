//! `cargo +nightly fuzz run docx`: see fuzz/README.md. Each input is the
//! `document.xml` of a Word file; the work (and every check) is in
//! drivers.rs, shared with tests/fuzz_regressions.rs.
#![no_main]

#[path = "../drivers.rs"]
mod drivers;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    drivers::docx(data);
});
