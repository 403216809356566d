//! The AWS CLI's rules, with no S3 request of their own: profiles and the files they live in,
//! credentials and the causes of their failures, the region, the endpoint S3 requests go to,
//! the addressing style and the CA bundle. `sign_in` returns one complete `SignIn` value,
//! which `s3::Session` is built from.

mod addressing;
mod ca_bundle;
pub(crate) mod config;
mod credentials;
pub(crate) mod explain;
mod process_credentials;
mod sign_in;

pub use addressing::Addressing;
pub use ca_bundle::CaBundle;
pub use config::{ProfileFilesSource, ProfileInfo, ProfileKind, list_profiles};
pub(crate) use config::{config_path, credentials_path};
pub use credentials::CredentialsCache;
pub use sign_in::{SignIn, sign_in};
