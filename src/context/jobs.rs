//! The kinds of background job, for `src/jobs/`.

use serde::Serialize;

use crate::spec::Job;

/// A kind of background job (`[jobs.NAME]`), for `src/jobs/`.
#[derive(Debug, Serialize)]
pub struct JobContext {
    /// `send_receipt`: the `kind` of its rows and its handler's module (never a keyword).
    pub name: String,
    /// The events that enqueue it, `resource.event`.
    pub on: Vec<String>,
    pub max_attempts: u32,
    pub timeout_secs: u32,
}

impl JobContext {
    pub(super) fn new(job: &Job) -> Self {
        Self {
            name: job.name.clone(),
            on: job.on.clone(),
            max_attempts: job.max_attempts,
            timeout_secs: job.timeout_secs,
        }
    }
}
