//! The one integration-test binary: runs the real `newsindex` on temporary corpora.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    clippy::panic
)]

mod crash;
mod errors;
mod formats;
mod index;
mod passages;
mod quality;
mod search;
mod util;
