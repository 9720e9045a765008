//! Links the `newsindex` binary as a position-dependent executable on Linux (glibc).
//!
//! A position-independent executable makes the dynamic loader apply some 45,000 relocations
//! at every start, touching a megabyte of pages: a third of the time of `newsindex
//! --version`, and more than a millisecond of every one-shot search (BENCHMARKS.md, "Cold
//! start"). The shared libraries, heap and stacks are still placed at random addresses.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
