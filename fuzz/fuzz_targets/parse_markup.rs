//! Fuzz the HTML, wire XML (NITF, NewsML-G2), Reuters SGML and WARC/ARC readers.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use newsindex::parse::{Format, ParseContext, parse_bytes};

fuzz_target!(|bytes: &[u8]| {
    let context = ParseContext::default();
    for format in [Format::Html, Format::Xml, Format::Sgml, Format::Warc] {
        let _ = parse_bytes(Path::new("/fuzz/page"), format, bytes, &context);
    }
});
