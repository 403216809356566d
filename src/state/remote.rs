//! A value fetched from the network that keeps its previous content on screen while a
//! refresh runs or after it failed (no flicker, nothing vanishes on a network hiccup).

use crate::s3::S3Error;

#[derive(Debug, Clone, Default)]
pub enum Remote<T> {
    #[default]
    NotRequested,
    Pending {
        previous: Option<T>,
    },
    Ready(T),
    Failed {
        error: S3Error,
        previous: Option<T>,
    },
}

impl<T: Clone> Remote<T> {
    /// The value to show: the current one, or the previous one while loading/after an error.
    pub fn value(&self) -> Option<&T> {
        match self {
            Remote::NotRequested => None,
            Remote::Pending { previous } | Remote::Failed { previous, .. } => previous.as_ref(),
            Remote::Ready(value) => Some(value),
        }
    }

    pub fn is_pending(&self) -> bool {
        matches!(self, Remote::Pending { .. })
    }

    pub fn error(&self) -> Option<&S3Error> {
        match self {
            Remote::Failed { error, .. } => Some(error),
            Remote::NotRequested | Remote::Pending { .. } | Remote::Ready(_) => None,
        }
    }

    /// Starts a reload, keeping what is shown.
    pub fn start(&mut self) {
        let previous = self.value().cloned();
        *self = Remote::Pending { previous };
    }

    pub fn finish(&mut self, result: Result<T, S3Error>) {
        *self = match result {
            Ok(value) => Remote::Ready(value),
            Err(error) => Remote::Failed {
                error,
                previous: self.value().cloned(),
            },
        };
    }
}
