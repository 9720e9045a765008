//! The `newsindex` binary: parse the command line, run it, print any error with its causes, exit.

#![allow(clippy::print_stderr)]

use std::io::Write;

use clap::Parser;
use cli::{Cli, run};

mod cli;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let (filter, level) = match (cli.quiet, cli.verbose) {
        (true, _) => ("error", tracing::Level::ERROR),
        (false, 0) => ("warn", tracing::Level::WARN),
        (false, 1) => ("info", tracing::Level::INFO),
        (false, _) => ("debug", tracing::Level::DEBUG),
    };
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(cli.stderr_color());
    // `RUST_LOG` chooses what is logged when set; else the level of `-q`/`-v` alone, without
    // building an environment filter (0.05-0.08 ms of every one-shot command).
    match std::env::var_os(tracing_subscriber::EnvFilter::DEFAULT_ENV) {
        Some(_) => logs
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| filter.into()),
            )
            .init(),
        None => logs.with_max_level(level).init(),
    }
    match run(cli) {
        Ok(code) => std::process::ExitCode::from(code as u8),
        Err(error) if error.is_broken_pipe() => std::process::ExitCode::SUCCESS,
        Err(error) => {
            let mut causes = newsindex::diagnostic::causes(&error);
            let mut message = format!("newsindex: error: {}", causes.next().unwrap_or_default());
            for cause in causes {
                message.push_str(&format!("\n  caused by: {cause}"));
            }
            let _ = writeln!(std::io::stderr(), "{message}");
            std::process::ExitCode::from(error.exit_code() as u8)
        }
    }
}
