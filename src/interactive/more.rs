//! The less common settings, asked only behind a "more options" answer: a
//! field's rules (who may see or write it), and a resource's events and the
//! background jobs that run on them. Each answer is probed with a draft spec.

use super::access::{pick_rules, pick_some, rule_choices};
use super::answers::{Answers, FieldAnswers, ResourceAnswers};
use super::checks::{Draft, event_name_problem, job_name_problem};
use super::ui::Ui;
use crate::error::Result;
use crate::spec::{Denied, Event, FieldAccess, FieldWrite, Job, Trigger};

/// Who may see and write `field` (jwt only), starting from what it has;
/// asked again while the validator refuses the answer.
pub(super) fn ask_field_rules(
    ui: &Ui,
    answers: &Answers,
    current: &ResourceAnswers,
    field: &mut FieldAnswers,
) -> Result<()> {
    let name = field.name.clone();
    let resource = current.name.replace('_', " ");
    let choices = [
        format!("as the row: whoever may read or write the {resource} (usual)"),
        "only some may write it…".to_string(),
        "only some may see and write it…".to_string(),
        format!("set once, by whoever creates the {resource}; never changed"),
        "never written through the API (your rules code or jobs set it)".to_string(),
    ];
    // Rules that narrow: not `public`, nor `owner`, which needs the resource's
    // owner, asked later.
    let rule_list = rule_choices(answers, false, None);
    loop {
        let access = &field.access;
        let start = match (&access.read, &access.write) {
            (Some(_), _) => 2,
            (None, FieldWrite::Rules(_)) => 1,
            (None, FieldWrite::Create) => 3,
            (None, FieldWrite::None) => 4,
            (None, FieldWrite::Row) => 0,
        };
        let pick = ui.select(&format!("Who may see and write {name}?"), &choices, start)?;
        let current_rules = match (&access.read, &access.write) {
            (Some(read), _) => read.clone(),
            (None, FieldWrite::Rules(write)) => write.clone(),
            _ => Vec::new(),
        };
        let new = match pick {
            1 => FieldAccess {
                read: None,
                write: FieldWrite::Rules(pick_rules(
                    ui,
                    &format!("Who may write {name}?"),
                    &rule_list,
                    &current_rules,
                )?),
                denied: Denied::Reject,
            },
            2 => {
                let rules = pick_rules(
                    ui,
                    &format!("Who may see and write {name}?"),
                    &rule_list,
                    &current_rules,
                )?;
                FieldAccess {
                    read: Some(rules.clone()),
                    write: FieldWrite::Rules(rules),
                    denied: Denied::Reject,
                }
            }
            3 => FieldAccess {
                write: FieldWrite::Create,
                ..FieldAccess::default()
            },
            4 => FieldAccess {
                write: FieldWrite::None,
                ..FieldAccess::default()
            },
            _ => FieldAccess::default(),
        };
        let seed_denied = field.access.denied;
        field.access = new;
        if matches!(field.access.write, FieldWrite::Rules(_)) {
            let ignore = seed_denied == Denied::Ignore;
            field.access.denied = match ui.select(
                &format!("A body that sets {name} from someone who may not write it"),
                &[
                    "is refused (422, naming the field)",
                    "has the value dropped (a create gets the default)",
                ],
                usize::from(ignore),
            )? {
                1 => Denied::Ignore,
                _ => Denied::Reject,
            };
        }
        let mut probe = current.clone();
        probe.fields.push(field.clone());
        let key = format!("resources.{}.fields.{name}", current.name);
        match Draft::new(answers, &probe).problem(&key, true) {
            Some(problem) => ui.warn(&format!("{problem}; answer again")),
            None => return Ok(()),
        }
    }
}

/// The domain events of `r` (lifecycle ones in one multi-select, then
/// transitions of its enum fields), then the jobs that run on them.
pub(super) fn ask_events_and_jobs(
    ui: &Ui,
    answers: &Answers,
    r: &mut ResourceAnswers,
) -> Result<()> {
    let name = r.name.clone();
    let lifecycle = [
        (
            "created",
            format!("created  every new {}", name.replace('_', " ")),
        ),
        ("updated", "updated  every update".to_string()),
        ("deleted", "deleted  every delete".to_string()),
    ];
    let labels: Vec<&str> = lifecycle.iter().map(|(_, l)| l.as_str()).collect();
    let checked: Vec<bool> = lifecycle
        .iter()
        .map(|(event, _)| r.events.iter().any(|e| e.name == *event))
        .collect();
    let picked = ui.multi(
        &format!("Events {name} emits, as `{name}.EVENT` (Space picks; none is fine)"),
        &labels,
        &checked,
    )?;
    let transitions: Vec<Event> = r
        .events
        .drain(..)
        .filter(|e| matches!(e.trigger, Trigger::Becomes { .. }))
        .collect();
    r.events = picked
        .into_iter()
        .filter_map(|i| {
            Some(Event {
                name: lifecycle[i].0.to_string(),
                trigger: Trigger::lifecycle(lifecycle[i].0)?,
            })
        })
        .collect();
    r.events.extend(transitions);
    ask_transitions(ui, answers, r)?;
    if !r.events.is_empty() {
        ask_jobs(ui, answers, r)?;
    }
    Ok(())
}

/// Events for an enum field reaching a value (`completed` when `status`
/// becomes `succeeded`), one at a time.
fn ask_transitions(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    loop {
        let open: Vec<(String, String)> = r
            .fields
            .iter()
            .filter_map(|f| Some((f.name.clone(), f.ty.values()?.to_vec())))
            .flat_map(|(field, values)| values.into_iter().map(move |v| (field.clone(), v)))
            .filter(|(field, value)| {
                !r.events.iter().any(|e| {
                    e.trigger
                        == Trigger::Becomes {
                            field: field.clone(),
                            value: value.clone(),
                        }
                })
            })
            .collect();
        if open.is_empty() {
            return Ok(());
        }
        let mut items = vec!["no, go on".to_string()];
        items.extend(
            open.iter()
                .map(|(field, value)| format!("when {field} becomes {value}")),
        );
        let pick = ui.select(
            &format!("An event when an enum field of {} takes a value?", r.name),
            &items,
            0,
        )?;
        if pick == 0 {
            return Ok(());
        }
        let (field, value) = open[pick - 1].clone();
        let trigger = Trigger::Becomes {
            field,
            value: value.clone(),
        };
        let suggested =
            Some(value).filter(|v| event_name_problem(answers, r, v, &trigger).is_none());
        let current: &ResourceAnswers = r;
        let event = ui.text(
            &format!("Event name (emitted as {}.NAME)", r.name),
            suggested.as_deref(),
            |text: &String| match event_name_problem(answers, current, text.trim(), &trigger) {
                Some(problem) => Err(problem),
                None => Ok(()),
            },
        )?;
        r.events.push(Event {
            name: event.trim().to_string(),
            trigger,
        });
    }
}

/// Background jobs that run on `r`'s events, one at a time; each job's
/// handler is the team's to write.
fn ask_jobs(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    loop {
        let so_far: Vec<&str> = r.jobs.iter().map(|j| j.name.as_str()).collect();
        let prompt = if so_far.is_empty() {
            format!("A background job on {}'s events?", r.name)
        } else {
            format!("Jobs so far: {}. Another job?", so_far.join(", "))
        };
        if ui.select(&prompt, &["no, go on", "yes, add a job"], 0)? == 0 {
            return Ok(());
        }
        let types: Vec<String> = r
            .events
            .iter()
            .map(|e| format!("{}.{}", r.name, e.name))
            .collect();
        let suggested = format!("on_{}_{}", r.name, r.events[0].name);
        let suggested = Some(suggested).filter(|s| job_name_problem(answers, r, s).is_none());
        let current: &ResourceAnswers = r;
        let job = ui.text(
            "Job name (snake_case; its handler is src/jobs/handlers/NAME.rs)",
            suggested.as_deref(),
            |text: &String| match job_name_problem(answers, current, text.trim()) {
                Some(problem) => Err(problem),
                None => Ok(()),
            },
        )?;
        let labels: Vec<&str> = types.iter().map(String::as_str).collect();
        let checked: Vec<bool> = (0..types.len()).map(|i| i == 0).collect();
        let on = pick_some(
            ui,
            &format!("Events that enqueue {} (Space picks)", job.trim()),
            &labels,
            &checked,
        )?
        .into_iter()
        .map(|i| types[i].clone())
        .collect();
        r.jobs.push(Job {
            name: job.trim().to_string(),
            on,
            max_attempts: Job::DEFAULT_MAX_ATTEMPTS,
            timeout_secs: Job::DEFAULT_TIMEOUT_SECS,
        });
    }
}
