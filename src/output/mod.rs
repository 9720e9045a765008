//! The JSON contract for programs ([`json`]): the serde types and the writer that `search
//! --json`, `show --json`, `stats --json`, `timeline --json` and the HTTP API share.
//!
//! Writers take any `impl Write` and never decide exit codes; text for people is the binary's.

pub mod json;
