//! PostgreSQL's tenant policies as a project generated before 2026-12-05 has them: they
//! also admitted every tenant's rows under the setting `app.every_tenant`, which that
//! version's erasure and export set. Now those run as the tables' owner and the policies
//! test the tenant alone (`sql::row_level_security` says why), so `update` rewrites them.

use super::diff::Diff;
use crate::sql::tenant_test;

/// The change, as `update` reports it.
const CHANGE: &str = "tenant policies test the tenant alone (postgres)";

/// The way back, for the earlier version's code.
const CHANGE_BACK: &str =
    "tenant policies admit every tenant again under app.every_tenant (postgres)";

/// The setting the earlier policies also admitted.
const EVERY_TENANT: &str = "app.every_tenant";

/// Adds the rewrite to the migration of each dialect (`up`, SQLite's then PostgreSQL's)
/// and the way back to `down`'s. SQLite has no policies: its migration only lists it.
/// PostgreSQL's rewrites every tenant policy of the schema still naming the setting, read
/// from the catalog as the migration runs, so that it holds whatever tables this same
/// migration renames, creates or drops before it (it runs last).
pub(super) fn tenant_alone(up: [&mut Diff; 2], down: [&mut Diff; 2]) {
    let alone = tenant_test();
    let either = format!("{alone} OR current_setting('{EVERY_TENANT}', true) = 'on'");
    let [up_lite, up_pg] = up;
    let [down_lite, down_pg] = down;
    for (diff, change) in [(up_lite, CHANGE), (down_lite, CHANGE_BACK)] {
        diff.changes.push(change.to_owned());
    }
    up_pg.changes.push(CHANGE.to_owned());
    up_pg.policies.push(rewrite("> 0", &alone));
    down_pg.changes.push(CHANGE_BACK.to_owned());
    down_pg.policies.push(rewrite("= 0", &either));
}

/// A block that sets `test` on every tenant policy of the schema whose condition names the
/// setting as `names` says (`> 0` those that do, `= 0` those that do not).
fn rewrite(names: &str, test: &str) -> String {
    format!(
        "DO $$\n\
         DECLARE p record;\n\
         BEGIN\n    \
             FOR p IN SELECT tablename, policyname FROM pg_policies\n        \
                 WHERE schemaname = current_schema()\n          \
                 AND right(policyname, 17) = '_tenant_isolation'\n          \
                 AND position('{EVERY_TENANT}' in qual) {names}\n    \
             LOOP\n        \
                 EXECUTE format('ALTER POLICY %I ON %I USING (%s) WITH CHECK (%s)',\n            \
                     p.policyname, p.tablename, $test${test}$test$, $test${test}$test$);\n    \
             END LOOP;\n\
         END $$;"
    )
}
