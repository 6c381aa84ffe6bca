//! Domain events and jobs: `[resources.NAME.events]` and `[jobs.NAME]`.

use toml::de::DeValue;

use super::identifiers::{NameKind, check_identifier};
use super::keys::{JOB_KEYS, TRANSITION_KEYS};
use crate::diagnostics::Diagnostic;
use crate::spec::model::*;
use crate::spec::reader::{Sink, Table, describe, suggest};

/// `[resources.NAME.events]`: `created`, `updated` and `deleted` take `true` or `false`, and
/// so does `erased` on the accounts' resource (`account`); any other name is a transition of
/// one of the resource's enum fields, `{ when = "FIELD", becomes = "VALUE" }`.
pub(super) fn read_events(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    fields: &[Field],
    account: bool,
) -> Vec<Event> {
    let Some(events) = t.table(sink, "events", &[]) else {
        return Vec::new();
    };
    let mut out: Vec<Event> = Vec::new();
    for (name, value) in events.entries() {
        let path = events.key_path(&name.value);
        check_identifier(sink, &name, &path, NameKind::Event);
        if let Some(trigger) = Trigger::lifecycle(&name.value) {
            if trigger == Trigger::Erased && !account {
                sink.push(
                    Diagnostic::new(name.span.clone(), path, "only an account is erased")
                        .found("`erased`")
                        .allowed("created, updated, deleted, or a transition")
                        .help(
                            "`erased` goes on `[resources.user]` of the service that keeps the \
                             accounts (jwt): the services that keep rows an account owns hear \
                             it and erase them",
                        ),
                );
                continue;
            }
            match value.get_ref() {
                DeValue::Boolean(true) => out.push(Event {
                    name: name.value,
                    trigger,
                }),
                DeValue::Boolean(false) => {}
                other => sink.push(
                    Diagnostic::new(value.span(), path, "expected a boolean (true or false)")
                        .found(describe(other))
                        .allowed("true or false")
                        .help(format!(
                            "`{}` is emitted by every {}; a transition needs a name of its own, \
                             e.g. `completed = {{ when = \"status\", becomes = \"succeeded\" }}`",
                            name.value,
                            name.value.trim_end_matches('d'),
                        )),
                ),
            }
            continue;
        }
        if !matches!(value.get_ref(), DeValue::Table(_)) {
            let example = fields
                .iter()
                .find_map(|f| Some((f.names.snake.as_str(), f.ty.values()?.last()?)))
                .map_or_else(
                    || "{ when = \"ENUM_FIELD\", becomes = \"VALUE\" }".to_string(),
                    |(field, value)| format!("{{ when = \"{field}\", becomes = \"{value}\" }}"),
                );
            sink.push(
                Diagnostic::new(
                    value.span(),
                    path,
                    "a transition event needs `{ when, becomes }`",
                )
                .found(describe(value.get_ref()))
                .allowed(format!(
                    "a table naming an enum field and the value it moves to, e.g. `{example}`"
                ))
                .help(format!(
                    "only {} take `true`: they are emitted by every such write; write `{} = {example}`",
                    Trigger::LIFECYCLE.join(", "),
                    name.value
                )),
            );
            continue;
        }
        let Some(transition) = Table::from_value(sink, value, &path, TRANSITION_KEYS) else {
            continue;
        };
        let Some(trigger) = read_transition(sink, &transition, fields) else {
            continue;
        };
        if let Some(same) = out.iter().find(|e| e.trigger == trigger) {
            sink.push(
                Diagnostic::new(value.span(), path, "the same transition as another event")
                    .found(format!("`{}`", same.name))
                    .help("one event a transition: remove one of the two"),
            );
            continue;
        }
        out.push(Event {
            name: name.value,
            trigger,
        });
    }
    out
}

/// `[jobs.NAME]`: the kinds of background job, each with the events that enqueue it.
pub(super) fn read_jobs(sink: &mut Sink, top: &Table<'_, '_>, resources: &[Resource]) -> Vec<Job> {
    let Some(jobs) = top.table(sink, "jobs", &[]) else {
        return Vec::new();
    };
    let event_types: Vec<String> = resources.iter().flat_map(Resource::event_types).collect();
    let declared_events = declared_event_types(top);
    let mut out = Vec::new();
    for (name, value) in jobs.entries() {
        let path = jobs.key_path(&name.value);
        check_identifier(sink, &name, &path, NameKind::Job);
        if Job::RESERVED.contains(&name.value.as_str()) {
            sink.push(
                Diagnostic::new(
                    name.span.clone(),
                    &path,
                    "the service's own jobs (webhook deliveries, account mail, account exports) take this name",
                )
                .found(format!("{:?}", name.value))
                .help("name the job otherwise, e.g. `notify_partner`"),
            );
        }
        let Some(t) = Table::from_value(sink, value, &path, JOB_KEYS) else {
            continue;
        };
        let mut job = Job {
            name: name.value,
            on: Vec::new(),
            max_attempts: Job::DEFAULT_MAX_ATTEMPTS,
            timeout_secs: Job::DEFAULT_TIMEOUT_SECS,
        };
        if let Some(v) = t.integer(sink, "max_attempts", 1, 100) {
            job.max_attempts = v.value as u32;
        }
        if let Some(v) = t.integer(sink, "timeout_secs", 1, 3600) {
            job.timeout_secs = v.value as u32;
        }
        for event in t.strings(sink, "on").unwrap_or_default() {
            if job.on.contains(&event.value) {
                sink.push(
                    Diagnostic::new(event.span, t.key_path("on"), "this event is listed twice")
                        .found(format!("{:?}", event.value)),
                );
            } else if event_types.contains(&event.value) || Heard::parse(&event.value).is_some() {
                job.on.push(event.value);
            } else if event.value.split('.').count() == 3 {
                sink.push(
                    Diagnostic::new(
                        event.span,
                        t.key_path("on"),
                        "not an event of another service",
                    )
                    .found(format!("{:?}", event.value))
                    .allowed(
                        "`SERVICE.RESOURCE.EVENT`: the other service's crate name, then its \
                         event in snake case (the subject that service publishes it to)",
                    )
                    .help("e.g. `billing.invoice.paid` for the event `invoice.paid` of the service `billing`"),
                );
            } else if declared_events.contains(&event.value) {
                // The spec declares it, but its declaration was refused: that is the mistake.
            } else {
                let allowed = if event_types.is_empty() {
                    "an event a resource emits (none does: add `[resources.NAME.events]`), or \
                     another service's as `SERVICE.RESOURCE.EVENT`"
                        .to_string()
                } else {
                    format!(
                        "one of the spec's events: {}; or another service's as \
                         `SERVICE.RESOURCE.EVENT`",
                        event_types.join(", ")
                    )
                };
                let mut d =
                    Diagnostic::new(event.span, t.key_path("on"), "no resource emits this event")
                        .found(format!("{:?}", event.value))
                        .allowed(allowed);
                // A near miss may be an event whose declaration was refused.
                let mut known: Vec<&str> = event_types.iter().map(String::as_str).collect();
                known.extend(declared_events.iter().map(String::as_str));
                if let Some((resource, step)) = turned_off(&event.value, resources) {
                    d = d.help(format!(
                        "`[resources.{resource}.events]` says `{step} = false`: set it to `true` \
                         to have every {} emit `{}`, or take it out of `on`",
                        step.trim_end_matches('d'),
                        event.value
                    ));
                } else if let Some(close) = suggest(&event.value, &known) {
                    d = d.help(format!("did you mean `{close}`?"));
                }
                sink.push(d);
            }
        }
        out.push(job);
    }
    out
}

/// The resource and lifecycle step of `event` (`order.updated`) when that resource exists
/// and does not emit it.
fn turned_off<'a>(event: &'a str, resources: &[Resource]) -> Option<(&'a str, &'a str)> {
    let (resource, step) = event.rsplit_once('.')?;
    let r = resources.iter().find(|r| r.names.snake == resource)?;
    let lifecycle = Trigger::lifecycle(step)?;
    (!r.events.iter().any(|e| e.trigger == lifecycle)).then_some((resource, step))
}

/// Every event type the spec text declares (`post.created` for `[resources.post.events]
/// created = ...`), accepted or not: an unknown event in a job's `on` is only a mistake of
/// its own when its resource does not declare it.
fn declared_event_types(top: &Table<'_, '_>) -> Vec<String> {
    let Some(DeValue::Table(resources)) = top.raw("resources").map(|v| v.get_ref()) else {
        return Vec::new();
    };
    resources
        .iter()
        .flat_map(|(name, value)| {
            // `updated = false` declares nothing: it turns the event off (issue 70: a job
            // `on` it was accepted and could never run).
            let events = match value.get_ref().get("events").map(|e| e.get_ref()) {
                Some(DeValue::Table(events)) => events
                    .iter()
                    .filter(|(_, on)| !matches!(on.get_ref(), DeValue::Boolean(false)))
                    .map(|(e, _)| e.get_ref().to_string())
                    .collect(),
                _ => Vec::new(),
            };
            events
                .into_iter()
                .map(move |event| format!("{}.{event}", name.get_ref()))
        })
        .collect()
}

/// `{ when = "FIELD", becomes = "VALUE" }`: an enum field of the resource and one of its values.
fn read_transition(sink: &mut Sink, t: &Table<'_, '_>, fields: &[Field]) -> Option<Trigger> {
    let enums: Vec<(&str, &[String])> = fields
        .iter()
        .filter_map(|f| Some((f.names.snake.as_str(), f.ty.values()?)))
        .collect();
    let names: Vec<&str> = enums.iter().map(|(name, _)| *name).collect();
    let allowed_fields = if names.is_empty() {
        "an enum field of this resource (it has none)".to_string()
    } else {
        format!("one of its enum fields: {}", names.join(", "))
    };
    let Some(when) = t.string(sink, "when") else {
        if t.raw("when").is_none() {
            sink.push(
                Diagnostic::new(
                    t.span.clone(),
                    t.key_path("when"),
                    "a transition needs `when`",
                )
                .allowed(allowed_fields)
                .help("e.g. `{ when = \"status\", becomes = \"succeeded\" }`"),
            );
        }
        return None;
    };
    let becomes = t.string(sink, "becomes");
    if becomes.is_none() && t.raw("becomes").is_none() {
        sink.push(
            Diagnostic::new(
                t.span.clone(),
                t.key_path("becomes"),
                "a transition needs `becomes`",
            )
            .help("name the value the field moves to, e.g. `becomes = \"succeeded\"`"),
        );
    }
    let Some(&(field, values)) = enums.iter().find(|(name, _)| *name == when.value) else {
        let mut d = Diagnostic::new(
            when.span,
            t.key_path("when"),
            "not an enum field of this resource",
        )
        .found(format!("{:?}", when.value))
        .allowed(allowed_fields);
        if let Some(near) = suggest(&when.value, &names) {
            d = d.help(format!("did you mean `{near}`?"));
        }
        sink.push(d);
        return None;
    };
    let becomes = becomes?;
    if !values.contains(&becomes.value) {
        sink.push(
            Diagnostic::new(
                becomes.span,
                t.key_path("becomes"),
                "not a value of the field",
            )
            .found(format!("{:?}", becomes.value))
            .allowed(values.join(", ")),
        );
        return None;
    }
    Some(Trigger::Becomes {
        field: field.to_string(),
        value: becomes.value,
    })
}
