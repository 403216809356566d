//! S3 Share: turn an object in a private S3 bucket into a link a colleague can open.
//!
//! `s3` and `share` hold the core (no egui); `local_server` is the embedded S3 server
//! behind the demo bucket and the tests; `cli` is the headless front end.

pub mod app;
pub mod cli;
pub mod demo;
pub mod history;
pub mod local_server;
pub mod s3;
pub mod share;
pub mod state;
pub mod ui;
pub mod worker;
