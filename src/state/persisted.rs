//! What is remembered between runs (eframe persistence), and how a run starts from it.

use serde::{Deserialize, Serialize};

use super::{Connection, Effect, State};
use crate::command::Command;
use crate::history::History;
use crate::share::Expiry;

/// What is remembered between runs. Values with rules go through their own serde (an
/// `Expiry` out of range is refused when read, and the default is used instead).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub bucket: Option<String>,
    pub prefix: String,
    /// Files written before this field had its type were named `expiry_secs`.
    #[serde(alias = "expiry_secs")]
    pub expiry: Option<Expiry>,
    /// How several links are copied (remembered as chosen).
    pub list_format: crate::share::link_list::ListFormat,
    /// The share panel's "Revocable" choice.
    pub revocable: bool,
}

/// How the window starts.
#[derive(Debug, Clone, Default)]
pub struct Startup {
    pub demo: bool,
    /// From the command line; wins over what the last run remembered.
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Bucket and folder to open once signed in, whatever the profile (`--open`).
    pub open: Option<(String, String)>,
}

impl State {
    /// The state of a new window, and the work to start: the profile list, then the
    /// demo or a sign-in with the chosen (or remembered) profile.
    pub fn starting(
        startup: Startup,
        persisted: Persisted,
        history: History,
    ) -> (State, Vec<Effect>) {
        let mut state = State {
            history,
            ..State::default()
        };
        if let Some(expiry) = persisted.expiry {
            state.share.expiry = expiry;
        }
        state.many.format = persisted.list_format;
        state.share.revocable = persisted.revocable;
        let profile = startup.profile.or_else(|| persisted.profile.clone());
        let region = startup.region.or_else(|| persisted.region.clone());
        state.selected_profile = profile.clone();
        state.region_choice = region.clone();
        state.connection = Connection::Connecting;
        state.restore = Some(persisted);
        state.open_at_start = startup.open;
        let sign_in = if startup.demo {
            Command::StartDemo
        } else {
            Command::Connect { profile, region }
        };
        let effects = vec![Effect::Send(Command::LoadProfiles), Effect::Send(sign_in)];
        (state, effects)
    }

    /// What the next run should reopen (the demo's bucket is not remembered).
    pub fn persisted(&self) -> Persisted {
        let demo = self.demo();
        Persisted {
            profile: if demo {
                None
            } else {
                self.selected_profile.clone()
            },
            region: self.region_choice.clone(),
            bucket: Some(self.listing.bucket.clone()).filter(|b| !b.is_empty() && !demo),
            prefix: if demo {
                String::new()
            } else {
                self.listing.prefix.clone()
            },
            expiry: Some(self.share.expiry),
            list_format: self.many.format,
            revocable: self.share.revocable,
        }
    }

    /// After signing in with `profile`: the folder asked for with `--open`, else the bucket
    /// and folder of the last run if it used the same profile.
    pub(super) fn take_restore(&mut self, profile: &str) -> Option<(String, String)> {
        let restore = self
            .restore
            .take()
            .filter(|p| p.profile.as_deref() == Some(profile));
        if let Some(open) = self.open_at_start.take() {
            return Some(open);
        }
        let restore = restore?;
        Some((restore.bucket?, restore.prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_settings_file_keeps_its_lifetime_and_a_bad_one_is_refused() {
        let old: Persisted = serde_json::from_str(r#"{"expiry_secs": 14400}"#).unwrap();
        assert_eq!(old.expiry, Some(Expiry::from_secs(14_400).unwrap()));
        assert!(serde_json::from_str::<Persisted>(r#"{"expiry": 0}"#).is_err());
        let again: Persisted = serde_json::from_str(&serde_json::to_string(&old).unwrap()).unwrap();
        assert_eq!(again, old);
    }
}
