//! `[services.NAME]`: one spec split into services (issue 40), each with its own resources,
//! jobs and database. Read once the resources and jobs are: every resource and job is in
//! exactly one service, and what cannot cross a boundary yet is refused here, at the
//! grouping that makes it cross.

use std::collections::BTreeMap;

use super::keys::SERVICE_KEYS;
use super::project::check_crate_name;
use crate::diagnostics::Diagnostic;
use crate::spec::model::*;
use crate::spec::reader::{At, Sink, Table, suggest};
use crate::spec::words::{ACCOUNT, MAX_NAME, TOP_FOLDERS};

pub(super) fn read_services(
    sink: &mut Sink,
    top: &Table<'_, '_>,
    auth: &Auth,
    resources: &[Resource],
    jobs: &[Job],
) -> Vec<ServiceGroup> {
    let Some(table) = top.table(sink, "services", &[]) else {
        return Vec::new();
    };
    let known: Vec<&str> = resources.iter().map(|r| r.names.snake.as_str()).collect();
    let job_names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
    let mut groups = Vec::new();
    // Where each resource and job was put first, for the second service that lists it.
    let mut placed: BTreeMap<String, String> = BTreeMap::new();
    let mut placed_jobs: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in table.entries() {
        let path = table.key_path(&name.value);
        if let Err(why) = check_crate_name(&name.value) {
            sink.push(
                Diagnostic::new(name.span.clone(), &path, why)
                    .found(format!("{:?}", name.value))
                    .allowed("a crate name: lowercase letters, digits, `-` and `_`, starting with a letter"),
            );
        } else if TOP_FOLDERS.contains(&name.value.as_str()) {
            sink.push(
                Diagnostic::new(name.span.clone(), &path, "a folder the split has already")
                    .found(format!("{:?}", name.value))
                    .help(format!(
                        "each service gets a folder of its own beside {}: choose another name",
                        TOP_FOLDERS.map(|f| format!("`{f}/`")).join(" and ")
                    )),
            );
        }
        let Some(t) = Table::from_value(sink, value, &path, SERVICE_KEYS) else {
            continue;
        };
        let mut group = ServiceGroup {
            name: name.value.clone(),
            description: t.string(sink, "description").map(|d| d.value),
            resources: Vec::new(),
            jobs: Vec::new(),
        };
        for r in t.strings(sink, "resources").unwrap_or_default() {
            if !known.contains(&r.value.as_str()) {
                unknown(sink, &r, t.key_path("resources"), "resource", &known);
            } else if let Some(first) = placed.get(&r.value) {
                sink.push(
                    Diagnostic::new(r.span, t.key_path("resources"), "a resource is in one service only")
                        .found(format!("{:?}, which `{first}` lists too", r.value))
                        .help("list it in one of the two; the other refers to its rows by id (a `belongs_to` across services)"),
                );
            } else {
                placed.insert(r.value.clone(), group.name.clone());
                group.resources.push(r.value);
            }
        }
        for j in t.strings(sink, "jobs").unwrap_or_default() {
            if !job_names.contains(&j.value.as_str()) {
                unknown(sink, &j, t.key_path("jobs"), "job", &job_names);
            } else if let Some(first) = placed_jobs.get(&j.value) {
                sink.push(
                    Diagnostic::new(j.span, t.key_path("jobs"), "a job is in one service only")
                        .found(format!("{:?}, which `{first}` lists too", j.value)),
                );
            } else {
                placed_jobs.insert(j.value.clone(), group.name.clone());
                group.jobs.push(j.value);
            }
        }
        if group.resources.is_empty() && t.raw("resources").is_none() {
            sink.push(
                Diagnostic::new(
                    t.span.clone(),
                    &path,
                    "a service needs at least one resource",
                )
                .help("add `resources = [\"...\"]`: the resources whose rows it keeps"),
            );
        }
        groups.push((group, t.span.clone()));
    }
    let span = table.span.clone();
    // Resources in spec order within each service, whatever order the lists give.
    for (group, _) in &mut groups {
        group
            .resources
            .sort_by_key(|r| known.iter().position(|k| k == r));
    }
    for r in &known {
        if !placed.contains_key(*r) {
            let help = if *r == ACCOUNT && auth.mode == AuthMode::Jwt {
                "with jwt one service holds the accounts: add \"user\" to its `resources`"
                    .to_string()
            } else {
                format!("add {r:?} to the `resources` of the service that keeps its rows")
            };
            sink.push(
                Diagnostic::new(span.clone(), "services", "every resource is in a service")
                    .found(format!("{r:?} is in none"))
                    .help(help),
            );
        }
    }
    if let Some(replicas) = top.raw("replicas") {
        sink.push(
            Diagnostic::new(
                replicas.span(),
                "replicas",
                "a split spec keeps its copies of other services' rows itself",
            )
            .help(
                "remove `[replicas]`, and say `check = \"replica\"` on each relation to another \
                 service's resource that should be checked in a copy",
            ),
        );
    }
    if let Some(accounts) = &auth.accounts {
        sink.push(
            Diagnostic::new(
                span.clone(),
                "auth.accounts",
                "a split spec names its accounts service itself",
            )
            .found(format!("`accounts = {accounts:?}`"))
            .help(
                "remove `accounts`: the service whose `resources` list \"user\" holds the accounts",
            ),
        );
    }
    let home = |resource: &str| -> Option<&str> { placed.get(resource).map(String::as_str) };
    for (group, group_span) in &groups {
        let path = format!("services.{}", group.name);
        for r in resources
            .iter()
            .filter(|r| group.resources.contains(&r.names.snake))
        {
            for target in &r.many_to_many {
                if let Some(other) = home(target).filter(|other| *other != group.name) {
                    sink.push(
                        Diagnostic::new(
                            group_span.clone(),
                            &path,
                            "a many-to-many cannot join two services",
                        )
                        .found(format!(
                            "`{}` many-to-many with `{target}`, which `{other}` holds",
                            r.names.snake
                        ))
                        .help("put both resources in one service"),
                    );
                }
            }
            // A relation to another service's resource becomes the field `{relation}_id`.
            for b in &r.belongs_to {
                let elsewhere = home(&b.target).filter(|other| *other != group.name);
                if b.check == Check::Replica {
                    let problem = match elsewhere {
                        None => Some(format!(
                            "`{}.{}` is to `{}`, which this service holds",
                            r.names.snake, b.names.snake, b.target
                        )),
                        Some(other) if b.target == ACCOUNT => Some(format!(
                            "`{}.{}` is to `{other}`'s accounts, which only an owner relation names",
                            r.names.snake, b.names.snake
                        )),
                        Some(_) => None,
                    };
                    if let Some(problem) = problem {
                        sink.push(
                            Diagnostic::new(group_span.clone(), &path, "`check = \"replica\"` is for a relation to another service's resource")
                                .found(problem)
                                .help(format!("remove `check` from `resources.{}.belongs_to.{}`", r.names.snake, b.names.snake)),
                        );
                    }
                }
                let Some(other) = elsewhere else {
                    continue;
                };
                // No foreign key crosses services, so `on_delete` would do nothing (issue 70:
                // it was accepted and dropped by the split).
                if let Some(span) = on_delete_span(top, &r.names.snake, &b.names.snake) {
                    let path = format!(
                        "resources.{}.belongs_to.{}.on_delete",
                        r.names.snake, b.names.snake
                    );
                    sink.push(
                        Diagnostic::new(span, path, "`on_delete` cannot act across services")
                            .found(format!(
                                "`{}.{}` is to `{}`, which `{other}` holds: it deletes its rows with no foreign key here to act on",
                                r.names.snake, b.names.snake, b.target
                            ))
                            .help(format!(
                                "remove `on_delete`; to act when a `{target}` is deleted, have `{other}` emit it \
                                 (`[resources.{target}.events] deleted = true`) and add a job here \
                                 `on = [\"{other}.{target}.deleted\"]` that deletes or clears these rows",
                                target = b.target
                            )),
                    );
                }
                if b.check == Check::Replica {
                    // It stays a relation, to a replica of the same name.
                    continue;
                }
                let field = format!("{}_id", b.names.snake);
                let problem = if field.len() > MAX_NAME {
                    Some(format!(
                        "the relation names the field `{field}`, over {MAX_NAME} characters"
                    ))
                } else if r.fields.iter().any(|f| f.names.snake == field) {
                    Some(format!(
                        "the relation becomes the field `{field}`, which `{}` has",
                        r.names.snake
                    ))
                } else {
                    None
                };
                if let Some(problem) = problem {
                    sink.push(
                        Diagnostic::new(group_span.clone(), &path, "a relation to another service becomes a field of this one")
                            .found(format!("`{}.{}` to `{}`: {problem}", r.names.snake, b.names.snake, b.target))
                            .help(format!(
                                "name the relation with at most {} characters and no field `{field}`, or keep `{}` in this service",
                                MAX_NAME - 3,
                                b.target
                            )),
                    );
                }
            }
            // An owner's path stays in this service, but for its last step, the relation to
            // `user`, which may reach another service's accounts if it is the owner relation
            // of the resource it starts from (the only relation a service may have to them).
            if let Some(owner) = r.owner.as_ref().filter(|_| auth.mode == AuthMode::Jwt) {
                let mut at = r;
                for step in &owner.path {
                    let Some(b) = at.belongs_to.iter().find(|b| b.names.snake == *step) else {
                        break;
                    };
                    let elsewhere = home(&b.target).filter(|other| *other != group.name);
                    if let Some(other) = elsewhere {
                        let parent = resources.iter().find(|p| p.names.snake == b.target);
                        let parent_owner = parent
                            .and_then(|p| p.owner.as_ref())
                            .and_then(Owner::relation);
                        let rest = &owner.path
                            [owner.path.iter().position(|s| s == step).unwrap_or(0) + 1..];
                        let problem = if b.check == Check::Replica {
                            match parent_owner {
                                Some(o) if rest == [o.to_owned()] => None,
                                _ => Some((
                                    format!(
                                        "`{}` is owned through `{}`, a replica of `{other}`'s rows, which keeps only their owner",
                                        r.names.snake, b.target
                                    ),
                                    match parent_owner {
                                        Some(o) => {
                                            format!("end the path at `{}.{o}`", b.names.snake)
                                        }
                                        None => format!(
                                            "give `{}` an owner relation to `user` in `{other}`",
                                            b.target
                                        ),
                                    },
                                )),
                            }
                        } else if b.target != ACCOUNT {
                            Some((
                                format!(
                                    "`{}` is owned through `{}`, which `{other}` holds",
                                    r.names.snake, b.target
                                ),
                                format!(
                                    "put `{}` in this service too, or keep a replica of it: `check = \"replica\"` on `{}.{}`",
                                    b.target, at.names.snake, b.names.snake
                                ),
                            ))
                        } else if !at.is_owner(b) {
                            Some((
                                format!(
                                    "`{}` is owned through `{}.{}`, which is not `{}`'s owner, and the accounts are `{other}`'s",
                                    r.names.snake, at.names.snake, b.names.snake, at.names.snake
                                ),
                                format!(
                                    "give `{}` `owner = \"{}\"`: a relation to another service's accounts is only an owner's",
                                    at.names.snake, b.names.snake
                                ),
                            ))
                        } else {
                            None
                        };
                        if let Some((found, help)) = problem {
                            sink.push(
                                Diagnostic::new(
                                    group_span.clone(),
                                    &path,
                                    "an owner's path stays in one service",
                                )
                                .found(found)
                                .help(help),
                            );
                        }
                        break;
                    }
                    match resources.iter().find(|p| p.names.snake == b.target) {
                        Some(parent) => at = parent,
                        None => break,
                    }
                }
            }
        }
    }
    let mut out: Vec<ServiceGroup> = groups.into_iter().map(|(g, _)| g).collect();
    // A job no service lists goes to the one whose resources' events it hears.
    for job in jobs {
        if placed_jobs.contains_key(&job.name) {
            continue;
        }
        let mut homes: Vec<&str> = job
            .on
            .iter()
            .filter_map(|event| home(event.split('.').next()?))
            .collect();
        homes.sort_unstable();
        homes.dedup();
        match homes.as_slice() {
            [one] => {
                if let Some(group) = out.iter_mut().find(|g| g.name == *one) {
                    group.jobs.push(job.name.clone());
                }
            }
            _ => sink.push(
                Diagnostic::new(span.clone(), "services", "every job is in a service")
                    .found(if homes.is_empty() {
                        format!("{:?} hears no resource of this spec", job.name)
                    } else {
                        format!("{:?} hears events of {}", job.name, homes.join(" and "))
                    })
                    .help(format!(
                        "list {:?} in the `jobs` of the service that runs it",
                        job.name
                    )),
            ),
        }
    }
    out
}

/// An unknown name (`what`: resource, job) among `known`, with the nearest one.
pub(super) fn unknown(sink: &mut Sink, item: &At<String>, key: String, what: &str, known: &[&str]) {
    let mut d = Diagnostic::new(item.span.clone(), key, format!("unknown {what}"))
        .found(format!("{:?}", item.value))
        .allowed(known.join(", "));
    if let Some(near) = suggest(&item.value, known) {
        d = d.help(format!("did you mean {near:?}?"));
    }
    sink.push(d);
}

/// Where the spec text writes `on_delete` on the relation `relation` of `resource`, if it does.
fn on_delete_span(
    top: &Table<'_, '_>,
    resource: &str,
    relation: &str,
) -> Option<std::ops::Range<usize>> {
    top.span_of(&["resources", resource, "belongs_to", relation, "on_delete"])
}
