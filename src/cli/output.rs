//! What the command line writes: the link alone on stdout, everything else on stderr.

use std::io::{IsTerminal, Write};

use crate::s3::{ErrorKind, LinkCheck, S3Error, ShareLink};

/// A link the server refused is not printed: the reason goes to stderr, exit 1.
pub(super) fn refuse_dead_link(link: &ShareLink, prefix: &str) -> Result<(), S3Error> {
    if link.check.refused() {
        return Err(S3Error::plain(
            ErrorKind::LinkRefused,
            format!("{prefix}{}", link.check.describe()),
        ));
    }
    Ok(())
}

/// The link as a QR code on stderr: light modules as blocks, forced white on black on a
/// terminal so that it reads whatever the terminal's colours.
pub(super) fn print_qr(url: &str) -> Result<(), S3Error> {
    let matrix = crate::share::qr::QrMatrix::encode(url)
        .map_err(|e| S3Error::bad_input(format!("No QR code: {e}.")))?;
    let colour = std::io::stderr().is_terminal();
    for line in matrix.to_terminal().lines() {
        if colour {
            eprintln!("\x1b[97;40m{line}\x1b[0m");
        } else {
            say!("{line}");
        }
    }
    Ok(())
}

/// "checked: opens for anyone with the link", or why it was not checked.
pub(super) fn print_check(link: &ShareLink) {
    match &link.check {
        LinkCheck::Opens => say!("checked: opens for anyone with the link"),
        LinkCheck::NotChecked(_) => say!("warning: {}", link.check.describe()),
        LinkCheck::Probed(_) => say!("{}", link.check.describe()),
        LinkCheck::Skipped | LinkCheck::Refused(_) => {}
    }
}

pub(super) fn print_warnings(warnings: &[String]) {
    for warning in warnings {
        say!("warning: {warning}");
    }
}

pub(super) fn write_line(out: &mut impl Write, line: &str) -> Result<(), S3Error> {
    writeln!(out, "{line}")
        .map_err(|e| S3Error::plain(ErrorKind::Output, format!("could not write output: {e}")))
}
