//! Entry point: arguments, logging, the Tokio runtime, then a CLI subcommand or the window.

// A double-clicked release build on Windows opens no console window.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;
use s3share::{App, AppOptions, Args};

const ICON: &[u8] = include_bytes!("../assets/icons/256x256.png");

fn main() -> ExitCode {
    let started = std::time::Instant::now();
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
        Some(command) => runtime.block_on(s3share::run_cli(&args, command)),
        None => run_window(&args, runtime.handle(), started),
    }
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
        .with_min_inner_size([720.0, 420.0]);
    match eframe::icon_data::from_png_bytes(ICON) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(err) => tracing::warn!(error = %err, "window icon not loaded"),
    }
    let native = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let options = AppOptions {
        demo: args.demo,
        profile: args.profile.clone(),
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
                "error: the window could not open: {err}. On a machine without a display, use the subcommands (s3share --help)."
            );
            ExitCode::FAILURE
        }
    }
}
