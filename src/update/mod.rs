//! `backend-gen update`: a project follows its changed spec without losing
//! the team's edits.
//!
//! A generated project remembers its generation in `.backend-gen/` (see
//! `remember`): the spec it was generated from, the generator's version, and
//! each generator-owned file as it was written (the merge base). `update`
//! renders the new spec and, file by file, takes the generator's new version
//! where the team did not edit the file, keeps the team's where the generator
//! did not change it, and merges the two (diffy's three-way merge) where both
//! did, leaving git-style conflict markers where their edits overlap. The
//! schema change becomes one new migration per dialect (`migrate`); migrations
//! already in the project are never touched.
//!
//! This file is the command's flow; `state.rs` owns what `.backend-gen/` holds,
//! `merge.rs` one file's fate, `backfill.rs` the values for rows already there.

mod backfill;
mod list_upgrade;
mod merge;
mod state;

pub(crate) use backfill::default_value;
pub use merge::{Fate, merge};
pub use state::remember;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use backfill::backfills;
use list_upgrade::{keep_list_permissions, kept_report};
use merge::{decide, has_conflict_markers};
use state::{
    APPLIED_SPEC, BASE, STATE, admin_lists_indexed, audit_tenant_kept, base_paths, emails_folded,
    event_tenant_kept, history, lists_indexed, name_in, owner_lists_indexed, read,
    sealed_before_in, tables_before_jobs, tables_in, tenant_list_columns, tenant_policies_alone,
    trace_context_kept,
};

use crate::console::count;
use crate::error::{Error, Result};
use crate::output::Owner;
use crate::pipeline::History;
use crate::project_files::{SPEC_FILE, STATE_DIR};
use crate::spec::{self, Spec};

/// The way out of a spec change `update` writes no migration for; `add` says its own.
pub const WRITE_IT_YOURSELF: &str = "Change the spec in smaller steps, or write the migration \
     yourself under migrations/sqlite/ and migrations/postgres/ and run update with \
     --no-migration.";

/// Rewritten by cargo, so never merged: see `update_to`.
const CARGO_LOCK: &str = "Cargo.lock";

#[derive(Debug, Clone, clap::Args)]
pub struct UpdateArgs {
    /// The project to update; its spec is DIR/backend-gen.toml.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Print the migration and each file's fate, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write a migration that drops tables or columns (their data is lost).
    #[arg(long)]
    pub allow_destructive: bool,
    /// Write no migration: you write this change's migration yourself.
    #[arg(long)]
    pub no_migration: bool,
    /// A value for the rows already in a table, where a field becomes required or
    /// is added required without a default: `note.priority=3` (repeatable). It is
    /// checked like a `default` and used once, in this migration.
    #[arg(long, value_name = "RESOURCE.FIELD=VALUE")]
    pub backfill: Vec<String>,
    /// Template overrides [default: DIR/.backend-gen/templates, when it exists].
    #[arg(long, value_name = "FOLDER")]
    pub templates: Option<PathBuf>,
    /// Start remembering a project generated before `update` existed: its
    /// current spec and a fresh rendering of it become the merge base.
    #[arg(long)]
    pub adopt: bool,
}

/// Runs `update`.
pub fn update(args: &UpdateArgs) -> Result<()> {
    let (spec, source) = crate::pipeline::load_spec(&args.dir.join(SPEC_FILE))?;
    if !spec.services.is_empty() {
        return update_split(args, &spec, &source);
    }
    if args.adopt {
        return adopt(args, &spec, &source);
    }
    update_to(args, &spec, &source, false)
}

/// `update` at the top of a split spec (`[services.NAME]`): each service's folder updated
/// to its part of the spec, one after the other, and a service new to the split generated.
/// Moving a resource from one service to another, or removing a service, is refused before
/// anything is written: its rows would have to move between databases.
fn update_split(args: &UpdateArgs, spec: &Spec, source: &str) -> Result<()> {
    if args.adopt {
        return Err(Error::Usage(
            "--adopt is for one service: run it in the service's folder".into(),
        ));
    }
    let services = crate::split::project(spec, source)?;
    // Which service held each resource, by the spec each service's folder last applied.
    let mut held: BTreeMap<String, String> = BTreeMap::new();
    let mut existing: BTreeSet<String> = BTreeSet::new();
    let entries = fs::read_dir(&args.dir).map_err(|e| Error::io(&args.dir, e))?;
    for entry in entries.flatten() {
        let dir = entry.path();
        let Some(applied) = read(&dir, APPLIED_SPEC) else {
            continue;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let old = spec::parse_applied(APPLIED_SPEC, &applied).map_err(Error::InvalidSpec)?;
        for r in &old.resources {
            held.insert(r.names.snake.clone(), name.clone());
        }
        existing.insert(name);
    }
    let mut refused = Vec::new();
    for service in &services {
        for r in &service.spec.resources {
            if let Some(was) = held.get(&r.names.snake).filter(|was| **was != service.name) {
                refused.push(format!(
                    "`{}` moves from the service {was} to {}",
                    r.names.snake, service.name
                ));
            }
        }
    }
    for name in &existing {
        if !services.iter().any(|s| s.name == *name) {
            refused.push(format!("the service {name} is no longer in the split"));
        }
    }
    if !refused.is_empty() {
        return Err(Error::Usage(format!(
            "this change to the split is refused for now, since rows would have to move between \
             databases:\n  - {}\nPut the spec back as it was for these; nothing was written.",
            refused.join("\n  - ")
        )));
    }
    for service in &services {
        let dir = args.dir.join(&service.name);
        crate::console::status(&format!("Service {}:\n", service.name));
        if existing.contains(&service.name) {
            let member = UpdateArgs {
                dir,
                ..args.clone()
            };
            update_to(&member, &service.spec, &service.source, true)?;
        } else {
            add_service(args, service, &dir)?;
        }
    }
    if !args.dry_run {
        let title = spec
            .project
            .name
            .clone()
            .unwrap_or_else(|| crate::split::top_name(&args.dir));
        let mut writes = vec![
            (
                "README.md".to_string(),
                crate::split::readme(&title, spec, &services),
            ),
            (
                crate::split_deploy::RUN_ALL.to_string(),
                crate::split_deploy::run_all(spec, &services),
            ),
            (
                "docker-compose.yml".to_string(),
                crate::split_deploy::compose(spec, &services),
            ),
        ];
        writes.extend(crate::split_deploy::workspace_files(spec, &services)?);
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        writes.extend(crate::split_kubernetes::overlays(&title, &names));
        // The gateway follows the services: their routes and documents as updated just now.
        let documents: Vec<(String, String)> = services
            .iter()
            .filter_map(|s| {
                let path = args.dir.join(&s.name).join(crate::openapi::FILE);
                Some((s.name.clone(), fs::read_to_string(path).ok()?))
            })
            .collect();
        let gateway = crate::gateway::generate(&title, spec, &services, &documents)?;
        writes.extend(gateway.iter().map(|(path, file)| {
            (
                format!("{}/{path}", crate::gateway::FOLDER),
                file.contents.clone(),
            )
        }));
        let removals: Vec<String> = crate::split_deploy::BEFORE_THE_WORKSPACE
            .iter()
            .map(|path| (*path).to_owned())
            .collect();
        crate::output::apply(&args.dir, &writes, &removals)?;
        // `.cargo/` of a split from before the workspace, empty now (best effort: a team's
        // own file there keeps it).
        let _ = fs::remove_dir(args.dir.join(".cargo"));
    } else {
        say(
            "At the top: README.md, run-all, docker-compose.yml, the workspace's Cargo.toml, \
             Cargo.lock, Dockerfile and CI workflow, the Kubernetes overlays, and gateway/ are \
             written again from the spec.\n",
        );
    }
    Ok(())
}

/// A service new to the split, generated into its folder as `new` would.
fn add_service(args: &UpdateArgs, service: &crate::split::ServiceSpec, dir: &Path) -> Result<()> {
    crate::output::refuse_a_generated_project(dir)?;
    let templates = args
        .templates
        .clone()
        .unwrap_or_else(|| dir.join(crate::project_files::TEMPLATES_DIR));
    let overrides = crate::render::Overrides::load(&templates)?;
    let mut files = crate::pipeline::generate(
        &service.name,
        &service.spec,
        &service.source,
        &overrides,
        History::NEW,
    )?;
    remember(
        &mut files,
        &service.name,
        &service.spec,
        &service.source,
        History::NEW,
    );
    if args.dry_run {
        print!("{}", files.tree());
        return Ok(());
    }
    let bar = crate::output::progress_bar();
    let summary = files.write(dir, false, &bar)?;
    bar.finish_and_clear();
    crate::console::status(&format!(
        "Generated the new service {} in {} ({}).\n",
        service.name,
        dir.display(),
        count(summary.written, "file", "files")
    ));
    Ok(())
}

/// Updates the project to `spec` (whose text is `source`); with `write_spec`, the
/// spec file is written with the rest (`add` edits the spec in memory first).
pub fn update_to(args: &UpdateArgs, spec: &Spec, source: &str, write_spec: bool) -> Result<()> {
    let dir = &args.dir;
    // A project from before lists were limited to the spec's permissions keeps its own.
    if let Some(state) = read(dir, STATE)
        && !lists_indexed(&state)
        && let Some((text, kept)) = keep_list_permissions(source)
    {
        let spec = spec::parse(SPEC_FILE, &text).map_err(Error::InvalidSpec)?;
        crate::console::status(&kept_report(&kept));
        return update_to(args, &spec, &text, true);
    }
    let state = read(dir, STATE).ok_or_else(|| {
        Error::Usage(format!(
            "{} has no {STATE}: it was generated before `backend-gen update` existed, or is \
             not a generated project. Put back the spec it was generated from, run \
             `backend-gen update --adopt {1}`, then change the spec and run `backend-gen update {1}`",
            dir.display(),
            crate::console::shell_quote(&dir.to_string_lossy())
        ))
    })?;
    let name = name_in(&state, None).ok_or_else(|| {
        Error::Usage(format!(
            "{} names no crate (`name = \"...\"`)",
            dir.join(STATE).display()
        ))
    })?;
    let old_source = read(dir, APPLIED_SPEC).ok_or_else(|| {
        Error::Usage(format!(
            "{} is missing: without the spec the project was generated from, update cannot \
             tell what changed. Restore it from version control",
            dir.join(APPLIED_SPEC).display()
        ))
    })?;
    let mut old = spec::parse_applied(APPLIED_SPEC, &old_source).map_err(Error::InvalidSpec)?;
    // Fields that were personal may hold sealed values however many versions ago they were.
    let mut marked = spec.clone();
    crate::migrate::mark_sealed_before(&mut old, &sealed_before_in(&state), &mut marked);
    let spec = &marked;
    let old = old;
    let had = crate::migrate::Earlier {
        tables: tables_in(&state).unwrap_or_else(|| tables_before_jobs(&old)),
        emails_folded: emails_folded(&state),
        list_indexes: lists_indexed(&state),
        admin_list_indexes: admin_lists_indexed(&state),
        trace_context: trace_context_kept(&state),
        owner_list_indexes: owner_lists_indexed(&state),
        tenant_policies_alone: tenant_policies_alone(&state),
        tenant_list_columns: tenant_list_columns(&state),
        audit_tenant: audit_tenant_kept(&state),
        event_tenant: event_tenant_kept(&state),
    };
    refuse_unresolved_conflicts(dir)?;

    let mut writes: Vec<(String, String)> = Vec::new();
    if write_spec {
        writes.push((SPEC_FILE.to_string(), source.to_string()));
    }
    let mut report = String::new();
    let mut migration = None;
    if !args.no_migration {
        let backfills = backfills(spec, source, &args.backfill)?;
        let plan = crate::migrate::plan_from(&old, Some(&had), spec, &backfills);
        if !plan.refused.is_empty() {
            return Err(Error::Usage(format!(
                "update cannot write a migration for this spec change:\n{}\n{WRITE_IT_YOURSELF} \
                 Nothing was written.",
                bullets(&plan.refused)
            )));
        }
        if !plan.losses.is_empty() && !args.allow_destructive {
            return Err(Error::Usage(format!(
                "this spec change loses data:\n{}\nBack up the database, then run update with \
                 --allow-destructive to write the migration. Nothing was written.",
                bullets(&plan.losses)
            )));
        }
        if !plan.changes.is_empty() {
            let number = next_migration(dir)?;
            let stem = format!("{number:04}_{}", plan.slug);
            let _ = writeln!(report, "Migration {stem}:\n{}", bullets(&plan.changes));
            if !plan.cautions.is_empty() {
                let _ = writeln!(
                    report,
                    "Before you migrate a database that holds rows:\n{}",
                    bullets(&plan.cautions)
                );
            }
            let postgres = [plan.postgres.as_str()]
                .into_iter()
                .chain(
                    plan.postgres_concurrent
                        .iter()
                        .map(|index| index.up.as_str()),
                )
                .collect::<Vec<_>>()
                .join("\n");
            let _ = writeln!(report, "{}", crate::migrate::rollout::advice(&postgres));
            migration = Some(stem.clone());
            // PostgreSQL's concurrent index changes run outside a transaction, one statement
            // a migration: the numbers after this one's (this one's first, when they are all
            // of PostgreSQL's change).
            let (down_lite, down_pg) = match &plan.down {
                Some((a, b)) => (Some(a.clone()), Some(b.clone())),
                None => (None, None),
            };
            let mut files: Vec<(String, String, Option<String>)> =
                vec![(format!("sqlite/{stem}"), plan.sqlite.clone(), down_lite)];
            let mut next = number;
            if !plan.postgres.is_empty() || plan.postgres_concurrent.is_empty() {
                files.push((format!("postgres/{stem}"), plan.postgres.clone(), down_pg));
                next += 1;
            }
            for index in &plan.postgres_concurrent {
                let slug = index.change.replace(' ', "_");
                let down = plan.down.as_ref().map(|_| index.file(&index.down));
                files.push((
                    format!("postgres/{next:04}_{slug}"),
                    index.file(&index.up),
                    down,
                ));
                next += 1;
            }
            let mut written = Vec::new();
            for (file, up, down) in files {
                match down {
                    Some(down) => {
                        written.push((format!("{file}.up"), up));
                        written.push((format!("{file}.down"), down));
                    }
                    None => written.push((file, up)),
                }
            }
            if plan.down.is_none() {
                let _ = writeln!(
                    report,
                    "This migration cannot be undone:\n{}",
                    bullets(&plan.irreversible)
                );
            }
            for (file, sql) in written {
                let path = format!("migrations/{file}.sql");
                if args.dry_run {
                    let _ = writeln!(report, "--- {path}\n{sql}");
                }
                writes.push((path, sql.clone()));
            }
        }
        if !plan.after.is_empty() {
            let _ = writeln!(
                report,
                "Once the new version serves:\n{}",
                bullets(&plan.after)
            );
        }
    }

    let past = history(&state);
    let mut files = crate::pipeline::generate(&name, spec, source, &overrides(args)?, past)?;
    remember(&mut files, &name, spec, source, past);
    let carried = carried_paths(dir, &crate::carry::moves(&old, spec));
    let (mut fates, mut removals) = (Vec::new(), Vec::new());
    let mut paths: BTreeSet<String> = files.iter().map(|(p, _)| p.clone()).collect();
    paths.extend(base_paths(dir)?);
    for path in &paths {
        let new = files.get(path);
        if path.starts_with(STATE_DIR) {
            match new {
                Some(file) => writes.push((path.clone(), file.contents.clone())),
                None => removals.push(path.clone()),
            }
            continue;
        }
        if path == SPEC_FILE || path.starts_with("migrations/") {
            continue;
        }
        let base_path = format!("{BASE}{path}");
        if new.is_none() && dir.join(&base_path).exists() {
            // No longer generated: nothing to merge against next time.
            removals.push(base_path.clone());
        }
        // A renamed resource's file is read from its old path, with the generated names
        // inside rewritten; a path whose file moved away holds nothing of the team's.
        let (ours, base, from) = match carried.get(path) {
            Some((from, m)) => (
                read(dir, from).map(|text| m.rewrite(&text)),
                read(dir, &format!("{BASE}{from}")).map(|text| m.rewrite(&text)),
                Some(from).filter(|from| *from != path),
            ),
            None if carried.values().any(|(from, _)| from == path) => (None, None, None),
            None => (read(dir, path), read(dir, &base_path), None),
        };
        if let Some(from) = from.filter(|from| dir.join(from).exists()) {
            fates.push((Fate::Moved, format!("{from} -> {path}")));
            removals.push(from.clone());
        }
        if let Some(team) = new.filter(|f| f.owner == Owner::Team) {
            let converted = ours
                .as_deref()
                .and_then(|text| upgraded_rules(spec, path, text));
            let unedited = from.is_none() && ours.is_some() && ours == base;
            if unedited && ours.as_deref() != Some(team.contents.as_str()) {
                // Never edited: the new rendering, as a generated file gets it (a job's
                // handler naming the event of a renamed resource; rules of an older
                // template), rather than the old one kept or with hooks appended.
                fates.push((Fate::Updated, path.clone()));
                writes.push((path.clone(), team.contents.clone()));
            } else if let Some(converted) = converted.as_ref().filter(|_| !unedited) {
                fates.push((Fate::Converted, path.clone()));
                writes.push((path.clone(), converted.clone()));
            }
            match (ours, from) {
                (Some(carried), Some(_)) if converted.is_none() => {
                    writes.push((path.clone(), carried));
                }
                (None, _) => {
                    fates.push((Fate::Added, path.clone()));
                    writes.push((path.clone(), team.contents.clone()));
                }
                _ => {}
            }
            continue;
        }
        // The lock file is pinned data, not text to merge: the generator's pins replace
        // the team's copy (a version moved with `cargo update -p` moves back).
        let ours = if path == CARGO_LOCK && ours.is_some() {
            base.clone().or(ours)
        } else {
            ours
        };
        let Some((fate, text)) = decide(
            base.as_deref(),
            ours.as_deref(),
            new.map(|f| f.contents.as_str()),
        ) else {
            // Nothing to merge, but a carried file (moved, or its names rewritten for a
            // field rename) is not what stands on disk: the rewrite is the new text. Seen
            // when the rewrite alone gives exactly the new rendering, as a field rename's
            // model.rs and repo.rs do; skipping it left them on the old column.
            if let Some(ours) = ours.filter(|ours| read(dir, path).as_ref() != Some(ours)) {
                if from.is_none() {
                    fates.push((Fate::Updated, path.clone()));
                }
                writes.push((path.clone(), ours));
            }
            continue;
        };
        match fate {
            Fate::Removed => removals.push(path.clone()),
            Fate::Kept => {}
            _ => writes.push((path.clone(), text)),
        }
        fates.push((fate, path.clone()));
    }
    // A file moved away and not written again is gone from its old path.
    removals.retain(|path| !writes.iter().any(|(written, _)| written == path));
    removals.sort();
    removals.dedup();
    let outside = outside_the_build(dir, &writes, &removals)?;
    fates.sort();
    for (fate, path) in &fates {
        let _ = writeln!(report, "  {:<8} {path}", fate.word());
    }
    if fates.is_empty() {
        report.push_str("  no file changes\n");
    }
    // A dry run's plan is what the user asked for, even with --quiet.
    if args.dry_run {
        say(&report);
    } else {
        crate::console::status(&report);
    }
    if !outside.is_empty() {
        return Err(Error::OutsideTheBuild(format!(
            "this update would leave {} that no module declares, so your code in \
             them would silently stop running:\n{}\nNothing was written. Then run the update again.",
            count(outside.len(), "Rust file", "Rust files"),
            crate::module_tree::advice(&outside)
        )));
    }
    let conflicts: Vec<String> = fates
        .iter()
        .filter(|(fate, _)| *fate == Fate::Conflict)
        .map(|(_, path)| path.clone())
        .collect();
    if args.dry_run {
        say("(dry run: nothing written)\n");
        // A script that checks the plan must notice what the update would leave to resolve.
        if !conflicts.is_empty() {
            return Err(Error::Conflicts(format!(
                "your edits and the generator's changes would overlap in {}:\n{}\n\
                 The update would write them with conflict markers to resolve.",
                count(conflicts.len(), "file", "files"),
                bullets(&conflicts)
            )));
        }
        return Ok(());
    }
    crate::console::timed("write the changes", || {
        crate::output::apply(dir, &writes, &removals)
    })?;
    remove_empty_folders(dir, &removals);
    let changed = !fates.is_empty() || migration.is_some();
    if !conflicts.is_empty() {
        crate::console::status(&next_steps(dir, migration.as_deref(), &conflicts));
        return Err(Error::Conflicts(format!(
            "your edits and the generator's changes overlap in {}:\n{}\nResolve the \
             <<<<<<< ||||||| ======= >>>>>>> markers (yours, the last generated, the new \
             generated), then build and test.",
            count(conflicts.len(), "file", "files"),
            bullets(&conflicts)
        )));
    }
    let mut said = if crate::console::cd_into(dir).is_empty() {
        format!("Updated the project from {SPEC_FILE}.\n")
    } else {
        format!("Updated {} from its {SPEC_FILE}.\n", dir.display())
    };
    if changed {
        said.push_str(&next_steps(dir, migration.as_deref(), &[]));
    }
    crate::console::status(&said);
    Ok(())
}

/// A team's rules file of the time before services owned the writes, converted; `None` for
/// any other file, or one already converted.
fn upgraded_rules(spec: &Spec, path: &str, text: &str) -> Option<String> {
    let module = crate::rules_upgrade::rules_module(path)?;
    let resource = spec.resources.iter().find(|r| r.names.module == module)?;
    crate::rules_upgrade::convert(text, module, &resource.names.type_name)
}

/// `--adopt`: remember the current spec and its rendering as the merge base,
/// and change nothing else.
fn adopt(args: &UpdateArgs, spec: &Spec, source: &str) -> Result<()> {
    let dir = &args.dir;
    if read(dir, STATE).is_some() {
        return Err(Error::Usage(format!(
            "{} already has {STATE}; run `backend-gen update` without --adopt",
            dir.display()
        )));
    }
    let manifest = dir.join("Cargo.toml");
    let name = read(dir, "Cargo.toml")
        .and_then(|text| name_in(&text, Some("package")))
        .ok_or_else(|| Error::Usage(format!("{} names no package", manifest.display())))?;
    // Generated before `update` existed, so before the default string bound too.
    let past = History {
        string_reads_bounded: false,
    };
    let mut files = crate::pipeline::generate(&name, spec, source, &overrides(args)?, past)?;
    remember(&mut files, &name, spec, source, past);
    let writes: Vec<(String, String)> = files
        .iter()
        .filter(|(path, _)| path.starts_with(STATE_DIR))
        .map(|(path, file)| (path.clone(), file.contents.clone()))
        .collect();
    crate::output::apply(dir, &writes, &[])?;
    crate::console::status(&format!(
        "Adopted {}: {STATE_DIR}/ now remembers its spec. Change {SPEC_FILE}, then run `{}`.\n",
        dir.display(),
        update_command(dir)
    ));
    Ok(())
}

/// For each path a renamed resource's file moves to (or, for a field rename, stays
/// at), the path to read the team's copy and the base from, and the rename to rewrite
/// them with. A file is carried only where nothing stands at its new path yet: a file
/// already there is merged as it is, and the old one is then no longer generated (kept
/// when edited, and so refused as outside the build).
fn carried_paths(
    dir: &Path,
    moves: &[crate::carry::Move],
) -> BTreeMap<String, (String, crate::carry::Move)> {
    let mut out = BTreeMap::new();
    for m in moves {
        let from = crate::render::resource_paths(&m.from_module);
        let to = crate::render::resource_paths(&m.to_module);
        for (from, to) in from.into_iter().zip(to) {
            if from == to || !dir.join(&to).exists() {
                out.insert(to, (from, m.clone()));
            }
        }
    }
    out
}

/// The Rust files under `src/` and `tests/` that no module would declare once `writes`
/// and `removals` are applied.
fn outside_the_build(
    dir: &Path,
    writes: &[(String, String)],
    removals: &[String],
) -> Result<Vec<String>> {
    let mut tree = crate::module_tree::read_project(dir)?;
    for path in removals {
        tree.remove(path);
    }
    for (path, text) in writes {
        if (path.starts_with("src/") || path.starts_with("tests/")) && path.ends_with(".rs") {
            tree.insert(path.clone(), text.clone());
        }
    }
    Ok(crate::module_tree::orphans(&tree))
}

/// Folders emptied by the removals (a renamed resource's old folder) go too.
fn remove_empty_folders(dir: &Path, removals: &[String]) {
    for path in removals {
        let mut folder = Path::new(path).parent();
        while let Some(at) = folder.filter(|at| !at.as_os_str().is_empty()) {
            if fs::remove_dir(dir.join(at)).is_err() {
                break;
            }
            folder = at.parent();
        }
    }
}

/// Refuses to update while a generator-owned file still holds the conflict markers an
/// earlier update wrote, as git refuses to merge with unmerged files: merged again, the
/// markers would be taken for the team's text (and nested), and the remembered base would
/// move on as if the conflict were resolved.
pub(crate) fn refuse_unresolved_conflicts(dir: &Path) -> Result<()> {
    let mut marked: Vec<String> = base_paths(dir)?
        .into_iter()
        .filter(|path| read(dir, path).is_some_and(|text| has_conflict_markers(&text)))
        .collect();
    if marked.is_empty() {
        return Ok(());
    }
    marked.sort();
    Err(Error::Usage(format!(
        "{} still {} the conflict markers of an earlier update:\n{}\nResolve each \
         <<<<<<< ||||||| ======= >>>>>>> block (keep what the file should say, delete the \
         marker lines), then run the command again. Nothing was written.",
        count(marked.len(), "file", "files"),
        if marked.len() == 1 { "holds" } else { "hold" },
        bullets(&marked)
    )))
}

/// The template overrides the project renders with: `--templates`, or its own.
fn overrides(args: &UpdateArgs) -> Result<crate::render::Overrides> {
    let dir = args
        .templates
        .clone()
        .unwrap_or_else(|| args.dir.join(crate::project_files::TEMPLATES_DIR));
    crate::render::Overrides::load(&dir)
}

/// The number after the highest migration in either dialect, the team's own included.
fn next_migration(dir: &Path) -> Result<u32> {
    let mut highest = 0;
    for dialect in ["sqlite", "postgres"] {
        let folder = dir.join("migrations").join(dialect);
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let name = entry.map_err(|e| Error::io(&folder, e))?.file_name();
            let digits: String = name
                .to_string_lossy()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            highest = highest.max(digits.parse().unwrap_or(0));
        }
    }
    Ok(highest + 1)
}

/// What to do after an update that wrote `migration` (its stem) and left `conflicts`.
fn next_steps(dir: &Path, migration: Option<&str>, conflicts: &[String]) -> String {
    let mut out = String::from("\nNext:\n");
    if !conflicts.is_empty() {
        let _ = writeln!(
            out,
            "  # resolve the conflict markers in {} (listed below), then:",
            conflicts.join(", ")
        );
    }
    out.push_str(&crate::console::cd_into(dir));
    let mut commands = Vec::new();
    if let Some(stem) = migration {
        commands.push((
            "cargo run -- migrate".to_string(),
            format!("apply migration {stem} to the database"),
        ));
    }
    commands.push((
        "cargo test".to_string(),
        "build, and run the project's tests".to_string(),
    ));
    out.push_str(&crate::console::commands(&commands));
    out
}

/// `backend-gen update` for the project at `dir`, as the user can type it where they are.
fn update_command(dir: &Path) -> String {
    if crate::console::cd_into(dir).is_empty() {
        "backend-gen update".to_string()
    } else {
        format!(
            "backend-gen update {}",
            crate::console::shell_quote(&dir.to_string_lossy())
        )
    }
}

/// Prints to stdout; a closed pipe (`update | head`) is no reason to fail once the
/// work is done.
fn say(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().write_all(text.as_bytes());
}

fn bullets(lines: &[String]) -> String {
    lines
        .iter()
        .map(|line| format!("  - {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests;
