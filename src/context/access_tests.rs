//! What the generated access tests expect: the kinds of caller, what each gets for every
//! action, and the tests of fields with rules of their own.

use serde::Serialize;

use crate::spec::{Auth, Denied, FieldWrite, Resource, Rule, Signed, Spec};

use super::FieldContext;

/// One action of the generated access tests: each caller and what it gets.
#[derive(Debug, Serialize)]
pub struct AccessCases {
    pub action: &'static str,
    pub cases: Vec<AccessCase>,
}

#[derive(Debug, Serialize)]
pub struct AccessCase {
    /// `anonymous`, `owner`, `stranger` (signed in, owns nothing), `admin`, or a role name.
    pub caller: String,
    pub status: u16,
    /// For lists: whether the owner's row is among those listed.
    pub sees_it: bool,
    /// For creates: the keys of the sample body this caller may not write (field rules).
    pub unwritable: Vec<String>,
}

/// A kind of caller of the generated tests (see `TestApp::token_for` there): its name, what
/// access rules see of it (`None`: anonymous), and whether it owns the test's row.
type TestCaller<'a> = (String, Option<Signed<'a>>, bool);

/// A signed-in caller of the generated tests: they all have verified emails but `unverified`.
pub(super) fn signed<'a>(roles: Vec<&'a str>) -> Option<Signed<'a>> {
    Some(Signed {
        roles,
        verified: true,
    })
}

/// The callers of the generated access tests, the admin last. Callers with an extra role are
/// named `role:NAME`, so that no role name can pass for another kind of caller.
fn test_callers<'a>(spec: &'a Spec, r: &Resource) -> Vec<TestCaller<'a>> {
    let auth = &spec.auth;
    let owned = spec.is_account(r) || r.owner.is_some();
    let member = || vec![auth.default_role.as_str()];
    let mut callers: Vec<TestCaller<'a>> = vec![
        ("anonymous".into(), None, false),
        ("owner".into(), signed(member()), owned),
        ("stranger".into(), signed(member()), false),
    ];
    let mut rules = spec.resources.iter().flat_map(Resource::rules);
    if rules.any(|rule| *rule == Rule::Verified) {
        let unverified = Signed {
            roles: member(),
            verified: false,
        };
        callers.push(("unverified".into(), Some(unverified), false));
    }
    for role in &auth.roles {
        if *role != auth.admin_role && *role != auth.default_role {
            let roles = vec![auth.default_role.as_str(), role];
            callers.push((format!("role:{role}"), signed(roles), false));
        }
    }
    callers.push((
        "admin".into(),
        signed(vec![auth.admin_role.as_str()]),
        false,
    ));
    callers
}

/// The keys of `r`'s sample bodies that a caller may not write when it creates a row (which it
/// will own when `owns`).
pub(super) fn unwritable_on_create(
    auth: &Auth,
    r: &Resource,
    roles: &Option<Signed<'_>>,
    owns: bool,
) -> Vec<String> {
    r.fields
        .iter()
        .filter(|f| match &f.access.write {
            FieldWrite::Rules(rules) => !auth.passes(rules, roles.as_ref(), owns),
            _ => false,
        })
        .map(|f| f.names.camel.clone())
        .collect()
}

/// The generated test of one field with rules of its own.
#[derive(Debug, Serialize)]
pub struct FieldTest {
    pub key: String,
    pub snake: String,
    /// Two different JSON values of the field: a write sends the one the row does not hold.
    pub values: Option<[String; 2]>,
    /// A caller who may read the row but not see the field.
    pub hidden_from: Option<String>,
    /// Whether that caller may list the rows too (lists, sparse fields, filters, sorts).
    pub hidden_in_lists: bool,
    /// Whether the row's owner, whom `read` names, lists it and sees the field there while
    /// that caller's list of the same rows hides it (a key hidden on other users' rows only).
    pub owner_lists_it: bool,
    /// Whether lists may sort by the field (its `sort`; json fields never).
    pub filterable: bool,
    /// A nested list the caller may read the row in: the relation's key, the parent
    /// collection's URL and the children's segment under a parent.
    pub nested: Option<(String, String, String)>,
    /// A caller who may update the row but not write the field.
    pub update_denied_to: Option<String>,
    /// A caller who may create a row but not write the field, and the other keys of the sample
    /// body it may not write.
    pub create_denied_to: Option<String>,
    pub create_unwritable: Vec<String>,
    pub ignore_denied: bool,
    pub set_once: bool,
    pub never: bool,
}

/// The tests of `r`'s fields that have rules of their own.
pub(super) fn field_tests(spec: &Spec, r: &Resource, fields: &[FieldContext]) -> Vec<FieldTest> {
    let auth = &spec.auth;
    let callers = test_callers(spec, r);
    // The admin passes every rule: the callers to find are among the others, signed-in ones
    // first (they reach nested lists).
    let mut others: Vec<&TestCaller> = callers[..callers.len() - 1].iter().collect();
    others.sort_by_key(|(_, roles, _)| roles.is_none());
    let through_parents = r.owner.as_ref().is_some_and(|o| o.relation().is_none());
    let passes = |rules: &[Rule], roles: &Option<Signed<'_>>, owns: bool| {
        auth.passes(rules, roles.as_ref(), owns)
    };
    let lists = |roles: &Option<Signed<'_>>, owns: bool| {
        passes(&r.access.list, roles, false)
            || (roles.is_some() && owns && r.access.list.contains(&Rule::Owner))
    };
    r.value_fields()
        .zip(fields)
        .filter(|(f, _)| f.access.is_restricted())
        .map(|(f, context)| {
            let samples = &context.samples;
            let values = samples
                .iter()
                .skip(1)
                .find(|other| **other != samples[0])
                .map(|other| [samples[0].clone(), other.clone()]);
            let hidden = f.access.read.as_ref().and_then(|read| {
                others.iter().find(|(_, roles, owns)| {
                    passes(&r.access.read, roles, *owns) && !passes(read, roles, *owns)
                })
            });
            let nested = hidden.and_then(|(name, roles, owns)| {
                let b = r.belongs_to.iter().find(|b| {
                    let Some(parent) = spec.resource(&b.target) else {
                        return false;
                    };
                    // The caller owns the parent when it holds the row's owner.
                    let owns_parent = *owns
                        && (r.is_owner(b)
                            || r.owner.as_ref().is_some_and(|o| o.path[0] == b.names.snake));
                    b.target != r.names.snake
                        && lists(roles, *owns)
                        && passes(&parent.access.read, roles, owns_parent)
                        && name != "anonymous"
                })?;
                let parent = spec.resource(&b.target)?;
                Some((
                    format!("{}Id", b.names.camel),
                    format!("{}/{}", spec.project.api_prefix, parent.names.plural_kebab),
                    crate::spec::routes::nested_segment(r, b),
                ))
            });
            let write_rules = match &f.access.write {
                FieldWrite::Rules(rules) => Some(rules),
                _ => None,
            };
            let update_denied_to = write_rules.and_then(|w| {
                others.iter().find(|(_, roles, owns)| {
                    passes(&r.access.read, roles, *owns)
                        && passes(&r.access.update, roles, *owns)
                        && !passes(w, roles, *owns)
                })
            });
            // Creating through parents, the tests make the row under the owner's parent.
            let create_denied = write_rules.and_then(|w| {
                others.iter().find_map(|caller @ (name, roles, owns)| {
                    // A signed-in creator owns what it makes, or, through parents, what it
                    // makes under its own parent.
                    let owns_new = roles.is_some() && (*owns || !through_parents);
                    let creates = match roles {
                        None => passes(&r.access.create, roles, false) && r.owner.is_none(),
                        Some(_) => passes(&r.access.create, roles, owns_new),
                    };
                    (creates
                        && !passes(w, roles, owns_new)
                        && (!through_parents || name == "owner"))
                        .then_some((caller, owns_new))
                })
            });
            let hidden_in_lists = hidden.is_some_and(|(_, roles, owns)| lists(roles, *owns));
            let owner_lists_it = hidden_in_lists
                && r.owner.is_some()
                && !through_parents
                && f.access
                    .read
                    .as_ref()
                    .is_some_and(|read| read.contains(&Rule::Owner))
                && callers
                    .iter()
                    .any(|(name, roles, owns)| name == "owner" && lists(roles, *owns));
            FieldTest {
                key: f.names.camel.clone(),
                snake: f.names.snake.clone(),
                values,
                hidden_in_lists,
                owner_lists_it,
                hidden_from: hidden.map(|(name, ..)| name.clone()),
                // The test sorts by it, so the spec must let lists sort by it.
                filterable: f.list.sort,
                nested,
                update_denied_to: update_denied_to.map(|(name, ..)| name.clone()),
                create_unwritable: create_denied
                    .map(|((_, roles, _), owns_new)| {
                        unwritable_on_create(auth, r, roles, owns_new)
                            .into_iter()
                            .filter(|key| *key != f.names.camel)
                            .collect()
                    })
                    .unwrap_or_default(),
                create_denied_to: create_denied.map(|((name, ..), _)| name.clone()),
                ignore_denied: f.access.denied == Denied::Ignore,
                set_once: f.access.write == FieldWrite::Create,
                never: f.access.write == FieldWrite::None,
            }
        })
        .collect()
}

/// What a caller gets for a change of `r`'s row under `rules` (update, delete), `ok` when it
/// may: 401 anonymous, 404 when it may not read the row, 403 when it may read but not change.
fn change_status(
    auth: &Auth,
    r: &Resource,
    rules: &[Rule],
    roles: &Option<Signed<'_>>,
    owns: bool,
    ok: u16,
) -> u16 {
    let passes = |rules: &[Rule], owns: bool| auth.passes(rules, roles.as_ref(), owns);
    match roles {
        None if !rules.contains(&Rule::Public) || !passes(&r.access.read, false) => 401,
        None => ok,
        Some(_) if !passes(&r.access.read, owns) => 404,
        Some(_) if !passes(rules, owns) => 403,
        Some(_) => ok,
    }
}

/// The generated test of a file field's routes: what each kind of caller gets for an upload
/// and for a download of a file the admin uploaded.
#[derive(Debug, Serialize)]
pub struct FileAccessTest {
    pub snake: String,
    /// The file's route below a row.
    pub segment: String,
    /// An accepted type and the first bytes of a file of it (a Rust byte string).
    pub content_type: String,
    pub sample: String,
    pub cases: Vec<FileAccessCase>,
}

#[derive(Debug, Serialize)]
pub struct FileAccessCase {
    pub caller: String,
    pub upload: u16,
    pub download: u16,
}

/// The tests of `r`'s file fields' routes, each caller's answers derived from the rules as
/// the generated service decides them: the upload is the row's update, then the field's write
/// rules (403); the download the row's read, then the field's read rules (404, as for a row
/// the caller may not see).
pub(super) fn file_access_tests(spec: &Spec, r: &Resource) -> Vec<FileAccessTest> {
    let auth = &spec.auth;
    let callers = test_callers(spec, r);
    r.files()
        .filter_map(|f| {
            let (content_type, sample) = super::files::accepted_sample(f)?;
            let cases = callers
                .iter()
                .map(|(caller, roles, owns)| {
                    let passes = |rules: &[Rule]| auth.passes(rules, roles.as_ref(), *owns);
                    let mut upload = change_status(auth, r, &r.access.update, roles, *owns, 200);
                    if let (200, FieldWrite::Rules(rules)) = (upload, &f.access.write)
                        && !passes(rules)
                    {
                        upload = 403;
                    }
                    let download = match roles {
                        None if !r.access.read.contains(&Rule::Public) => 401,
                        _ if !passes(&r.access.read) => 404,
                        _ if f.access.read.as_ref().is_some_and(|read| !passes(read)) => 404,
                        _ => 200,
                    };
                    FileAccessCase {
                        caller: caller.clone(),
                        upload,
                        download,
                    }
                })
                .collect();
            Some(FileAccessTest {
                snake: f.names.snake.clone(),
                segment: f.names.kebab.clone(),
                content_type,
                sample: super::files::byte_string(sample),
                cases,
            })
        })
        .collect()
}

/// What every kind of caller gets for every action on `r`, derived from the rules the same
/// way the generated `access.rs` decides, so the generated tests check one against the other.
pub(super) fn access_cases(spec: &Spec, r: &Resource) -> Vec<AccessCases> {
    let auth = &spec.auth;
    // The tests make the owner's row as admin, naming the owner (`body_owned_by_…`).
    let through_parents = r.owner.as_ref().is_some_and(|o| o.relation().is_none());
    let callers = test_callers(spec, r);
    let passes = |rules: &[Rule], roles: &Option<Signed<'_>>, owns: bool| {
        auth.passes(rules, roles.as_ref(), owns)
    };
    let a = &r.access;
    let case = |caller: &str, status: u16, sees_it: bool| AccessCase {
        caller: caller.to_string(),
        status,
        sees_it,
        unwritable: Vec::new(),
    };
    let change = |rules: &[Rule], ok: u16| -> Vec<AccessCase> {
        callers
            .iter()
            .map(|(caller, roles, owns)| {
                case(
                    caller,
                    change_status(auth, r, rules, roles, *owns, ok),
                    false,
                )
            })
            .collect()
    };
    let list = callers
        .iter()
        .map(|(caller, roles, owns)| match roles {
            _ if passes(&a.list, roles, false) => case(caller, 200, true),
            None => case(caller, 401, false),
            Some(_) if a.list.contains(&Rule::Owner) => case(caller, 200, *owns),
            Some(_) => case(caller, 403, false),
        })
        .collect();
    let read = callers
        .iter()
        .map(|(caller, roles, owns)| match roles {
            None if a.read.contains(&Rule::Public) => case(caller, 200, false),
            None => case(caller, 401, false),
            Some(_) if passes(&a.read, roles, *owns) => case(caller, 200, false),
            Some(_) => case(caller, 404, false),
        })
        .collect();
    // A direct owner is the caller, so anonymous callers cannot create; through parents, the
    // tests create under the owner's parent, which only the owner owns.
    let has_owner_key = r.owner.is_some() && !through_parents;
    let create = callers
        .iter()
        .map(|(caller, roles, owns)| {
            let owns_new = roles.is_some() && (*owns || !through_parents);
            let status = match roles {
                None if passes(&a.create, roles, false) && !has_owner_key => 201,
                None => return case(caller, 401, false),
                Some(_) if passes(&a.create, roles, owns_new) => 201,
                // Through parents, field rules answer before the parent's owner is looked up.
                Some(_) => 403,
            };
            AccessCase {
                unwritable: unwritable_on_create(auth, r, roles, owns_new),
                ..case(caller, status, false)
            }
        })
        .collect();
    vec![
        AccessCases {
            action: "list",
            cases: list,
        },
        AccessCases {
            action: "read",
            cases: read,
        },
        AccessCases {
            action: "create",
            cases: create,
        },
        AccessCases {
            action: "update",
            cases: change(&a.update, 200),
        },
        AccessCases {
            action: "delete",
            cases: change(&a.delete, 204),
        },
    ]
}
