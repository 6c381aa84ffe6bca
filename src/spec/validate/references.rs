//! Checks that need every resource: relation targets, owner paths, the accounts table and
//! relation cycles.

use std::collections::BTreeMap;

use super::resources::ReadResource;
use crate::diagnostics::Diagnostic;
use crate::names::{Names, alternative};
use crate::spec::model::*;
use crate::spec::reader::{At, Sink, suggest};
use crate::spec::words::{ACCOUNT, MAX_NAME};

/// A resource whose table would be the implicit accounts table of a jwt spec: one error,
/// at what the file can change (its `plural`, or its name when it sets none).
fn report_accounts_plural(
    sink: &mut Sink,
    name: &At<String>,
    r: &ReadResource,
    resources: &[(At<String>, ReadResource)],
) {
    let table = &r.resource.names.plural_snake;
    let (span, key, verb) = match &r.plural_span {
        Some(span) => (
            span.clone(),
            format!("resources.{}.plural", name.value),
            "choose another",
        ),
        None => (
            name.span.clone(),
            format!("resources.{}", name.value),
            "set a",
        ),
    };
    let natural = Names::new(&name.value, None).plural_snake;
    let candidates = [natural, format!("{}_items", name.value)];
    let example = alternative(&name.value, &candidates, MAX_NAME, |c| {
        c != table
            && resources
                .iter()
                .all(|(_, o)| o.resource.names.plural_snake != c)
    });
    let mut help = format!(
        "with jwt auth, the accounts table is `{table}`; {verb} `plural` on `{}`",
        name.value
    );
    if let Some(plural) = example {
        help.push_str(&format!(", e.g. `plural = \"{plural}\"`"));
    }
    sink.push(
        Diagnostic::new(span, key, "the accounts table already has this name")
            .found(table.clone())
            .help(help),
    );
}

/// What is wrong with an `owner` path from `res`, if anything: each step must be a relation
/// of the resource the previous one reached, the last one (and only it) reaching the user.
fn owner_path_problem(
    res: &Resource,
    path: &[String],
    resources: &[(At<String>, ReadResource)],
    replicas: &[Replica],
    (span, key): (&std::ops::Range<usize>, &str),
) -> Option<Diagnostic> {
    let problem = |message: &str| Diagnostic::new(span.clone(), key, message.to_owned());
    if path.iter().any(String::is_empty) {
        let steps: Vec<&str> = path
            .iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        let d = problem("the owner path has an empty step")
            .found(format!("{:?}", path.join(".")))
            .allowed("relation names joined by single dots, e.g. `order.customer`");
        return Some(if steps.is_empty() {
            d.help("name a belongs_to relation to `user`, or one through parents")
        } else {
            d.help(format!("write `{}`", steps.join(".")))
        });
    }
    let mut at = res;
    for (i, step) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let Some(relation) = at.belongs_to.iter().find(|b| b.names.snake == *step) else {
            let relations: Vec<&str> = at
                .belongs_to
                .iter()
                .map(|b| b.names.snake.as_str())
                .collect();
            let mut d = problem(&format!("`{}` has no relation `{step}`", at.names.snake))
                .found(format!("{:?}", path.join(".")));
            d = if relations.is_empty() {
                d.help(format!(
                    "give `{}` a belongs_to relation first",
                    at.names.snake
                ))
            } else {
                d.allowed(relations.join(", "))
            };
            return Some(d);
        };
        match (relation.target == ACCOUNT, last) {
            (true, true) => return None,
            (true, false) => {
                return Some(
                    problem("the owner path must end at the relation to the user resource")
                        .found(format!("{:?}", path.join(".")))
                        .help(format!("end it at `{}`", path[..=i].join("."))),
                );
            }
            (false, true) => {
                return Some(problem("the owner relation must point to the user resource")
                    .found(format!("{step:?} belongs to {:?}", relation.target))
                    .help(format!(
                        "name a relation to `user`, directly or through a parent: `{}.RELATION`",
                        path.join(".")
                    )));
            }
            (false, false) => {}
        }
        if let Some(replica) = replicas.iter().find(|r| r.names.snake == relation.target) {
            // A copy of another service's rows holds their owner, and nothing further.
            let owner = replica.owner.as_ref().map(|o| o.snake.as_str());
            let next = path[i + 1..].join(".");
            return match owner {
                Some(owner) if next == owner => None,
                Some(owner) => Some(
                    problem(&format!(
                        "the replica `{}` holds only its owner, `{owner}`",
                        relation.target
                    ))
                    .found(format!("{:?}", path.join(".")))
                    .help(format!("write `{}.{owner}`", path[..=i].join("."))),
                ),
                None => Some(
                    problem(&format!("the replica `{}` keeps no owner", relation.target))
                        .found(format!("{:?}", path.join(".")))
                        .help(format!(
                            "add `owner = \"RELATION\"` to `[replicas.{}]`: its owner relation in {:?}",
                            relation.target, replica.service
                        )),
                ),
            };
        }
        match resources.iter().find(|(n, _)| n.value == relation.target) {
            Some((_, next)) => at = &next.resource,
            // An unknown target is reported where the relation is declared.
            None => return None,
        }
    }
    None
}

/// Checks that need every resource: relation targets, owners, cycles.
pub(super) fn check_cross_references(
    sink: &mut Sink,
    names: &[At<String>],
    resources: &[(At<String>, ReadResource)],
    auth: &Auth,
    replicas: &[Replica],
) {
    let mut known: Vec<&str> = names.iter().map(|n| n.value.as_str()).collect();
    let replica_names: Vec<&str> = replicas.iter().map(|r| r.names.snake.as_str()).collect();
    let local_accounts = auth.mode == AuthMode::Jwt && auth.accounts.is_none();
    if local_accounts && !known.contains(&ACCOUNT) {
        known.push(ACCOUNT);
    }
    // The implicit account of a jwt spec has a table too, which the file cannot rename.
    let accounts = (local_accounts && !names.iter().any(|n| n.value == ACCOUNT))
        .then(|| Names::new(ACCOUNT, None).plural_snake);
    let mut plurals: BTreeMap<&str, &At<String>> = BTreeMap::new();
    for (name, r) in resources {
        if accounts.as_ref() == Some(&r.resource.names.plural_snake) {
            report_accounts_plural(sink, name, r, resources);
            continue;
        }
        if let Some(first) = plurals.insert(&r.resource.names.plural_snake, name) {
            // Point at the `plural` that made the clash when there is one, and never ask
            // for a `plural` that is already set.
            let (span, key, help) = match &r.plural_span {
                Some(span) => (
                    span.clone(),
                    format!("resources.{}.plural", name.value),
                    format!("`{}` uses it too; choose another plural", first.value),
                ),
                None => (
                    name.span.clone(),
                    format!("resources.{}", name.value),
                    format!("`{}` uses it too; set `plural` on one of them", first.value),
                ),
            };
            sink.push(
                Diagnostic::new(span, key, "two resources have the same table name")
                    .found(r.resource.names.plural_snake.clone())
                    .help(help),
            );
        }
    }
    let unknown = |sink: &mut Sink, span: std::ops::Range<usize>, key: String, target: &str| {
        let mut d = Diagnostic::new(span, key, "unknown resource")
            .found(format!("{target:?}"))
            .allowed(known.join(", "));
        if let Some(service) = auth.accounts.as_deref().filter(|_| target == ACCOUNT) {
            d = d.help(format!(
                "the accounts are the service {service:?}'s: hold an account's id in a uuid field \
                 with `references = \"{service}.{ACCOUNT}\"`"
            ));
        } else if let Some(near) = suggest(target, &known) {
            d = d.help(format!("did you mean {near:?}?"));
        }
        sink.push(d);
    };
    for (name, r) in resources {
        let res = &r.resource;
        for (b, span) in res.belongs_to.iter().zip(&r.belongs_to_spans) {
            if b.unique && res.is_owner(b) {
                // One row per owner: every test the service gets makes rows as one caller.
                sink.push(
                    Diagnostic::new(
                        span.clone(),
                        format!(
                            "resources.{}.belongs_to.{}.unique",
                            name.value, b.names.snake
                        ),
                        "`unique` is not for the owner's relation yet",
                    )
                    .found(format!(
                        "`{}` is the owner of `{}` and `unique = true`",
                        b.names.snake, name.value
                    ))
                    .help(
                        "remove `unique`: one row per user is not generated yet; a row may \
                         be one-to-one with another parent",
                    ),
                );
            }
            if let Some(service) = auth.accounts.as_deref().filter(|_| b.target == ACCOUNT) {
                // Another service's accounts: a row may name its owner there (the token's
                // subject), and nothing else, since no table here can check the id.
                if !res.is_owner(b) {
                    sink.push(
                        Diagnostic::new(
                            span.clone(),
                            format!("resources.{}.belongs_to.{}", name.value, b.names.snake),
                            "a relation to another service's accounts is only an owner's",
                        )
                        .found(format!(
                            "`{}` belongs to `{ACCOUNT}`, and its `owner` is not `{}`",
                            name.value, b.names.snake
                        ))
                        .help(format!(
                            "add `owner = \"{}\"` (the caller's account owns the rows it \
                             creates), or hold an account's id in a uuid field with \
                             `references = \"{service}.{ACCOUNT}\"`",
                            b.names.snake
                        )),
                    );
                }
                refuse_on_delete(
                    sink,
                    (span, &name.value, b),
                    "another service's accounts",
                    format!(
                        "remove `on_delete`: accounts are deleted in {service:?}, which keeps \
                         no foreign key here, so this service's rows stay"
                    ),
                );
                continue;
            }
            if let Some(replica) = replicas.iter().find(|r| r.names.snake == b.target) {
                refuse_on_delete(
                    sink,
                    (span, &name.value, b),
                    "a replica's rows",
                    format!(
                        "remove `on_delete`: the rows are deleted in {:?}, and this service's rows stay",
                        replica.service
                    ),
                );
                continue;
            }
            if !known.contains(&b.target.as_str()) {
                unknown(
                    sink,
                    span.clone(),
                    format!("resources.{}.belongs_to.{}", name.value, b.names.snake),
                    &b.target,
                );
            }
        }
        for (target, span) in res.many_to_many.iter().zip(&r.many_to_many_spans) {
            let key = format!("resources.{}.many_to_many", name.value);
            if replica_names.contains(&target.as_str()) {
                sink.push(
                    Diagnostic::new(span.clone(), key, "a replica has no links")
                        .found(format!("{target:?}, a replica of another service's rows"))
                        .help("link resources of one service; refer to a replica's row with a `belongs_to`"),
                );
            } else if !known.contains(&target.as_str()) {
                unknown(sink, span.clone(), key, target);
            } else if *target == name.value {
                sink.push(
                    Diagnostic::new(
                        span.clone(),
                        key,
                        "a resource cannot be many-to-many with itself",
                    )
                    .found(format!("{target:?}")),
                );
            } else if resources
                .iter()
                .any(|(n, o)| n.value == *target && o.resource.many_to_many.contains(&name.value))
            {
                sink.push(
                    Diagnostic::new(
                        span.clone(),
                        key,
                        "this many-to-many is declared on both sides",
                    )
                    .found(format!("{target:?}"))
                    .help(format!(
                        "declare it once, on `{}` or on `{target}`",
                        name.value
                    )),
                );
            }
        }
        if let (Some(owner), Some(span)) = (&res.owner, &r.owner_span) {
            let key = format!("resources.{}.owner", name.value);
            if auth.mode == AuthMode::None {
                sink.push(
                    Diagnostic::new(span.clone(), key, "owners need auth mode \"jwt\"")
                        .help("set `[auth] mode = \"jwt\"` or remove `owner`"),
                );
            } else if let Some(problem) =
                owner_path_problem(res, &owner.path, resources, replicas, (span, &key))
            {
                sink.push(problem);
            } else {
                check_erased_parent(sink, name, r, resources);
            }
        }
    }
    check_cycles(sink, resources);
}

/// A row owned through a parent that erasure deletes cannot outlive it: its foreign key
/// would refuse the parent's deletion, or cascade it away all the same.
fn check_erased_parent(
    sink: &mut Sink,
    name: &At<String>,
    r: &ReadResource,
    resources: &[(At<String>, ReadResource)],
) {
    let res = &r.resource;
    let Some(first) = res.owner.as_ref().and_then(|o| o.path.first()) else {
        return;
    };
    let Some(b) = res.belongs_to.iter().find(|b| b.names.snake == *first) else {
        return;
    };
    let Some((_, parent)) = resources.iter().find(|(n, _)| n.value == b.target) else {
        return;
    };
    let parent = &parent.resource;
    if res.on_erase == OnErase::Delete
        || parent.owner.is_none()
        || parent.on_erase != OnErase::Delete
    {
        return;
    }
    let span = r.on_erase_span.clone().unwrap_or(name.span.clone());
    sink.push(
        Diagnostic::new(
            span,
            format!("resources.{}.on_erase", name.value),
            format!(
                "an erased account's {} are deleted, and these rows belong to them",
                parent.names.plural_words
            ),
        )
        .found(format!("on_erase = {:?}", res.on_erase.word()))
        .help(format!(
            "remove `on_erase` (its rows are deleted with their {}), or set `on_erase = \"anonymize\"` or `\"keep\"` on `{}`",
            parent.names.words, b.target
        )),
    );
}

/// `on_delete` on a relation to rows of another service (`what`), which no foreign key here
/// holds: refused with `help`.
fn refuse_on_delete(
    sink: &mut Sink,
    (span, resource, b): (&std::ops::Range<usize>, &str, &BelongsTo),
    what: &str,
    help: String,
) {
    if b.on_delete == OnDelete::Restrict {
        return;
    }
    sink.push(
        Diagnostic::new(
            span.clone(),
            format!(
                "resources.{resource}.belongs_to.{}.on_delete",
                b.names.snake
            ),
            format!("no `on_delete` for {what}"),
        )
        .found(format!("`on_delete = {:?}`", b.on_delete.word()))
        .help(help),
    );
}

fn check_cycles(sink: &mut Sink, resources: &[(At<String>, ReadResource)]) {
    // Depth-first search over required and optional foreign keys alike: tables in a cycle
    // cannot be created in any order. Each resource is entered once, so the search is
    // linear in resources and relations (following every path was exponential in a spec
    // whose resources each belong to several earlier ones); an edge back to a resource
    // still open closes a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let index: BTreeMap<&str, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.value.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = resources
        .iter()
        .map(|(n, r)| {
            r.resource
                .belongs_to
                .iter()
                .filter(|b| b.target != n.value)
                .filter_map(|b| index.get(b.target.as_str()).copied())
                .collect()
        })
        .collect();
    let mut mark = vec![Mark::New; resources.len()];
    for root in 0..resources.len() {
        if mark[root] != Mark::New {
            continue;
        }
        mark[root] = Mark::Open;
        // The open path: each resource with the index of its next edge to follow.
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&(node, next)) = path.last() {
            let Some(&to) = edges[node].get(next) else {
                mark[node] = Mark::Done;
                path.pop();
                continue;
            };
            if let Some(top) = path.last_mut() {
                top.1 += 1;
            }
            match mark[to] {
                Mark::New => {
                    mark[to] = Mark::Open;
                    path.push((to, 0));
                }
                Mark::Open => {
                    let from = path.iter().position(|(n, _)| *n == to).unwrap_or(0);
                    let cycle: Vec<usize> = path[from..].iter().map(|(n, _)| *n).collect();
                    report_cycle(sink, resources, &cycle);
                }
                Mark::Done => {}
            }
        }
    }
}

/// Reports a cycle at its alphabetically first member, followed from there.
fn report_cycle(sink: &mut Sink, resources: &[(At<String>, ReadResource)], cycle: &[usize]) {
    let name = |i: usize| resources[i].0.value.as_str();
    let first = (0..cycle.len())
        .min_by_key(|&k| name(cycle[k]))
        .unwrap_or(0);
    let mut names: Vec<&str> = cycle[first..]
        .iter()
        .chain(&cycle[..first])
        .map(|&i| name(i))
        .collect();
    let start = &resources[cycle[first]].0;
    names.push(&start.value);
    sink.push(
        Diagnostic::new(
            start.span.clone(),
            format!("resources.{}", start.value),
            "belongs_to relations form a cycle",
        )
        .found(names.join(" -> "))
        .help("break the cycle: tables in a cycle cannot be created or filled in any order"),
    );
}
