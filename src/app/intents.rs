//! Intent -> state changes and commands: the one place the window's requests become work.

use super::App;
use crate::command::Command;
use crate::intent::Intent;
use crate::share::SignedUrl;
use crate::state::{Effect, State};

impl App {
    pub(super) fn handle(&mut self, intent: Intent) -> Vec<Effect> {
        effects_of(&mut self.state, intent)
    }
}

/// What `intent` changes in `state`, and the work it starts.
pub(super) fn effects_of(state: &mut State, intent: Intent) -> Vec<Effect> {
    let send = |command| vec![Effect::Send(command)];
    match intent {
        Intent::Connect { profile, region } => connect(state, profile, region),
        Intent::RetrySignIn => {
            let (profile, region) = (state.selected_profile.clone(), state.region_choice.clone());
            connect(state, profile, region)
        }
        Intent::RefreshProfiles => send(Command::LoadProfiles),
        Intent::StartDemo => {
            state.forget_session();
            send(Command::StartDemo)
        }
        Intent::RefreshBuckets => {
            state.buckets.start();
            send(Command::ListBuckets)
        }
        Intent::OpenFolder { bucket, prefix } => vec![state.list_folder(&bucket, &prefix)],
        Intent::GoUp => match state.parent_prefix() {
            Some(parent) if !state.listing.bucket.is_empty() => {
                let bucket = state.listing.bucket.clone();
                let came_from = state.listing.prefix.clone();
                let effects = vec![state.list_folder(&bucket, &parent)];
                // As in a file manager: the folder you came from is where the cursor is.
                state.cursor = Some(came_from);
                state.scroll_to_cursor = true;
                effects
            }
            _ => Vec::new(),
        },
        Intent::SelectObject(key) => {
            state.select_object(&key);
            Vec::new()
        }
        Intent::SelectMore { key, range } => {
            state.select_more(&key, range);
            Vec::new()
        }
        Intent::SelectAll => {
            state.select_all_files();
            Vec::new()
        }
        Intent::CopySelectedLinks => state.copy_selected_links(),
        Intent::CopyFolderLinks { all_levels: false } => state.copy_folder_links(),
        Intent::CopyFolderLinks { all_levels: true } => state.copy_deep_folder_links(),
        Intent::CancelFolderLinks => {
            state.cancel_folder_links();
            Vec::new()
        }
        Intent::SetListFormat(format) => {
            state.many.format = format;
            Vec::new()
        }
        Intent::MoveCursor(to) => {
            state.move_cursor(to);
            Vec::new()
        }
        Intent::Activate => state.activate(),
        Intent::TypeAhead { text, at } => {
            state.type_ahead(&text, at);
            Vec::new()
        }
        Intent::FilterChanged => {
            state.filter_changed();
            Vec::new()
        }
        Intent::ClearFilter => {
            state.object_filter.clear();
            state.scroll_to_cursor = true;
            Vec::new()
        }
        Intent::CopyLinkOf { key, lifetime } => {
            state.select_object(&key);
            // "Copy link for…" is for this link only; the panel's lifetime stays as it was.
            state.copy_link_for(lifetime)
        }
        Intent::CopyUri(key) => {
            let uri = format!("s3://{}/{key}", state.listing.bucket);
            vec![Effect::CopyList(SignedUrl::new(uri))]
        }
        Intent::UploadLinkHere(prefix) => {
            state.upload_key = prefix;
            state.upload_link = None;
            // The folder is filled in; the name is what is left to type.
            state.focus_upload_key = true;
            Vec::new()
        }
        Intent::UploadFilesHere(prefix) => {
            let bucket = state.listing.bucket.clone();
            vec![
                state.list_folder(&bucket, &prefix),
                Effect::Send(Command::PickFiles),
            ]
        }
        Intent::DownloadFilenameFor(key) => {
            state.select_object(&key);
            state.share.filename_enabled = true;
            Vec::new()
        }
        Intent::SortBy(column) => {
            state.sort_by(column);
            Vec::new()
        }
        Intent::CopyLink => state.copy_link(),
        Intent::ShareEncrypted => state.share_encrypted(),
        Intent::CopyAnyway => state.copy_current_link(),
        Intent::CopyAgain(url) => {
            vec![Effect::Copy(url)]
        }
        Intent::CopyCurlCommand(link) => {
            vec![Effect::CopyCurl(link)]
        }
        Intent::MakeUploadLink => {
            let key = state.upload_key.trim().to_owned();
            let content_type =
                Some(state.upload_content_type.trim().to_owned()).filter(|t| !t.is_empty());
            state.upload_link = None;
            send(Command::MakeUploadLink {
                bucket: state.listing.bucket.clone(),
                key,
                content_type,
                expiry: state.upload_expiry,
            })
        }
        Intent::AddProfile => {
            state.new_profile = Some(crate::state::NewProfileForm::default());
            Vec::new()
        }
        Intent::SaveProfile => match &mut state.new_profile {
            Some(form) if !form.saving => match form.profile.check() {
                Ok(()) => {
                    form.saving = true;
                    form.error = None;
                    send(Command::AddProfile(form.profile.clone()))
                }
                Err(error) => {
                    form.error = Some(error);
                    Vec::new()
                }
            },
            _ => Vec::new(),
        },
        Intent::CancelAddProfile => {
            state.new_profile = None;
            Vec::new()
        }
        Intent::ToggleManager => {
            state.manager.open = !state.manager.open;
            Vec::new()
        }
        Intent::Renew { id, lifetime } => state.renew(&id, lifetime),
        Intent::Forget(id) => state.forget(&id),
        Intent::UndoForget => state.undo_forget(),
        Intent::AskRevoke(id) => {
            state.ask_revoke(&id);
            Vec::new()
        }
        Intent::CancelRevoke => {
            state.cancel_revoke();
            Vec::new()
        }
        Intent::Revoke(id) => state.revoke(&id),
        Intent::SharePage(of) => state.share_page(of),
        Intent::ExpireLinkCopies(bucket) => state.expire_link_copies(&bucket),
        Intent::OpenCloudFront(bucket) => {
            state.open_cloudfront_form(&bucket);
            Vec::new()
        }
        Intent::SaveCloudFront => state.change_cloudfront(false),
        Intent::PickKeyFile => send(Command::PickKeyFile),
        Intent::RemoveCloudFront => state.change_cloudfront(true),
        Intent::CloseCloudFront => {
            state.cloudfront_form = None;
            Vec::new()
        }
        Intent::ShowQr { url, label, ends } => {
            state.qr = Some(crate::state::QrView::new(&url, label, ends));
            Vec::new()
        }
        Intent::HideQr => {
            state.qr = None;
            Vec::new()
        }
        Intent::MakeFileRequest => state.make_request(),
        Intent::CloseRequest(id) => {
            if let Some(row) = state.request_mut(&id) {
                row.confirm_close = true;
            }
            Vec::new()
        }
        Intent::ConfirmCloseRequest(id) => {
            if let Some(row) = state.request_mut(&id) {
                row.confirm_close = false;
            }
            state.request_command(&id, true)
        }
        Intent::KeepRequest(id) => {
            if let Some(row) = state.request_mut(&id) {
                row.confirm_close = false;
            }
            Vec::new()
        }
        Intent::RefreshReceived(id) => state.request_command(&id, false),
        Intent::QueueUpload(path) => state.queue_upload(path),
        Intent::PickFiles if !state.upload_folder_open("files are") => Vec::new(),
        Intent::PickFiles => send(Command::PickFiles),
        Intent::PasteFromClipboard if !state.upload_folder_open("pasted files are") => Vec::new(),
        Intent::PasteFromClipboard => send(Command::ReadClipboardFiles),
        Intent::PastedText => {
            state.upload_notice = Some(
                "Pasted text is not uploaded: copy files (or a screenshot) and paste them here, or use Paste files."
                    .to_owned(),
            );
            Vec::new()
        }
        Intent::PasteFiles(paths) => paths
            .into_iter()
            .flat_map(|path| state.queue_upload(path))
            .collect(),
        Intent::PasteImage { image, name } => {
            if state.upload_folder_open("a pasted image is") {
                state.pasted_image = Some(crate::state::PastedImage { image, name });
            }
            Vec::new()
        }
        Intent::UploadPastedImage => upload_pasted_image(state),
        Intent::DiscardPastedImage => {
            state.pasted_image = None;
            Vec::new()
        }
        Intent::ResolveConflict { id, collision } => state.resolve_conflict(id, collision),
        Intent::CancelUpload(id) => send(Command::CancelUpload { id }),
        Intent::ClearFinishedUploads => {
            state.uploads.retain(|row| !row.finished());
            Vec::new()
        }
    }
}

/// The pasted image, under its (checked) name, written as PNG by the worker, then uploaded.
fn upload_pasted_image(state: &mut State) -> Vec<Effect> {
    let Some(pasted) = state.pasted_image.take() else {
        return Vec::new();
    };
    let name = pasted.name.trim().to_owned();
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control);
    if bad {
        state.upload_notice = Some(format!(
            "{name:?} cannot be a file name: give the image a plain name such as Screenshot.png."
        ));
        state.pasted_image = Some(pasted);
        return Vec::new();
    }
    vec![Effect::Send(Command::SavePastedImage {
        image: pasted.image,
        name,
    })]
}

/// Signs in with another profile (or the same one again: Retry).
fn connect(state: &mut State, profile: Option<String>, region: Option<String>) -> Vec<Effect> {
    state.forget_session();
    state.selected_profile = profile.clone();
    state.region_choice = region.clone();
    vec![Effect::Send(Command::Connect { profile, region })]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::upload::Collision;
    use crate::share::Expiry;

    fn sent(effects: &[Effect]) -> Vec<&Command> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Send(command) => Some(command),
                Effect::Copy(_) | Effect::CopyCurl(_) | Effect::CopyList(_) => None,
            })
            .collect()
    }

    #[test]
    fn copy_link_asks_for_the_selected_object_with_the_chosen_lifetime_once() {
        let mut state = State::default();
        state.open_folder("b", "docs/");
        state.select_object("docs/a.txt");
        state.share.set_preset(8);
        let effects = effects_of(&mut state, Intent::CopyLink);
        let [
            Command::Share {
                bucket,
                key,
                options,
            },
        ] = sent(&effects)[..]
        else {
            panic!("one Share command: {effects:?}");
        };
        assert_eq!((bucket.as_str(), key.as_str()), ("b", "docs/a.txt"));
        assert_eq!(options.expiry, Expiry::MAX);
        assert!(state.sharing());
        // A second click while the first link is on its way asks for nothing.
        assert!(effects_of(&mut state, Intent::CopyLink).is_empty());
    }

    #[test]
    fn a_bad_download_filename_is_refused_before_any_request() {
        let mut state = State::default();
        state.select_object("a.txt");
        state.share.filename_enabled = true;
        state.share.filename = "a\nb".into();
        assert!(effects_of(&mut state, Intent::CopyLink).is_empty());
        assert!(
            state
                .share_error()
                .is_some_and(|e| e.message.contains("control character"))
        );
    }

    #[test]
    fn going_up_lists_the_parent_and_at_the_top_does_nothing() {
        let mut state = State::default();
        state.open_folder("b", "a/b/");
        let effects = effects_of(&mut state, Intent::GoUp);
        assert!(matches!(
            sent(&effects)[..],
            [Command::ListObjects { prefix, .. }] if prefix == "a/"
        ));
        state.open_folder("b", "");
        assert!(effects_of(&mut state, Intent::GoUp).is_empty());
    }

    #[test]
    fn answering_a_name_conflict_sends_the_upload_again_with_that_answer() {
        let mut state = State::default();
        state.connection =
            crate::state::Connection::Connected(crate::command::SignedIn::demo_for_tests());
        state.open_folder("b", "in/");
        let queued = effects_of(&mut state, Intent::QueueUpload("/tmp/x.pdf".into()));
        assert!(matches!(
            sent(&queued)[..],
            [Command::Upload { key, collision: Collision::Ask, .. }] if key == "in/x.pdf"
        ));
        let id = state.uploads[0].id;
        let again = effects_of(
            &mut state,
            Intent::ResolveConflict {
                id,
                collision: Collision::KeepBoth,
            },
        );
        assert!(matches!(
            sent(&again)[..],
            [Command::Upload {
                collision: Collision::KeepBoth,
                ..
            }]
        ));
    }
}
