//! An account's export across a split (issue 73): each service that holds rows the accounts
//! own answers its part at the same paths as the accounts service (`GET /auth/me/export`,
//! an admin's `GET /users/{id}/export`; `Spec::exports_part`), and the gateway asks every
//! part with the caller's request and answers them as one document. This module says which
//! services those are, and writes the gathered document's schema into the merged OpenAPI
//! document; the generated `src/export.rs` of the gateway does the gathering.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::names::Names;
use crate::spec::{self, Spec};
use crate::split::ServiceSpec;

/// The export's component in a service's document, and the gathered one in the gateway's.
pub const SCHEMA: &str = "Export";

/// What the gateway gathers, where some service besides the accounts' holds a part.
#[derive(Debug, Serialize)]
pub struct Gathered {
    /// The accounts service's `Service` variant: its part comes first and holds the account.
    pub accounts: String,
    /// The other parts' variants, in the split's order.
    pub parts: Vec<String>,
    /// `/v1/auth/me/export`.
    pub mine: String,
    /// The admin's route's path up to the id, and after it: `/v1/users/`, `/export`.
    pub of_account: (String, String),
}

impl Gathered {
    /// The gathering of `services`' parts: `None` unless the accounts are one of them and
    /// another holds a part (the accounts service's export is then already the whole).
    pub fn new(spec: &Spec, services: &[ServiceSpec]) -> Option<Self> {
        let accounts = spec.accounts_service()?;
        let parts: Vec<String> = services
            .iter()
            .filter(|s| s.spec.exports_part())
            .map(|s| s.name.to_upper_camel_case())
            .collect();
        if parts.is_empty() {
            return None;
        }
        let prefix = &spec.project.api_prefix;
        let accounts_segment = Names::new(spec::ACCOUNT, None).plural_kebab;
        Some(Self {
            accounts: accounts.name.to_upper_camel_case(),
            parts,
            mine: format!("{prefix}/auth/me/export"),
            of_account: (format!("{prefix}/{accounts_segment}/"), "/export".into()),
        })
    }

    /// Whether `path` (a document's key, `{id}` and all) is one of the gathered routes.
    pub fn gathers(&self, path: &str) -> bool {
        let (before, after) = &self.of_account;
        path == self.mine
            || path
                .strip_prefix(before.as_str())
                .and_then(|rest| rest.strip_suffix(after.as_str()))
                .is_some_and(|id| !id.is_empty() && !id.contains('/'))
    }

    /// Whether `service` (a name of the split) answers a part but not the whole: its own
    /// export routes are not in the gateway's document, which has the gathered ones.
    pub fn is_part(&self, service: &str) -> bool {
        self.parts.contains(&service.to_upper_camel_case())
    }
}

/// The key a service's `Export` is kept under in the gateway's document before the gathered
/// one takes its name: `OrdersExport`.
pub fn part_key(service: &str) -> String {
    format!("{}{SCHEMA}", service.to_upper_camel_case())
}

/// Renames `doc`'s `Export` (and every reference to it) after `service`, so that the parts'
/// schemas, which differ, keep apart through the merge.
pub fn rename_in(service: &str, doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let Some(export) = schemas.remove(SCHEMA) else {
        return;
    };
    schemas.insert(part_key(service), export);
    let renames = BTreeMap::from([(
        format!("#/components/schemas/{SCHEMA}"),
        format!("#/components/schemas/{}", part_key(service)),
    )]);
    super::refs::rewrite_refs(doc, &renames);
}

/// Puts the gathered document's schema in `schemas` as `Export`, in place of every part's,
/// and points `paths` at it (the inline exports and a prepared export's document, which the
/// gateway answers gathered too): the accounts service's part (its `account`, its rows)
/// with every other part's `resources` and `links` beside its own, and the split's name as
/// its `service`.
pub fn gather_schema(
    gathered: &Gathered,
    split: &str,
    services: &[String],
    paths: &mut Map<String, Value>,
    schemas: &mut Map<String, Value>,
) {
    let Some(accounts) = services
        .iter()
        .find(|s| s.to_upper_camel_case() == gathered.accounts)
    else {
        return;
    };
    let accounts_key = format!("#/components/schemas/{}", part_key(accounts));
    let Some(mut whole) = schemas.remove(&part_key(accounts)) else {
        return;
    };
    for part in services.iter().filter(|s| gathered.is_part(s)) {
        let Some(schema) = schemas.remove(&part_key(part)) else {
            continue;
        };
        for key in ["resources", "links"] {
            let from = &schema["properties"][key];
            let into = &mut whole["properties"][key];
            if let (Some(from), Some(into)) = (
                from["properties"].as_object(),
                into["properties"].as_object_mut(),
            ) {
                into.extend(from.clone());
            }
            if let (Some(from), Some(into)) =
                (from["required"].as_array(), into["required"].as_array_mut())
            {
                into.extend(from.iter().cloned());
            }
        }
    }
    whole["properties"]["service"] = json!({
        "type": "string",
        "enum": [split],
        "description": "The split whose services hold these rows: the gateway gathered every service's part."
    });
    whole["description"] = json!(format!(
        "Everything the services of {split} hold of one account (data portability), gathered by the gateway: the account, every row it owns in any service, directly or through parents, with the fields its owner may read, and their many-to-many links. Each service's own part (`GET /auth/me/export` at that service) has the same form, with its own rows only and, but for the accounts service's, no account."
    ));
    schemas.insert(SCHEMA.into(), whole);
    let renames = BTreeMap::from([(accounts_key, format!("#/components/schemas/{SCHEMA}"))]);
    for item in paths.values_mut() {
        super::refs::rewrite_refs(item, &renames);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{Gathered, gather_schema, rename_in};

    fn gathered() -> Gathered {
        Gathered {
            accounts: "Accounts".into(),
            parts: vec!["Orders".into()],
            mine: "/v1/auth/me/export".into(),
            of_account: ("/v1/users/".into(), "/export".into()),
        }
    }

    /// The two routes, whatever the id; nothing else under them.
    #[test]
    fn the_gathered_routes_are_the_two_export_paths() {
        let gathered = gathered();
        for path in [
            "/v1/auth/me/export",
            "/v1/users/{id}/export",
            "/v1/users/42/export",
        ] {
            assert!(gathered.gathers(path), "{path}");
        }
        for path in [
            "/v1/auth/me",
            "/v1/auth/me/exports",
            "/v1/users//export",
            "/v1/users/a/b/export",
            "/v1/users/{id}/exports",
            "/v1/auth/exports/{id}/document",
        ] {
            assert!(!gathered.gathers(path), "{path}");
        }
        assert!(gathered.is_part("orders") && !gathered.is_part("accounts"));
    }

    fn export(account: bool, rows: &str) -> Value {
        let mut properties = json!({
            "service": {"type": "string"},
            "resources": {"type": "object", "properties": {rows: {"type": "array"}}, "required": [rows]},
            "links": {"type": "object", "properties": {}, "required": []}
        });
        if account {
            properties["account"] = json!({"$ref": "#/components/schemas/User"});
        }
        json!({"type": "object", "properties": properties})
    }

    /// The accounts service's document with the other parts' rows beside its own, under
    /// `Export`, which the gathered routes and a prepared export's document name; the parts'
    /// own schemas gone.
    #[test]
    fn the_gathered_schema_holds_every_part() {
        let mut accounts = json!({
            "paths": {
                "/v1/auth/me/export": {"get": {"$ref": "#/components/schemas/Export"}},
                "/v1/auth/exports/{id}/document": {"get": {"$ref": "#/components/schemas/Export"}}
            },
            "components": {"schemas": {"Export": export(true, "notes")}}
        });
        let mut orders = json!({"components": {"schemas": {"Export": export(false, "orders")}}});
        rename_in("accounts", &mut accounts);
        rename_in("orders", &mut orders);
        let document_ref = &accounts["paths"]["/v1/auth/exports/{id}/document"]["get"]["$ref"];
        assert_eq!(*document_ref, "#/components/schemas/AccountsExport");
        let mut schemas: Map<String, Value> = Map::new();
        for doc in [&accounts, &orders] {
            schemas.extend(doc["components"]["schemas"].as_object().unwrap().clone());
        }
        let mut paths = accounts["paths"].as_object().unwrap().clone();
        let services = ["accounts".to_owned(), "orders".to_owned()];
        gather_schema(&gathered(), "shop", &services, &mut paths, &mut schemas);
        assert_eq!(schemas.keys().collect::<Vec<_>>(), ["Export"]);
        let whole = &schemas["Export"];
        assert_eq!(
            whole["properties"]["resources"]["required"],
            json!(["notes", "orders"])
        );
        assert!(whole["properties"]["resources"]["properties"]["orders"].is_object());
        assert_eq!(whole["properties"]["service"]["enum"], json!(["shop"]));
        assert!(whole["properties"]["account"].is_object());
        let mine = &paths["/v1/auth/me/export"]["get"]["$ref"];
        assert_eq!(*mine, "#/components/schemas/Export");
        let prepared = &paths["/v1/auth/exports/{id}/document"]["get"]["$ref"];
        assert_eq!(*prepared, "#/components/schemas/Export");
    }
}
