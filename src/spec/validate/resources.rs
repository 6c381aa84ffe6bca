//! One `[resources.NAME]` table read on its own: its keys, owner and relations. The
//! checks that need every resource are in `references`.

use toml::Spanned;
use toml::de::DeValue;

use super::access::{check_field_rules, read_access};
use super::accounts::{account_access, email_field};
use super::events::read_events;
use super::fields::{check_filter_clashes, read_fields};
use super::identifiers::{NameKind, check_identifier, name_problem, read_renamed_from};
use super::keys::{BELONGS_TO_KEYS, RESOURCE_KEYS};
use super::lists::{read_list_combinations, read_list_use};
use crate::diagnostics::Diagnostic;
use crate::names::{self, Names, alternative, is_snake_identifier, snake_version};
use crate::spec::model::*;
use crate::spec::reader::{At, Sink, Table, one_of};
use crate::spec::words::{ACCOUNT, MAX_NAME};

/// A resource read on its own, with the spans that cross-reference checks need.
pub(super) struct ReadResource {
    pub(super) resource: Resource,
    pub(super) belongs_to_spans: Vec<std::ops::Range<usize>>,
    pub(super) many_to_many_spans: Vec<std::ops::Range<usize>>,
    pub(super) owner_span: Option<std::ops::Range<usize>>,
    /// Where `plural` is set, if it is: a clash of table names points there.
    pub(super) plural_span: Option<std::ops::Range<usize>>,
    /// Where `renamed_from` is set, if it is.
    pub(super) renamed_from_span: Option<std::ops::Range<usize>>,
    /// Where `on_erase` is set, if it is: a child kept under a deleted parent points there.
    pub(super) on_erase_span: Option<std::ops::Range<usize>>,
}

pub(super) fn read_resource(
    sink: &mut Sink,
    name: &At<String>,
    value: &Spanned<DeValue<'_>>,
    auth: &Auth,
    cache: &Cache,
) -> Option<ReadResource> {
    let path = format!("resources.{}", name.value);
    check_identifier(sink, name, &path, NameKind::Resource);
    let t = Table::from_value(sink, value, &path, RESOURCE_KEYS)?;
    let plural = t.string(sink, "plural");
    if let Some(p) = &plural
        && (!is_snake_identifier(&p.value) || p.value == name.value || p.value.len() > MAX_NAME)
    {
        let usable = |c: &str| c != name.value && c.len() <= MAX_NAME;
        let fixed = snake_version(&p.value).filter(|c| usable(c));
        let example = fixed.unwrap_or_else(|| format!("{}_items", name.value));
        sink.push(
            Diagnostic::new(p.span.clone(), t.key_path("plural"), "invalid plural")
                .found(format!("{:?}", p.value))
                .allowed(format!(
                    "a snake_case name of at most {MAX_NAME} characters that differs from the singular"
                ))
                .help(format!("use e.g. `plural = {example:?}`")),
        );
    }
    // A name of the wrong shape has its own error (`check_identifier`).
    if plural.is_none()
        && name_problem(&name.value, NameKind::Resource).is_none()
        && let Some(singular) = names::singular_of(&name.value)
    {
        sink.push_new_rule(
            Diagnostic::new(
                name.span.clone(),
                &path,
                "a resource is named in the singular",
            )
            .found(format!("{:?}", name.value))
            .help(format!(
                "did you mean `{singular}`? Its table and routes stay `{name}` (so a generated project keeps its rows); if `{name}` names one thing, set `plural`",
                name = name.value
            )),
        );
    }
    let names = Names::new(&name.value, plural.as_ref().map(|p| p.value.as_str()));

    let flag = |sink: &mut Sink, key: &str, default: bool| {
        t.boolean(sink, key).map_or(default, |b| b.value)
    };
    let soft_delete = flag(sink, "soft_delete", false);
    let versioned = flag(sink, "versioned", false);
    let timestamps = flag(sink, "timestamps", true);
    let description = t
        .string(sink, "description")
        .map(|d| d.value)
        .unwrap_or_default();
    let cache_ttl_seconds = t
        .integer(sink, "cache_ttl_seconds", 0, 86_400)
        .map_or(cache.ttl_seconds, |v| v.value as u32);

    let (belongs_to, belongs_to_spans) = read_belongs_to(sink, &t, &name.value);
    let mut many_to_many = Vec::new();
    let mut many_to_many_spans = Vec::new();
    if let Some(targets) = t.strings(sink, "many_to_many") {
        for target in targets {
            if many_to_many.contains(&target.value) {
                sink.push(
                    Diagnostic::new(
                        target.span.clone(),
                        t.key_path("many_to_many"),
                        "listed twice",
                    )
                    .found(format!("{:?}", target.value)),
                );
                continue;
            }
            many_to_many.push(target.value);
            many_to_many_spans.push(target.span);
        }
    }

    let account = auth.mode == AuthMode::Jwt && auth.accounts.is_none() && name.value == ACCOUNT;
    if let Some(service) = auth.accounts.as_deref().filter(|_| name.value == ACCOUNT) {
        // The name says accounts, which are another service's here.
        sink.push(
            Diagnostic::new(
                name.span.clone(),
                &path,
                format!("the accounts are the service {service:?}'s"),
            )
            .found(format!("`[auth] accounts = {service:?}`"))
            .help(format!(
                "declare `{ACCOUNT}` in {service:?}'s spec, or name this resource otherwise (`profile`)"
            )),
        );
    }
    let mut fields = read_fields(sink, &t, &belongs_to, auth, account);
    if fields.is_empty() && t.raw("fields").is_none() && !account {
        sink.push(
            Diagnostic::new(
                name.span.clone(),
                &path,
                "a resource needs at least one field",
            )
            .help(format!("add a `[{path}.fields]` table")),
        );
    }

    if account {
        fields.insert(0, email_field(auth));
    }

    let default_rules = match auth.mode {
        AuthMode::None => vec![Rule::Public],
        AuthMode::Jwt => vec![Rule::Authenticated],
    };
    let access = if account && t.raw("access").is_none() {
        account_access(auth)
    } else {
        read_access(sink, &t, auth, default_rules)
    };
    let owner = t.string(sink, "owner");
    let owner_span = owner.as_ref().map(|o| o.span.clone());
    let set_by = read_owner_set_by(sink, &t, auth, owner.as_ref(), account);
    let uses_owner = access
        .by_action()
        .iter()
        .any(|(_, rules)| rules.contains(&Rule::Owner));
    if account && let Some(o) = &owner {
        sink.push(
            Diagnostic::new(
                o.span.clone(),
                t.key_path("owner"),
                "a user owns their own account",
            )
            .help("remove `owner`: the `owner` rule on `user` already means the user itself"),
        );
    }
    if uses_owner && owner.is_none() && !account {
        let span = t
            .raw("access")
            .map(|v| v.span())
            .unwrap_or(name.span.clone());
        sink.push(
            Diagnostic::new(
                span,
                t.key_path("owner"),
                "an `owner` access rule needs to know who owns a row",
            )
            .help("add `owner = \"RELATION\"`, naming a belongs_to relation to the user resource"),
        );
    }
    check_field_rules(sink, &t, &fields, &access, owner.as_ref(), auth, account);
    let on_erase = read_on_erase(sink, &t, &fields, owner.is_some(), account);
    let audit = read_audit(sink, &t, auth);
    let renamed_from = read_renamed_from(sink, &t, &name.value, NameKind::Resource);
    let events = read_events(sink, &t, &fields, account);
    let list_combinations = read_list_combinations(sink, &t, &fields, &belongs_to, timestamps);
    let sorted: Vec<&str> = list_combinations.iter().map(|c| c.sort.as_str()).collect();
    check_filter_clashes(sink, &t, &fields, &sorted);

    Some(ReadResource {
        resource: Resource {
            names,
            description,
            fields,
            belongs_to,
            many_to_many,
            soft_delete,
            versioned,
            timestamps,
            access,
            owner: owner.map(|o| Owner {
                path: o.value.split('.').map(str::to_owned).collect(),
                set_by,
            }),
            cache_ttl_seconds,
            renamed_from,
            events,
            list_combinations,
            on_erase,
            audit,
        },
        belongs_to_spans,
        many_to_many_spans,
        owner_span,
        plural_span: plural.as_ref().map(|p| p.span.clone()),
        renamed_from_span: t.raw("renamed_from").map(|v| v.span()),
        on_erase_span: t.raw("on_erase").map(|v| v.span()),
    })
}

/// `audit`: every write leaves an audit row naming who made it, which only admins read; both
/// need accounts, so it takes jwt.
fn read_audit(sink: &mut Sink, t: &Table<'_, '_>, auth: &Auth) -> bool {
    let Some(audit) = t.boolean(sink, "audit") else {
        return false;
    };
    if audit.value && auth.mode != AuthMode::Jwt {
        sink.push(
            Diagnostic::new(audit.span.clone(), t.key_path("audit"), "an audit trail needs accounts")
                .found("audit = true without `[auth] mode = \"jwt\"`")
                .help("set `[auth] mode = \"jwt\"`: each audit row names the account that wrote, and only admins read the trail"),
        );
        return false;
    }
    audit.value
}

/// `on_erase`: what erasing an account does to the rows it owns. Only rows with an owner
/// have one; `anonymize` clears the personal fields, so it needs some, each optional (a
/// cleared value is `null`). The account's own row is always kept, cleared, as a tombstone.
fn read_on_erase(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    fields: &[Field],
    owned: bool,
    account: bool,
) -> OnErase {
    let on_erase = match one_of(sink, t, "on_erase", OnErase::ALLOWED).as_deref() {
        Some("anonymize") => OnErase::Anonymize,
        Some("keep") => OnErase::Keep,
        Some(_) => OnErase::Delete,
        None => return OnErase::Delete,
    };
    let span = t.raw("on_erase").map(|v| v.span()).unwrap_or_default();
    let refuse = |sink: &mut Sink, message: &str, help: String| {
        sink.push(
            Diagnostic::new(span.clone(), t.key_path("on_erase"), message)
                .found(format!("on_erase = {:?}", on_erase.word()))
                .help(help),
        );
    };
    if account {
        refuse(
            sink,
            "an erased account's own row is always kept, cleared",
            "remove `on_erase`: the account stays as a tombstone (its email replaced, its password and roles gone, its personal fields cleared) so that the rows others keep still name it".into(),
        );
        return OnErase::Delete;
    }
    if !owned {
        refuse(
            sink,
            "`on_erase` applies to rows an account owns",
            "add `owner`, or remove `on_erase`: erasing an account never reaches rows nobody owns"
                .into(),
        );
        return OnErase::Delete;
    }
    if on_erase == OnErase::Anonymize {
        let personal: Vec<&Field> = fields.iter().filter(|f| f.personal).collect();
        if personal.is_empty() {
            refuse(
                sink,
                "`anonymize` clears the personal fields, and this resource has none",
                "use `on_erase = \"keep\"` to keep the rows as they are, or mark the fields that hold personal data `personal = true`".into(),
            );
        } else if let Some(f) = personal.iter().find(|f| f.required) {
            refuse(
                sink,
                "`anonymize` clears the personal fields to null, and one is required",
                format!(
                    "add `required = false` to `{}`, or use `on_erase = \"delete\"`",
                    f.names.snake
                ),
            );
        }
    }
    on_erase
}

/// `owner_set_by`: roles that may name a row's owner in a body. Only a direct owner has a
/// key to name; through a parent, the create and update rules say who may use whose parent.
fn read_owner_set_by(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    auth: &Auth,
    owner: Option<&At<String>>,
    account: bool,
) -> Vec<String> {
    let Some(roles) = t.strings(sink, "owner_set_by") else {
        return Vec::new();
    };
    let path = t.key_path("owner_set_by");
    let span = t.raw("owner_set_by").map(|v| v.span()).unwrap_or_default();
    match owner {
        // `owner` on `user` has an error of its own.
        _ if account => {
            if owner.is_none() {
                sink.push(
                    Diagnostic::new(span, path, "an account is its own owner: no body names it")
                        .help("remove `owner_set_by` from `user`: the `owner` rule on `user` means the account itself, and admins already pass every rule"),
                );
            }
            return Vec::new();
        }
        None => {
            sink.push(
                Diagnostic::new(span, path, "`owner_set_by` needs an `owner`")
                    .help("add `owner = \"RELATION\"`, or remove `owner_set_by`"),
            );
            return Vec::new();
        }
        Some(o) if o.value.contains('.') => {
            sink.push(
                Diagnostic::new(span, path, "only a direct owner can be set in a body")
                    .found(format!("owner = {:?}", o.value))
                    .help("remove `owner_set_by`: rows owned through a parent follow it, and the create and update rules say who may write under another user's parent"),
            );
            return Vec::new();
        }
        Some(_) => {}
    }
    let mut out = Vec::new();
    for role in roles {
        if auth.roles.contains(&role.value) {
            out.push(role.value);
        } else {
            sink.push(
                Diagnostic::new(role.span, path.clone(), "unknown role")
                    .found(format!("{:?}", role.value))
                    .allowed(auth.roles.join(", ")),
            );
        }
    }
    out.sort();
    out.dedup();
    out
}

fn read_belongs_to(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    resource: &str,
) -> (Vec<BelongsTo>, Vec<std::ops::Range<usize>>) {
    let mut relations = Vec::new();
    let mut spans = Vec::new();
    let Some(rels) = t.table(sink, "belongs_to", &[]) else {
        return (relations, spans);
    };
    for (name, value) in rels.entries() {
        let path = rels.key_path(&name.value);
        check_identifier(sink, &name, &path, NameKind::Relation);
        // `author = "user"` is short for `author = { resource = "user" }`.
        let (target, target_span, required, on_delete, list, check, unique) = match value.get_ref()
        {
            DeValue::String(s) => (
                s.to_string(),
                value.span(),
                true,
                OnDelete::Restrict,
                ListUse::BOTH,
                Check::Call,
                false,
            ),
            _ => {
                let Some(rt) = Table::from_value(sink, value, &path, BELONGS_TO_KEYS) else {
                    continue;
                };
                let (target, target_span) = match rt.string(sink, "resource") {
                    Some(r) => (r.value, r.span),
                    None => (name.value.clone(), name.span.clone()),
                };
                let required = rt.boolean(sink, "required").is_none_or(|b| b.value);
                let on_delete = match one_of(sink, &rt, "on_delete", OnDelete::ALLOWED).as_deref() {
                    Some("cascade") => OnDelete::Cascade,
                    Some("set_null") => OnDelete::SetNull,
                    _ => OnDelete::Restrict,
                };
                if on_delete == OnDelete::SetNull && required {
                    let span = rt.raw("on_delete").map_or(value.span(), |v| v.span());
                    sink.push(
                        Diagnostic::new(
                            span,
                            rt.key_path("on_delete"),
                            "`set_null` needs an optional relation",
                        )
                        .help("add `required = false`, or use `cascade` or `restrict`"),
                    );
                }
                let list = read_list_use(sink, &rt, ListUse::BOTH, None);
                let check = match one_of(sink, &rt, "check", Check::ALLOWED).as_deref() {
                    Some("replica") => Check::Replica,
                    _ => Check::Call,
                };
                let unique = rt.boolean(sink, "unique").is_some_and(|b| b.value);
                (
                    target,
                    target_span,
                    required,
                    on_delete,
                    list,
                    check,
                    unique,
                )
            }
        };
        if target == resource && required {
            sink.push(
                Diagnostic::new(
                    target_span.clone(),
                    &path,
                    "a relation to the resource itself must be optional",
                )
                .help("add `required = false`: otherwise no first row could ever be created"),
            );
        }
        let names = Names::new(&name.value, None);
        if let Some(other) = relations
            .iter()
            .find(|b: &&BelongsTo| b.names.camel == names.camel)
        {
            // `a_1` and `a1` would both be the key `a1Id`.
            let taken = |c: &str| {
                let camel = Names::new(c, None).camel;
                relations.iter().any(|b| b.names.camel == camel)
            };
            let mut d = Diagnostic::new(
                name.span.clone(),
                &path,
                "two relations give the same JSON key",
            )
            .found(format!(
                "`{}Id`, the key of `{}` and of `{}`",
                names.camel, other.names.snake, names.snake
            ));
            if let Some(alt) = alternative(&names.snake, &[], MAX_NAME, |c| !taken(c)) {
                d = d.help(format!("rename the relation, e.g. to `{alt}`"));
            }
            sink.push(d);
        }
        relations.push(BelongsTo {
            names,
            target,
            required,
            on_delete,
            list,
            check,
            unique,
        });
        spans.push(target_span);
    }
    (relations, spans)
}
