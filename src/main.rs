//! Entry point: arguments, logging, the Tokio runtime, then a CLI subcommand or the window.

use std::process::ExitCode;

use clap::Parser;
use s3share::cli::{self, Args};

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: could not start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match &args.command {
        Some(command) => runtime.block_on(cli::run(&args, command)),
        None => {
            eprintln!("The window is not built yet; use a subcommand (see --help).");
            ExitCode::from(2)
        }
    }
}
