//! S3 Share: turn an object in a private S3 bucket into a link a colleague can open.
//!
//! `s3` and `share` hold the core (no egui); `state` is what the window shows and its one
//! reducer; `ui` the panels, which push `intent`s; `app` turns intents into `worker`
//! commands and carries out effects; `demo` is the embedded S3 server behind the demo
//! bucket (feature "demo"); `rows` keeps a listing compact and orders it; `cli` is the
//! headless front end. Modules are private: what
//! the binary, the tests and the benchmarks use is re-exported here.

mod app;
mod aws;
mod cli;
mod command;
#[cfg(feature = "demo")]
mod demo;
mod error;
mod history;
mod intent;
mod limits;
mod ops;
mod private_file;
mod rows;
mod s3;
mod share;
mod state;
mod ui;
mod worker;

pub use app::{App, AppOptions, REPORT_FIRST_FRAME_ENV, REPORT_FRAMES_ENV};
pub use cli::{Args, run as run_cli};
pub use rows::{Needle, ObjectRows, OrderKey, SortColumn, order_rows};
pub use s3::upload;
pub use s3::{
    CredentialsCache, ErrorKind, FileRequest, LinkCheck, LinkProblem, ProfileFilesSource,
    ProfileInfo, ProfileKind, RequestOptions, S3Error, Session, ShareLink, ShareOptions,
    UploadLink, object_url, parse_s3_uri, presign_url, with_content_disposition,
};
pub use share::request_form::{parse_size, parse_types};
pub use share::{Clock, DownloadFilename, Expiry, SignedUrl, content_disposition, fixed_clock};
pub use worker::WorkerConfig;
