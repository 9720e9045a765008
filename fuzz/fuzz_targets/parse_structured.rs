//! Fuzz the JSON, JSON lines, CSV and TSV readers: any bytes give articles or a located error.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use newsindex::parse::{Format, ParseContext, parse_bytes};

fuzz_target!(|bytes: &[u8]| {
    let context = ParseContext::default();
    for format in [Format::Json, Format::JsonLines, Format::Csv, Format::Tsv] {
        let _ = parse_bytes(Path::new("/fuzz/export"), format, bytes, &context);
    }
});
