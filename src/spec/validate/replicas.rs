//! `[replicas.NAME]`: rows of another service kept here by its events (issue 40). Read
//! before the resources' cross-references, which may point at a replica.

use super::identifiers::{NameKind, check_identifier};
use super::keys::REPLICA_KEYS;
use crate::diagnostics::Diagnostic;
use crate::names::Names;
use crate::spec::model::*;
use crate::spec::reader::{At, Sink, Table};

pub(super) fn read_replicas(
    sink: &mut Sink,
    top: &Table<'_, '_>,
    auth: &Auth,
    resources: &[At<String>],
) -> Vec<Replica> {
    let Some(table) = top.table(sink, "replicas", &[]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, value) in table.entries() {
        let path = table.key_path(&name.value);
        check_identifier(sink, &name, &path, NameKind::Resource);
        if resources.iter().any(|r| r.value == name.value) {
            sink.push(
                Diagnostic::new(name.span.clone(), &path, "a resource has this name")
                    .found(format!("{:?}", name.value))
                    .help("a replica is another service's resource; a resource here is a `belongs_to` without one"),
            );
        }
        let Some(t) = Table::from_value(sink, value, &path, REPLICA_KEYS) else {
            continue;
        };
        // A replica with no usable service is still one, so relations to it raise no more
        // errors than this one.
        let service = match t.string(sink, "service") {
            Some(s) if is_service_name(&s.value) => s.value,
            Some(s) => {
                sink.push(
                    Diagnostic::new(s.span, t.key_path("service"), "not a service's name")
                        .found(format!("{:?}", s.value))
                        .allowed(
                            "the crate name of the service that holds the rows, e.g. \"orders\"",
                        ),
                );
                String::new()
            }
            None => {
                sink.push(
                    Diagnostic::new(name.span.clone(), &path, "a replica needs its service")
                        .help("add `service = \"SERVICE\"`: the crate name of the service whose rows these are"),
                );
                String::new()
            }
        };
        let owner = t.string(sink, "owner").map(|o| {
            check_identifier(sink, &o, &t.key_path("owner"), NameKind::Relation);
            if auth.mode == AuthMode::None {
                sink.push(
                    Diagnostic::new(
                        o.span.clone(),
                        t.key_path("owner"),
                        "owners need auth mode \"jwt\"",
                    )
                    .help("set `[auth] mode = \"jwt\"` or remove `owner`"),
                );
            }
            Names::new(&o.value, None)
        });
        out.push(Replica {
            names: Names::new(&name.value, None),
            service,
            owner,
        });
    }
    out
}
