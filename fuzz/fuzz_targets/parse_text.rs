//! Fuzz the plain-text and Markdown readers: any bytes give articles or a located error.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use newsindex::parse::{Format, ParseContext, parse_bytes};

fuzz_target!(|bytes: &[u8]| {
    let context = ParseContext::default();
    for format in [Format::Text, Format::Markdown] {
        let _ = parse_bytes(Path::new("/fuzz/1916/01/03/page.txt"), format, bytes, &context);
    }
});
