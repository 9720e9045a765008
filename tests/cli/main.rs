//! The one integration-test binary: runs the real `newsindex` on temporary corpora.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    clippy::panic
)]

mod archive;
mod browser;
mod contract;
mod crash;
mod deploy;
mod errors;
mod export;
mod extraction;
mod formats;
mod http;
mod index;
mod passages;
mod quality;
mod questions;
mod search;
mod server;
mod terminal;
mod timeline;
mod util;
mod warc;
