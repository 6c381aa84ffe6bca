//! `backend-gen check`: a short account of what a valid spec generates.

use std::fmt::Write;

use crate::console::count;
use crate::spec::{
    AuthMode, Denied, Event, Field, FieldAccess, FieldWrite, Resource, Rule, Spec, Trigger,
};

pub fn summary(spec: &Spec) -> String {
    let fields: usize = spec.resources.iter().map(|r| r.fields.len()).sum();
    let belongs: usize = spec.resources.iter().map(|r| r.belongs_to.len()).sum();
    let links: usize = spec.resources.iter().map(|r| r.many_to_many.len()).sum();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Spec OK: {}, {}, {} ({belongs} belongs-to, {links} many-to-many)",
        count(spec.resources.len(), "resource", "resources"),
        count(fields, "field", "fields"),
        count(belongs + links, "relation", "relations"),
    );
    let _ = writeln!(
        out,
        "Database: {} · auth: {} · API prefix: {}\n",
        spec.project.database.as_str(),
        match &spec.auth.accounts {
            Some(service) => format!(
                "jwt, the accounts of service {service} (asked at {})",
                crate::spec::Reference::url_variable(service)
            ),
            None => spec.auth.mode.as_str().to_owned(),
        },
        spec.project.api_prefix
    );
    if let Some(tenancy) = &spec.tenancy {
        let tenants = match &spec.auth.accounts {
            Some(service) => format!("{}, of service {service}", tenancy.tenant),
            None => tenancy.tenant.clone(),
        };
        let _ = writeln!(
            out,
            "Tenants: {tenants} (each row below is one tenant's unless marked shared)\n"
        );
    }
    for r in &spec.resources {
        let mut options = Vec::new();
        if r.soft_delete {
            options.push("soft delete");
        }
        if r.versioned {
            options.push("versioned");
        }
        if !r.timestamps {
            options.push("no timestamps");
        }
        let options = if options.is_empty() {
            String::new()
        } else {
            format!(" [{}]", options.join(", "))
        };
        let _ = writeln!(
            out,
            "{} (table {}){options}",
            r.names.snake, r.names.plural_snake
        );
        let list: Vec<String> = r.fields.iter().map(describe_field).collect();
        let _ = writeln!(out, "  fields: {}", list.join(", "));
        for b in &r.belongs_to {
            let required = if b.required { "required" } else { "optional" };
            if let Some(replica) = spec.replica(&b.target) {
                let _ = writeln!(
                    out,
                    "  belongs to {}.{} as {} ({required}, no foreign key: checked in the copy {}, kept by its events)",
                    replica.service,
                    b.target,
                    b.names.snake,
                    replica.table()
                );
                continue;
            }
            let _ = match spec.auth.accounts.as_deref().filter(|_| spec.is_remote(b)) {
                Some(service) => writeln!(
                    out,
                    "  belongs to {service}.{} as {} ({required}, no foreign key: asked at {})",
                    b.target,
                    b.names.snake,
                    crate::spec::Reference::url_variable(service)
                ),
                None => writeln!(
                    out,
                    "  belongs to {} as {} ({required}, on delete {})",
                    b.target,
                    b.names.snake,
                    b.on_delete.sql().to_lowercase()
                ),
            };
        }
        for m in &r.many_to_many {
            let _ = writeln!(out, "  many-to-many with {m}");
        }
        if spec.auth.mode == AuthMode::Jwt {
            let rules: Vec<String> = r
                .access
                .by_action()
                .iter()
                .map(|(action, rules)| {
                    let names: Vec<String> = rules.iter().map(ToString::to_string).collect();
                    format!("{action}: {}", names.join("|"))
                })
                .collect();
            let _ = writeln!(out, "  access: {}", rules.join(", "));
        }
        if spec.tenancy.is_some() && !spec.is_per_tenant(r) {
            let what = if spec.is_tenant(r) {
                "the tenants"
            } else if r.names.snake == crate::spec::ACCOUNT {
                "members of tenants"
            } else {
                "shared by every tenant"
            };
            let _ = writeln!(out, "  tenancy: {what}");
        }
        if let Some(owner) = &r.owner {
            let through = if owner.path.len() > 1 {
                " (through parents)"
            } else {
                ""
            };
            let set_by = if owner.set_by.is_empty() {
                String::new()
            } else {
                format!("; named in bodies by {}", owner.set_by.join("|"))
            };
            let _ = writeln!(out, "  owner: {}{through}{set_by}", owner.path.join("."));
        }
        for f in r.fields.iter().filter(|f| f.access.is_restricted()) {
            let _ = writeln!(
                out,
                "  field {}: {}",
                f.names.snake,
                describe_rules(&f.access)
            );
        }
        if !r.events.is_empty() {
            let events: Vec<String> = r.events.iter().map(|e| describe_event(r, e)).collect();
            let _ = writeln!(out, "  events: {}", events.join(", "));
        }
    }
    for job in &spec.jobs {
        let on = if job.on.is_empty() {
            "enqueued by your code".to_string()
        } else {
            format!("on {}", job.on.join(", "))
        };
        let attempts = count(job.max_attempts as usize, "attempt", "attempts");
        let _ = writeln!(
            out,
            "job {}: {on}; {attempts}, {} s a run",
            job.name, job.timeout_secs
        );
    }
    for replica in &spec.replicas {
        let owner = replica
            .owner
            .as_ref()
            .map(|o| format!(" and their {} (`{}_id`)", o.words, o.snake))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "replica {} of {}: table {}, the ids{owner}, from {}",
            replica.names.snake,
            replica.service,
            replica.table(),
            replica.event_types().join(", "),
        );
    }
    for (source, events) in spec.heard() {
        let events: Vec<String> = events.into_iter().collect();
        let _ = writeln!(
            out,
            "inbox: hears {} from `{source}` (NATS subjects {source}.TYPE; {} sets another prefix)",
            events.join(", "),
            crate::spec::Heard::prefix_variable(source)
        );
    }
    let routes = crate::operations::api_operations(spec);
    let _ = writeln!(out, "\nRoutes ({}):", routes.len());
    for route in routes {
        let _ = writeln!(
            out,
            "  {:<7}{:<44} {}",
            route.method, route.path, route.summary
        );
    }
    out
}

fn describe_field(f: &Field) -> String {
    let mut s = format!("{} {}", f.names.snake, f.ty.spec_name());
    if !f.required {
        s.push('?');
    }
    if f.unique {
        s.push_str(" unique");
    }
    if f.personal {
        s.push_str(" personal (encrypted)");
    }
    if let Some(reference) = &f.references {
        s.push_str(&format!(
            " -> {}.{} (asked at {})",
            reference.service,
            reference.resource,
            crate::spec::Reference::url_variable(&reference.service)
        ));
    }
    s
}

/// A field's own rules, e.g. `read staff, write owner|staff (ignored when denied)`.
fn describe_rules(access: &FieldAccess) -> String {
    let names = |rules: &[Rule]| {
        rules
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("|")
    };
    let mut parts = Vec::new();
    if let Some(read) = &access.read {
        parts.push(format!("read {}", names(read)));
    }
    let write = match &access.write {
        FieldWrite::Row => None,
        FieldWrite::Rules(rules) => Some(format!("write {}", names(rules))),
        FieldWrite::Create => Some("write once (create)".to_string()),
        FieldWrite::None => Some("read-only".to_string()),
    };
    if let Some(mut write) = write {
        if access.denied == Denied::Ignore {
            write.push_str(" (ignored when denied)");
        }
        parts.push(write);
    }
    parts.join(", ")
}

/// `payment.completed (status becomes succeeded)`.
fn describe_event(r: &Resource, e: &Event) -> String {
    let kind = match &e.trigger {
        Trigger::Created | Trigger::Updated | Trigger::Deleted | Trigger::Erased => String::new(),
        Trigger::Becomes { field, value } => format!(" ({field} becomes {value})"),
    };
    format!("{}{kind}", r.event_type(e))
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_with_their_own_rules_are_listed() {
        let spec = crate::spec::parse(
            "t.toml",
            "[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"staff\", \"customer\"]\ndefault_role = \"customer\"\n\
             [resources.order]\nbelongs_to = { customer = \"user\" }\nowner = \"customer\"\n[resources.order.fields]\n\
             status = { type = \"text\", default = \"new\", write = \"staff\" }\n\
             cost = { type = \"integer\", required = false, read = \"staff\", write = \"staff\" }\n\
             notes = { type = \"text\", required = false, read = [\"owner\", \"staff\"] }\n\
             sku = { type = \"string\", write = \"create\" }\n\
             score = { type = \"integer\", default = 0, write = \"none\" }\n\
             paid_at = { type = \"datetime\", required = false, write = \"staff\", write_denied = \"ignore\" }\n\
             plain = { type = \"text\", read = \"public\" }\n",
        )
        .unwrap_or_else(|r| panic!("{r}"));
        let summary = super::summary(&spec);
        let lines: Vec<&str> = summary
            .lines()
            .filter(|l| l.starts_with("  field "))
            .collect();
        assert_eq!(
            lines,
            [
                "  field status: write staff",
                "  field cost: read staff, write staff",
                "  field notes: read owner|staff",
                "  field sku: write once (create)",
                "  field score: read-only",
                "  field paid_at: write staff (ignored when denied)",
            ]
        );
    }
}
