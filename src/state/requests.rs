//! File requests as the window shows them: the form (checked before anything is asked of
//! the worker) and one row per request made in this session.

use super::{Effect, State};
use crate::command::Command;
use crate::s3::{FileRequest, RequestOptions, S3Error};
use crate::share::request_form::{parse_size, parse_types};

/// The "Request files" form.
#[derive(Debug, Clone)]
pub struct RequestForm {
    pub title: String,
    pub message: String,
    /// Empty: `incoming/<date> <title>/`.
    pub folder: String,
    pub max_size: String,
    pub types: String,
    /// Waiting for the worker.
    pub making: bool,
    pub error: Option<S3Error>,
}

impl Default for RequestForm {
    fn default() -> Self {
        RequestForm {
            title: String::new(),
            message: String::new(),
            folder: String::new(),
            max_size: "5GB".to_owned(),
            types: String::new(),
            making: false,
            error: None,
        }
    }
}

/// One request made here.
#[derive(Debug, Clone)]
pub struct RequestRow {
    pub request: FileRequest,
    /// Files in its folder when last counted.
    pub received: Option<usize>,
    pub closed: bool,
    /// Close was clicked once: the row asks to confirm (the page stops at once).
    pub confirm_close: bool,
    pub error: Option<S3Error>,
}

impl State {
    /// Checks the form and asks for the page; a bad entry is said where it was typed.
    pub fn make_request(&mut self) -> Vec<Effect> {
        if self.request_form.making || self.listing.bucket.is_empty() {
            return Vec::new();
        }
        self.share.apply_custom();
        if let Some(problem) = &self.share.custom_error {
            self.request_form.error =
                Some(S3Error::bad_input(format!("Custom lifetime: {problem}")));
            return Vec::new();
        }
        let form = &self.request_form;
        let parsed =
            parse_size(&form.max_size).and_then(|max| Ok((max, parse_types(&form.types)?)));
        let (max_size, types) = match parsed {
            Ok(parsed) => parsed,
            Err(err) => {
                self.request_form.error = Some(S3Error::bad_input(format!("Not made: {err}.")));
                return Vec::new();
            }
        };
        let options = RequestOptions {
            folder: Some(form.folder.trim().to_owned()).filter(|f| !f.is_empty()),
            title: form.title.clone(),
            message: form.message.clone(),
            max_size,
            types,
            expiry: self.share.expiry,
        };
        self.request_form.making = true;
        self.request_form.error = None;
        vec![Effect::Send(Command::RequestFiles {
            bucket: self.listing.bucket.clone(),
            options,
        })]
    }

    pub fn request_mut(&mut self, id: &str) -> Option<&mut RequestRow> {
        self.requests.iter_mut().find(|row| row.request.id == id)
    }

    /// The command for a request's row action (close, count), if the row exists.
    pub fn request_command(&self, id: &str, close: bool) -> Vec<Effect> {
        let Some(row) = self.requests.iter().find(|row| row.request.id == id) else {
            return Vec::new();
        };
        let request = &row.request;
        vec![Effect::Send(if close {
            Command::CloseRequest {
                bucket: request.bucket.clone(),
                id: request.id.clone(),
            }
        } else {
            Command::ListReceived {
                id: request.id.clone(),
                bucket: request.bucket.clone(),
                folder: request.folder.clone(),
            }
        })]
    }

    /// A page arrived: listed, and copied when it opens (or could not be tried).
    pub(super) fn request_made(&mut self, result: Result<FileRequest, S3Error>) -> Vec<Effect> {
        self.request_form.making = false;
        match result {
            Ok(request) => {
                let copy = !request.check.refused();
                let url = request.url.clone();
                self.requests.insert(
                    0,
                    RequestRow {
                        request,
                        received: None,
                        closed: false,
                        confirm_close: false,
                        error: None,
                    },
                );
                self.request_form.title.clear();
                self.request_form.message.clear();
                if copy {
                    vec![Effect::Copy(url)]
                } else {
                    Vec::new()
                }
            }
            Err(error) => {
                self.request_form.error = Some(error);
                Vec::new()
            }
        }
    }
}
