//! The real window, driven by accessible labels with egui_kittest, against a real S3
//! server (the embedded demo, or an in-process s3s-fs with a profile pointing at it).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use egui::OutputCommand;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use s3share::ProfileFilesSource;
use s3share::WorkerConfig;
use s3share::{App, AppOptions};
use testbed::{LocalS3, LocalS3Options};

const ACCESS: &str = "gui-test-access";
const SECRET: &str = "gui-test-secret-0123456789";

/// A clock the test moves forward: real time plus `offset` seconds.
#[derive(Clone, Default)]
struct FakeClock {
    offset: Arc<AtomicU64>,
}

impl FakeClock {
    fn advance(&self, secs: u64) {
        self.offset.fetch_add(secs, Ordering::SeqCst);
    }

    fn reset(&self) {
        self.offset.store(0, Ordering::SeqCst);
    }

    fn clock(&self) -> s3share::Clock {
        let offset = self.offset.clone();
        Arc::new(move || SystemTime::now() + Duration::from_secs(offset.load(Ordering::SeqCst)))
    }
}

struct Window {
    harness: Harness<'static, App>,
    copied: Vec<String>,
    _runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    _server: Option<LocalS3>,
}

fn window(
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    server: Option<LocalS3>,
    options: AppOptions,
) -> Window {
    sized_window(runtime, dir, server, options, [1200.0, 800.0])
}

fn sized_window(
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    server: Option<LocalS3>,
    options: AppOptions,
    size: [f32; 2],
) -> Window {
    timed_window(runtime, dir, server, options, size, 0.25)
}

/// `step_dt`: the seconds of egui's time each frame takes (the harness plays one frame
/// per input event): small enough, two clicks are a double-click.
fn timed_window(
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    server: Option<LocalS3>,
    options: AppOptions,
    size: [f32; 2],
    step_dt: f32,
) -> Window {
    let handle = runtime.handle().clone();
    let harness = Harness::builder()
        .with_size(size)
        .with_step_dt(step_dt)
        .build_eframe(move |cc| App::new(&cc.egui_ctx, &handle, None, options));
    Window {
        harness,
        copied: Vec::new(),
        _runtime: runtime,
        _dir: dir,
        _server: server,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The app on its embedded demo bucket.
fn demo_window(clock: &FakeClock) -> Window {
    demo_window_stepping(clock, 0.25)
}

/// The demo window with its link history in a file of its own (returned).
fn demo_window_with_history() -> (Window, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("config").join("history.json");
    let options = AppOptions {
        demo: true,
        worker: WorkerConfig {
            profile_files: no_profiles(dir.path()),
            data_dir: Some(dir.path().join("data")),
        },
        history_path: Some(history.clone()),
        ..AppOptions::default()
    };
    (window(runtime(), dir, None, options), history)
}

/// The demo window whose frames take `step_dt` seconds of egui's time each.
fn demo_window_stepping(clock: &FakeClock, step_dt: f32) -> Window {
    let dir = tempfile::tempdir().unwrap();
    let options = AppOptions {
        demo: true,
        worker: WorkerConfig {
            profile_files: no_profiles(dir.path()),
            data_dir: Some(dir.path().join("data")),
        },
        clock: clock.clock(),
        history_path: None,
        ..AppOptions::default()
    };
    timed_window(runtime(), dir, None, options, [1200.0, 800.0], step_dt)
}

fn no_profiles(dir: &Path) -> ProfileFilesSource {
    ProfileFilesSource {
        config_file: Some(dir.join("no-config")),
        credentials_file: Some(dir.join("no-credentials")),
    }
}

/// The app signed in with profile "test" on an in-process server; `credentials` is the
/// profile's credentials section body.
fn server_window(
    options: LocalS3Options,
    prepare: impl FnOnce(&Path),
    credentials: &str,
) -> Window {
    server_window_with(options, prepare, credentials, |_, _| String::new())
}

/// `server_window`, with lines `profile_lines` gives (from the store's root, on the
/// window's runtime, once the server runs) added to profile "test".
fn server_window_with(
    options: LocalS3Options,
    prepare: impl FnOnce(&Path),
    credentials: &str,
    profile_lines: impl FnOnce(&Path, &tokio::runtime::Runtime) -> String,
) -> Window {
    server_window_timed(options, prepare, credentials, profile_lines, 0.25)
}

/// `server_window_with` whose frames take `step_dt` seconds of egui's time each.
fn server_window_timed(
    options: LocalS3Options,
    prepare: impl FnOnce(&Path),
    credentials: &str,
    profile_lines: impl FnOnce(&Path, &tokio::runtime::Runtime) -> String,
    step_dt: f32,
) -> Window {
    let runtime = runtime();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("s3");
    std::fs::create_dir_all(&root).unwrap();
    for bucket in &options.buckets {
        std::fs::create_dir_all(root.join(bucket)).unwrap();
    }
    prepare(&root);
    let server = runtime
        .block_on(LocalS3::start(&root, ACCESS, SECRET, options))
        .unwrap();
    let more = profile_lines(&root, &runtime);
    std::fs::write(
        dir.path().join("config"),
        format!(
            "[profile test]\nregion = us-east-1\nendpoint_url = {}\n{more}",
            server.endpoint()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("credentials"),
        format!("[test]\n{credentials}"),
    )
    .unwrap();
    let options = AppOptions {
        profile: Some("test".into()),
        worker: WorkerConfig {
            profile_files: ProfileFilesSource {
                config_file: Some(dir.path().join("config")),
                credentials_file: Some(dir.path().join("credentials")),
            },
            data_dir: Some(dir.path().join("data")),
        },
        history_path: None,
        ..AppOptions::default()
    };
    timed_window(
        runtime,
        dir,
        Some(server),
        options,
        [1200.0, 800.0],
        step_dt,
    )
}

/// A window on buckets "bulk" (its files written by `files`, given its folder) and "other",
/// whose frames take `step_dt` seconds of egui's time each.
fn bulk_window(files: impl FnOnce(&Path), step_dt: f32) -> Window {
    server_window_timed(
        LocalS3Options {
            buckets: vec!["bulk".into(), "other".into()],
            ..LocalS3Options::default()
        },
        |root| files(&root.join("bulk")),
        &static_keys(),
        |_, _| String::new(),
        step_dt,
    )
}

fn static_keys() -> String {
    format!("aws_access_key_id = {ACCESS}\naws_secret_access_key = {SECRET}\n")
}

impl Window {
    /// One frame, remembering anything put on the clipboard.
    fn step(&mut self) {
        self.harness.step();
        for command in &self.harness.output().platform_output.commands {
            if let OutputCommand::CopyText(text) = command {
                self.copied.push(text.clone());
            }
        }
    }

    /// Frames until `done` holds (the worker answers from another thread).
    fn until(&mut self, what: &str, mut done: impl FnMut(&Harness<'static, App>) -> bool) {
        let start = Instant::now();
        loop {
            self.step();
            if done(&self.harness) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A key pressed and released, one frame each: the harness keeps only the last frame's
    /// output of a step, so a link copied in an earlier frame of the same step would be lost.
    fn press(&mut self, modifiers: egui::Modifiers, key: egui::Key) {
        for pressed in [true, false] {
            self.harness.event(egui::Event::Key {
                key,
                physical_key: None,
                pressed,
                repeat: false,
                modifiers,
            });
            self.step();
        }
    }

    /// A primary click at `at` (pointer moved there, pressed, released).
    fn click_at(&mut self, at: egui::Pos2) {
        self.harness.event(egui::Event::PointerMoved(at));
        for pressed in [true, false] {
            self.harness.event(egui::Event::PointerButton {
                pos: at,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
        }
        self.step();
    }

    /// Frames for a while (real time), for anything a click might have started to land.
    fn settle(&mut self) {
        for _ in 0..30 {
            self.step();
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn until_label(&mut self, label: &str) {
        self.until(label, |h| h.query_by_label(label).is_some());
    }

    fn click(&mut self, label: &str) {
        self.until_label(label);
        self.harness.get_by_label(label).click();
        // One frame handles the click; panels drawn before the clicked one catch up in the next.
        self.step();
        self.step();
    }
}

fn plain_get(url: &str) -> (u16, Option<String>, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(url).call().unwrap();
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (
        response.status().as_u16(),
        disposition,
        response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .unwrap(),
    )
}

#[test]
fn copy_link_puts_a_working_link_with_its_filename_on_the_clipboard() {
    let clock = FakeClock::default();
    let mut w = demo_window(&clock);
    // The demo's only bucket opens by itself.
    w.click("reports/");
    w.click("Quarterly report Q3.csv");

    // Backspace goes up a folder, and back in again.
    w.harness.key_press(egui::Key::Backspace);
    w.until_label("notes/");
    w.click("reports/");
    w.click("Quarterly report Q3.csv");

    // Slider from the default 1 h one step right: 4 h.
    w.harness.get_by_label("Link lifetime").focus();
    w.step();
    w.harness.key_press(egui::Key::ArrowRight);
    w.step();
    w.until_label("4 h");

    w.click("Set download filename");
    let name = w.harness.get_by_label("Download filename");
    assert_eq!(name.value().as_deref(), Some("Quarterly report Q3.csv"));
    name.focus();
    w.harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    w.harness
        .get_by_label("Download filename")
        .type_text("Bericht März.csv");
    w.step();

    w.click("Copy link");
    w.until("the link on the clipboard", |h| {
        h.query_by_label("Copied").is_some()
    });
    let url = w.copied.last().expect("a link was copied").clone();
    assert!(url.contains("X-Amz-Expires=14400"), "4 h link");
    let (status, disposition, body) = plain_get(&url);
    assert_eq!(status, 200);
    assert_eq!(
        body,
        b"quarter,revenue,costs\nQ1,120,80\nQ2,135,82\nQ3,150,90\n"
    );
    assert!(
        disposition
            .unwrap()
            .ends_with("filename*=UTF-8''Bericht%20M%C3%A4rz.csv")
    );

    // The countdown follows the clock: red in the last minute, then expired.
    assert!(
        w.harness
            .query_by_label_contains("Time left: 3 h 59 min")
            .is_some()
            || w.harness
                .query_by_label_contains("Time left: 4 h 00 min")
                .is_some()
    );
    clock.advance(4 * 3600 - 30);
    w.until("under a minute left", |h| {
        h.query_by_label_contains("Time left: 0:2").is_some()
            || h.query_by_label_contains("Time left: 0:30").is_some()
    });
    clock.advance(60);
    w.until_label("Expired just now");

    // Copying again makes a fresh link (signed a second later), and the countdown starts over.
    clock.reset();
    std::thread::sleep(Duration::from_millis(1100));
    let before = w.copied.len();
    w.click("Copy link");
    let start = Instant::now();
    while w.copied.len() == before {
        assert!(start.elapsed() < Duration::from_secs(30), "no second link");
        std::thread::sleep(Duration::from_millis(10));
        w.step();
    }
    assert_ne!(w.copied.last(), Some(&url));
    w.until("a fresh countdown", |h| {
        h.query_by_label_contains("Time left: 3 h").is_some()
    });
}

#[test]
fn credentials_that_end_first_are_shown_as_the_real_end() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("creds.sh");
    let ends = chrono::Utc::now() + chrono::Duration::minutes(30);
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"{ACCESS}\", \"SecretAccessKey\": \"{SECRET}\", \"SessionToken\": \"tok\", \"Expiration\": \"{}\"}}'\n",
            ends.format("%Y-%m-%dT%H:%M:%SZ")
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut w = server_window(
        LocalS3Options {
            buckets: vec!["shared".into()],
            ..LocalS3Options::default()
        },
        |root| std::fs::write(root.join("shared").join("plan.txt"), "the plan").unwrap(),
        &format!("credential_process = {}\n", script.display()),
    );
    w.click("plan.txt");
    w.click("7 days (max)");
    w.until("the warning", |h| {
        h.query_by_label_contains("The credentials that sign it end at")
            .is_some()
    });
    w.click("Copy link");
    w.until("the link", |h| h.query_by_label("Copied").is_some());
    // Effective end is the credentials' end: about 30 minutes, not 7 days.
    w.until("a 29-30 minute countdown", |h| {
        h.query_by_label_contains("Time left: 29:").is_some()
            || h.query_by_label_contains("Time left: 30:").is_some()
    });
    assert!(
        w.harness
            .query_all_by_label_contains("stops working then")
            .count()
            >= 1
    );
    let url = w.copied.last().unwrap().clone();
    assert!(url.contains("X-Amz-Security-Token=tok"));
    assert!(url.contains("X-Amz-Expires=604800"));
    drop(dir);
}

#[test]
fn access_denied_is_shown_where_it_happened_with_retry() {
    let mut w = server_window(
        LocalS3Options {
            buckets: vec!["open".into(), "locked".into()],
            denied_buckets: vec!["locked".into()],
            ..LocalS3Options::default()
        },
        |_| {},
        &static_keys(),
    );
    w.click("locked");
    w.until("the access denied message", |h| {
        h.query_by_label_contains("Access denied while listing objects (bucket locked)")
            .is_some()
    });
    assert!(w.harness.query_by_label("Retry").is_some());
    // The window still works: another bucket opens.
    w.click("open");
    w.until("the empty listing", |h| {
        h.query_by_label("0 items").is_some()
    });
}

#[test]
fn a_long_listing_appears_page_by_page() {
    const COUNT: usize = 2500;
    let mut w = server_window(
        LocalS3Options {
            buckets: vec!["big".into(), "other".into()],
            ..LocalS3Options::default()
        },
        |root| {
            for i in 0..COUNT {
                std::fs::write(root.join("big").join(format!("file-{i:05}.txt")), "x").unwrap();
            }
        },
        &static_keys(),
    );
    w.click("big");
    let mut partial_counts = Vec::new();
    let all = format!("{COUNT} items");
    w.until("the whole listing", |h| {
        if let Some(node) = h.query_by_label_contains("items so far, loading") {
            partial_counts.push(node.value().unwrap_or_default());
        }
        h.query_by_label(&all).is_some()
    });
    assert!(
        partial_counts
            .iter()
            .any(|l| l.starts_with("1000 items so far")),
        "first page shown before the rest arrived: {partial_counts:?}"
    );
    // Only visible rows are laid out: the last file is not on screen at the top.
    assert!(w.harness.query_by_label("file-00000.txt").is_some());
    assert!(w.harness.query_by_label("file-02499.txt").is_none());
}

/// A folder too big to sort on the UI thread (generated keys, signatures checked by s3s):
/// sorting and filtering go to the runtime and their result replaces the rows shown.
#[test]
fn a_big_folder_is_sorted_and_filtered_off_the_ui_thread() {
    const COUNT: usize = 50_000;
    let mut w = server_window(
        LocalS3Options {
            buckets: vec!["huge".into(), "other".into()],
            synthetic: vec![testbed::SyntheticFolder {
                bucket: "huge".into(),
                prefix: String::new(),
                count: COUNT,
            }],
            ..LocalS3Options::default()
        },
        |_| {},
        &static_keys(),
    );
    w.click("huge");
    w.until_label(&format!("{COUNT} items"));
    assert!(w.harness.query_by_label("IMG_0000000.jpg").is_some());
    // The generated sizes are i * 7919 % 64: the biggest last-listed file has 63 bytes.
    let biggest = (0..COUNT).rev().find(|i| i * 7919 % 64 == 63).unwrap();
    let biggest = format!("IMG_{biggest:07}.jpg");
    w.click("Size");
    w.click("Size");
    w.until(&biggest, |h| h.query_by_label(&biggest).is_some());
    assert!(w.harness.query_by_label("IMG_0000000.jpg").is_none());
    // A filter over 50,000 names.
    let matching = (0..COUNT)
        .filter(|i| format!("IMG_{i:07}.jpg").contains("0049"))
        .count();
    w.harness.get_by_label("Filter objects").focus();
    w.step();
    w.harness.get_by_label("Filter objects").type_text("0049");
    let shown = format!("{matching} of {COUNT} items");
    w.until(&shown, |h| h.query_by_label(&shown).is_some());
}

/// A file dropped from the desktop, as egui-winit hands it over.
#[derive(Debug)]
struct DroppedPath(std::path::PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_dropped_file_is_uploaded_to_the_open_folder_and_its_link_copied() {
    let clock = FakeClock::default();
    let mut w = demo_window(&clock);
    w.click("notes/");
    w.until("the notes folder", |h| {
        h.query_by_label_contains("meeting notes").is_some()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site plan.bin");
    let bytes: Vec<u8> = (0..40 * 1024 * 1024)
        .map(|i: u32| (i % 253) as u8)
        .collect();
    std::fs::write(&path, &bytes).unwrap();

    // Hovering shows the overlay (egui keeps repainting meanwhile: step, do not run).
    w.harness.input_mut().hovered_files.push(egui::HoveredFile {
        path: Some(path.clone()),
        mime: String::new(),
    });
    w.harness.run_steps(2);
    w.harness.input_mut().hovered_files.clear();
    w.harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(path.clone())));
    w.step();

    let mut saw_progress = false;
    w.until("the upload to finish", |h| {
        saw_progress |= h.query_by_label_contains("of 40.0 MiB").is_some();
        h.query_by_label_contains("Uploaded, link copied").is_some()
    });
    assert!(saw_progress, "a progress row was shown while uploading");
    let url = w
        .copied
        .last()
        .expect("the link went to the clipboard")
        .clone();
    assert!(url.contains("/demo-bucket/notes/site%20plan.bin?"), "{url}");
    let (status, _, body) = plain_get(&url);
    assert_eq!(status, 200);
    assert!(body == bytes, "{} bytes back", body.len());
    // The listing shows the new file, selected, with its countdown.
    w.until("the new file in the listing", |h| {
        h.query_by_role_and_label(egui::accesskit::Role::Button, "site plan.bin")
            .is_some()
    });
    w.until("the countdown", |h| {
        h.query_by_label_contains("Time left: 59:").is_some()
    });

    // Dropping the same file again asks before touching the existing object.
    w.harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(path.clone())));
    w.step();
    w.until("the name-taken question", |h| {
        h.query_by_label_contains("exists.").is_some()
    });
    w.click("Keep both");
    w.until("the copy beside it", |h| {
        h.query_by_role_and_label(egui::accesskit::Role::Button, "site plan (1).bin")
            .is_some()
    });
    // Both uploaded; only the link on the clipboard (the last) says copied.
    w.until("both links made", |h| {
        h.query_all_by_label_contains("Uploaded, link").count() == 2
            && h.query_all_by_label_contains("Uploaded, link copied")
                .count()
                == 1
    });

    // A folder is refused with a message.
    w.harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(dir.path().to_owned())));
    w.step();
    w.until("the folder message", |h| {
        h.query_by_label_contains("folders are not uploaded")
            .is_some()
    });
}

#[test]
fn without_any_aws_profile_the_window_explains_and_offers_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let options = AppOptions {
        worker: WorkerConfig {
            profile_files: no_profiles(dir.path()),
            data_dir: Some(dir.path().join("data")),
        },
        history_path: None,
        ..AppOptions::default()
    };
    let mut w = window(runtime(), dir, None, options);
    // Environment keys (AWS_ACCESS_KEY_ID) would sign in anyway; only assert the message
    // where the machine has none, as on CI.
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        w.until("the first-run message", |h| {
            h.query_by_label_contains("No AWS profile is set up on this computer")
                .is_some()
        });
        assert!(
            w.harness
                .query_by_label_contains("aws configure sso")
                .is_some()
        );
    }
    w.click("Try the demo bucket");
    w.until("the demo bucket's files", |h| {
        h.query_by_label("README.txt").is_some()
    });
}

#[test]
fn ctrl_c_with_a_file_selected_copies_a_fresh_link() {
    let clock = FakeClock::default();
    let mut w = demo_window(&clock);
    w.click("README.txt");
    w.press(egui::Modifiers::COMMAND, egui::Key::C);
    w.until("the link from Ctrl+C", |h| {
        h.query_by_label("Copied").is_some()
    });
    let url = w.copied.last().expect("a link was copied").clone();
    assert_eq!(plain_get(&url).0, 200);
}

#[test]
fn shared_links_are_remembered_privately_and_can_be_copied_again() {
    let (mut w, history) = demo_window_with_history();
    w.click("README.txt");
    w.click("Copy link");
    w.until("the link", |h| h.query_by_label("Copied").is_some());
    let url = w.copied.last().unwrap().clone();
    // The worker writes the file, off the UI thread.
    let saved = history.clone();
    w.until("the history file", move |_| {
        std::fs::read_to_string(&saved).is_ok_and(|text| text.contains("README.txt"))
    });
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&history).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "history is readable by its owner only");
    }
    assert!(std::fs::read_to_string(&history).unwrap().contains(&url));
    w.click("Recent links (1)");
    let before = w.copied.len();
    w.click("Copy");
    assert_eq!(w.copied.len(), before + 1);
    assert_eq!(w.copied.last(), Some(&url), "the same, still valid link");
}

/// A link the bucket's policy refuses is tried before it is handed out: the window says
/// why, copies nothing by itself, and copies it only on "Copy anyway".
#[test]
fn a_link_that_would_not_open_is_explained_before_anything_is_copied() {
    let mut w = server_window(
        LocalS3Options {
            buckets: vec!["vpc-only".into()],
            link_denied_buckets: vec!["vpc-only".into()],
            ..LocalS3Options::default()
        },
        |root| std::fs::write(root.join("vpc-only").join("plan.txt"), "the plan").unwrap(),
        &static_keys(),
    );
    w.click("plan.txt");
    w.click("Copy link");
    w.until("the reason", |h| {
        h.query_by_label_contains("A bucket policy").is_some()
    });
    assert!(w.copied.is_empty(), "nothing copied by itself");
    assert!(w.harness.query_by_label("Copied").is_none());
    w.click("Copy anyway");
    w.until("the link copied on request", |h| {
        h.query_by_label("Copied").is_some()
    });
    let url = w.copied.last().expect("copied on request").clone();
    assert_eq!(plain_get(&url).0, 403, "and it is indeed refused");
}

/// The other self-test failures, as the window shows them: each its own reason, nothing
/// copied by itself.
#[test]
fn each_self_test_failure_is_named_in_the_share_panel() {
    let mut w = server_window(
        LocalS3Options {
            buckets: vec!["docs".into()],
            kms_denied_objects: vec!["docs/payroll.csv".into()],
            stale_objects: vec!["docs/ghost.txt".into()],
            ..LocalS3Options::default()
        },
        |root| {
            std::fs::write(root.join("docs").join("payroll.csv"), "a,b").unwrap();
            std::fs::write(root.join("docs").join("ghost.txt"), "boo").unwrap();
        },
        &static_keys(),
    );
    for (file, says) in [
        ("payroll.csv", "KMS key"),
        ("ghost.txt", "the server failed (HTTP 500"),
    ] {
        w.click(file);
        w.click("Copy link");
        w.until(says, |h| h.query_by_label_contains(says).is_some());
        assert!(w.harness.query_by_label("Copy anyway").is_some(), "{file}");
        assert!(w.copied.is_empty(), "{file}: nothing copied by itself");
    }
}

/// A file request from the window: the page link is copied and opens in a browser as the
/// page; Close request deletes it and the link stops.
#[test]
fn a_file_request_is_made_copied_and_closed_from_the_window() {
    let mut w = server_window(
        LocalS3Options {
            buckets: vec!["inbox".into()],
            ..LocalS3Options::default()
        },
        |_| {},
        &static_keys(),
    );
    w.until_label("Request files");
    w.click("Request files");
    w.harness.get_by_label("Request title").focus();
    w.step();
    w.harness
        .get_by_label("Request title")
        .type_text("Scans for the audit");
    w.step();
    w.click("Make request page");
    w.until("the page link", |h| {
        h.query_by_label_contains("Page link copied").is_some()
    });
    let url = w.copied.last().expect("the page link was copied").clone();
    let (status, _, body) = plain_get(&url);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("<h1>Scans for the audit</h1>"));
    // Below the fold of the share panel: clicked through accessibility, as a screen reader
    // would (a pointer would scroll first).
    w.harness.get_by_label("Count again").click_accesskit();
    w.step();
    w.until_label("Files received: 0");
    w.harness.get_by_label("Close request").click_accesskit();
    w.step();
    // Closing asks once more, saying what stops.
    w.until_label("Close the page");
    assert_eq!(plain_get(&url).0, 200, "not closed before it is confirmed");
    w.harness.get_by_label("Close the page").click_accesskit();
    w.step();
    w.until("closed", |h| {
        h.query_by_label_contains("Closed: the page is deleted")
            .is_some()
    });
    assert_ne!(plain_get(&url).0, 200);
}

/// Ctrl+click two files, "Copy 2 links": one text on the clipboard, a working link a line.
#[test]
fn several_selected_files_give_one_text_of_working_links() {
    let clock = FakeClock::default();
    let mut w = demo_window(&clock);
    w.click("reports/");
    w.click("Quarterly report Q3.csv");
    w.until_label("Prüfbericht März.txt");
    w.harness
        .get_by_label("Prüfbericht März.txt")
        .click_modifiers(egui::Modifiers::COMMAND);
    w.step();
    w.step();
    w.click("Copy 2 links");
    w.until("both links", |h| {
        h.query_by_label_contains("Copied 2 of 2 links.").is_some()
    });
    let text = w.copied.last().expect("copied").clone();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    for line in lines {
        let (name, url) = line.split_once('\t').expect("name<TAB>link");
        let (status, _, _) = plain_get(url);
        assert_eq!(status, 200, "{name}");
    }
}

/// Ctrl+V with a copied file list uploads the files; with a screenshot on the clipboard it
/// offers a name and uploads a PNG of exactly those pixels.
#[test]
fn pasted_files_and_screenshots_are_uploaded_and_shared() {
    let clock = FakeClock::default();
    let mut w = demo_window(&clock);
    w.click("notes/");
    w.until("the notes folder", |h| {
        h.query_by_label_contains("meeting notes").is_some()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pasted plan.txt");
    std::fs::write(&path, b"pasted, not dropped").unwrap();
    // What a file manager puts on the clipboard for a copied file (GNOME's form).
    let uri = format!("copy\nfile://{}", path.display()).replace(' ', "%20");
    w.harness.event(egui::Event::Paste(uri));
    w.step();
    w.until("the pasted file's link", |h| {
        h.query_by_label_contains("Uploaded, link copied").is_some()
    });
    let url = w.copied.last().expect("a link").clone();
    assert_eq!(plain_get(&url).2, b"pasted, not dropped");

    // Plain text is not a file: nothing is uploaded.
    w.harness
        .event(egui::Event::Paste("just some words".into()));
    w.step();
    w.step();
    assert_eq!(
        w.harness
            .query_all_by_label_contains("Uploaded, link")
            .count(),
        1
    );
    w.until("the text said as text", |h| {
        h.query_by_label_contains("Pasted text is not uploaded")
            .is_some()
    });

    let (width, height) = (3, 2);
    let pixels: Vec<egui::Color32> = (0..width * height)
        .map(|i| egui::Color32::from_rgb((i * 40) as u8, 200, (255 - i * 30) as u8))
        .collect();
    let image = egui::ColorImage::new([width, height], pixels.clone());
    w.harness.event(egui::Event::PasteImage(Arc::new(image)));
    w.step();
    w.until_label("Image name");
    let name = w
        .harness
        .get_by_label("Image name")
        .value()
        .unwrap_or_default();
    assert!(
        name.starts_with("Screenshot ") && name.ends_with(".png"),
        "{name}"
    );
    w.click("Upload image");
    w.until("the screenshot's link", |h| {
        h.query_all_by_label_contains("Uploaded, link").count() == 2
            && h.query_all_by_label_contains("Uploaded, link copied")
                .count()
                == 1
    });
    let png_url = w.copied.last().unwrap().clone();
    let (status, _, body) = plain_get(&png_url);
    assert_eq!(status, 200);
    let mut reader = png::Decoder::new(std::io::Cursor::new(body))
        .read_info()
        .unwrap();
    let mut decoded = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut decoded).unwrap();
    assert_eq!((frame.width, frame.height), (width as u32, height as u32));
    let expected: Vec<u8> = pixels.iter().flat_map(|p| p.to_array()).collect();
    assert_eq!(
        &decoded[..frame.buffer_size()],
        &expected[..],
        "the same pixels"
    );
}

/// "Copy links with sub-folders" on the demo bucket's top: every file below, each link working.
#[test]
fn a_folder_with_its_sub_folders_gives_a_link_per_file() {
    let clock = FakeClock::default();
    let mut w = demo_window(&clock);
    w.until_label("README.txt");
    w.click("Copy links with sub-folders");
    w.until("all the links", |h| {
        h.query_by_label_contains("Copied 5 of 5 links.").is_some()
    });
    let text = w.copied.last().expect("copied").clone();
    let names: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    // Named by their path below the open folder: two files of one name stay apart.
    assert!(names.contains(&"reports/Prüfbericht März.txt"), "{names:?}");
    for line in text.lines() {
        let url = line.split('\t').nth(1).unwrap();
        assert_eq!(plain_get(url).0, 200, "{line}");
    }
}

/// Above 100 files the sub-folders' links wait for a second click that names the count;
/// once confirmed every file gets a working link (made while the folder is listed again),
/// in the listing's order.
#[test]
fn a_big_folder_with_sub_folders_asks_then_gives_a_link_per_file() {
    let mut w = bulk_window(
        |bulk| {
            let sub = bulk.join("sub");
            std::fs::create_dir_all(&sub).unwrap();
            for i in 0..70 {
                std::fs::write(bulk.join(format!("top-{i:03}.txt")), "t").unwrap();
            }
            for i in 0..50 {
                std::fs::write(sub.join(format!("deep-{i:03}.txt")), format!("d{i}")).unwrap();
            }
        },
        0.25,
    );
    w.click("bulk");
    w.until_label("top-000.txt");
    w.click("Copy links with sub-folders");
    let confirm = "Copy 120 links, sub-folders included";
    w.until("the question", |h| {
        h.query_by_label_contains(confirm).is_some()
    });
    assert!(
        w.copied.is_empty(),
        "nothing copied before the second click"
    );
    w.harness.get_by_label_contains(confirm).click();
    w.step();
    w.until("all the links", |h| {
        h.query_by_label_contains("Copied 120 of 120 links.")
            .is_some()
    });
    let text = w.copied.last().expect("copied").clone();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 120);
    let names: Vec<&str> = lines
        .iter()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let mut in_order = names.clone();
    in_order.sort_unstable();
    assert_eq!(names, in_order, "in the listing's order");
    assert_eq!(names[119], "top-069.txt");
    assert_eq!(names[0], "sub/deep-000.txt");
    for line in [lines[0], lines[49], lines[50], lines[119]] {
        let url = line.split('\t').nth(1).unwrap();
        assert_eq!(plain_get(url).0, 200, "{line}");
    }
    let (_, _, body) = plain_get(lines[7].split('\t').nth(1).unwrap());
    assert_eq!(body, b"d7", "each link opens its own file");
}

/// A double-click on a folder's links button in a folder of more than 100 files asks and
/// waits: its second click is not the confirmation. Cancel and Esc take the question back;
/// a deliberate second click confirms.
#[test]
fn a_double_click_never_confirms_a_folders_links() {
    let mut w = bulk_window(
        |bulk| {
            for i in 0..120 {
                std::fs::write(bulk.join(format!("f-{i:03}.txt")), "f").unwrap();
            }
        },
        0.01,
    );
    w.click("bulk");
    w.until_label("f-000.txt");
    let at = w
        .harness
        .get_by_label("Copy links for this folder")
        .rect()
        .center();
    let armed = "Copy 120 links, 1 h each (confirm)";
    w.settle();
    w.click_at(at);
    w.click_at(at);
    w.settle();
    assert!(w.copied.is_empty(), "{} texts copied", w.copied.len());
    assert!(w.harness.query_by_label(armed).is_some(), "still asking");

    // Cancel, then Esc, take the question back.
    w.click("Cancel");
    w.until_label("Copy links for this folder");
    w.click_at(at);
    w.until_label(armed);
    w.settle();
    w.press(egui::Modifiers::NONE, egui::Key::Escape);
    w.until_label("Copy links for this folder");
    assert!(w.harness.query_by_label("Cancel").is_none());

    // The same for the sub-folders' links: a double-click makes nothing.
    let deep = w
        .harness
        .get_by_label("Copy links with sub-folders")
        .rect()
        .center();
    w.click_at(deep);
    w.click_at(deep);
    w.settle();
    assert!(w.copied.is_empty(), "{} texts copied", w.copied.len());

    // Two separate clicks: asked, then confirmed.
    w.press(egui::Modifiers::NONE, egui::Key::Escape);
    w.click_at(at);
    w.until_label(armed);
    w.settle();
    w.click_at(at);
    w.until("all the links", |h| {
        h.query_by_label_contains("Copied 120 of 120 links.")
            .is_some()
    });
    assert_eq!(w.copied.last().unwrap().lines().count(), 120);
}

/// While one row's "Revoke this link?" is open (it pushes the rows down), the other rows'
/// Revoke buttons wait: a click meant for the question's row cannot land on another.
#[test]
fn while_a_revoke_is_asked_the_other_rows_wait() {
    use egui_kittest::kittest::NodeT;
    let (mut w, _history) = demo_window_with_history();
    w.click("README.txt");
    w.click("Revocable");
    for made in 1..=2 {
        let before = w.copied.len();
        w.click("Copy link");
        let start = Instant::now();
        while w.copied.len() == before {
            assert!(start.elapsed() < Duration::from_secs(30), "no link {made}");
            std::thread::sleep(Duration::from_millis(10));
            w.step();
        }
    }
    w.click("Shared links (2)");
    w.until("two Revoke buttons", |h| {
        h.get_all_by_label("Revoke").count() == 2
    });
    let disabled = |w: &Window| -> Vec<bool> {
        w.harness
            .get_all_by_label("Revoke")
            .map(|n| n.accesskit_node().is_disabled())
            .collect()
    };
    assert_eq!(disabled(&w), [false, false]);
    w.harness.get_all_by_label("Revoke").next().unwrap().click();
    w.step();
    w.until_label("Revoke now");
    assert_eq!(disabled(&w), [false, true], "only the asked row's Revoke");
    w.click("Keep it");
    w.step();
    assert!(w.harness.query_by_label("Revoke now").is_none());
    assert_eq!(disabled(&w), [false, false]);
}

/// The listing by keyboard alone, as in a file manager: arrows, Enter, type-ahead, Ctrl+F,
/// Esc.
#[test]
fn the_listing_works_from_the_keyboard_alone() {
    let clock = FakeClock::default();
    let mut w = demo_window(&clock);
    w.until_label("README.txt");
    w.press(egui::Modifiers::NONE, egui::Key::ArrowDown);
    w.press(egui::Modifiers::NONE, egui::Key::Enter);
    w.until("the notes folder", |h| {
        h.query_by_label_contains("meeting notes").is_some()
    });
    w.press(egui::Modifiers::NONE, egui::Key::ArrowDown);
    w.until("the file selected", |h| {
        h.query_by_label_contains("s3://demo-bucket/notes/meeting notes")
            .is_some()
    });
    w.press(egui::Modifiers::NONE, egui::Key::Enter);
    w.until("its link copied", |h| h.query_by_label("Copied").is_some());
    let url = w.copied.last().expect("a link").clone();
    assert_eq!(plain_get(&url).0, 200);

    // Up to the top, then type-ahead: "r" then "e" finds README.txt before reports/.
    w.press(egui::Modifiers::NONE, egui::Key::Backspace);
    w.until_label("README.txt");
    w.harness.event(egui::Event::Text("r".into()));
    w.step();
    w.harness.event(egui::Event::Text("ea".into()));
    w.step();
    w.until("README selected", |h| {
        h.query_by_label_contains("s3://demo-bucket/README.txt")
            .is_some()
    });

    // Ctrl+F focuses the filter; Esc empties it.
    w.press(egui::Modifiers::COMMAND, egui::Key::F);
    w.harness.event(egui::Event::Text("zzz".into()));
    w.step();
    w.until("the filter applied", |h| {
        h.query_by_label_contains("0 of 4 items").is_some()
    });
    w.press(egui::Modifiers::NONE, egui::Key::Escape);
    w.until("the filter emptied", |h| {
        h.query_by_label("4 items").is_some()
    });
}

/// From the smallest window size (800×600) to 4K, no two controls overlap: every
/// button, field, slider and row has its own place.
#[test]
fn nothing_overlaps_from_800_by_600_up() {
    use egui_kittest::kittest::NodeT;
    for size in [[800.0, 600.0], [1920.0, 1080.0], [3840.0, 2160.0]] {
        let clock = FakeClock::default();
        let dir = tempfile::tempdir().unwrap();
        let options = AppOptions {
            demo: true,
            worker: WorkerConfig {
                profile_files: no_profiles(dir.path()),
                data_dir: Some(dir.path().join("data")),
            },
            clock: clock.clock(),
            history_path: None,
            ..AppOptions::default()
        };
        let mut w = sized_window(runtime(), dir, None, options, size);
        w.click("reports/");
        w.click("Quarterly report Q3.csv");
        w.click("Copy link");
        w.until("the link", |h| h.query_by_label("Copied").is_some());
        let controls: Vec<(String, egui::Rect)> = w
            .harness
            .root()
            .children_recursive()
            .filter(|n| {
                let node = n.accesskit_node();
                !node.is_hidden()
                    && matches!(
                        node.role(),
                        egui::Role::Button
                            | egui::Role::TextInput
                            | egui::Role::MultilineTextInput
                            | egui::Role::Slider
                            | egui::Role::CheckBox
                            | egui::Role::ComboBox
                    )
            })
            .map(|n| (format!("{:?}", n.accesskit_node().label()), n.rect()))
            .filter(|(_, r)| r.width() > 0.0 && r.height() > 0.0)
            .collect();
        assert!(controls.len() > 10, "{size:?}: {} controls", controls.len());
        for (i, (a, ra)) in controls.iter().enumerate() {
            assert!(
                ra.max.x <= size[0] + 0.5 && ra.min.x >= -0.5,
                "{size:?}: {a} sticks out of the window: {ra:?}"
            );
            for (b, rb) in &controls[i + 1..] {
                let overlap = ra.intersect(*rb);
                assert!(
                    overlap.width() <= 1.0 || overlap.height() <= 1.0,
                    "{size:?}: {a} {ra:?} overlaps {b} {rb:?}"
                );
            }
        }
    }
}

/// No AWS CLI, only keys: "Add a profile…" tries them, refuses wrong ones (writing
/// nothing), then writes the profile as `aws configure` would and signs in with it.
#[test]
fn a_profile_is_added_from_the_window_after_its_keys_are_tried() {
    let runtime = runtime();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("s3");
    std::fs::create_dir_all(root.join("team-files")).unwrap();
    let server = runtime
        .block_on(LocalS3::start(
            &root,
            ACCESS,
            SECRET,
            LocalS3Options::default(),
        ))
        .unwrap();
    let endpoint = server.endpoint();
    let (config, credentials) = (dir.path().join("config"), dir.path().join("credentials"));
    std::fs::write(&config, "# mine\n").unwrap();
    let options = AppOptions {
        worker: WorkerConfig {
            profile_files: ProfileFilesSource {
                config_file: Some(config.clone()),
                credentials_file: Some(credentials.clone()),
            },
            data_dir: Some(dir.path().join("data")),
        },
        history_path: None,
        ..AppOptions::default()
    };
    let mut w = window(runtime, dir, Some(server), options);
    w.click("Add a profile…");
    w.until_label("Profile name");
    let fill = |w: &mut Window, label: &str, text: &str| {
        w.harness.get_by_label(label).focus();
        w.step();
        w.harness
            .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        w.step();
        w.harness.get_by_label(label).type_text(text);
        w.step();
    };
    fill(&mut w, "Profile name", "team");
    fill(&mut w, "Access key", ACCESS);
    fill(&mut w, "Secret key", "not-the-secret");
    fill(&mut w, "Endpoint URL (optional)", &endpoint);
    w.click("Test and save");
    w.until("the keys refused", |h| {
        h.query_by_label_contains("Nothing was saved").is_some()
    });
    assert!(!credentials.exists(), "nothing written for wrong keys");
    fill(&mut w, "Secret key", SECRET);
    w.click("Test and save");
    w.until(
        "signed in with the new profile and its bucket listed",
        |h| h.query_all_by_label("team-files").count() > 0,
    );
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.starts_with("# mine\n"), "kept: {written}");
    assert!(written.contains(&format!(
        "[profile team]\nregion = us-east-1\nendpoint_url = {endpoint}\n"
    )));
    let keys = std::fs::read_to_string(&credentials).unwrap();
    assert!(keys.contains(&format!(
        "[team]\naws_access_key_id = {ACCESS}\naws_secret_access_key = {SECRET}\n"
    )));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [&config, &credentials] {
            let mode = std::fs::metadata(file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        }
    }
}

/// The first click of a double-click on a folder opens it; the second lands on the new
/// listing, on a file the user never chose: it must make, copy and record nothing.
#[test]
fn a_double_click_on_a_folder_opens_it_and_chooses_nothing_inside() {
    let clock = FakeClock::default();
    let mut w = demo_window_stepping(&clock, 0.01);
    w.until_label("reports/");
    let at = w.harness.get_by_label("reports/").rect().center();
    w.click_at(at);
    w.until_label("Quarterly report Q3.csv");
    let under = w.harness.get_by_label("Quarterly report Q3.csv").rect();
    assert!(under.contains(at), "a file is now under the pointer");
    w.click_at(at);
    w.settle();
    assert!(w.copied.is_empty(), "copied {:?}", w.copied);
    assert!(
        w.harness
            .query_by_label_contains("s3://demo-bucket/reports/")
            .is_none(),
        "no file selected"
    );
    assert!(
        w.harness.query_by_label("Prüfbericht März.txt").is_some(),
        "still in reports/"
    );

    // A double-click on a file the first click selected copies its link (so the harness
    // does make double-clicks).
    w.click_at(at);
    w.click_at(at);
    w.until("the link of the double-clicked file", |h| {
        h.query_by_label("Copied").is_some()
    });
    let url = w.copied.last().expect("a link").clone();
    assert!(url.contains("Quarterly%20report%20Q3.csv"), "{url}");
}

/// A lifetime picked in "Copy link for…" is that link's lifetime, whatever the custom
/// field says; Enter in the custom field and in the download filename field applies the
/// field and makes no link.
#[test]
fn a_menu_lifetime_is_the_links_and_enter_in_a_field_makes_no_link() {
    use egui::accesskit::Role;
    let clock = FakeClock::default();
    let mut w = demo_window(&clock);
    w.click("README.txt");
    w.harness.get_by_label("Custom").focus();
    w.step();
    w.harness.get_by_label("Custom").type_text("10m");
    w.step();
    w.press(egui::Modifiers::NONE, egui::Key::Enter);
    w.settle();
    assert!(w.copied.is_empty(), "Enter in Custom copied {:?}", w.copied);
    w.until_label("10 min");

    w.click("Set download filename");
    w.harness.get_by_label("Download filename").focus();
    w.step();
    w.harness.get_by_label("Download filename").type_text("x");
    w.step();
    w.press(egui::Modifiers::NONE, egui::Key::Enter);
    w.settle();
    assert!(
        w.copied.is_empty(),
        "Enter in the filename copied {:?}",
        w.copied
    );
    w.click("Set download filename");

    w.harness
        .get_by_role_and_label(Role::Button, "README.txt")
        .click_secondary();
    w.step();
    w.step();
    w.click("Copy link for…");
    w.click("12 h");
    w.until("the 12 h link", |h| h.query_by_label("Copied").is_some());
    let url = w.copied.last().expect("a link").clone();
    assert!(url.contains("X-Amz-Expires=43200"), "{url}");
    assert_eq!(plain_get(&url).0, 200);
    // The panel keeps its own lifetime for the next link.
    assert!(w.harness.query_by_label("10 min").is_some());
}

/// Revocable on, Copy link: the link points at a copy and opens; in Shared links, Revoke
/// asks first, then the link no longer opens while a normal link to the same file does.
#[test]
fn a_revocable_link_is_made_and_taken_back_from_the_window() {
    let (mut w, history) = demo_window_with_history();
    w.click("README.txt");
    w.click("Copy link");
    w.until("the normal link", |h| h.query_by_label("Copied").is_some());
    let normal = w.copied.last().unwrap().clone();

    w.click("Revocable");
    w.until("the copy's cost", |h| {
        h.query_by_label_contains("points at a copy: it keeps a")
            .is_some()
    });
    let before = w.copied.len();
    w.click("Copy link");
    let start = Instant::now();
    while w.copied.len() == before {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no revocable link"
        );
        std::thread::sleep(Duration::from_millis(10));
        w.step();
    }
    let url = w.copied.last().unwrap().clone();
    assert!(url.contains("/.s3share/links/"), "{url}");
    assert_eq!(plain_get(&url).0, 200);
    // The copy is not one of the person's files.
    assert!(w.harness.query_by_label(".s3share/").is_none());

    w.click("Shared links (2)");
    w.click("Revoke");
    w.until_label("Revoke now");
    // Escape answers the question (no), and leaves Shared links open.
    w.press(egui::Modifiers::NONE, egui::Key::Escape);
    w.step();
    assert!(w.harness.query_by_label("Revoke now").is_none());
    w.click("Revoke");
    w.until_label("Revoke now");
    assert!(
        w.harness
            .query_by_label_contains("It stops at once for everyone who has it")
            .is_some()
    );
    w.click("Revoke now");
    w.until("the revoke", |h| {
        h.query_by_label_contains("the link no longer opens")
            .is_some()
    });
    assert!(matches!(plain_get(&url).0, 403 | 404));
    assert_eq!(plain_get(&normal).0, 200, "the normal link still opens");
    w.until("the row says revoked", |h| {
        h.query_by_label_contains("revoked ").is_some()
    });
    assert!(
        w.harness.query_by_label("Revoke").is_none(),
        "a revoked link has no Revoke"
    );
    // The history file keeps the copy and when it was revoked (the next run shows it).
    w.until("the revoke in the history file", move |_| {
        let text = std::fs::read_to_string(&history).unwrap_or_default();
        let rows: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let rows = rows
            .as_array()
            .or_else(|| rows.get("entries").and_then(|e| e.as_array()))
            .cloned()
            .unwrap_or_default();
        rows.iter()
            .any(|r| !r["copy"].is_null() && !r["revoked_at"].is_null())
    });
}

/// "Share as one page" for the open folder: one link copied, the page lists the folder's
/// files each with a working link; Close page in Shared links stops it.
#[test]
fn a_folder_is_shared_as_one_page_and_closed_from_the_window() {
    let clock = FakeClock::default();
    let mut w = demo_window(&clock);
    w.click("reports/");
    w.until_label("Quarterly report Q3.csv");
    w.click("Share as one page");
    w.click("This folder's files");
    w.until("the page link", |h| {
        h.query_by_label_contains("Page link copied").is_some()
    });
    let url = w.copied.last().expect("a link was copied").clone();
    assert!(url.contains("/.s3share/pages/"), "{url}");
    let (status, _, body) = plain_get(&url);
    assert_eq!(status, 200);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("Quarterly report Q3.csv</a>"));
    let first = html
        .split("<a href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert_eq!(plain_get(&first).0, 200, "a file's link on the page opens");

    w.click("Shared links (1)");
    // The manager lists the page with its files (folded).
    w.until("the page's files", |h| {
        h.query_by_label_contains("Files on this page (").is_some()
    });
    let folded = w.harness.get_by_label_contains("Files on this page (");
    folded.click();
    w.step();
    w.step();
    assert!(
        w.harness
            .query_all_by_label("Quarterly report Q3.csv")
            .count()
            >= 2,
        "the file is named under the page's row (as well as in the listing)"
    );
    w.click("Close page");
    w.until_label("Close now");
    w.click("Close now");
    w.until("the page closed", |h| {
        h.query_by_label_contains("Page closed at").is_some()
    });
    assert!(matches!(plain_get(&url).0, 403 | 404));
}

/// `s3share fetch` of `link` into a fresh folder, with no AWS profile: the bytes, or the
/// error said.
fn fetched(link: &str) -> Result<Vec<u8>, String> {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("s3share"))
        .args(["fetch", link, "-o"])
        .arg(dir.path().join("out"))
        .env("AWS_CONFIG_FILE", dir.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .env("S3SHARE_HISTORY_FILE", dir.path().join("history.json"))
        .output()
        .unwrap();
    if out.status.success() {
        Ok(std::fs::read(dir.path().join("out")).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// "Share encrypted" on a chosen file, then "Encrypt uploads" for a dropped one: each link
/// is copied, opens a page, and decrypts to the exact bytes; a short passphrase is refused
/// before anything is stored; Revoke in Shared links stops the link.
#[test]
fn files_are_shared_encrypted_and_revoked_from_the_window() {
    let (mut w, _history) = demo_window_with_history();
    w.click("README.txt");
    w.click("Copy link");
    w.until("the normal link", |h| h.query_by_label("Copied").is_some());
    let (_, _, readme) = plain_get(&w.copied.last().unwrap().clone());

    w.click("Passphrase…");
    w.harness.get_by_label("Passphrase (optional):").focus();
    w.step();
    w.harness
        .get_by_label("Passphrase (optional):")
        .type_text("short");
    w.step();
    w.until("the passphrase's problem", |h| {
        h.query_by_label_contains("too short").is_some()
    });
    // What eframe saves of egui's memory between runs holds no passphrase.
    let memory = w.harness.ctx.memory(|m| ron::to_string(m).unwrap());
    assert!(
        memory.contains("areas"),
        "egui's memory as eframe saves it: {memory}"
    );
    assert!(!memory.contains("short"), "{memory}");
    let before = w.copied.len();
    w.click("Share encrypted");
    w.settle();
    assert_eq!(w.copied.len(), before, "a short passphrase copies nothing");
    w.harness.get_by_label("Passphrase (optional):").focus();
    w.step();
    for _ in 0..5 {
        w.press(egui::Modifiers::NONE, egui::Key::Backspace);
    }
    w.settle();
    w.harness.get_by_label("Passphrase (optional):"); // emptied, it stays open

    w.click("Share encrypted");
    w.until("the encrypted link", |h| {
        h.query_by_label_contains("This encrypted link works until")
            .is_some()
    });
    let link = w.copied.last().unwrap().clone();
    assert!(
        link.contains("/.s3share/pages/") && link.contains("#k="),
        "{link}"
    );
    assert!(link.contains("&n=README%2Etxt"), "{link}");
    assert_eq!(fetched(&link).unwrap(), readme, "decrypts to the file");

    w.click("Shared links (2)");
    w.until_label("Encrypted file");
    w.click("Revoke");
    w.until_label("Revoke now");
    w.click("Revoke now");
    w.until("the revoke", |h| {
        h.query_by_label_contains("checked, the link no longer opens; the encrypted file")
            .is_some()
    });
    let refused = fetched(&link).unwrap_err();
    assert!(refused.contains("ended or was taken back"), "{refused}");
    assert!(
        w.harness
            .query_by_label_contains("This encrypted link works until")
            .is_none(),
        "the panel no longer counts down a revoked link"
    );
    w.click("Shared links (2)");

    // A dropped file, encrypted.
    w.click("Encrypt uploads");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan & budget.bin");
    let bytes: Vec<u8> = (0..9 * 1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
    std::fs::write(&path, &bytes).unwrap();
    w.harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(path.clone())));
    w.step();
    w.until("the encrypted upload", |h| {
        h.query_by_label_contains("Encrypted, link copied")
            .is_some()
    });
    let link = w.copied.last().unwrap().clone();
    assert!(link.contains("&n=plan%20%26%20budget%2Ebin"), "{link}");
    assert!(
        fetched(&link).unwrap() == bytes,
        "the dropped file decrypts byte-exact"
    );
    // It went nowhere near the open folder.
    assert!(
        w.harness.query_by_label("plan & budget.bin").is_some(),
        "the upload row"
    );
    assert!(
        w.harness
            .query_by_role_and_label(egui::accesskit::Role::Button, "plan & budget.bin")
            .is_none(),
        "not listed as a file of the folder"
    );
}

/// A bucket behind CloudFront, set from its context menu (the key file checked first); the
/// share panel then offers 90 days, Copy link signs through the distribution, the link is
/// tried there and opens with a plain client; Shared links says how it can be stopped.
#[test]
fn a_ninety_day_link_through_cloudfront_from_the_window() {
    use egui::accesskit::Role;
    let (mut w, history) = demo_window_with_history();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let public = std::fs::read_to_string(fixtures.join("cloudfront-test-key.pub.pem")).unwrap();
    let store = w._dir.path().join("data").join("demo");
    let edge = w
        ._runtime
        .block_on(testbed::CloudFrontEdge::start(
            &public,
            "K2JCJMDEHXQW5F",
            store,
            "demo-bucket",
            "",
        ))
        .unwrap();
    w.until_label("README.txt");
    w.harness
        .get_by_role_and_label(Role::Button, "demo-bucket")
        .click_secondary();
    w.step();
    w.step();
    w.click("CloudFront…");
    let type_into = |w: &mut Window, field: &str, text: &str| {
        w.until_label(field);
        w.harness.get_by_label(field).focus();
        w.step();
        w.harness.get_by_label(field).type_text(text);
        w.step();
    };
    type_into(&mut w, "Distribution domain", &edge.domain());
    type_into(&mut w, "Key id", "K2JCJMDEHXQW5F");
    let small = fixtures.join("cloudfront-1024-key.pem");
    type_into(&mut w, "Private key file", small.to_str().unwrap());
    w.click("Check and save");
    w.until("the refusal", |h| {
        h.query_by_label_contains("2048").is_some()
    });
    let field = w.harness.get_by_label("Private key file");
    field.focus();
    w.step();
    w.press(egui::Modifiers::COMMAND, egui::Key::A);
    let good = fixtures.join("cloudfront-test-key.pem");
    w.harness
        .get_by_label("Private key file")
        .type_text(good.to_str().unwrap());
    w.step();
    w.click("Check and save");
    w.until("the form closes", |h| {
        h.query_by_label("Check and save").is_none()
    });
    let settings =
        std::fs::read_to_string(history.parent().unwrap().join("cloudfront.json")).unwrap();
    assert!(settings.contains("K2JCJMDEHXQW5F") && !settings.contains("PRIVATE KEY"));

    w.click("README.txt");
    w.until("the CloudFront choice", |h| {
        h.query_by_label_contains("Through CloudFront").is_some()
    });
    // A longer custom lifetime is taken through CloudFront; a button chosen after it wins
    // (the typed text must not come back at Copy link).
    w.harness.get_by_label("Custom").focus();
    w.step();
    w.harness.get_by_label("Custom").type_text("45d");
    w.press(egui::Modifiers::NONE, egui::Key::Enter);
    w.settle();
    w.click("90 days");
    w.until("the 90-day end", |h| {
        h.query_by_label_contains("A new link through CloudFront works until")
            .is_some()
    });
    w.click("Copy link");
    w.until("the link", |h| h.query_by_label("Copied").is_some());
    let url = w.copied.last().unwrap().clone();
    assert!(
        url.starts_with(&format!("{}/README.txt?Expires=", edge.domain())),
        "{url}"
    );
    let expires: u64 = url
        .split("Expires=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        expires.abs_diff(now + 90 * 86_400) < 120,
        "{expires} vs {now}"
    );
    let (status, _, body) = plain_get(&url);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("demo bucket"));

    w.click("Shared links (1)");
    w.until_label("Through CloudFront");
    assert!(w.harness.query_by_label("How to stop it?").is_some());
    assert!(
        w.harness.query_by_label("Renew").is_none(),
        "no presigned renew of it"
    );
}

/// A revocable 90-day link through CloudFront from the window: the distribution's ID is
/// set in the bucket's CloudFront form, Copy link makes the copy and signs through the
/// distribution, and Revoke in Shared links deletes the copy and waits for CloudFront to
/// clear it from its edges; the link then no longer opens.
#[test]
fn a_revocable_link_through_cloudfront_is_revoked_from_the_window() {
    use egui::accesskit::Role;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let public = std::fs::read_to_string(fixtures.join("cloudfront-test-key.pub.pem")).unwrap();
    let mut edge = None;
    let mut w = server_window_with(
        LocalS3Options {
            buckets: vec!["shared".into()],
            ..LocalS3Options::default()
        },
        |root| std::fs::write(root.join("shared").join("plan.txt"), "the plan").unwrap(),
        &static_keys(),
        |root, runtime| {
            let started = runtime
                .block_on(testbed::CloudFrontEdge::start(
                    &public,
                    "K2JCJMDEHXQW5F",
                    root.to_owned(),
                    "shared",
                    "",
                ))
                .unwrap();
            let api = started.api_endpoint(ACCESS, SECRET);
            edge = Some(started);
            format!("services = edge\n\n[services edge]\ncloudfront =\n  endpoint_url = {api}\n")
        },
    );
    let edge = edge.unwrap();
    w.until("the bucket", |h| {
        h.query_by_role_and_label(Role::Button, "shared").is_some()
    });
    w.harness
        .get_by_role_and_label(Role::Button, "shared")
        .click_secondary();
    w.step();
    w.step();
    w.click("CloudFront…");
    for (field, text) in [
        ("Distribution domain", edge.domain()),
        ("Key id", "K2JCJMDEHXQW5F".to_owned()),
        (
            "Private key file",
            fixtures
                .join("cloudfront-test-key.pem")
                .to_string_lossy()
                .into_owned(),
        ),
        (
            "Distribution ID (for revocable links)",
            testbed::CLOUDFRONT_DISTRIBUTION_ID.to_owned(),
        ),
    ] {
        w.until_label(field);
        w.harness.get_by_label(field).focus();
        w.step();
        w.harness.get_by_label(field).type_text(&text);
        w.step();
    }
    w.click("Check and save");
    w.until("the form closes", |h| {
        h.query_by_label("Check and save").is_none()
    });
    w.click("plan.txt");
    w.click("Revocable");
    w.click("90 days");
    w.until("the copy's cost for 90 days", |h| {
        h.query_by_label_contains("copy for 90 days").is_some()
    });
    w.click("Copy link");
    w.until("the link", |h| h.query_by_label("Copied").is_some());
    let url = w.copied.last().unwrap().clone();
    assert!(
        url.starts_with(&format!("{}/.s3share/cloudfront-links/", edge.domain())),
        "{url}"
    );
    assert_eq!(plain_get(&url).0, 200);

    w.click("Shared links (1)");
    assert!(
        w.harness.query_by_label("How to stop it?").is_none(),
        "a revocable one is revoked, not rotated away"
    );
    w.click("Revoke");
    w.until_label("Revoke now");
    assert!(
        w.harness
            .query_by_label_contains("CloudFront is asked to clear it from its edges")
            .is_some()
    );
    w.click("Revoke now");
    w.until("the revoke", |h| {
        h.query_by_label_contains("the link no longer opens")
            .is_some()
    });
    let invalidations = edge.invalidations();
    assert_eq!(invalidations.len(), 1);
    assert!(invalidations[0].completed);
    assert!(matches!(plain_get(&url).0, 403 | 404));
}

/// Enter or Ctrl+C pressed while a window is on top (Shared links, the CloudFront form)
/// makes no link for the file behind it; Escape closes the form.
#[test]
fn keys_pressed_in_a_window_on_top_make_no_link() {
    let (mut w, _history) = demo_window_with_history();
    w.click("README.txt");
    w.click("Shared links (0)");
    w.until("Shared links", |h| {
        h.query_by_label("Can a link be revoked?").is_some()
    });
    w.press(egui::Modifiers::NONE, egui::Key::Enter);
    w.press(egui::Modifiers::COMMAND, egui::Key::C);
    w.settle();
    assert!(w.copied.is_empty(), "{:?}", w.copied);
    w.press(egui::Modifiers::NONE, egui::Key::Escape);
    w.settle();
    w.harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "demo-bucket")
        .click_secondary();
    w.step();
    w.step();
    w.click("CloudFront…");
    w.until_label("Distribution domain");
    w.press(egui::Modifiers::NONE, egui::Key::Enter);
    w.settle();
    assert!(w.copied.is_empty(), "{:?}", w.copied);
    assert!(
        w.harness
            .query_by_label_contains("Fill in the domain")
            .is_some(),
        "Enter in the form is its Check and save"
    );
    w.press(egui::Modifiers::NONE, egui::Key::Escape);
    w.settle();
    assert!(w.harness.query_by_label("Distribution domain").is_none());
    // With nothing on top, Ctrl+C copies the selected file's link as before.
    w.press(egui::Modifiers::COMMAND, egui::Key::C);
    w.until("the link", |h| h.query_by_label("Copied").is_some());
}
