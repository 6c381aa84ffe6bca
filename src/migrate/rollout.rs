//! Whether a migration may run while the previous version still serves, as a rolling update
//! runs it (Kubernetes' does: the new pods migrate, then old and new serve side by side on the
//! new schema): an expand step, which the old version works with, or a contract step, which
//! breaks a query or a write of the old version. Read off the PostgreSQL migration, the
//! database several instances share.

/// What in a statement breaks the version that runs before it, and why.
const CONTRACTS: [(&[&str], &str); 6] = [
    (&["DROP TABLE"], "drops a table it reads"),
    (&["DROP COLUMN"], "drops a column it reads"),
    (&["ALTER TABLE", "RENAME TO"], "renames a table it names"),
    (&["RENAME COLUMN"], "renames a column it names"),
    (
        &["ALTER COLUMN", " TYPE "],
        "changes a column's type it reads",
    ),
    (&["SET NOT NULL"], "requires a column its writes leave out"),
];

/// Why `postgres` (a migration's statements) breaks the version before it, one line per
/// kind of statement; empty for an expand step.
pub fn contract_reasons(postgres: &str) -> Vec<&'static str> {
    let mut reasons = Vec::new();
    for statement in postgres.split(';') {
        let text = statement
            .lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase();
        // Indexes, constraints and policies renamed are names no query of the service uses.
        if ["ALTER INDEX", "RENAME CONSTRAINT", "ALTER POLICY"]
            .iter()
            .any(|s| text.contains(s))
        {
            continue;
        }
        for (parts, why) in CONTRACTS {
            if parts.iter().all(|part| text.contains(part)) && !reasons.contains(&why) {
                reasons.push(why);
            }
        }
    }
    reasons
}

/// What `update` says of a migration whose PostgreSQL statements are `postgres`.
pub fn advice(postgres: &str) -> String {
    let reasons = contract_reasons(postgres);
    if reasons.is_empty() {
        "Rollout: an expand step. The running version works on the new schema, so the \
         migration may run before the new version rolls out (the Kubernetes manifests' init \
         container runs it in the first new pod)."
            .to_owned()
    } else {
        format!(
            "Rollout: a contract step. The running version fails on the new schema: the \
             migration {}. Stop the old instances before the new ones migrate (a short \
             downtime), or change the spec in two updates: add the new, roll it out, then \
             remove the old (docs/operations.md, \"Kubernetes\").",
            reasons.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{advice, contract_reasons};

    #[test]
    fn additions_expand_and_removals_renames_and_requirements_contract() {
        let added = "ALTER TABLE \"wards\" ADD COLUMN \"floor\" BIGINT;\n\
                     CREATE TABLE drugs (id UUID PRIMARY KEY);\n\
                     CREATE INDEX CONCURRENTLY wards_floor_idx ON wards (floor);\n\
                     ALTER INDEX wards_pkey RENAME TO units_pkey;\n\
                     ALTER TABLE units RENAME CONSTRAINT wards_fk TO units_fk;";
        assert!(contract_reasons(added).is_empty());
        assert!(advice(added).starts_with("Rollout: an expand step"));
        let renamed =
            "ALTER TABLE wards RENAME TO units;\nALTER TABLE units RENAME COLUMN beds TO capacity;";
        assert_eq!(
            contract_reasons(renamed),
            ["renames a table it names", "renames a column it names"]
        );
        let required = "ALTER TABLE wards ADD COLUMN code TEXT;\n\
                        UPDATE wards SET code = 'A';\n\
                        ALTER TABLE wards ALTER COLUMN code SET NOT NULL;\n\
                        ALTER TABLE wards DROP COLUMN beds;\n\
                        ALTER TABLE wards ALTER COLUMN floor TYPE TEXT;\nDROP TABLE drugs;";
        let reasons = contract_reasons(required);
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        let said = advice(required);
        assert!(
            said.contains("a contract step") && said.contains("drops a table it reads"),
            "{said}"
        );
    }
}
