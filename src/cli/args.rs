//! The command line's arguments (clap).

use clap::{Parser, Subcommand};

use crate::share::Expiry;
use crate::share::link_list::ListFormat;

#[derive(Debug, Parser)]
#[command(
    name = "s3share",
    version,
    about = "Share files from S3 as presigned links"
)]
pub struct Args {
    /// AWS profile to use (default: AWS_PROFILE, else "default").
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Region to use when the profile names none.
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Start the window on the built-in demo bucket (no AWS account needed).
    #[arg(long)]
    pub demo: bool,
    /// Start the window in this bucket and folder (s3://bucket/folder/) once signed in.
    #[arg(long, value_name = "S3_URI")]
    pub open: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Args {
    /// What is wrong with the options clap accepted, said in one line before anything runs:
    /// an empty name, or a window option given to a command (it would be ignored).
    pub fn problem(&self) -> Option<String> {
        if self.profile.as_deref().is_some_and(|p| p.trim().is_empty()) {
            return Some(
                "--profile is empty: give a profile's name (s3share profiles lists them), or leave it out for AWS_PROFILE or default".to_owned(),
            );
        }
        if self.region.as_deref().is_some_and(|r| r.trim().is_empty()) {
            return Some(
                "--region is empty: give a region such as eu-west-1, or leave it out".to_owned(),
            );
        }
        if self.command.is_some() {
            if self.demo {
                return Some(
                    "--demo starts the window on the demo bucket; a command uses your AWS profile: leave out --demo, or leave out the command".to_owned(),
                );
            }
            if self.open.is_some() {
                return Some(
                    "--open is for the window; a command names its s3:// address itself: leave out --open".to_owned(),
                );
            }
        }
        None
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a download link for an object.
    Link {
        /// s3://bucket/key
        uri: String,
        /// How long the link lives: 90s, 15m, 2h30m, 3d, 7d or max (7 days); with
        /// --via-cloudfront also 30d, 90d, 1y.
        #[arg(long, default_value = "1h")]
        expires: crate::share::Lifetime,
        /// File name the browser saves the download as.
        #[arg(long)]
        filename: Option<crate::share::DownloadFilename>,
        /// Do not try the link before printing it (it is fetched once, without
        /// credentials, the way a colleague would open it).
        #[arg(long)]
        no_check: bool,
        /// Also print the link as a QR code on stderr (to open it on a phone).
        #[arg(long)]
        qr: bool,
        /// s3://bucket/prefix/: a link for every object below the prefix, one per line.
        #[arg(long)]
        recursive: bool,
        /// How --recursive writes the links.
        #[arg(long, value_enum, default_value = "tsv")]
        format: ListFormat,
        /// A link that can be taken back (s3share revoke ID): it points at a copy made on
        /// the server for it alone, under .s3share/links/ (with --via-cloudfront:
        /// .s3share/cloudfront-links/), stored until the link ends.
        #[arg(long)]
        revocable: bool,
        /// s3://bucket/folder/: one link to a page that lists every file of the folder
        /// (with --recursive: and of its sub-folders), each with its own link; close it with
        /// s3share revoke ID.
        #[arg(long)]
        page: bool,
        /// The page's title (default: the folder's name).
        #[arg(long, requires = "page")]
        title: Option<String>,
        /// Share the object encrypted: it is read, encrypted here and stored again as
        /// ciphertext under .s3share/ (a part at a time); the link opens a page that
        /// decrypts in the browser with the key after #. `s3share revoke ID` deletes both.
        #[arg(long, conflicts_with_all = ["no_check", "recursive", "revocable", "page"])]
        encrypt: bool,
        /// With --encrypt: the key from the passphrase on this file's first line.
        #[arg(long, value_name = "FILE", requires = "encrypt")]
        passphrase_file: Option<std::path::PathBuf>,
        /// A CloudFront signed URL through the bucket's distribution (s3share cloudfront
        /// set): no 7-day cap, and it does not end with your session.
        #[arg(long, conflicts_with_all = ["encrypt", "page", "recursive"])]
        via_cloudfront: bool,
        /// With --via-cloudfront: the link opens only from this time (RFC 3339, as
        /// 2027-01-04T09:00:00Z).
        #[arg(long, value_name = "TIME", requires = "via_cloudfront")]
        not_before: Option<String>,
        /// With --via-cloudfront: the link opens only from these addresses (203.0.113.0/24).
        #[arg(long, value_name = "CIDR", requires = "via_cloudfront")]
        ip: Option<String>,
    },
    /// Links through CloudFront: the distribution in front of a bucket, and the key that
    /// signs its URLs.
    Cloudfront {
        #[command(subcommand)]
        action: CloudFrontAction,
    },
    /// Print an upload link: whoever has it can PUT one file at that key.
    UploadLink {
        /// s3://bucket/key
        uri: String,
        /// Content-Type the uploader must send (it is signed).
        #[arg(long)]
        content_type: Option<String>,
        #[arg(long, default_value = "1h")]
        expires: Expiry,
    },
    /// Upload a file and print a download link for it.
    Upload {
        /// The file to upload.
        file: std::path::PathBuf,
        /// s3://bucket/prefix/ (the file keeps its name) or s3://bucket/key.
        uri: String,
        #[arg(long, default_value = "1h")]
        expires: Expiry,
        /// File name the browser saves the download as.
        #[arg(long)]
        filename: Option<crate::share::DownloadFilename>,
        /// Overwrite an existing object with the same key (without it, nothing is overwritten).
        #[arg(long)]
        replace: bool,
        /// Do not try the new object's link before printing it.
        #[arg(long)]
        no_check: bool,
        /// Parts uploaded at once for large files.
        #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=64))]
        parallel: u16,
        /// Smallest part size in MiB for large files (S3 allows 5 and up; raised as needed so
        /// no file needs more than 10,000 parts).
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(5..=5120))]
        part_size_mib: u64,
        /// Make the link revocable (see link --revocable).
        #[arg(long)]
        revocable: bool,
        /// Encrypt the file here before it leaves (RFC 8188): the bucket holds only
        /// ciphertext at a random key under .s3share/, the key travels in the link after #,
        /// and the link opens a page that decrypts in the browser. `s3share revoke ID`
        /// deletes both.
        #[arg(long, conflicts_with_all = ["replace", "revocable"])]
        encrypt: bool,
        /// With --encrypt: derive the key from the passphrase on this file's first line
        /// (PBKDF2-SHA256, 600,000 rounds) instead of putting it in the link.
        #[arg(long, value_name = "FILE", requires = "encrypt")]
        passphrase_file: Option<std::path::PathBuf>,
    },
    /// Download and decrypt an encrypted share (no AWS credentials needed). Nothing is
    /// written unless the whole file decrypts.
    Fetch {
        /// The whole link, with the part after # (quote it in the shell).
        link: String,
        /// Where to save it (default: the file's name from the link, in this folder).
        #[arg(short, long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
        /// The passphrase, on this file's first line (links made with --passphrase-file).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<std::path::PathBuf>,
    },
    /// Take back a revocable link: its copy is deleted, so it stops at once (the file and
    /// every other link keep working). ID is the one `s3share history --json` shows.
    Revoke {
        /// The link's id.
        #[arg(required_unless_present = "ended", conflicts_with = "ended")]
        id: Option<String>,
        /// Instead: delete the copies of revocable links that have ended (in every bucket
        /// the history names, and in s3://bucket if given).
        #[arg(long)]
        ended: bool,
        /// With --ended: also this bucket (s3://bucket).
        #[arg(long, value_name = "S3_URI", requires = "ended")]
        bucket: Option<String>,
    },
    /// Make a page anyone can open in a browser to send you files, straight into a folder of
    /// the bucket (S3 enforces the folder, size, types and expiry); or close one.
    Request {
        /// s3://bucket/ or s3://bucket/folder/ (default folder: incoming/<date> <title>/).
        uri: Option<String>,
        /// Shown to the sender at the top of the page.
        #[arg(long)]
        title: Option<String>,
        /// A few lines for the sender.
        #[arg(long, default_value = "")]
        message: String,
        /// Largest file accepted: 500MB, 2GB, up to 5GB.
        #[arg(long, default_value = "5GB")]
        max_size: String,
        /// Accepted types: images, pdf, video, image/*, application/pdf, ... (default: any).
        #[arg(long, default_value = "")]
        types: String,
        /// How long the page works: 1h ... 7d.
        #[arg(long, default_value = "7d")]
        expires: Expiry,
        /// Close a request (BUCKET/ID as printed when it was made): its page is deleted and
        /// its link stops at once; the files received stay.
        #[arg(long, value_name = "BUCKET/ID", conflicts_with_all = ["uri", "title"])]
        close: Option<String>,
    },
    /// The profiles the AWS CLI would list, with how each signs in, its region and endpoint.
    Profiles {
        /// One JSON object per line, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Links made on this computer (by the window and the command line), newest first.
    History {
        /// Also links that have ended (kept for a week).
        #[arg(long)]
        all: bool,
        /// One JSON object per line, for scripts.
        #[arg(long)]
        json: bool,
        /// Print the whole links (they are credentials: mind where the output goes).
        #[arg(long)]
        show_urls: bool,
    },
    /// List buckets, or folders and objects under s3://bucket/prefix/.
    Ls { uri: Option<String> },
}

/// `s3share cloudfront …`
#[derive(Debug, Subcommand)]
pub enum CloudFrontAction {
    /// Sign links to BUCKET through this distribution and key (checked first; the private
    /// key stays where it is: only its path is kept).
    Set {
        /// The bucket (name, or s3://name).
        bucket: String,
        /// The distribution's domain, as d111111abcdef8.cloudfront.net.
        #[arg(long)]
        domain: String,
        /// The public key's id in the distribution's trusted key group (K…).
        #[arg(long)]
        key_id: String,
        /// The PEM file of the matching RSA 2048 private key.
        #[arg(long, value_name = "FILE")]
        private_key: std::path::PathBuf,
        /// The origin's path, if the distribution serves a folder of the bucket (/media).
        #[arg(long, value_name = "PATH")]
        origin_path: Option<String>,
        /// The distribution's ID (E2QWRUHAPOMQZL): needed for revocable links, whose
        /// revoking asks CloudFront to clear the link's copy from its edges.
        #[arg(long, value_name = "ID")]
        distribution_id: Option<String>,
    },
    /// What is set for BUCKET.
    Show { bucket: String },
    /// Stop signing links to BUCKET through CloudFront.
    Remove { bucket: String },
}
