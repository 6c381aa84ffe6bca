//! The kinds of background job, for `src/jobs/`.

use serde::Serialize;

use crate::spec::{Heard, Job, Spec};

/// A kind of background job (`[jobs.NAME]`), for `src/jobs/`.
#[derive(Debug, Serialize)]
pub struct JobContext {
    /// `send_receipt`: the `kind` of its rows and its handler's module (never a keyword).
    pub name: String,
    /// The events that enqueue it: the spec's own, `resource.event`, and other services',
    /// `service.resource.event`.
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

/// Another service whose events some job listens to, for `src/inbox.rs`.
#[derive(Debug, Serialize)]
pub struct HeardContext {
    /// Its crate name (`billing`): the spec's name for it, and its subjects' prefix by default.
    pub name: String,
    /// The variable that sets its subjects' prefix instead (`EVENTS_FROM_BILLING`).
    pub variable: String,
    /// The event types heard from it (`invoice.paid`), sorted.
    pub event_types: Vec<String>,
}

impl HeardContext {
    pub(super) fn all(spec: &Spec) -> Vec<Self> {
        spec.heard()
            .into_iter()
            .map(|(name, types)| Self {
                name: name.to_owned(),
                variable: Heard::prefix_variable(name),
                event_types: types.into_iter().collect(),
            })
            .collect()
    }
}

/// The first job that listens to an event, for the tests of `tests/api/jobs.rs` that send
/// it: one of the spec's own events (the relay's test), or another service's (the inbox's).
#[derive(Debug, Serialize)]
pub struct ListenerContext {
    /// The job's kind.
    pub job: String,
    /// The service that publishes the event (`billing`), or empty for the spec's own.
    pub source: String,
    /// The event's type there (`invoice.paid`).
    pub event_type: String,
    /// How many kinds of job listen to it.
    pub listeners: usize,
}

impl ListenerContext {
    /// The first of the spec's own events (`heard` false) or of another service's (`heard`
    /// true) that a job listens to.
    pub(super) fn first(spec: &Spec, heard: bool) -> Option<Self> {
        let (job, event) = spec.jobs.iter().find_map(|job| {
            let event = job.on.iter().find(|e| Heard::parse(e).is_some() == heard)?;
            Some((job, event))
        })?;
        let (source, event_type) = match Heard::parse(event) {
            Some(h) => (h.source.to_owned(), h.event_type.to_owned()),
            None => (String::new(), event.clone()),
        };
        Some(Self {
            job: job.name.clone(),
            source,
            event_type,
            listeners: spec.jobs.iter().filter(|j| j.on.contains(event)).count(),
        })
    }
}
