//! Signing in: the demo bucket or a profile's session, its credentials resolved at once.

use super::tasks::Worker;
use crate::command::{Event, SignedIn};
use crate::s3::{S3Error, Session};

impl Worker {
    #[cfg(feature = "demo")]
    pub(super) async fn start_demo(&mut self) {
        let started = match &self.demo {
            Some(demo) => Ok(demo.session.clone()),
            None => match self.config.data_dir.clone().or_else(crate::demo::data_dir) {
                Some(dir) => crate::demo::start(&dir).await.map(|demo| {
                    let session = demo.session.clone();
                    self.demo = Some(demo);
                    session
                }),
                None => Err(std::io::Error::other("no data directory")),
            },
        };
        match started {
            Ok(session) => self.signed_in(session, true).await,
            Err(err) => self.out.send(Event::ConnectFailed(S3Error::bad_input(format!(
                "The demo bucket could not start: {err}. Check that the data directory is writable."
            )))),
        }
    }

    #[cfg(not(feature = "demo"))]
    pub(super) async fn start_demo(&mut self) {
        self.out.send(Event::ConnectFailed(S3Error::bad_input(
            "This build of S3 Share has no demo bucket (it was built without the \"demo\" feature).",
        )));
    }

    /// Resolves the credentials now, so "no credentials" and "expired SSO session" show at
    /// once and the expiry of what will sign is known before any link is made.
    pub(super) async fn signed_in(&mut self, session: Session, demo: bool) {
        let session = session.with_clock(self.clock.clone());
        match session.current_credentials("signing in").await {
            Ok(credentials) => {
                self.out.send(Event::Connected(SignedIn {
                    profile: session.profile().clone(),
                    region: session.region().to_owned(),
                    region_from_profile: session.region_from_profile(),
                    credentials_expire_at: credentials.expiry(),
                    demo,
                }));
                self.session = Some(session);
            }
            Err(err) => self.out.send(Event::ConnectFailed(err)),
        }
    }
}
