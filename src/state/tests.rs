//! The reducer and the listing rules, without a window or a server.

use super::*;
use crate::command::Event;
use crate::s3::{ListPage, ObjectEntry};
use crate::share::Expiry;

fn page(objects: &[&str]) -> ListPage {
    ListPage {
        objects: objects
            .iter()
            .map(|k| ObjectEntry {
                key: (*k).into(),
                size: k.len() as u64,
                last_modified: None,
            })
            .collect(),
        ..ListPage::default()
    }
}

#[test]
fn pages_of_an_old_listing_are_ignored() {
    let mut state = State::default();
    let old = state.open_folder("b", "a/");
    let new = state.open_folder("b", "c/");
    state.apply(Event::ObjectsPage {
        generation: old,
        page: page(&["a/x"]),
    });
    assert!(state.listing.objects.is_empty());
    state.apply(Event::ObjectsPage {
        generation: new,
        page: page(&["c/y"]),
    });
    assert_eq!(state.listing.objects.len(), 1);
    assert!(state.listing.loading);
    state.apply(Event::ObjectsDone {
        generation: new,
        result: Ok(()),
    });
    assert!(!state.listing.loading);
}

#[test]
fn a_refresh_keeps_the_old_rows_until_the_first_page() {
    let mut state = State::default();
    let first = state.open_folder("b", "");
    state.apply(Event::ObjectsPage {
        generation: first,
        page: page(&["one", "two"]),
    });
    let again = state.open_folder("b", "");
    assert_eq!(
        state.listing.objects.len(),
        2,
        "still shown while refreshing"
    );
    state.apply(Event::ObjectsPage {
        generation: again,
        page: page(&["three"]),
    });
    assert_eq!(state.listing.objects.len(), 1);
}

#[test]
fn filter_and_sort_apply_to_file_names() {
    let mut state = State::default();
    let g = state.open_folder("b", "d/");
    state.apply(Event::ObjectsPage {
        generation: g,
        page: page(&["d/bbb.txt", "d/a.txt", "d/cc.pdf"]),
    });
    let keys = |s: &mut State| -> Vec<String> {
        s.refresh_order();
        s.visible_objects()
            .into_iter()
            .map(|i| s.listing.objects.key(i).to_owned())
            .collect()
    };
    assert_eq!(keys(&mut state), ["d/a.txt", "d/bbb.txt", "d/cc.pdf"]);
    state.sort = SortColumn::Size;
    state.sort_descending = true;
    assert_eq!(keys(&mut state), ["d/bbb.txt", "d/cc.pdf", "d/a.txt"]);
    state.object_filter = "TXT".into();
    assert_eq!(keys(&mut state), ["d/bbb.txt", "d/a.txt"]);
}

/// The order of the files shown, brought up to date as a frame would.
fn ordered(state: &mut State) -> Vec<usize> {
    assert!(!state.refresh_order(), "small listings are ordered at once");
    state.visible_objects()
}

#[test]
fn cached_rows_follow_new_pages_filter_and_sort() {
    let mut state = State::default();
    let g = state.open_folder("b", "");
    state.apply(Event::ObjectsPage {
        generation: g,
        page: page(&["b.txt", "a.txt"]),
    });
    assert_eq!(ordered(&mut state), [1, 0]);
    state.apply(Event::ObjectsPage {
        generation: g,
        page: page(&["0.pdf"]),
    });
    assert_eq!(ordered(&mut state), [2, 1, 0]);
    state.object_filter = "txt".into();
    assert_eq!(ordered(&mut state), [1, 0]);
    state.sort_descending = true;
    assert_eq!(ordered(&mut state), [0, 1]);
}

/// What the worker answers to an `OrderRows` request (`what` names the request expected).
fn on_the_runtime(asked: Option<Effect>, what: &str) -> Event {
    let Some(Effect::Send(Command::OrderRows {
        rows,
        key,
        base,
        from,
    })) = asked
    else {
        panic!("{what} goes to the runtime");
    };
    Event::RowsOrdered {
        rows: crate::rows::order_rows(&rows, &key, base, from),
        covers: rows.len(),
        key,
    }
}

/// A folder too big to sort on the UI thread: the sort goes to the runtime, the rows of the
/// last order stay shown meanwhile, and an order for a folder since left is dropped.
#[test]
fn big_folders_are_sorted_on_the_runtime_while_the_last_order_stays_shown() {
    let mut state = State::default();
    let g = state.open_folder("b", "");
    let n = crate::state::view::AT_ONCE + 5;
    let keys: Vec<String> = (0..n).map(|i| format!("f{i:06}")).collect();
    let mut big = page(&[]);
    big.objects = keys
        .iter()
        .enumerate()
        .map(|(i, k)| crate::s3::ObjectEntry {
            key: k.clone(),
            size: (n - i) as u64,
            last_modified: None,
        })
        .collect();
    state.apply(Event::ObjectsPage {
        generation: g,
        page: big,
    });
    // By name, in the order S3 listed: nothing to compute.
    assert!(state.update_order().is_none());
    assert_eq!(state.shown_file(0), 0);
    state.sort_by(SortColumn::Size);
    let ordered = on_the_runtime(state.update_order(), "a sort of many rows");
    assert!(state.ordering());
    assert!(state.update_order().is_none(), "one order at a time");
    assert_eq!(state.shown_file(0), 0, "the last order is shown meanwhile");
    assert_eq!(state.shown_files(), n);
    state.apply(ordered);
    assert!(!state.ordering());
    assert_eq!(state.shown_file(0), n - 1, "the smallest file first");
    assert!(state.update_order().is_none());
    // Descending is the same order read backwards: nothing to compute.
    state.sort_by(SortColumn::Size);
    assert!(state.update_order().is_none());
    assert_eq!(state.shown_file(0), 0, "the biggest file first");
    // An order that comes back after another folder was opened is dropped.
    state.object_filter = "f0".into();
    let ordered = on_the_runtime(state.update_order(), "a filter over many rows");
    state.open_folder("b", "other/");
    state.apply(ordered);
    assert_eq!(state.shown_files(), 0);
    assert!(!state.ordering());
}

#[test]
fn parent_prefix_walks_up_one_folder() {
    let mut state = State::default();
    state.open_folder("b", "a/b/");
    assert_eq!(state.parent_prefix().as_deref(), Some("a/"));
    state.open_folder("b", "a/");
    assert_eq!(state.parent_prefix().as_deref(), Some(""));
    state.open_folder("b", "");
    assert_eq!(state.parent_prefix(), None);
}

#[test]
fn custom_lifetime_keeps_the_last_good_value_on_error() {
    let mut share = ShareSettings {
        custom_text: "2h30m".into(),
        ..ShareSettings::default()
    };
    share.apply_custom();
    assert_eq!(share.expiry.as_secs(), 9000);
    share.custom_text = "9d".into();
    share.apply_custom();
    assert_eq!(share.expiry.as_secs(), 9000);
    assert!(share.custom_error.as_ref().unwrap().contains("7 days"));
    share.set_preset(8);
    assert_eq!(share.expiry, Expiry::MAX);
    assert_eq!(share.preset_index(), 8);
}

#[test]
fn filename_with_a_line_break_is_refused() {
    let share = ShareSettings {
        filename_enabled: true,
        filename: "a\nb".into(),
        ..ShareSettings::default()
    };
    assert!(
        share
            .download_filename()
            .unwrap_err()
            .to_string()
            .contains("control character")
    );
}

fn link(key: &str, check: crate::s3::LinkCheck) -> crate::s3::ShareLink {
    let now = std::time::SystemTime::now();
    crate::s3::ShareLink {
        url: crate::share::SignedUrl::new(format!("http://h/b/{key}?X-Amz-Signature=s")),
        bucket: "b".into(),
        key: key.into(),
        download_filename: None,
        region: "us-east-1".into(),
        signed_at: now,
        expires_at: now + std::time::Duration::from_secs(60),
        effective_expires_at: now + std::time::Duration::from_secs(60),
        clock_correction: Some(-420),
        check,
        warnings: Vec::new(),
        copy: None,
    }
}

fn copies(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Copy(_)))
        .count()
}

#[test]
fn only_a_link_that_opens_goes_to_the_clipboard_by_itself() {
    use crate::s3::{LinkCheck, LinkProblem};
    let mut state = State::default();
    state.open_folder("b", "");
    state.select_object("a.txt");
    let effects = state.apply(Event::Shared(Ok(link("a.txt", LinkCheck::Opens))));
    assert_eq!(copies(&effects), 1);
    assert!(state.link_copied());
    assert_eq!(state.history.entries.len(), 1);
    assert_eq!(
        state.clock_correction,
        Some(-420),
        "the countdown corrects too"
    );

    let mut refused = link("a.txt", LinkCheck::Refused(LinkProblem::Missing));
    refused.url = crate::share::SignedUrl::new("http://h/b/a.txt?X-Amz-Signature=r".into());
    let effects = state.apply(Event::Shared(Ok(refused)));
    assert_eq!(copies(&effects), 0, "a refused link waits for Copy anyway");
    assert!(!state.link_copied());
    assert_eq!(state.history.entries.len(), 1);
    assert_eq!(copies(&state.copy_current_link()), 1);
    assert!(state.link_copied());
    assert_eq!(state.history.entries.len(), 2);
}

#[test]
fn a_request_form_is_checked_before_the_worker_is_asked() {
    let mut state = State::default();
    state.open_folder("inbox", "scans/");
    state.request_form.title = "Scans".into();
    state.request_form.max_size = "6GB".into();
    assert!(state.make_request().is_empty());
    assert!(
        state
            .request_form
            .error
            .as_ref()
            .is_some_and(|e| e.message.contains("5 GB"))
    );
    state.request_form.max_size = "1GB".into();
    state.request_form.types = "pdf".into();
    let effects = state.make_request();
    let [Effect::Send(crate::command::Command::RequestFiles { bucket, options })] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(bucket, "inbox");
    assert_eq!(options.max_size, 1024 * 1024 * 1024);
    assert_eq!(options.types.len(), 1);
    assert!(state.request_form.making);
    assert!(state.make_request().is_empty(), "one at a time");
}

#[test]
fn renew_makes_a_new_link_for_the_same_file_and_marks_the_old_one() {
    use crate::s3::LinkCheck;
    let mut state = State::default();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("history.json");
    state.history = crate::history::History::load(file.clone(), std::time::SystemTime::now());
    let mut old = link("plan.pdf", LinkCheck::Opens);
    old.download_filename = Some("Plan März.pdf".into());
    state.history.add(crate::history::HistoryEntry::of(&old));
    let id = state.history.entries[0].id.clone();
    let effects = state.renew(&id, None);
    let [
        Effect::Send(crate::command::Command::Renew {
            replaces,
            key,
            options,
            ..
        }),
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!((replaces.as_str(), key.as_str()), (id.as_str(), "plan.pdf"));
    assert_eq!(
        options.download_filename.as_ref().map(|n| n.name()),
        Some("Plan März.pdf")
    );
    assert_eq!(options.expiry.as_secs(), 60, "the original lifetime");
    let longer = state.renew(&id, Some(Expiry::MAX));
    assert!(
        matches!(&longer[..], [Effect::Send(crate::command::Command::Renew { options, .. })] if options.expiry == Expiry::MAX)
    );

    let mut fresh = link("plan.pdf", LinkCheck::Opens);
    fresh.url = crate::share::SignedUrl::new("http://h/b/plan.pdf?X-Amz-Signature=new".into());
    let effects = state.apply(Event::Renewed {
        replaces: id.clone(),
        result: Ok(fresh),
    });
    assert_eq!(copies(&effects), 1, "the renewed link is copied at once");
    assert_eq!(state.history.entries.len(), 2);
    assert!(state.history.get(&id).unwrap().replaced);
    assert!(!state.history.entries[0].replaced, "the new one is first");

    let forgotten = state.forget(&id);
    assert_eq!(state.history.entries.len(), 1);
    assert!(matches!(
        &forgotten[..],
        [Effect::Send(crate::command::Command::RecordHistory { path, change: crate::history::Change::Forget(gone) })]
            if *path == file && *gone == id
    ));
}

#[test]
fn several_files_are_selected_by_ctrl_shift_and_ctrl_a() {
    let mut state = State::default();
    let g = state.open_folder("b", "");
    state.apply(Event::ObjectsPage {
        generation: g,
        page: page(&["a.txt", "b.txt", "c.txt", "d.txt"]),
    });
    state.select_object("b.txt");
    state.select_more("d.txt", true);
    assert_eq!(state.selection, ["b.txt", "c.txt", "d.txt"]);
    state.select_more("c.txt", false);
    assert_eq!(state.selection, ["b.txt", "d.txt"]);
    state.select_all_files();
    assert_eq!(state.selection.len(), 4);
    let effects = state.copy_selected_links();
    assert!(matches!(
        &effects[..],
        [Effect::Send(crate::command::Command::ShareMany { keys, .. })] if keys.len() == 4
    ));
    assert!(state.copy_selected_links().is_empty(), "one run at a time");
}

#[test]
fn many_links_are_copied_as_one_text_and_failures_named() {
    use crate::s3::{LinkCheck, LinkProblem};
    use crate::share::link_list::ListFormat;
    let mut state = State::default();
    state.many.format = ListFormat::Markdown;
    let mut good = link("good.txt", LinkCheck::Opens);
    good.url = crate::share::SignedUrl::new("http://h/b/good.txt?sig=1".into());
    let bad = link("bad.txt", LinkCheck::Refused(LinkProblem::Missing));
    let effects = state.apply(Event::ManyShared(vec![
        ("good.txt".into(), Ok(good)),
        ("bad.txt".into(), Ok(bad)),
        (
            "gone.txt".into(),
            Err(crate::s3::S3Error::bad_input("no such file")),
        ),
    ]));
    let text = effects
        .iter()
        .find_map(|e| match e {
            Effect::CopyList(text) => Some(text.expose().to_owned()),
            _ => None,
        })
        .expect("copied");
    assert_eq!(text, "- [good.txt](http://h/b/good.txt?sig=1)\n");
    let summary = state.many.summary.clone().unwrap();
    assert!(summary.starts_with("Copied 1 of 3 links."), "{summary}");
    assert!(
        summary.contains("bad.txt") && summary.contains("gone.txt"),
        "{summary}"
    );
}

#[test]
fn a_big_folder_asks_once_before_making_its_links() {
    let mut state = State::default();
    let g = state.open_folder("b", "");
    let names: Vec<String> = (0..150).map(|i| format!("f{i}.txt")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    state.apply(Event::ObjectsPage {
        generation: g,
        page: page(&refs),
    });
    assert!(state.copy_folder_links().is_empty());
    assert_eq!(state.many.confirm_folder, Some(150));
    assert_eq!(
        state.copy_folder_links().len(),
        1,
        "the second click goes ahead"
    );
}

#[test]
fn a_folder_with_sub_folders_is_counted_by_the_worker_and_confirmed_once() {
    let mut state = State::default();
    state.open_folder("b", "logs/");
    let first = state.copy_deep_folder_links();
    assert!(matches!(
        &first[..],
        [Effect::Send(crate::command::Command::ShareFolder { prefix, confirmed: false, .. })] if prefix == "logs/"
    ));
    state.apply(Event::FolderNeedsConfirmation { files: 2500 });
    assert_eq!(state.many.confirm_deep, Some(2500));
    assert!(state.many.running.is_none());
    let second = state.copy_deep_folder_links();
    assert!(matches!(
        &second[..],
        [Effect::Send(crate::command::Command::ShareFolder {
            confirmed: true,
            expected: 2500,
            ..
        })]
    ));
    assert_eq!(state.many.running, Some((0, 2500)));
}

#[test]
fn the_keyboard_cursor_walks_folders_then_files_and_enter_acts_on_it() {
    use crate::state::CursorMove;
    let mut state = State::default();
    let g = state.open_folder("b", "");
    let mut first = page(&["a.txt", "b.txt"]);
    first.folders = vec!["docs/".into()];
    state.apply(Event::ObjectsPage {
        generation: g,
        page: first,
    });
    state.move_cursor(CursorMove::Down);
    assert_eq!(state.cursor.as_deref(), Some("docs/"));
    assert_eq!(state.selected_key, None, "a folder is not a file to share");
    state.move_cursor(CursorMove::Down);
    assert_eq!(state.selected_key.as_deref(), Some("a.txt"));
    state.move_cursor(CursorMove::End);
    assert_eq!(state.selected_key.as_deref(), Some("b.txt"));
    // Page Up/Down move by the rows the listing shows (the panel says how many fit).
    state.page_rows = 1;
    state.move_cursor(CursorMove::PageUp);
    assert_eq!(state.cursor.as_deref(), Some("a.txt"));
    state.page_rows = 27;
    state.move_cursor(CursorMove::PageUp);
    assert_eq!(state.cursor.as_deref(), Some("docs/"));
    assert!(state.scroll_to_cursor);
    let opened = state.activate();
    assert!(matches!(
        &opened[..],
        [Effect::Send(crate::command::Command::ListObjects { prefix, .. })] if prefix == "docs/"
    ));
}

#[test]
fn typing_a_name_jumps_to_it_and_enter_copies_its_link() {
    let mut state = State::default();
    let g = state.open_folder("b", "");
    state.apply(Event::ObjectsPage {
        generation: g,
        page: page(&["alpha.txt", "beta.txt", "bravo.txt"]),
    });
    let t0 = std::time::Instant::now();
    state.type_ahead("b", t0);
    assert_eq!(state.selected_key.as_deref(), Some("beta.txt"));
    state.type_ahead("r", t0 + std::time::Duration::from_millis(300));
    assert_eq!(
        state.selected_key.as_deref(),
        Some("bravo.txt"),
        "'br' in one go"
    );
    state.type_ahead("a", t0 + std::time::Duration::from_secs(5));
    assert_eq!(
        state.selected_key.as_deref(),
        Some("alpha.txt"),
        "a pause starts over"
    );
    let copied = state.activate();
    assert!(matches!(
        &copied[..],
        [Effect::Send(crate::command::Command::Share { key, .. })] if key == "alpha.txt"
    ));
}

#[test]
fn a_file_the_filter_hides_leaves_the_selection() {
    let mut state = State::default();
    let g = state.open_folder("b", "");
    state.apply(Event::ObjectsPage {
        generation: g,
        page: page(&["plan.pdf", "notes.txt"]),
    });
    state.select_object("plan.pdf");
    state.object_filter = "notes".into();
    state.filter_changed();
    assert_eq!(
        state.selected_key, None,
        "the hidden file no longer drives the panel"
    );
    assert!(state.selection.is_empty());
    assert!(state.scroll_to_cursor, "the list shows its top");
    state.select_object("notes.txt");
    state.object_filter = "note".into();
    state.filter_changed();
    assert_eq!(
        state.selected_key.as_deref(),
        Some("notes.txt"),
        "a shown file stays"
    );
}

#[test]
fn forget_keeps_its_place_and_undo_puts_the_row_back() {
    use crate::s3::LinkCheck;
    let mut state = State::default();
    for (key, secs) in [("a.pdf", 10), ("b.pdf", 20), ("c.pdf", 30)] {
        let mut made = link(key, LinkCheck::Opens);
        made.signed_at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        made.url = crate::share::SignedUrl::new(format!("http://h/b/{key}?X-Amz-Signature=s"));
        state.history.add(crate::history::HistoryEntry::of(&made));
    }
    let keys = |s: &State| {
        s.history
            .entries
            .iter()
            .map(|e| e.key.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&state), ["c.pdf", "b.pdf", "a.pdf"]);
    let b = state.history.entries[1].id.clone();
    let a = state.history.entries[2].id.clone();
    state.forget(&b);
    assert_eq!(keys(&state), ["c.pdf", "a.pdf"]);
    let gone = state.manager.forgotten.clone().expect("kept for Undo");
    assert_eq!(
        gone.before.as_deref(),
        Some(a.as_str()),
        "shown where it was"
    );
    state.undo_forget();
    assert_eq!(keys(&state), ["c.pdf", "b.pdf", "a.pdf"]);
    assert!(state.manager.forgotten.is_none());
}

/// A revocable link of `key` in bucket "b", ending `ends_in` seconds from `now` (0: ended).
fn revocable_entry(key: &str, ends_in: i64) -> crate::history::HistoryEntry {
    let now = std::time::SystemTime::now();
    let ends = if ends_in >= 0 {
        now + std::time::Duration::from_secs(ends_in as u64)
    } else {
        now - std::time::Duration::from_secs(ends_in.unsigned_abs())
    };
    let mut made = link(key, crate::s3::LinkCheck::Opens);
    made.effective_expires_at = ends;
    made.expires_at = ends;
    made.copy = Some(Box::new(crate::s3::LinkCopy {
        key: crate::s3::copy_key(&format!("id{}", key.len()), ends, key),
        version_id: None,
        size: 3,
        distribution: None,
    }));
    crate::history::HistoryEntry::of(&made)
}

#[test]
fn revoke_asks_first_then_sends_the_copy_and_marks_the_row() {
    let mut state = State::default();
    state.history.add(revocable_entry("plan.txt", 3600));
    let id = state.history.entries[0].id.clone();
    assert_eq!(id, "id8", "the row's id is the link id in its copy's key");
    state.ask_revoke(&id);
    assert_eq!(state.manager.revoking.confirm.as_deref(), Some("id8"));
    state.cancel_revoke();
    assert!(state.manager.revoking.confirm.is_none());
    state.ask_revoke(&id);
    let effects = state.revoke(&id);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Send(Command::Revoke { id, copy, .. })] if id == "id8" && copy.key.ends_with("-id8/plan.txt")
    ));
    assert!(state.manager.revoking.confirm.is_none());
    // A refused delete: said, and the row is not marked.
    state.apply(Event::Revoked {
        id: id.clone(),
        result: Err(crate::s3::S3Error::bad_input("denied")),
    });
    assert!(state.history.entries[0].revoked_at.is_none());
    assert!(state.manager.error.is_some());
    state.revoke(&id);
    let at = std::time::SystemTime::now();
    state.apply(Event::Revoked {
        id: id.clone(),
        result: Ok(crate::ops::Revoked { at, checked: true }),
    });
    let now = std::time::SystemTime::now();
    assert_eq!(
        state.history.entries[0].status(now),
        crate::history::LinkStatus::Revoked
    );
    assert!(!state.history.entries[0].status(now).still_works());
    assert!(state.revoke(&id).is_empty(), "nothing left to revoke");
}

#[test]
fn a_renewed_revocable_link_is_revocable_and_the_choice_is_remembered() {
    let mut state = State::default();
    state.history.add(revocable_entry("plan.txt", 3600));
    let effects = state.renew("id8", None);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Send(Command::Renew { options, .. })] if options.revocable
    ));
    state.share.revocable = true;
    let persisted = state.persisted();
    assert!(persisted.revocable);
    let (again, _) = State::starting(
        Startup::default(),
        persisted,
        crate::history::History::default(),
    );
    assert!(again.share.revocable);
}

#[test]
fn opening_a_bucket_deletes_the_copies_of_its_ended_links_once() {
    let mut state = State::default();
    state.history.add(revocable_entry("old.txt", -60));
    // (ids follow the key's length: "id7" and "id8")
    state.history.add(revocable_entry("live.txt", 3600));
    let generation = state.open_folder("b", "");
    let effects = state.apply(Event::ObjectsDone {
        generation,
        result: Ok(()),
    });
    assert!(matches!(
        effects.as_slice(),
        [Effect::Send(Command::DeleteEndedCopies { bucket })] if bucket == "b"
    ));
    let old_copy = state
        .history
        .entries
        .iter()
        .find(|e| e.key == "old.txt")
        .and_then(|e| e.copy.clone())
        .unwrap();
    state.apply(Event::EndedCopiesDeleted {
        bucket: "b".into(),
        result: Ok(vec![old_copy.key]),
    });
    let old = state
        .history
        .entries
        .iter()
        .find(|e| e.key == "old.txt")
        .unwrap();
    assert!(old.revoked_at.is_some());
    let live = state
        .history
        .entries
        .iter()
        .find(|e| e.key == "live.txt")
        .unwrap();
    assert!(live.revoked_at.is_none(), "a live link's copy stays");
    // Listed again: nothing more to ask.
    let generation = state.open_folder("b", "");
    let effects = state.apply(Event::ObjectsDone {
        generation,
        result: Ok(()),
    });
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e, Effect::Send(Command::DeleteEndedCopies { .. })))
    );
}

#[test]
fn a_revocable_link_arriving_after_the_selection_moved_is_kept_not_copied() {
    let mut state = State::default();
    state.open_folder("b", "");
    state.select_object("big.bin");
    state.share.revocable = true;
    state.copy_link();
    state.select_object("other.txt");
    let mut made = link("big.bin", crate::s3::LinkCheck::Opens);
    made.copy = Some(Box::new(crate::s3::LinkCopy {
        key: ".s3share/links/1-abc/big.bin".into(),
        version_id: None,
        size: 9,
        distribution: None,
    }));
    let effects = state.apply(Event::Shared(Ok(made)));
    assert_eq!(copies(&effects), 0, "not put on the clipboard");
    assert_eq!(
        state.history.entries.len(),
        1,
        "but listed, to copy or revoke"
    );
    assert!(state.history.entries[0].copy_stored().is_some());
    assert!(
        state
            .history
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("s3://b/big.bin"))
    );
    // A normal link for a file no longer chosen is simply dropped (nothing was stored).
    state.select_object("big.bin");
    state.copy_link();
    state.select_object("other.txt");
    state.apply(Event::Shared(Ok(link(
        "big.bin",
        crate::s3::LinkCheck::Opens,
    ))));
    assert_eq!(state.history.entries.len(), 1);
}

#[test]
fn a_page_is_asked_for_the_selection_or_the_folder_and_confirmed_above_a_hundred() {
    let mut state = State::default();
    let generation = state.open_folder("b", "docs/");
    let keys: Vec<String> = (0..150).map(|i| format!("docs/f{i}.txt")).collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    state.apply(Event::ObjectsPage {
        generation,
        page: page(&refs),
    });
    // The folder: 150 files ask once.
    assert!(state.share_page(PageOf::Folder).is_empty());
    assert_eq!(state.pages.confirm, Some((PageOf::Folder, 150)));
    let effects = state.share_page(PageOf::Folder);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Send(Command::SharePage { files: crate::ops::PageFiles::Chosen(files), confirmed: true, .. })] if files.len() == 150
    ));
    assert!(state.share_page(PageOf::Folder).is_empty(), "one at a time");
    state.apply(Event::PageShared(Err(crate::s3::S3Error::bad_input("no"))));
    assert!(state.pages.error.is_some());
    // The selection: just those files.
    state.select_object("docs/f1.txt");
    state.select_more("docs/f2.txt", false);
    let effects = state.share_page(PageOf::Selection);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Send(Command::SharePage { files: crate::ops::PageFiles::Chosen(files), .. })] if files.len() == 2
    ));
    // Sub-folders: the worker counts, and may come back for a second click.
    state.apply(Event::PageShared(Err(crate::s3::S3Error::bad_input("no"))));
    let effects = state.share_page(PageOf::FolderAndSubFolders);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Send(Command::SharePage {
            confirmed: false,
            ..
        })]
    ));
    state.apply(Event::PageNeedsConfirmation { files: 500 });
    assert_eq!(
        state.pages.confirm,
        Some((PageOf::FolderAndSubFolders, 500))
    );
    let effects = state.share_page(PageOf::FolderAndSubFolders);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Send(Command::SharePage {
            confirmed: true,
            ..
        })]
    ));
}

#[test]
fn a_page_confirmation_is_for_its_folder_and_a_double_click_makes_one_page() {
    let mut state = State::default();
    let generation = state.open_folder("b", "many/");
    let keys: Vec<String> = (0..105).map(|i| format!("many/f{i}.txt")).collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    state.apply(Event::ObjectsPage {
        generation,
        page: page(&refs),
    });
    // A selection of more than 100 files asks too.
    state.select_all_files();
    assert!(state.share_page(PageOf::Selection).is_empty());
    assert_eq!(state.pages.confirm, Some((PageOf::Selection, 105)));
    // A pending confirmation does not follow to another folder.
    state.open_folder("b", "other/");
    assert_eq!(state.pages.confirm, None);
    let generation = state.open_folder("b", "many/");
    state.apply(Event::ObjectsPage {
        generation,
        page: page(&refs[..2]),
    });
    // Two clicks in a row (a double-click): one page.
    assert_eq!(state.share_page(PageOf::Folder).len(), 1);
    state.apply(Event::PageShared(Err(crate::s3::S3Error::bad_input("no"))));
    assert!(
        state.share_page(PageOf::Folder).is_empty(),
        "the second click of a double-click"
    );
}

#[test]
fn a_page_or_shared_links_on_screen_keeps_the_countdown_moving() {
    let mut state = State::default();
    assert_eq!(state.repaint_after(), None, "nothing counts down");
    state.manager.open = true;
    assert_eq!(
        state.repaint_after(),
        Some(std::time::Duration::from_secs(1))
    );
    state.manager.open = false;
    state.pages.made = Some(crate::ops::SharedPage {
        id: "p".into(),
        key: ".s3share/pages/1-p.html".into(),
        link: link("page", crate::s3::LinkCheck::Opens),
        title: "t".into(),
        folder: String::new(),
        files: 1,
        names: vec!["a".into()],
        copies: Vec::new(),
    });
    assert_eq!(
        state.repaint_after(),
        Some(std::time::Duration::from_secs(1))
    );
}

fn encrypted_share(name: &str) -> Box<crate::ops::EncryptedShare> {
    let link = link(".s3share/pages/1-x.html", crate::s3::LinkCheck::Opens);
    Box::new(crate::ops::EncryptedShare {
        id: "x".into(),
        page_key: ".s3share/pages/1-x.html".into(),
        data: crate::s3::LinkCopy {
            key: ".s3share/links/1-x/data".into(),
            version_id: None,
            size: 10,
            distribution: None,
        },
        link,
        name: name.into(),
        shared: name.into(),
        size: 1,
        passphrase: false,
        lifetime: Expiry::MAX,
    })
}

#[test]
fn an_encrypted_share_is_kept_even_when_another_file_was_chosen_meanwhile() {
    let mut state = State::default();
    state.open_folder("b", "");
    state.select_object("a.pdf");
    let asked = state.share_encrypted();
    assert!(matches!(
        &asked[..],
        [Effect::Send(Command::ShareEncrypted { key, .. })] if key == "a.pdf"
    ));
    assert!(state.sharing());
    assert!(state.share_encrypted().is_empty(), "one at a time");
    state.select_object("b.pdf");
    let effects = state.apply(Event::EncryptedShared {
        key: "a.pdf".into(),
        result: Ok(encrypted_share("a.pdf")),
    });
    assert_eq!(copies(&effects), 0, "not copied over the new choice");
    assert!(state.link.is_none());
    let entry = &state.history.entries[0];
    assert_eq!(entry.kind, crate::history::LinkKind::Encrypted);
    assert!(entry.holds_copies(), "it can be revoked from Shared links");
    assert!(
        state
            .history
            .notice
            .as_deref()
            .unwrap()
            .contains("not copied")
    );

    // Still chosen: copied and shown as encrypted.
    state.share_encrypted();
    let effects = state.apply(Event::EncryptedShared {
        key: "b.pdf".into(),
        result: Ok(encrypted_share("b.pdf")),
    });
    assert_eq!(copies(&effects), 1);
    assert!(state.link.as_ref().is_some_and(|l| l.encrypted && l.copied));
}

#[test]
fn a_short_passphrase_stops_an_encrypted_share_before_anything_is_sent() {
    let mut state = State::default();
    state.open_folder("b", "");
    state.select_object("a.pdf");
    state.share.passphrase.0 = "short".into();
    assert!(state.share_encrypted().is_empty());
    assert!(state.share_error().unwrap().message.contains("too short"));
    assert!(
        !format!("{state:?}").contains("short\""),
        "the passphrase stays out of Debug"
    );

    state.connection = Connection::Connected(crate::command::SignedIn::demo_for_tests());
    state.share.encrypt_uploads = true;
    assert!(state.queue_upload("/tmp/x.pdf".into()).is_empty());
    assert!(
        state
            .upload_notice
            .as_deref()
            .unwrap()
            .contains("too short")
    );
    assert!(state.uploads.is_empty());
    state.share.passphrase.0 = "long enough words".into();
    let queued = state.queue_upload("/tmp/x.pdf".into());
    assert!(matches!(
        &queued[..],
        [Effect::Send(Command::Upload {
            encrypt: Some(crate::ops::Encryption::Passphrase(_)),
            ..
        })]
    ));
}

#[test]
fn a_revoked_encrypted_link_leaves_the_panel_and_its_upload_row_says_so() {
    let mut state = State::default();
    state.open_folder("b", "");
    state.select_object("b.pdf");
    state.share.filename_enabled = true;
    state.share.filename = "Plan 2027.pdf".into();
    let asked = state.share_encrypted();
    assert!(
        matches!(
            &asked[..],
            [Effect::Send(Command::ShareEncrypted { request, .. })]
                if request.save_as.as_ref().map(|n| n.name()) == Some("Plan 2027.pdf")
        ),
        "the download filename is the name the page saves as"
    );
    state.apply(Event::EncryptedShared {
        key: "b.pdf".into(),
        result: Ok(encrypted_share("b.pdf")),
    });
    assert!(state.link.is_some());
    // The same link also made by an upload row (as if dropped).
    state.uploads.push(super::UploadRow {
        id: 7,
        path: "/tmp/b.pdf".into(),
        bucket: "b".into(),
        key: "b.pdf".into(),
        total: 1,
        done: 1,
        started: None,
        status: super::UploadStatus::Encrypted(encrypted_share("b.pdf")),
        warning: None,
        encrypt: None,
    });
    let id = state.history.entries[0].id.clone();
    state.ask_revoke(&id);
    state.revoke(&id);
    let at = std::time::SystemTime::now();
    state.apply(Event::Revoked {
        id,
        result: Ok(crate::ops::Revoked { at, checked: true }),
    });
    assert!(state.link.is_none(), "no countdown for a link taken back");
    assert!(matches!(
        state.uploads[0].status,
        super::UploadStatus::Revoked(when) if when == at
    ));
}

#[test]
fn a_bucket_behind_cloudfront_links_through_it_with_longer_lifetimes() {
    let mut state = State::default();
    let setting = crate::ops::CloudFrontSetting {
        domain: "https://d1.cloudfront.net".into(),
        key_id: "K2JCJMDEHXQW5F".into(),
        private_key: "/keys/k.pem".into(),
        origin_path: String::new(),
        distribution_id: None,
    };
    state.cloudfront.by_bucket.insert("b".into(), setting);
    state.open_folder("b", "");
    assert!(state.via_cloudfront(), "on by default where it is set");
    state.select_object("a.pdf");
    state.share.long_lifetime = Some(std::time::Duration::from_secs(90 * 86_400));
    let asked = state.copy_link();
    assert!(
        matches!(
            &asked[..],
            [Effect::Send(Command::ShareViaCloudFront { key, request, .. })]
                if key == "a.pdf" && request.lifetime.as_secs() == 90 * 86_400
        ),
        "{asked:?}"
    );
    state.share_status = ShareStatus::Idle;
    // An encrypted share or a page is a presigned link: a CloudFront-only lifetime is
    // refused for them, not silently cut to 7 days.
    assert!(state.share_encrypted().is_empty());
    assert!(
        state
            .share_error()
            .unwrap()
            .message
            .contains("at most 7 days")
    );
    state.share_status = ShareStatus::Idle;
    // The slider's choice replaces the long one.
    state.share.set_preset(0);
    assert!(state.share.long_lifetime.is_none());
    // A long choice empties the custom field: text left there would win at Copy link.
    state.share.custom_text = "45d".into();
    state
        .share
        .set_long_lifetime(std::time::Duration::from_secs(90 * 86_400));
    assert!(state.share.custom_text.is_empty());
    state.share.apply_custom();
    assert_eq!(
        state.share.long_lifetime,
        Some(std::time::Duration::from_secs(90 * 86_400))
    );
    state.share.set_preset(0);
    // Through CloudFront the custom field takes more than 7 days too.
    state.share.custom_text = "45d".into();
    state.share.apply_custom();
    assert_eq!(state.share.custom_error, None);
    assert_eq!(
        state.share.long_lifetime,
        Some(std::time::Duration::from_secs(45 * 86_400))
    );
    state.share.via_cloudfront = false;
    state.share.apply_custom();
    assert!(
        state
            .share
            .custom_error
            .as_deref()
            .unwrap()
            .contains("7 days")
    );
    state.share.via_cloudfront = true;
    state.share.custom_text.clear();
    state.share.set_preset(0);
    // Revocable and through CloudFront without the distribution's id: refused, said why.
    state.share.revocable = true;
    assert!(state.copy_link().is_empty());
    assert!(
        state
            .share_error()
            .unwrap()
            .message
            .contains("distribution's ID")
    );
    state.share_status = ShareStatus::Idle;
    // With it: a revocable link through CloudFront is asked for.
    state
        .cloudfront
        .by_bucket
        .get_mut("b")
        .unwrap()
        .distribution_id = Some("E2QWRUHAPOMQZL".into());
    assert!(matches!(
        &state.copy_link()[..],
        [Effect::Send(Command::ShareViaCloudFront { request, .. })] if request.revocable
    ));
    state.share.revocable = false;
    state.share_status = ShareStatus::Idle;
    // Another bucket: presigned links as before.
    state.open_folder("other", "");
    assert!(!state.via_cloudfront());
    state.select_object("c.pdf");
    assert!(matches!(
        &state.copy_link()[..],
        [Effect::Send(Command::Share { .. })]
    ));

    // Remembered as a CloudFront link: no SigV4 lifetime, not renewable as one.
    let mut made = link("a.pdf", crate::s3::LinkCheck::Opens);
    made.region = crate::share::cloudfront::VIA_CLOUDFRONT.into();
    made.url = crate::share::SignedUrl::new(
        "https://d1.cloudfront.net/a.pdf?Expires=1&Signature=s&Key-Pair-Id=K2JCJMDEHXQW5F".into(),
    );
    let entry = crate::history::HistoryEntry::of(&made);
    // One that could not be tried (the distribution unreachable from here) proved nothing:
    // it waits for "Copy anyway".
    state.open_folder("b", "");
    state.select_object("a.pdf");
    let mut untried = made.clone();
    untried.check = crate::s3::LinkCheck::NotChecked("no route".into());
    assert_eq!(copies(&state.apply(Event::Shared(Ok(untried)))), 0);
    assert!(state.link.as_ref().is_some_and(|l| !l.copied));
    assert_eq!(copies(&state.copy_current_link()), 1);
    assert_eq!(entry.kind, crate::history::LinkKind::CloudFront);

    // The form's key file from the file dialog (a cancelled dialog changes nothing).
    state.open_cloudfront_form("b");
    assert!(state.cloudfront_form.as_ref().unwrap().is_set);
    state.apply(Event::KeyFilePicked(Some("/keys/new.pem".into())));
    state.apply(Event::KeyFilePicked(None));
    assert_eq!(
        state.cloudfront_form.as_ref().unwrap().private_key,
        "/keys/new.pem"
    );
    assert!(entry.lifetime.is_none());
    assert_eq!(entry.cloudfront_key_id(), Some("K2JCJMDEHXQW5F"));
}

#[test]
fn a_lifetime_refusal_goes_once_the_lifetime_changes() {
    let mut state = State::default();
    state.open_folder("b", "");
    state.select_object("a.pdf");
    state.share.custom_text = "8".into();
    state.share.apply_custom();
    // A link and the folder's links were refused for that lifetime.
    assert!(state.copy_link().is_empty());
    state.share_status = ShareStatus::Refused(crate::s3::S3Error::bad_input(
        "custom lifetime: 8 has no unit",
    ));
    state.many.summary = Some("No links made: custom lifetime: 8 has no unit.".into());
    assert!(state.share_error().is_some());
    state.share.custom_text = "2h30m".into();
    state.share.apply_custom();
    state.lifetime_changed();
    assert!(state.share_error().is_none(), "the refusal went");
    assert_eq!(state.many.summary, None);
    // Another summary (links made) stays.
    state.many.summary = Some("12 links copied".into());
    state.lifetime_changed();
    assert_eq!(state.many.summary.as_deref(), Some("12 links copied"));
}
