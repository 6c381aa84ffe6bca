//! Rows of other services that fields here hold the ids of (a uuid field's `references`):
//! what `src/remote.rs` calls, and what each resource's service checks before a write.

use serde::Serialize;

use crate::names::Names;
use crate::spec::{FieldWrite, Reference, Resource, Spec};

/// The first field of a resource that holds another service's id and that bodies write,
/// for the generated tests of the check (`tests/api/RESOURCE.rs`).
#[derive(Debug, Serialize)]
pub struct RemoteExample {
    /// Its JSON key, and the Rust identifier of the field.
    pub key: String,
    pub field: String,
    /// The owning service's name as a Rust identifier (`my_shop`), for the tests' names.
    pub service: String,
    /// Its name as the spec says it (`my-shop`): the metrics' and spans' label.
    pub name: String,
    /// Whether an update may change it (else it is set once, on create).
    pub changeable: bool,
}

impl RemoteExample {
    pub(super) fn of(r: &Resource) -> Option<Self> {
        r.fields.iter().find_map(|f| {
            let reference = f.references.as_ref()?;
            (f.access.write != FieldWrite::None).then(|| Self {
                key: f.names.camel.clone(),
                field: f.names.snake.clone(),
                service: reference.service.replace('-', "_"),
                name: reference.service.clone(),
                changeable: matches!(f.access.write, FieldWrite::Row | FieldWrite::Rules(_)),
            })
        })
    }
}

/// Another service some field refers to, for `src/remote.rs` and the config.
#[derive(Debug, Serialize)]
pub struct RemoteServiceContext {
    /// Its crate name (`warehouse`): the spec's name for it.
    pub name: String,
    /// Its variant of the generated `remote::Service` (`Warehouse`).
    pub variant: String,
    /// The variable that says where it is (`SERVICE_URL_WAREHOUSE`).
    pub variable: String,
    /// Its name in Kubernetes manifests: its Service's and its pods' (`deploy/kubernetes/`).
    pub kube: crate::kubernetes::KubeName,
}

impl RemoteServiceContext {
    pub(super) fn all(spec: &Spec) -> Vec<Self> {
        spec.referenced_services()
            .into_iter()
            .map(|name| Self {
                name: name.to_owned(),
                variant: variant(name),
                variable: Reference::url_variable(name),
                kube: crate::kubernetes::KubeName::of(name),
            })
            .collect()
    }
}

/// A field of a resource that holds another service's id.
#[derive(Debug, Serialize)]
pub struct RemoteRefContext {
    /// The field as a Rust identifier, on the input and the row.
    pub field: String,
    /// Its JSON key: the error detail's `field`.
    pub json: String,
    pub required: bool,
    /// The owning service's variant of `remote::Service`, and its name.
    pub variant: String,
    pub service: String,
    /// The variable that says where that service is.
    pub variable: String,
    /// The resource's path there, after the API prefix (`/shipments`).
    pub path: String,
    /// The resource in words (`shipment`), for the refusal's message.
    pub words: String,
}

impl RemoteRefContext {
    pub(super) fn of(r: &Resource) -> Vec<Self> {
        r.fields
            .iter()
            .filter_map(|f| {
                let reference = f.references.as_ref()?;
                let resource = Names::new(&reference.resource, None);
                Some(Self {
                    field: f.names.ident.clone(),
                    json: f.names.camel.clone(),
                    required: f.required,
                    variant: variant(&reference.service),
                    service: reference.service.clone(),
                    variable: Reference::url_variable(&reference.service),
                    path: format!("/{}", resource.plural_kebab),
                    words: resource.words,
                })
            })
            .collect()
    }
}

/// A service's crate name as a Rust variant (`my-shop`: `MyShop`).
pub(super) fn variant(service: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(service)
}
