//! `backend-gen check`: a short account of what a valid spec generates.

use std::fmt::Write;

use crate::routes::{auth_routes, resource_routes};
use crate::spec::{AuthMode, Field, Spec};

pub fn summary(spec: &Spec) -> String {
    let fields: usize = spec.resources.iter().map(|r| r.fields.len()).sum();
    let belongs: usize = spec.resources.iter().map(|r| r.belongs_to.len()).sum();
    let links: usize = spec.resources.iter().map(|r| r.many_to_many.len()).sum();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Spec OK: {} resources, {fields} fields, {} relations ({belongs} belongs-to, {links} many-to-many)",
        spec.resources.len(),
        belongs + links
    );
    let _ = writeln!(
        out,
        "Database: {} · auth: {} · API prefix: {}\n",
        spec.project.database.as_str(),
        spec.auth.mode.as_str(),
        spec.project.api_prefix
    );
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
            let _ = writeln!(
                out,
                "  belongs to {} as {} ({}, on delete {})",
                b.target,
                b.names.snake,
                if b.required { "required" } else { "optional" },
                b.on_delete.sql().to_lowercase()
            );
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
    }
    let routes: Vec<_> = spec
        .resources
        .iter()
        .flat_map(|r| resource_routes(spec, r))
        .chain(auth_routes(spec))
        .collect();
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
    s
}
