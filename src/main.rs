//! Entry point: arguments, logging, the Tokio runtime, then a CLI subcommand or the window.

// A double-clicked release build on Windows opens no console window.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;
use s3share::{App, AppOptions, Args};
use tracing_subscriber::Layer;

const ICON: &[u8] = include_bytes!("../assets/icons/256x256.png");

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => return argument_error(&err),
    };
    if let Some(problem) = args.problem() {
        eprintln!("error: {problem}");
        return ExitCode::from(2);
    }
    init_logging();
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
        Some(command) => {
            let code = runtime.block_on(s3share::run_cli(&args, command));
            // A stopped command exits now: a link self-test still waiting on a silent
            // server (a blocking thread) must not hold the process for its timeout.
            runtime.shutdown_background();
            code
        }
        None => run_window(&args, runtime.handle(), started),
    }
}

/// `--help` and `--version` print as clap writes them; a wrong argument gets one line
/// (the CLI's promise), then exit 2.
fn argument_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // Printing help can only fail on a closed stdout, where nobody reads it.
            let _ = err.print();
            ExitCode::SUCCESS
        }
        _ => {
            let text = err.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("error: {first} (see s3share --help)");
            ExitCode::from(2)
        }
    }
}

/// RUST_LOG as asked (default: warnings), except that the HTTP and signing crates never log
/// below INFO: at DEBUG and TRACE they print canonical requests and headers, which carry
/// session tokens and signatures. A presigned URL or a secret never reaches a log.
fn init_logging() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    const CHATTY_WITH_SECRETS: &[&str] = &[
        "aws_sigv4",
        "aws_smithy",
        "aws_config",
        "aws_credential_types",
        "aws_runtime",
        "aws_sdk_",
        "hyper",
        "h2",
        "rustls",
        "ureq",
    ];
    let secrets = tracing_subscriber::filter::filter_fn(|meta| {
        *meta.level() <= tracing::Level::INFO
            || !CHATTY_WITH_SECRETS
                .iter()
                .any(|prefix| meta.target().starts_with(prefix))
    });
    // Without RUST_LOG: S3 Share's own warnings only. The SDK's warnings would add lines
    // above the one-line message that already says what failed (RUST_LOG=debug shows them).
    let wanted = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,aws_config=off,aws_smithy_runtime=off,aws_runtime=off,aws_sdk_s3=off,aws_sdk_sts=off,aws_sdk_sso=off,aws_sdk_ssooidc=off")
    });
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_filter(wanted)
                .with_filter(secrets),
        )
        .init();
}

fn run_window(
    args: &Args,
    runtime: &tokio::runtime::Handle,
    started: std::time::Instant,
) -> ExitCode {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("S3 Share")
        .with_app_id("s3share")
        .with_inner_size([1100.0, 680.0])
        .with_min_inner_size([800.0, 600.0]);
    match eframe::icon_data::from_png_bytes(ICON) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(err) => tracing::warn!(error = %err, "window icon not loaded"),
    }
    let native = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    // A bad --open is said before a window opens.
    let open = match args.open.as_deref().map(s3share::parse_s3_uri) {
        None => None,
        Some(Ok((bucket, folder))) if folder.is_empty() || folder.ends_with('/') => {
            Some((bucket, folder))
        }
        Some(Ok((bucket, folder))) => Some((bucket, format!("{folder}/"))),
        Some(Err(err)) => {
            eprintln!("error: --open: {err}");
            return ExitCode::from(2);
        }
    };
    let options = AppOptions {
        demo: args.demo,
        open,
        // --profile, else AWS_PROFILE (as the README promises), else what the last run chose.
        profile: args.profile.clone().or_else(|| {
            std::env::var("AWS_PROFILE")
                .ok()
                .filter(|p| !p.trim().is_empty())
        }),
        region: args.region.clone(),
        ..AppOptions::default()
    };
    let runtime = runtime.clone();
    let result = eframe::run_native(
        "s3share",
        native,
        Box::new(move |cc| {
            if std::env::var_os(s3share::REPORT_FIRST_FRAME_ENV).is_some() {
                eprintln!(
                    "s3share: window and GL context ready {} ms after main",
                    started.elapsed().as_millis()
                );
            }
            Ok(Box::new(App::new(
                &cc.egui_ctx,
                &runtime,
                cc.storage,
                options,
            )))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "error: the window could not open: {}. On a machine without a display, use the subcommands (s3share --help).",
                window_error_text(&err.to_string())
            );
            ExitCode::FAILURE
        }
    }
}

/// The reason in a window system's error, without the source file path and line winit
/// puts before it (a path of the machine that built the program, no help to anyone).
fn window_error_text(text: &str) -> &str {
    let reason = match text.rfind(".rs:") {
        Some(at) => text[at..].split_once(": ").map_or(text, |(_, rest)| rest),
        None => text,
    };
    reason.trim().trim_end_matches('.')
}
