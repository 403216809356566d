//! Each panel alone: a plain `State`, no runtime, no server, no `App`. Clicks found by
//! their accessible label; what is checked is the intents the panel pushes.

use std::time::SystemTime;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::*;
use crate::intent::Intent;
use crate::s3::upload::Collision;
use crate::s3::{BucketEntry, ErrorKind, ObjectEntry, S3Error};
use crate::share::Expiry;
use crate::state::{
    Connection, Remote, ShareStatus, ShownLink, SortColumn, State, UploadRow, UploadStatus,
};

/// What a panel gets: the state, the clock's now, and the intents it pushed.
struct Panel {
    state: State,
    now: SystemTime,
    intents: Vec<Intent>,
}

fn harness(
    state: State,
    draw: impl FnMut(&mut egui::Ui, &mut Panel) + 'static,
) -> Harness<'static, Panel> {
    let panel = Panel {
        state,
        now: SystemTime::now(),
        intents: Vec::new(),
    };
    let mut harness = Harness::new_ui_state(draw, panel);
    harness.run();
    harness
}

fn click(harness: &mut Harness<'static, Panel>, label: &str) -> Vec<Intent> {
    harness.state_mut().intents.clear();
    harness.get_by_label(label).click();
    harness.run();
    std::mem::take(&mut harness.state_mut().intents)
}

fn object(key: &str, size: u64) -> ObjectEntry {
    ObjectEntry {
        key: key.into(),
        size,
        last_modified: None,
    }
}

#[test]
fn clicking_a_bucket_asks_to_open_its_top_folder() {
    let mut state = State::default();
    state.buckets = Remote::Ready(
        ["alpha", "beta"]
            .iter()
            .map(|name| BucketEntry {
                name: (*name).into(),
                created: None,
            })
            .collect(),
    );
    let mut h = harness(state, |ui, p| buckets_ui(ui, &mut p.state, &mut p.intents));
    assert_eq!(
        click(&mut h, "beta"),
        [Intent::OpenFolder {
            bucket: "beta".into(),
            prefix: String::new(),
        }]
    );
}

#[test]
fn the_listing_opens_folders_selects_files_and_sorts_by_header() {
    let mut state = State::default();
    state.open_folder("b", "docs/");
    state.listing.folders.push("docs/old/".into());
    state.listing.objects.push(object("docs/plan.pdf", 2048));
    state.listing.loading = false;
    let mut h = harness(state, |ui, p| objects_ui(ui, &mut p.state, &mut p.intents));
    assert_eq!(
        click(&mut h, "old/"),
        [Intent::OpenFolder {
            bucket: "b".into(),
            prefix: "docs/old/".into(),
        }]
    );
    assert_eq!(
        click(&mut h, "plan.pdf"),
        [Intent::SelectObject("docs/plan.pdf".into())]
    );
    assert_eq!(click(&mut h, "Size"), [Intent::SortBy(SortColumn::Size)]);
    assert_eq!(
        click(&mut h, "Up"),
        [Intent::OpenFolder {
            bucket: "b".into(),
            prefix: String::new(),
        }]
    );
}

#[test]
fn the_share_panel_edits_its_form_and_asks_for_a_link() {
    let mut state = State::default();
    state.open_folder("b", "");
    state.select_object("report.csv");
    let mut h = harness(state, |ui, p| {
        share_panel_ui(ui, &mut p.state, p.now, &mut p.intents)
    });
    // The lifetime is the form's own business: no intent, the state changes.
    assert!(click(&mut h, "7 days (max)").is_empty());
    assert_eq!(h.state().state.share.expiry, Expiry::MAX);
    assert_eq!(click(&mut h, "Copy link"), [Intent::CopyLink]);
}

#[test]
fn a_failed_copy_offers_retry_only_when_retrying_can_help() {
    let mut state = State::default();
    state.open_folder("b", "");
    state.select_object("report.csv");
    state.share_status =
        ShareStatus::Refused(S3Error::plain(ErrorKind::Network, "Could not reach S3."));
    let mut h = harness(state, |ui, p| {
        share_panel_ui(ui, &mut p.state, p.now, &mut p.intents)
    });
    assert_eq!(click(&mut h, "Retry"), [Intent::CopyLink]);
    h.state_mut().state.share_status =
        ShareStatus::Refused(S3Error::plain(ErrorKind::AccessDenied, "Access denied."));
    h.run();
    assert!(h.query_by_label("Retry").is_none());
}

#[test]
fn a_taken_name_is_answered_from_the_upload_row() {
    let mut state = State::default();
    state.uploads.push(UploadRow {
        id: 7,
        path: "/tmp/plan.pdf".into(),
        bucket: "b".into(),
        key: "plan.pdf".into(),
        total: 0,
        done: 0,
        started: None,
        status: UploadStatus::Conflict,
        warning: None,
        encrypt: None,
    });
    let mut h = harness(state, |ui, p| {
        uploads_ui(ui, &mut p.state, p.now, &mut p.intents)
    });
    assert_eq!(
        click(&mut h, "Keep both"),
        [Intent::ResolveConflict {
            id: 7,
            collision: Collision::KeepBoth,
        }]
    );
    assert_eq!(
        click(&mut h, "Skip"),
        [Intent::ResolveConflict {
            id: 7,
            collision: Collision::Skip,
        }]
    );
}

#[test]
fn without_credentials_the_top_bar_offers_retry_and_the_demo() {
    let mut state = State::default();
    state.profiles_loaded = true;
    state.connection = Connection::Failed(S3Error::plain(ErrorKind::NoCredentials, "none"));
    let mut h = harness(state, |ui, p| profile_bar_ui(ui, &p.state, &mut p.intents));
    assert!(
        h.query_by_label_contains("No AWS profile is set up on this computer")
            .is_some()
    );
    assert_eq!(click(&mut h, "Retry"), [Intent::RetrySignIn]);
    assert_eq!(click(&mut h, "Try the demo bucket"), [Intent::StartDemo]);
}

/// The custom lifetime field, typed into as a person would: nothing half-typed is armed,
/// and while the entry is not a lifetime no link (download or upload) can be asked for.
#[test]
fn a_typed_lifetime_is_used_only_when_it_is_whole_and_valid() {
    use egui_kittest::kittest::NodeT;
    let hour = Expiry::default();
    for (typed, after_enter) in [
        ("8", None),
        ("8d", None),
        ("30d", None),
        ("0", None),
        ("-5m", None),
        ("1h 30m", Some(5400)),
        ("90m", Some(5400)),
        ("7d", Some(604_800)),
        ("max", Some(604_800)),
    ] {
        let mut state = State::default();
        state.open_folder("b", "");
        state.select_object("report.csv");
        let mut h = harness(state, |ui, p| {
            share_panel_ui(ui, &mut p.state, p.now, &mut p.intents)
        });
        h.get_by_label("Custom").focus();
        h.run();
        h.get_by_label("Custom").type_text(typed);
        h.run();
        // Still typing: the lifetime in force is the one before.
        assert_eq!(
            h.state().state.share.expiry,
            hour,
            "{typed}: armed while typing"
        );
        let copy_disabled = h.get_by_label("Copy link").accesskit_node().is_disabled();
        assert_eq!(copy_disabled, after_enter.is_none(), "{typed}: Copy link");
        if after_enter.is_none() {
            assert!(
                h.query_by_label_contains("No link until it is fixed")
                    .is_some(),
                "{typed}: says why"
            );
            // No end is promised while no link can be made.
            assert!(
                h.query_by_label_contains("A new link works until")
                    .is_none(),
                "{typed}: an end shown beside the refusal"
            );
            assert!(
                h.query_by_label("No link until the lifetime is fixed")
                    .is_some()
            );
        } else {
            assert!(
                h.query_by_label_contains("A new link works until")
                    .is_some(),
                "{typed}"
            );
        }
        h.key_press(egui::Key::Enter);
        h.run();
        let expected = after_enter.unwrap_or(hour.as_secs());
        assert_eq!(h.state().state.share.expiry.as_secs(), expected, "{typed}");
    }
}

#[test]
fn a_refused_link_is_explained_and_copied_only_on_request() {
    use crate::s3::{LinkCheck, LinkProblem, ShareLink};
    let mut state = State::default();
    state.open_folder("b", "");
    state.select_object("plan.txt");
    let now = SystemTime::now();
    let link = ShareLink {
        url: crate::share::SignedUrl::new("http://h/b/plan.txt?X-Amz-Signature=s".into()),
        bucket: "b".into(),
        key: "plan.txt".into(),
        download_filename: None,
        region: "us-east-1".into(),
        signed_at: now,
        expires_at: now + std::time::Duration::from_secs(3600),
        effective_expires_at: now + std::time::Duration::from_secs(3600),
        clock_correction: None,
        check: LinkCheck::Refused(LinkProblem::Denied {
            detail: "Access Denied".into(),
        }),
        warnings: Vec::new(),
        copy: None,
    };
    state.link = Some(ShownLink {
        link,
        copied: false,
        encrypted: false,
        passphrase: false,
    });
    let mut h = harness(state, |ui, p| {
        share_panel_ui(ui, &mut p.state, p.now, &mut p.intents)
    });
    assert!(h.query_by_label_contains("bucket policy").is_some());
    assert!(h.query_by_label("Copied").is_none());
    assert_eq!(click(&mut h, "Copy anyway"), [Intent::CopyAnyway]);
}

#[test]
fn the_request_form_asks_for_a_page_once_it_has_a_title() {
    use egui_kittest::kittest::NodeT;
    let mut state = State::default();
    state.open_folder("inbox", "");
    let mut h = harness(state, |ui, p| {
        share_panel_ui(ui, &mut p.state, p.now, &mut p.intents)
    });
    h.get_by_label("Request files").click();
    h.run();
    assert!(
        h.get_by_label("Make request page")
            .accesskit_node()
            .is_disabled(),
        "no title yet"
    );
    h.get_by_label("Request title").focus();
    h.run();
    h.get_by_label("Request title").type_text("Scans");
    h.run();
    // The panel now shows the lifetime above the form even with no file: scroll to it.
    h.get_by_label("Make request page").scroll_to_me();
    h.run();
    assert_eq!(
        click(&mut h, "Make request page"),
        [Intent::MakeFileRequest]
    );
}

#[test]
fn a_link_can_be_shown_as_a_qr_code_and_closed() {
    let url = crate::share::SignedUrl::new("https://h/b/plan.pdf?X-Amz-Signature=s".into());
    let ends = SystemTime::now() + std::time::Duration::from_secs(3600);
    let mut state = State::default();
    state.qr = Some(crate::state::QrView::new(&url, "plan.pdf".into(), ends));
    let mut h = harness(state, |ui, p| {
        if let Some(qr) = &p.state.qr {
            qr_ui(ui.ctx(), qr, p.now, &mut p.intents);
        }
    });
    assert!(h.query_by_label("plan.pdf").is_some());
    assert!(
        h.query_by_label_contains("Point a phone's camera")
            .is_some()
    );
    assert_eq!(click(&mut h, "Close"), [Intent::HideQr]);
}

fn remembered(key: &str, ends_in: u64, now: SystemTime) -> crate::history::HistoryEntry {
    crate::history::HistoryEntry::of(&crate::s3::ShareLink {
        url: crate::share::SignedUrl::new(format!("http://h/b/{key}?X-Amz-Signature=s")),
        bucket: "b".into(),
        key: key.into(),
        download_filename: None,
        region: "us-east-1".into(),
        signed_at: now,
        expires_at: now + std::time::Duration::from_secs(ends_in),
        effective_expires_at: now + std::time::Duration::from_secs(ends_in),
        clock_correction: None,
        check: crate::s3::LinkCheck::Opens,
        warnings: Vec::new(),
        copy: None,
    })
}

#[test]
fn the_manager_lists_filters_renews_and_forgets_with_live_status() {
    let now = SystemTime::now();
    let mut state = State::default();
    state.history.add(remembered("old.pdf", 60, now));
    state.history.add(remembered("new.pdf", 3600, now));
    state.manager.open = true;
    let mut h = harness(state, |ui, p| {
        crate::ui::manager_ui(ui.ctx(), &mut p.state, p.now, &mut p.intents)
    });
    assert!(h.query_by_label("b/old.pdf").is_some());
    assert_eq!(h.query_all_by_label_contains("works (checked").count(), 2);
    // Time passes the first link's end: its status follows the clock.
    h.state_mut().now = now + std::time::Duration::from_secs(120);
    h.run();
    assert_eq!(h.query_all_by_label_contains("; expired").count(), 1);
    assert_eq!(h.query_all_by_label_contains("works (checked").count(), 1);
    // "Working" hides it.
    click(&mut h, "Working");
    assert!(h.query_by_label("b/old.pdf").is_none());
    assert!(h.query_by_label("b/new.pdf").is_some());
    let id = h.state().state.history.entries[0].id.clone();
    assert_eq!(
        click(&mut h, "Renew"),
        [Intent::Renew {
            id: id.clone(),
            lifetime: None
        }]
    );
    assert_eq!(click(&mut h, "Forget"), [Intent::Forget(id)]);
    // The honest answer about revoking is one click away.
    click(&mut h, "Can a link be revoked?");
    assert!(
        h.query_by_label_contains("cannot be revoked on its own")
            .is_some()
    );
}

#[test]
fn counts_read_as_words_and_filtering_says_how_many_of_how_many() {
    let mut state = State::default();
    state.open_folder("b", "");
    state.listing.objects.push(object("only.txt", 1));
    state.listing.loading = false;
    let mut h = harness(state, |ui, p| objects_ui(ui, &mut p.state, &mut p.intents));
    assert!(h.query_by_label("1 item").is_some());
    h.state_mut()
        .state
        .listing
        .objects
        .push(object("other.pdf", 2));
    h.state_mut().state.object_filter = "pdf".into();
    h.run();
    assert!(h.query_by_label("1 of 2 items").is_some());
}

#[test]
fn keys_the_server_rejects_are_not_called_signed_in() {
    let mut state = State::default();
    state.connection = Connection::Connected(crate::command::SignedIn::demo_for_tests());
    state.buckets = Remote::Failed {
        error: S3Error::plain(
            ErrorKind::CredentialsRejected,
            "The server does not accept the keys.",
        ),
        previous: None,
    };
    let h = harness(state, |ui, p| profile_bar_ui(ui, &p.state, &mut p.intents));
    assert!(h.query_by_label("Keys rejected by the server").is_some());
    assert!(
        h.query_by_label_contains("Demo bucket on this computer")
            .is_none()
    );
}

#[test]
fn the_upload_link_has_its_own_lifetime_names_its_key_and_says_copied() {
    use egui_kittest::kittest::NodeT;
    let mut state = State::default();
    state.open_folder("b", "scans/");
    let mut h = harness(state, |ui, p| {
        share_panel_ui(ui, &mut p.state, p.now, &mut p.intents)
    });
    // The prefilled key is the folder: a file name is still missing.
    assert!(
        h.query_by_label_contains("Add a file name after the folder")
            .is_some()
    );
    assert!(
        h.get_by_label("Make an upload link")
            .accesskit_node()
            .is_disabled()
    );
    assert!(h.query_by_label("Upload link lifetime").is_some());
    h.state_mut().state.upload_key = "scans/contract.pdf".into();
    h.run();
    assert_eq!(
        click(&mut h, "Make an upload link"),
        [Intent::MakeUploadLink]
    );
    let now = SystemTime::now();
    h.state_mut().state.upload_link = Some(crate::s3::UploadLink {
        url: crate::share::SignedUrl::new("http://h/b/scans/contract.pdf?X-Amz-Signature=s".into()),
        bucket: "b".into(),
        key: "scans/contract.pdf".into(),
        content_type: None,
        signed_at: now,
        lifetime: Expiry::default(),
        effective_expires_at: now + std::time::Duration::from_secs(3600),
        warnings: Vec::new(),
    });
    h.run();
    assert!(
        h.query_by_label_contains("Upload link for s3://b/scans/contract.pdf")
            .is_some()
    );
    let copy = click(&mut h, "Copy upload link");
    assert!(matches!(&copy[..], [Intent::CopyAgain(_)]));
    // The intent's effect marks what was copied; the button says so.
    let url = h
        .state()
        .state
        .upload_link
        .as_ref()
        .unwrap()
        .url
        .expose()
        .to_owned();
    h.state_mut().state.last_copied = Some(crate::share::SignedUrl::new(url));
    h.run();
    assert!(h.query_by_label("Copied").is_some());
    // Another key typed: the old link is not shown as if it were for it.
    h.state_mut().state.upload_key = "scans/other.pdf".into();
    h.run();
    assert!(h.query_by_label_contains("Upload link for").is_none());
}

#[test]
fn context_menus_act_on_the_row_under_the_pointer() {
    let mut state = State::default();
    state.open_folder("b", "");
    state.listing.folders.push("docs/".into());
    state.listing.objects.push(object("plan.pdf", 10));
    state.listing.loading = false;
    let mut h = harness(state, |ui, p| objects_ui(ui, &mut p.state, &mut p.intents));
    h.get_by_label("plan.pdf").click_secondary();
    h.run();
    assert_eq!(
        click(&mut h, "Copy s3:// URI"),
        [Intent::CopyUri("plan.pdf".into())]
    );
    h.get_by_label("docs/").click_secondary();
    h.run();
    assert_eq!(
        click(&mut h, "Upload files here"),
        [Intent::UploadFilesHere("docs/".into())]
    );
}

#[test]
fn a_name_holding_control_characters_is_shown_escaped_on_one_line() {
    let mut state = State::default();
    state.open_folder("b", "");
    state.listing.objects.push(object("odd\ttab\nline.txt", 1));
    state.listing.loading = false;
    let h = harness(state, |ui, p| objects_ui(ui, &mut p.state, &mut p.intents));
    assert!(h.query_by_label("odd\\ttab\\nline.txt").is_some());
    assert!(
        h.query_by_label_contains("\n").is_none(),
        "no raw newline on screen"
    );
}
