//! Copies of other services' rows (`[replicas.NAME]`): what `src/replicas.rs` keeps, and
//! the queries a relation to one of their rows is checked with.

use serde::Serialize;

use crate::names::Names;
use crate::spec::{Replica, Spec};
use crate::sql::ReplicaSql;

#[derive(Debug, Serialize)]
pub struct ReplicaContext {
    /// The other service's resource (`order`): the module here, and its events' prefix.
    pub names: Names,
    /// The service whose rows these are (`orders`).
    pub service: String,
    pub table: String,
    /// The key of the owner's id in the events' `data` (`customerId`), when it is kept.
    pub owner_key: Option<String>,
    pub sql: ReplicaSql,
}

impl ReplicaContext {
    pub(super) fn all(spec: &Spec) -> Vec<Self> {
        spec.replicas.iter().map(Self::new).collect()
    }

    fn new(replica: &Replica) -> Self {
        Self {
            names: replica.names.clone(),
            service: replica.service.clone(),
            table: replica.table(),
            owner_key: replica.owner.as_ref().map(|o| format!("{}Id", o.camel)),
            sql: ReplicaSql::new(replica),
        }
    }
}
