//! The Rust names that depend on the whole spec: the renames that keep a resource's
//! types, enums and module apart from the generated code's and from each other's.
//! The rules are in `names/mod.rs`'s module doc; the reserved words in `names/reserved.rs`.

use std::collections::{BTreeMap, BTreeSet};

use super::model::Resource;
use crate::names::{RESERVED_TYPES, reserved_module, resource_types};

/// The suffix of a renamed resource type, enum type and module.
const TYPE_SUFFIX: &str = "Resource";
const ENUM_SUFFIX: &str = "Enum";
const MODULE_SUFFIX: &str = "_resource";

/// Settles the Rust names that depend on the whole spec, in `type_name` and `module`:
/// - a resource's type is its Pascal name, unless that, its `Input` or its `Patch` is a
///   reserved type, or the Pascal name is another resource's `Input` or `Patch`: then
///   `{Pascal}Resource` (`page` → `PageResource`, `PageResourceInput`...);
/// - an enum field's type is `{ResourceType}{Field}`, unless that is reserved or one of
///   the resource types above: then `{ResourceType}{Field}Enum`;
/// - a resource's module is its plural, unless that is a keyword or in
///   [`crate::names::RESERVED_MODULES`]: then `{plural}_resource`.
///
/// Names still equal after this are refused by validation ([`collisions`]).
pub fn settle(resources: &mut [Resource]) {
    let derived: BTreeSet<String> = resources
        .iter()
        .flat_map(|r| resource_types(&r.names.pascal).into_iter().skip(1))
        .collect();
    for r in resources.iter_mut() {
        let pascal = &r.names.pascal;
        let taken = resource_types(pascal)
            .iter()
            .any(|t| RESERVED_TYPES.contains(&t.as_str()))
            || derived.contains(pascal);
        r.names.type_name = if taken {
            format!("{pascal}{TYPE_SUFFIX}")
        } else {
            pascal.clone()
        };
        let plural = &r.names.plural_snake;
        r.names.module = if reserved_module(plural).is_some() {
            format!("{plural}{MODULE_SUFFIX}")
        } else {
            plural.clone()
        };
    }
    let types: BTreeSet<String> = resources
        .iter()
        .flat_map(|r| resource_types(&r.names.type_name))
        .collect();
    for r in resources.iter_mut() {
        for f in &mut r.fields {
            // A field whose Rust type is its own (an enum's) is named after it.
            if f.ty.props().rust.is_none() {
                let natural = format!("{}{}", r.names.type_name, f.names.pascal);
                f.names.type_name =
                    if RESERVED_TYPES.contains(&natural.as_str()) || types.contains(&natural) {
                        format!("{natural}{ENUM_SUFFIX}")
                    } else {
                        natural
                    };
            }
        }
    }
}

/// Two resources whose settled Rust names are still equal: the later one, the earlier
/// one, and the name (a type, or a module when `module`).
#[derive(Debug, PartialEq, Eq)]
pub struct Collision {
    pub resource: String,
    pub other: String,
    pub name: String,
    pub module: bool,
}

/// Rust names that [`settle`] could not keep apart: types (a resource's, its `Input` and
/// `Patch`, its enums') and modules, across resources. `v_2` and `v2` are both `V2`.
/// One collision per pair of resources.
pub fn collisions(resources: &[Resource]) -> Vec<Collision> {
    // Each name (and whether it is a module) with the first resource that gives it.
    let mut seen: BTreeMap<(String, bool), &str> = BTreeMap::new();
    let mut out: Vec<Collision> = Vec::new();
    for r in resources {
        let mut own: Vec<(String, bool)> = resource_types(&r.names.type_name)
            .into_iter()
            .map(|t| (t, false))
            .collect();
        own.extend(
            r.fields
                .iter()
                .filter(|f| f.ty.props().rust.is_none())
                .map(|f| (f.names.type_name.clone(), false)),
        );
        own.push((r.names.module.clone(), true));
        for (name, module) in own {
            match seen.get(&(name.clone(), module)) {
                Some(other) if *other == r.names.snake => {}
                Some(other) => {
                    let pair = |c: &Collision| c.resource == r.names.snake && c.other == *other;
                    if !out.iter().any(pair) {
                        out.push(Collision {
                            resource: r.names.snake.clone(),
                            other: other.to_string(),
                            name,
                            module,
                        });
                    }
                }
                None => {
                    seen.insert((name, module), &r.names.snake);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    fn spec(source: &str) -> crate::spec::Spec {
        crate::spec::parse("t.toml", source).unwrap_or_else(|r| panic!("{r}"))
    }

    #[test]
    fn clashing_types_and_modules_are_renamed() {
        let s = spec(
            "[resources.page.fields]\nx = { type = \"text\" }\n\
             [resources.string.fields]\nx = { type = \"text\" }\n\
             [resources.order]\nplural = \"logs\"\n\
             [resources.order.fields]\nitem = { type = \"enum\", values = [\"a\"] }\n\
             [resources.order_item.fields]\nx = { type = \"text\" }\n\
             [resources.post_input.fields]\nx = { type = \"text\" }\n\
             [resources.post.fields]\nx = { type = \"text\" }\n",
        );
        let names = |snake: &str| {
            let r = s.resource(snake).unwrap();
            (r.names.type_name.clone(), r.names.module.clone())
        };
        assert_eq!(names("page"), ("PageResource".into(), "pages".into()));
        assert_eq!(names("string"), ("StringResource".into(), "strings".into()));
        assert_eq!(names("order"), ("Order".into(), "logs_resource".into()));
        assert_eq!(
            names("order_item"),
            ("OrderItem".into(), "order_items".into())
        );
        assert_eq!(names("post_input").0, "PostInputResource");
        assert_eq!(names("post").0, "Post");
        let item = &s.resource("order").unwrap().fields[0];
        assert_eq!(item.names.type_name, "OrderItemEnum");
    }
}
