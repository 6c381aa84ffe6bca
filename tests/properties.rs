//! The space of specs, not the sample: random specs (`tests/support/specgen.rs`) through
//! `check` and generation, each checked cheaply. For every spec:
//!
//! - `check` accepts it; a spec that carries a hazard may be refused instead, but only at
//!   the hazard's keys and with a `help` for each error; nothing panics;
//! - generation succeeds and rustfmt formats the Rust;
//! - every Rust file parses (`syn`), defines no name twice in a namespace, shadows no
//!   prelude name and no crate it uses by path, spells no two keys alike in serde and
//!   spells its enums as their `VALUES` say, and holds no character rustc refuses;
//! - routes are unique (method and path, one parameter name per position) and the
//!   OpenAPI document lists exactly them, with no key twice; tables and indexes are
//!   unique per dialect and fit PostgreSQL's 63 bytes;
//! - `Cargo.toml` parses, the crate is not named like a crate it depends on, and a default
//!   feature turns on every optional crate the code names; the spec the project ships is
//!   accepted again;
//! - the OpenAPI document validates (openapi-spec-validator), the SQLite migrations
//!   apply and create exactly their tables, and their down migrations, run newest first,
//!   leave no table behind; all specs through one Python process.
//!
//! `BACKEND_GEN_PROPERTY_CASES` sets the number of specs (200 by default; 5000 for a
//! thorough run), `BACKEND_GEN_PROPERTY_SEED` the first seed. A failure prints its seed
//! and spec; `BACKEND_GEN_PROPERTY_SEED=N BACKEND_GEN_PROPERTY_CASES=1` replays one. All
//! failures are written to `target/properties/failures.txt`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read as _, Write as _};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use backend_gen::format::{self, Layout};
use backend_gen::output::FileSet;
use backend_gen::spec::{self, Spec};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};

#[path = "support/markdown.rs"]
mod markdown;
#[allow(dead_code, reason = "the end-to-end and OpenAPI tests use the rest")]
mod pytools;
mod spec_changes;
mod support;

use support::specgen::{self, GeneratedSpec};
use support::{features, imports, rust_items};

/// Cases in a default run: the size a 2-core CI run affords beside the end-to-end tests
/// (about two minutes in a debug build); `BACKEND_GEN_PROPERTY_CASES=5000` is the thorough
/// run.
const DEFAULT_CASES: u64 = 200;
/// Random inputs for the parser in a default run.
const DEFAULT_FUZZ_CASES: u64 = 1000;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seeds(default: u64) -> std::ops::Range<u64> {
    let first = env_number("BACKEND_GEN_PROPERTY_SEED", 0);
    first..first + env_number("BACKEND_GEN_PROPERTY_CASES", default)
}

/// One property that one spec breaks.
struct Failure {
    seed: u64,
    property: &'static str,
    detail: String,
}

/// Random specs' documents pass Spectral's OpenAPI rules and the OWASP API Security Top 10
/// 2023 ruleset under their project's own `.spectral.yaml` (`BACKEND_GEN_SPECTRAL_CASES`
/// specs, 20 by default: one Spectral run each, about two seconds).
#[test]
fn random_documents_are_clean_under_the_owasp_ruleset() {
    let Some(spectral) = pytools::spectral() else {
        return;
    };
    let first = env_number("BACKEND_GEN_PROPERTY_SEED", 0);
    let mut failures = Vec::new();
    let mut linted = 0;
    for seed in first..first + env_number("BACKEND_GEN_SPECTRAL_CASES", 20) {
        let spec = specgen::random_spec(seed);
        let Ok(parsed) = backend_gen::spec::parse("spec.toml", &spec.toml) else {
            continue;
        };
        let ctx = backend_gen::pipeline::service_context(&spec.name, &parsed, &spec.toml);
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join(backend_gen::openapi::FILE), &ctx.openapi).expect("write");
        let ruleset = backend_gen::openapi::spectral::ruleset(&ctx);
        let ruleset_file = backend_gen::openapi::spectral::FILE;
        std::fs::write(dir.path().join(ruleset_file), ruleset).expect("write");
        linted += 1;
        for finding in pytools::spectral_findings(&spectral, dir.path()) {
            failures.push(format!("seed {seed}: {finding}"));
        }
    }
    assert!(linted > 0, "no random spec was valid");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The Kubernetes manifests of random specs render with kustomize for both overlays,
/// validate against the Kubernetes API's schemas and pass checkov's Kubernetes checks: what the
/// spec turns on (jobs and their worker, NATS, accounts and their mail, files, other services)
/// changes them. `BACKEND_GEN_KUBERNETES_CASES` single-service specs (8 by default) and
/// `BACKEND_GEN_KUBERNETES_SPLITS` split ones (2 by default: every service's base, the
/// gateway's and the overlays at the top), about 20 s: one checkov run.
#[test]
fn random_specs_give_kubernetes_manifests_that_pass_the_checks() {
    let Some(kubernetes) = pytools::Kubernetes::find() else {
        return;
    };
    let root = tempfile::tempdir().expect("a temporary directory");
    let first = env_number("BACKEND_GEN_PROPERTY_SEED", 0);
    let mut wanted = (
        env_number("BACKEND_GEN_KUBERNETES_CASES", 8),
        env_number("BACKEND_GEN_KUBERNETES_SPLITS", 2),
    );
    let (mut manifests, mut failures) = (Vec::new(), Vec::new());
    for seed in first.. {
        if wanted == (0, 0) {
            break;
        }
        let spec = specgen::random_spec(seed);
        let Ok(parsed) = spec::parse("spec.toml", &spec.toml) else {
            continue;
        };
        let project = root.path().join(seed.to_string());
        let files = if parsed.services.is_empty() {
            if wanted.0 == 0 {
                continue;
            }
            wanted.0 -= 1;
            backend_gen::pipeline::render_project(&spec.name, &parsed, &spec.toml)
                .expect("render the project")
        } else {
            if wanted.1 == 0 {
                continue;
            }
            wanted.1 -= 1;
            split_manifests(&spec.name, &parsed, &spec.toml)
        };
        for (path, file) in files
            .iter()
            .filter(|(path, _)| path.contains("deploy/kubernetes/"))
        {
            let target = project.join(path);
            std::fs::create_dir_all(target.parent().expect("a folder")).expect("create");
            std::fs::write(target, &file.contents).expect("write");
        }
        match kubernetes.render(&project, &root.path().join("rendered"), &seed.to_string()) {
            Ok(files) => manifests.extend(files),
            Err(error) => failures.push(format!("seed {seed}: {error}")),
        }
    }
    let version = backend_gen::ci_actions::KUBERNETES_VERSION;
    failures.extend(kubernetes.findings(&manifests, version));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A split's files as `new` writes them, for its manifests: every service's project in its
/// folder, the gateway's, and the overlays at the top.
fn split_manifests(name: &str, parsed: &Spec, source: &str) -> FileSet {
    let services = backend_gen::split::project(parsed, source).expect("the services");
    let mut files = FileSet::default();
    let mut documents = Vec::new();
    for service in &services {
        let project =
            backend_gen::pipeline::render_project(&service.name, &service.spec, &service.source)
                .expect("render a service");
        if let Some(document) = project.get(backend_gen::openapi::FILE) {
            documents.push((service.name.clone(), document.contents.clone()));
        }
        files.nest(&service.name, project);
    }
    let gateway = backend_gen::gateway::generate(name, parsed, &services, &documents)
        .expect("render the gateway");
    files.nest(backend_gen::gateway::FOLDER, gateway);
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    for (path, text) in backend_gen::split_kubernetes::overlays(name, &names) {
        files.insert(path, text, backend_gen::output::Owner::Generator);
    }
    files
}

#[test]
fn every_random_spec_gives_a_sound_project() {
    let started = Instant::now();
    let documents = tempfile::tempdir().expect("a temporary directory");
    let python = PythonChecks::start();
    let failures = Mutex::new(Vec::new());
    let accepted = Mutex::new(Vec::new());
    let refused = AtomicU64::new(0);
    // Accepted specs whose accounts are another service's (`[auth] accounts`).
    let elsewhere = AtomicU64::new(0);
    // And those split into services (`[services.NAME]`).
    let split = AtomicU64::new(0);
    let seeds = seeds(DEFAULT_CASES);
    let next = AtomicU64::new(seeds.start);
    // One worker per core; rustfmt and Python run beside them.
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if seed >= seeds.end {
                        break;
                    }
                    let spec = specgen::random_spec(seed);
                    let dir = documents.path().join(seed.to_string());
                    let mut found = Vec::new();
                    let mut fail = |property, detail| {
                        found.push(Failure {
                            seed,
                            property,
                            detail,
                        })
                    };
                    match check_spec(&spec, &dir, &mut fail) {
                        Outcome::Accepted(tables) => {
                            if spec.toml.contains("\naccounts = ") {
                                elsewhere.fetch_add(1, Ordering::Relaxed);
                            }
                            if spec.toml.contains("\n[services.") {
                                split.fetch_add(1, Ordering::Relaxed);
                            }
                            if let Some(python) = &python {
                                python.submit(&dir);
                            }
                            lock(&accepted).push((seed, tables));
                        }
                        Outcome::Refused => {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                        Outcome::Broken => {}
                    }
                    lock(&failures).append(&mut found);
                }
            });
        }
    });
    let generated = started.elapsed();
    let accepted = accepted.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(python) = python {
        python.finish(&accepted, &mut failures);
    }
    typescript_checks(documents.path(), &mut failures);
    eprintln!(
        "[properties] {} specs ({} accepted, {} of them with another service's accounts, {} split into services; {} refused hazards) on {workers} threads: generated and checked in {generated:.1?}, {:.1?} with Python",
        seeds.end - seeds.start,
        accepted.len(),
        elsewhere.load(Ordering::Relaxed),
        split.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
        started.elapsed()
    );
    // A run of the default size covers every auth mode.
    if seeds.end - seeds.start >= DEFAULT_CASES {
        assert!(
            elsewhere.into_inner() > 0,
            "no random spec took its accounts from another service"
        );
    }
    failures.sort_by(|a, b| (a.seed, a.property, &a.detail).cmp(&(b.seed, b.property, &b.detail)));
    failures.dedup_by(|a, b| (a.seed, a.property, &a.detail) == (b.seed, b.property, &b.detail));
    report(&failures);
}

/// Every accepted project's TypeScript client (under `root/SEED/`) type-checked with the
/// compiler options the project's `tsconfig.json` has (strict), in one run of tsc.
fn typescript_checks(root: &Path, failures: &mut Vec<Failure>) {
    let Some(tsc) = pytools::typescript() else {
        return;
    };
    let template = include_str!("../templates/service/clients/typescript/tsconfig.json");
    let mut config: serde_json::Value = serde_json::from_str(template).expect("the tsconfig");
    config["compilerOptions"]["noEmit"] = serde_json::Value::Bool(true);
    config["include"] =
        serde_json::json!(["**/clients/typescript/src", "**/clients/typescript/test"]);
    std::fs::write(root.join("tsconfig.json"), config.to_string()).expect("write tsconfig");
    let Some(errors) = pytools::typescript_errors(&tsc, root, "tsconfig.json") else {
        return;
    };
    for line in errors.lines().filter(|line| line.contains(": error TS")) {
        let seed = line.split('/').next().and_then(|case| case.parse().ok());
        failures.push(Failure {
            seed: seed.unwrap_or_default(),
            property: "the TypeScript client type-checks (strict)",
            detail: line.to_owned(),
        });
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

enum Outcome {
    /// Generated; the SQLite tables its migrations must create.
    Accepted(BTreeSet<String>),
    /// A hazard refused as the property allows.
    Refused,
    Broken,
}

fn check_spec(
    spec: &GeneratedSpec,
    out: &Path,
    fail: &mut impl FnMut(&'static str, String),
) -> Outcome {
    let parsed = catch_unwind(|| spec::parse("spec.toml", &spec.toml));
    let parsed = match parsed {
        Err(panic) => {
            fail("check does not panic", panic_message(&panic));
            return Outcome::Broken;
        }
        Ok(Err(report)) => {
            return if refusal_is_allowed(spec, &report, fail) {
                Outcome::Refused
            } else {
                Outcome::Broken
            };
        }
        Ok(Ok(parsed)) => parsed,
    };
    if !parsed.services.is_empty() {
        return check_split(spec, &parsed, out, fail);
    }
    check_accepted(spec, &parsed, Some(out), fail)
}

/// A split spec: each service's spec, as `check` and `new` project it, passes every check a
/// spec of one service does (the first service's project goes to the Python checks).
fn check_split(
    spec: &GeneratedSpec,
    parsed: &Spec,
    out: &Path,
    fail: &mut impl FnMut(&'static str, String),
) -> Outcome {
    let services = match catch_unwind(|| backend_gen::split::project(parsed, &spec.toml)) {
        Err(panic) => {
            fail("splitting does not panic", panic_message(&panic));
            return Outcome::Broken;
        }
        Ok(Err(e)) => {
            fail(
                "every accepted split gives valid service specs",
                e.to_string(),
            );
            return Outcome::Broken;
        }
        Ok(Ok(services)) => services,
    };
    let mut first = None;
    for (i, service) in services.iter().enumerate() {
        let one = GeneratedSpec {
            seed: spec.seed,
            name: service.name.clone(),
            toml: service.source.clone(),
            hazards: Vec::new(),
            probe: None,
        };
        let outcome = check_accepted(&one, &service.spec, (i == 0).then_some(out), fail);
        match outcome {
            Outcome::Accepted(tables) if i == 0 => first = Some(tables),
            Outcome::Accepted(_) => {}
            broken => return broken,
        }
    }
    check_gateway(parsed, &services, fail);
    check_workspace(parsed, &services, fail);
    first.map_or(Outcome::Broken, Outcome::Accepted)
}

/// The split's workspace: every service and the gateway a member, and the merged lock one
/// cargo can read: a root package per member, and every dependency naming one package of
/// the lock (by name alone only where the lock has one version of it).
fn check_workspace(
    parsed: &Spec,
    services: &[backend_gen::split::ServiceSpec],
    fail: &mut impl FnMut(&'static str, String),
) {
    let files = match backend_gen::split_deploy::workspace_files(parsed, services) {
        Ok(files) => files,
        Err(e) => return fail("every split's workspace files render", e.to_string()),
    };
    let text = |name: &str| {
        files
            .iter()
            .find(|(path, _)| path == name)
            .map(|(_, text)| text.clone())
            .unwrap_or_default()
    };
    let members: Vec<String> = services
        .iter()
        .map(|s| s.name.clone())
        .chain(["gateway".to_owned()])
        .collect();
    let manifest: toml::Table = text("Cargo.toml").parse().unwrap_or_default();
    let listed: Vec<String> = manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .map(|m| {
            m.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if listed != members {
        fail(
            "a split's workspace has every service and the gateway as members",
            format!("{listed:?}"),
        );
    }
    let lock: toml::Table = match text("Cargo.lock").parse() {
        Ok(lock) => lock,
        Err(e) => return fail("a split's lock is TOML", e.to_string()),
    };
    let packages: Vec<(String, String, Vec<String>)> = lock
        .get("package")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .map(|p| {
            let field = |key: &str| p.get(key).and_then(|v| v.as_str()).unwrap_or("").to_owned();
            let deps = p
                .get("dependencies")
                .and_then(|d| d.as_array())
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str().map(str::to_owned))
                .collect();
            (field("name"), field("version"), deps)
        })
        .collect();
    for member in &members {
        let roots = packages
            .iter()
            .filter(|(n, v, _)| n == member && v == "0.1.0")
            .count();
        if roots != 1 {
            fail(
                "a split's lock holds each member once",
                format!("{member}: {roots}"),
            );
        }
    }
    for (name, version, deps) in &packages {
        for dep in deps {
            let mut words = dep.split(' ');
            let dep_name = words.next().unwrap_or_default();
            let matching = packages
                .iter()
                .filter(|(n, v, _)| n == dep_name && words.clone().next().is_none_or(|w| w == v))
                .count();
            if matching != 1 {
                fail(
                    "every dependency in a split's lock names one package",
                    format!("{name} {version} -> {dep}: {matching} packages"),
                );
            }
        }
    }
}

/// The split's gateway renders, its Rust parses, and each path segment it routes goes to one
/// service (two arms with one pattern would be an unreachable pattern, a lint error).
fn check_gateway(
    parsed: &Spec,
    services: &[backend_gen::split::ServiceSpec],
    fail: &mut impl FnMut(&'static str, String),
) {
    let files = match backend_gen::gateway::generate("split", parsed, services, &[]) {
        Ok(files) => files,
        Err(e) => return fail("every split's gateway renders", e.to_string()),
    };
    for (path, file) in files.iter().filter(|(path, _)| path.ends_with(".rs")) {
        if let Err(e) = syn::parse_file(&file.contents) {
            fail(
                "every split's gateway parses as Rust",
                format!("{path}: {e}"),
            );
        }
    }
    check_modules(
        &files,
        [
            "every Rust file of a gateway is in its module tree",
            "a gateway's modules import one way",
        ],
        fail,
    );
    let ctx = backend_gen::gateway::GatewayContext::new("split", parsed, services, |i| 8081 + i);
    let mut seen = std::collections::BTreeSet::new();
    for upstream in &ctx.upstreams {
        for segment in &upstream.segments {
            if !seen.insert(segment) {
                fail(
                    "a gateway routes each segment to one service",
                    segment.clone(),
                );
            }
        }
    }
}

/// A project's module tree: every Rust file is reached from a crate root (a file no `mod`
/// declares is not compiled: dead to the build, and to a team's edit), and no cycle of
/// imports leaves one resource's folder. `properties` names the two checks.
fn check_modules(
    files: &backend_gen::output::FileSet,
    properties: [&'static str; 2],
    fail: &mut impl FnMut(&'static str, String),
) {
    let sources = files
        .iter()
        .filter(|(p, _)| p.ends_with(".rs") && (p.starts_with("src/") || p.starts_with("tests/")))
        .map(|(p, f)| (p.clone(), f.contents.clone()))
        .collect();
    for path in backend_gen::module_tree::orphans(&sources) {
        fail(properties[0], path);
    }
    for cycle in imports::forbidden_cycles(&sources) {
        fail(properties[1], cycle);
    }
}

/// The checks of an accepted spec of one service; its project is written to `out` for the
/// Python checks, if given.
fn check_accepted(
    spec: &GeneratedSpec,
    parsed: &Spec,
    out: Option<&Path>,
    fail: &mut impl FnMut(&'static str, String),
) -> Outcome {
    let Some(files) = generate(spec, parsed, fail) else {
        return Outcome::Broken;
    };
    check_rust(&files, fail);
    check_manifest(&files, fail);
    check_routes(spec, parsed, &files, fail);
    check_links(&files, fail);
    let tables = check_migrations(&files, fail);
    if let Some(shipped) = files.get("backend-gen.toml")
        && let Err(report) = spec::parse("backend-gen.toml", &shipped.contents)
    {
        fail("the shipped spec is accepted", report.to_string());
    }
    if let Some(out) = out {
        write_for_python(&files, out);
    }
    Outcome::Accepted(tables)
}

/// A refused spec must carry a hazard, and every error must sit at one of its keys and
/// offer help.
fn refusal_is_allowed(
    spec: &GeneratedSpec,
    report: &backend_gen::diagnostics::Report,
    fail: &mut impl FnMut(&'static str, String),
) -> bool {
    if spec.hazards.is_empty() {
        fail("check accepts every valid spec", report.to_string());
        return false;
    }
    let under = |key: &str, prefix: &str| {
        key == prefix
            || key
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('.'))
    };
    let mut allowed = true;
    for d in &report.diagnostics {
        let at_hazard = spec
            .hazards
            .iter()
            .any(|h| h.keys.iter().any(|k| under(&d.key, k)));
        if !at_hazard {
            fail(
                "a refused hazard is refused at its keys only",
                format!("{}: {}", d.key, d.message),
            );
            allowed = false;
        } else if d.help.is_none() {
            fail(
                "every refusal names an alternative (help)",
                format!("{}: {}", d.key, d.message),
            );
            allowed = false;
        }
    }
    allowed
}

/// Renders and formats the project: rustfmt must run and accept every file.
fn generate(
    spec: &GeneratedSpec,
    parsed: &Spec,
    fail: &mut impl FnMut(&'static str, String),
) -> Option<FileSet> {
    let rendered = catch_unwind(|| backend_gen::render_project(&spec.name, parsed, &spec.toml));
    let mut files = match rendered {
        Err(panic) => {
            fail("generation does not panic", panic_message(&panic));
            return None;
        }
        Ok(Err(e)) => {
            fail("every accepted spec generates", e.to_string());
            return None;
        }
        Ok(Ok(files)) => files,
    };
    match format::format_rust(&mut files) {
        Ok(Layout::Rustfmt(_)) => Some(files),
        Ok(Layout::HandLayout { why }) => {
            fail("rustfmt formats the Rust", why);
            None
        }
        Err(e) => {
            fail("rustfmt accepts the generated Rust", e.to_string());
            None
        }
    }
}

/// Characters rustc refuses in source (bidirectional overrides; a bare CR in a doc
/// comment) even where syn and rustfmt take them.
fn refused_character(text: &str) -> Option<char> {
    text.chars()
        .find(|c| matches!(c, '\r' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

fn check_rust(files: &FileSet, fail: &mut impl FnMut(&'static str, String)) {
    let externs = crate_names(files);
    // The library (and binary) under src/, and the test crates under tests/.
    let modules_under = |root: &str| -> BTreeSet<String> {
        files
            .iter()
            .filter(|(p, _)| p.starts_with(root))
            .filter_map(|(p, _)| module_path(p))
            .collect()
    };
    let library = modules_under("src/");
    let tests = modules_under("tests/");
    for (path, file) in files.iter().filter(|(p, _)| p.ends_with(".rs")) {
        let modules = if path.starts_with("tests/") {
            &tests
        } else {
            &library
        };
        let krate = rust_items::Crate {
            externs: &externs,
            modules,
        };
        let module = module_path(path).unwrap_or_else(|| "crate".into());
        if let Some(c) = refused_character(&file.contents) {
            fail(
                "the Rust holds no character rustc refuses",
                format!("{path}: {c:?}"),
            );
        }
        match syn::parse_file(&file.contents) {
            Err(e) => fail("every Rust file parses", format!("{path}: {e}")),
            Ok(ast) => {
                for problem in rust_items::problems(&ast, &krate, &module) {
                    fail(
                        "no two generated items collide",
                        format!("{path}: {problem}"),
                    );
                }
            }
        }
    }
    check_modules(
        files,
        [
            "every Rust file is in the module tree",
            "modules import one way (a cycle only inside one resource's folder)",
        ],
        fail,
    );
}

/// The examples and the test specs import one way: rendered without formatting (the
/// checker reads the syntax), so this runs in seconds and fails before any build.
#[test]
fn the_examples_and_test_specs_import_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![
        root.join("examples/shop.toml"),
        root.join("examples/blog.toml"),
    ];
    let mut specs: Vec<_> = std::fs::read_dir(root.join("tests/specs"))
        .expect("tests/specs")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    specs.sort();
    paths.extend(specs);
    let mut problems = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("a spec");
        let parsed = spec::parse("spec.toml", &text).expect("the spec is valid");
        let files = backend_gen::render_project("service", &parsed, &text).expect("it renders");
        let sources = files
            .iter()
            .filter(|(p, _)| p.starts_with("src/") && p.ends_with(".rs"))
            .map(|(p, f)| (p.clone(), f.contents.clone()))
            .collect();
        for cycle in imports::forbidden_cycles(&sources) {
            problems.push(format!("{}: {cycle}", path.display()));
        }
    }
    assert!(paths.len() > 3, "the test specs are found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The module a file is in its crate: `src/resources/posts/repo.rs` is
/// `crate::resources::posts::repo`, `tests/api/posts.rs` is `crate::posts` (the test crate
/// `tests/api/main.rs` declares it), `tests/common/mod.rs` is `crate::common` (declared by
/// path); a crate's root (`src/lib.rs`, `tests/api/main.rs`, `tests/x.rs`) is `crate`.
fn module_path(path: &str) -> Option<String> {
    let stem = path.strip_suffix(".rs")?;
    let inner = match stem.strip_prefix("tests/") {
        Some(test) => match test.split_once('/') {
            None => "main",
            // Shared by test crates, which declare it by path as `common`.
            Some(("common", _)) => test,
            Some((_, rest)) => rest,
        },
        None => stem.strip_prefix("src/")?,
    };
    let inner = inner.strip_suffix("/mod").unwrap_or(inner);
    if matches!(inner, "lib" | "main") {
        return Some("crate".into());
    }
    Some(format!("crate::{}", inner.replace('/', "::")))
}

/// The crates the generated code may name by path: its dependencies and std's.
fn crate_names(files: &FileSet) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = ["std", "core", "alloc"].map(String::from).into();
    if let Some(manifest) = files.get("Cargo.toml")
        && let Ok(table) = manifest.contents.parse::<toml::Table>()
    {
        // An optional dependency (the spec-specific ones) counts only when a default
        // feature turns it on.
        let features = table.get("features").and_then(|f| f.as_table());
        let enabled: BTreeSet<&str> = features
            .and_then(|f| f.get("default")?.as_array())
            .into_iter()
            .flatten()
            .filter_map(|feature| features?.get(feature.as_str()?)?.as_array())
            .flatten()
            .filter_map(|item| item.as_str()?.strip_prefix("dep:"))
            .collect();
        for section in ["dependencies", "dev-dependencies"] {
            if let Some(deps) = table.get(section).and_then(|d| d.as_table()) {
                names.extend(
                    deps.iter()
                        .filter(|(name, dep)| {
                            let optional = dep.get("optional").and_then(|o| o.as_bool());
                            optional != Some(true) || enabled.contains(name.as_str())
                        })
                        .map(|(name, _)| name.replace('-', "_")),
                );
            }
        }
    }
    names
}

fn check_manifest(files: &FileSet, fail: &mut impl FnMut(&'static str, String)) {
    let Some(manifest) = files.get("Cargo.toml") else {
        fail("Cargo.toml parses", "no Cargo.toml".into());
        return;
    };
    let table = match manifest.contents.parse::<toml::Table>() {
        Ok(table) => table,
        Err(e) => return fail("Cargo.toml parses", e.to_string()),
    };
    let name = table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .replace('-', "_");
    let mut crates = crate_names(files);
    crates.extend(["test", "proc_macro"].map(String::from));
    if crates.contains(&name) {
        fail("the crate is not named like one it uses", name);
    }
    let sources = files
        .iter()
        .map(|(p, f)| (p.clone(), f.contents.clone()))
        .collect();
    match features::crates_without_their_feature(&manifest.contents, &sources) {
        Ok(missing) => missing
            .into_iter()
            .for_each(|m| fail("a default feature turns on each optional crate used", m)),
        Err(e) => fail("a default feature turns on each optional crate used", e),
    }
}

/// Every relative link of the rendered Markdown (the README and `docs/`) names a file of
/// the project and, where it names a section, a heading of that page: the pages a spec's
/// features leave out (no GraphQL, no accounts, no events) are never linked to.
fn check_links(files: &FileSet, fail: &mut impl FnMut(&'static str, String)) {
    let pages: Vec<markdown::Page> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".md"))
        .map(|(path, file)| markdown::Page {
            name: path.clone(),
            path: std::path::PathBuf::from(path),
            text: file.contents.clone(),
        })
        .collect();
    let key = |path: &Path| path.to_string_lossy().into_owned();
    let exists = |path: &Path| {
        let path = key(path);
        let folder = format!("{path}/");
        files.get(&path).is_some() || files.iter().any(|(p, _)| p.starts_with(&folder))
    };
    let text_of = |path: &Path| files.get(&key(path)).map(|file| file.contents.clone());
    for broken in markdown::broken_links(&pages, exists, text_of) {
        fail("every relative link of the docs resolves", broken);
    }
}

/// Routes the service registers (the API's and its own) are unique by method and path,
/// one parameter name per position; the OpenAPI document lists exactly them.
fn check_routes(
    spec: &GeneratedSpec,
    parsed: &Spec,
    files: &FileSet,
    fail: &mut impl FnMut(&'static str, String),
) {
    // Every list of routes (router, document, README, tests) is the operations': what can
    // still go wrong is in the operations themselves, or in the document's rendering of them.
    let ctx = backend_gen::pipeline::service_context(&spec.name, parsed, &spec.toml);
    let mut routes: Vec<(String, String)> = Vec::new();
    let mut shapes: BTreeMap<String, String> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for op in &ctx.routes {
        let (method, path) = (op.method.lowercase().to_string(), op.path.clone());
        let shape = path_shape(&path);
        if !seen.insert((method.clone(), shape.clone())) {
            fail("every route is unique", format!("{} {path}", op.method));
        }
        if let Some(other) = shapes.insert(shape, path.clone())
            && other != path
        {
            fail(
                "one parameter name per position",
                format!("{other} and {path}"),
            );
        }
        if !ids.insert(op.id.clone()) {
            fail("operation ids are unique", op.id.clone());
        }
        routes.push((method, path));
    }
    let Some(document) = files.get(backend_gen::openapi::FILE) else {
        return fail("the OpenAPI document is generated", String::new());
    };
    if let Err(e) = serde_json::from_str::<UniqueKeys>(&document.contents) {
        return fail("the OpenAPI document has no key twice", e.to_string());
    }
    let doc: serde_json::Value = match serde_json::from_str(&document.contents) {
        Ok(doc) => doc,
        Err(e) => return fail("the OpenAPI document is JSON", e.to_string()),
    };
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                documented.push((method.to_string(), path.clone()));
            }
        }
    }
    routes.sort();
    documented.sort();
    if documented != routes {
        let missing: Vec<_> = routes.iter().filter(|r| !documented.contains(r)).collect();
        let extra: Vec<_> = documented.iter().filter(|r| !routes.contains(r)).collect();
        fail(
            "the OpenAPI document lists every route",
            format!("missing {missing:?}, extra {extra:?}"),
        );
    }
}

/// A path with its parameters' names erased: the router sees `/a/{}` twice in
/// `/a/{id}` and `/a/{key}`.
fn path_shape(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// A JSON value read only to find an object with a key twice (serde_json keeps the last).
struct UniqueKeys;

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(A::Error::custom(format!(
                    "the key {key:?} twice in one object"
                )));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
    }
}

/// Tables and indexes per dialect are unique (PostgreSQL keeps both in one namespace, and
/// compares only the first 63 bytes of a name). Returns the SQLite tables.
fn check_migrations(
    files: &FileSet,
    fail: &mut impl FnMut(&'static str, String),
) -> BTreeSet<String> {
    let mut sqlite_tables = BTreeSet::new();
    for dialect in ["sqlite", "postgres"] {
        let prefix = format!("migrations/{dialect}/");
        let mut objects = BTreeSet::new();
        for (path, file) in files.iter().filter(|(p, _)| p.starts_with(&prefix)) {
            let (code, comments) = split_sql(&file.contents);
            if comments.iter().any(|c| c.contains('\r')) {
                // PostgreSQL ends a `--` comment at a CR, so text after one runs as SQL.
                fail("no SQL comment holds a carriage return", path.clone());
            }
            for (kind, name) in schema_objects(&code) {
                let compared = match dialect {
                    "postgres" => truncate(&name, 63),
                    _ => name.clone(),
                };
                if !objects.insert(compared) {
                    fail(
                        "tables and indexes are unique",
                        format!("{path}: {kind} {name}"),
                    );
                }
                if dialect == "sqlite" && kind == "TABLE" {
                    sqlite_tables.insert(name);
                }
            }
        }
    }
    sqlite_tables
}

/// `name` cut to at most `bytes` bytes, as PostgreSQL cuts identifiers.
fn truncate(name: &str, bytes: usize) -> String {
    let end = (0..=bytes.min(name.len()))
        .rev()
        .find(|i| name.is_char_boundary(*i))
        .unwrap_or(0);
    name[..end].to_string()
}

/// `(TABLE or INDEX, name)` of every `CREATE` in SQL code (comments and strings removed).
fn schema_objects(code: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(
        r#"(?i)\bCREATE\s+(?:UNIQUE\s+)?(TABLE|INDEX)\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)"#,
    )
    .expect("a valid pattern");
    re.captures_iter(code)
        .map(|c| {
            let name = c[2].trim_matches('"').replace("\"\"", "\"");
            (c[1].to_uppercase(), name)
        })
        .collect()
}

/// SQL split into its code, with string literals emptied, and its `--` comments (each up
/// to the line feed that ends it in SQLite).
fn split_sql(sql: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut comments = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push_str("''");
                while let Some(s) = chars.next() {
                    if s == '\'' && chars.peek() != Some(&'\'') {
                        break;
                    }
                    if s == '\'' {
                        chars.next();
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                let mut comment = String::new();
                for s in chars.by_ref() {
                    if s == '\n' {
                        out.push('\n');
                        break;
                    }
                    comment.push(s);
                }
                comments.push(comment);
            }
            c => out.push(c),
        }
    }
    (out, comments)
}

fn write_for_python(files: &FileSet, dir: &Path) {
    for (path, file) in files.iter() {
        if path == backend_gen::openapi::FILE
            || path == backend_gen::graphql::FILE
            || path.starts_with("migrations/sqlite/")
            || path.starts_with("clients/typescript/")
        {
            let target = dir.join(path);
            std::fs::create_dir_all(target.parent().expect("a parent"))
                .expect("create a directory");
            std::fs::write(&target, &file.contents).expect("write a file");
        }
    }
}

/// Python's side of the checks: for each project directory it reads on stdin,
/// openapi-spec-validator on the document; graphql-core on the GraphQL schema, when there is
/// one (it builds the schema, answers the introspection query built from it, and builds the
/// schema a client would from that answer); then the SQLite migrations applied in order to a
/// fresh database, whose tables it prints.
const PYTHON_CHECKS: &str = r#"
import json, os, sqlite3, sys
import graphql
from openapi_spec_validator import validate
for line in sys.stdin:
    d = line.rstrip("\n")
    case = os.path.basename(d)
    try:
        with open(os.path.join(d, "openapi.json")) as f:
            validate(json.load(f))
    except Exception as e:
        print(case, "openapi", json.dumps(str(e)[:3000]), sep="\t")
    sdl = os.path.join(d, "schema.graphql")
    if os.path.exists(sdl):
        try:
            with open(sdl) as f:
                schema = graphql.build_schema(f.read())
            answer = graphql.graphql_sync(schema, graphql.get_introspection_query())
            if answer.errors:
                raise Exception(answer.errors)
            problems = graphql.validate_schema(graphql.build_client_schema(answer.data))
            if problems:
                raise Exception(problems)
        except Exception as e:
            print(case, "graphql", json.dumps(str(e)[:3000]), sep="\t")
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA foreign_keys = ON")
    migrations = os.path.join(d, "migrations", "sqlite")
    try:
        names = sorted(os.listdir(migrations))
        def run(name):
            with open(os.path.join(migrations, name), newline="") as f:
                db.executescript(f.read())
        for name in names:
            if not name.endswith(".down.sql"):
                run(name)
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        print(case, "tables", json.dumps(sorted(tables)), sep="\t")
        for name in reversed(names):
            if name.endswith(".down.sql"):
                run(name)
        left = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")]
        if left:
            print(case, "rollback", json.dumps(f"left after every .down.sql: {left}"), sep="\t")
    except Exception as e:
        print(case, "sqlite", json.dumps(str(e)[:3000]), sep="\t")
    sys.stdout.flush()
print("done", "", "null", sep="\t")
"#;

/// One Python process for every project, started first, so it checks each project while
/// the next ones generate (a process per project would cost more than the checks).
struct PythonChecks {
    child: Child,
    stdin: Mutex<ChildStdin>,
    output: std::thread::JoinHandle<String>,
    started: Instant,
}

impl PythonChecks {
    /// None (after a loud note, or a failure under `CI=true`) when the tools are missing.
    fn start() -> Option<Self> {
        if !pytools::tool("openapi_spec_validator", "openapi-spec-validator")
            || !pytools::tool("graphql", "graphql-core")
        {
            return None;
        }
        let mut child = Command::new(pytools::python())
            .args(["-c", PYTHON_CHECKS])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run Python");
        let stdin = child.stdin.take().expect("a stdin");
        let mut stdout = child.stdout.take().expect("a stdout");
        // Read as it comes, so a full pipe never stalls Python.
        let output = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        Some(Self {
            child,
            stdin: Mutex::new(stdin),
            output,
            started: Instant::now(),
        })
    }

    fn submit(&self, project: &Path) {
        writeln!(lock(&self.stdin), "{}", project.display()).expect("write to Python");
    }

    /// Waits for Python and adds what it found; `accepted` are the projects it was given,
    /// each with the tables its migrations name.
    fn finish(mut self, accepted: &[(u64, BTreeSet<String>)], failures: &mut Vec<Failure>) {
        drop(self.stdin);
        let text = self.output.join().expect("read Python's output");
        let status = self.child.wait().expect("wait for Python");
        assert!(
            status.success() && text.contains("done\t"),
            "the Python checks failed:\n{text}"
        );
        let mut tables: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
        for line in text.lines() {
            let mut parts = line.splitn(3, '\t');
            let (Some(case), Some(kind), Some(value)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Ok(seed) = case.parse::<u64>() else {
                continue;
            };
            let value: serde_json::Value = serde_json::from_str(value).unwrap_or_default();
            let text = || value.as_str().unwrap_or_default().to_string();
            match kind {
                "openapi" => failures.push(Failure {
                    seed,
                    property: "the OpenAPI document validates",
                    detail: text(),
                }),
                "graphql" => failures.push(Failure {
                    seed,
                    property: "graphql-core builds the GraphQL schema and answers its introspection",
                    detail: text(),
                }),
                "sqlite" => failures.push(Failure {
                    seed,
                    property: "the SQLite migrations apply",
                    detail: text(),
                }),
                "rollback" => failures.push(Failure {
                    seed,
                    property: "the SQLite down migrations undo every migration",
                    detail: text(),
                }),
                _ => {
                    let found = value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|t| t.as_str().map(String::from))
                        .collect();
                    tables.insert(seed, found);
                }
            }
        }
        for (seed, expected) in accepted {
            if let Some(found) = tables.get(seed)
                && found != expected
            {
                failures.push(Failure {
                    seed: *seed,
                    property: "the SQLite migrations create exactly their tables",
                    detail: format!("created {found:?}, the migrations name {expected:?}"),
                });
            }
        }
        eprintln!(
            "[properties] Python checked {} projects; it finished {:.1?} after it started",
            accepted.len(),
            self.started.elapsed()
        );
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic".into())
}

/// Fails with a count per property and the first failures in full (seed and spec);
/// writes every failure to `target/properties/failures.txt`.
fn report(failures: &[Failure]) {
    if failures.is_empty() {
        return;
    }
    let mut by_property: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    for f in failures {
        by_property.entry(f.property).or_default().insert(f.seed);
    }
    let mut summary = String::from("properties broken (specs that break each):\n");
    for (property, seeds) in &by_property {
        let first: Vec<String> = seeds.iter().take(8).map(u64::to_string).collect();
        summary.push_str(&format!(
            "  {property}: {} (seeds {}...)\n",
            seeds.len(),
            first.join(", ")
        ));
    }
    let mut full = summary.clone();
    let mut shown = BTreeSet::new();
    for f in failures {
        full.push_str(&format!(
            "\n== seed {}: {}\n{}\n",
            f.seed, f.property, f.detail
        ));
        if shown.insert(f.seed) {
            full.push_str(&specgen::describe(&specgen::random_spec(f.seed)));
            full.push('\n');
        }
    }
    let kept = keep_failures("failures.txt", &full);
    // One example per property in the panic message; the file has the rest.
    let mut examples = String::new();
    for property in by_property.keys() {
        if let Some(f) = failures.iter().find(|f| f.property == *property) {
            examples.push_str(&format!(
                "\n== {property}: seed {}\n{}\n{}\n",
                f.seed,
                f.detail.chars().take(2000).collect::<String>(),
                specgen::describe(&specgen::random_spec(f.seed))
            ));
        }
    }
    panic!("{summary}{examples}\nevery failure: {kept}");
}

/// Writes every failure's report to `target/properties/NAME`; says where, or why not.
fn keep_failures(name: &str, full: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/properties");
    let file = dir.join(name);
    match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, full)) {
        Ok(()) => file.display().to_string(),
        Err(e) => format!("{} (not written: {e})", file.display()),
    }
}

/// The seeded sample the end-to-end suite builds (`tests/e2e.rs`) is hazard-free and
/// passes the same checks, so a failure shows here in seconds, not after a build.
#[test]
fn the_end_to_end_sample_passes_the_same_checks() {
    let specs: Vec<(String, GeneratedSpec)> = specgen::samples()
        .into_iter()
        .map(|(name, seed, recipe)| {
            let spec = specgen::sample_spec(seed, recipe.clone());
            // e2e takes a sample through random changes from there.
            let mut evolution = specgen::sample_evolution(seed, recipe);
            assert_eq!(
                evolution.toml(),
                spec.toml,
                "{name}: the evolution's first spec"
            );
            (name.to_string(), spec)
        })
        .collect();
    for (name, spec) in &specs {
        assert!(spec.hazards.is_empty(), "{name}: {:?}", spec.hazards);
    }
    // The keys added since issue 11 are built in e2e too.
    let all: String = specs.iter().map(|(_, s)| s.toml.as_str()).collect();
    for needle in [
        "owner = \"",
        "owner_set_by = [",
        "write_denied = \"",
        "events = {",
        "audit = true",
        "when = \"",
        "[jobs.",
        "on = [\"",
        "registration = \"quiet\"",
        "require_verified_email = true",
        "renamed_from = \"",
        "\"verified\"",
        "references = \"",
        "\n[tenancy]\n",
    ] {
        assert!(all.contains(needle), "no e2e sample has {needle:?}");
    }
    assert!(
        regex::Regex::new(r#"owner = "[a-z0-9_]+\.[a-z0-9_.]+""#)
            .unwrap()
            .is_match(&all),
        "no e2e sample has an owner through parents"
    );
    assert!(
        regex::Regex::new(r#"on = \[[^\]]*"[a-z0-9-]+\.[a-z0-9_]+\.[a-z0-9_]+""#)
            .unwrap()
            .is_match(&all),
        "no e2e sample has a job on another service's event"
    );
    check_each(&specs);
}

/// Writes the random specs of the seeds a run would check (`BACKEND_GEN_PROPERTY_SEED`,
/// `BACKEND_GEN_PROPERTY_CASES`) to the folder `BACKEND_GEN_DUMP_SPECS` names, as
/// `SEED.toml`: `scripts/compare-output` generates them with two builds and compares.
#[test]
#[ignore = "writes random specs to the folder named by BACKEND_GEN_DUMP_SPECS"]
fn dump_random_specs() {
    let dir =
        std::env::var("BACKEND_GEN_DUMP_SPECS").expect("BACKEND_GEN_DUMP_SPECS names a folder");
    std::fs::create_dir_all(&dir).expect("create the folder");
    for seed in seeds(DEFAULT_CASES) {
        let spec = specgen::random_spec(seed);
        std::fs::write(format!("{dir}/{seed}.toml"), spec.toml).expect("write a spec");
    }
}

/// The spec file named by `BACKEND_GEN_PROPERTY_SPEC`, through the same checks: to
/// try a failure's minimised spec, or a fix, without the random run.
#[test]
#[ignore = "checks the spec file named by BACKEND_GEN_PROPERTY_SPEC"]
fn a_spec_file_passes_the_same_checks() {
    let path = std::env::var("BACKEND_GEN_PROPERTY_SPEC")
        .expect("BACKEND_GEN_PROPERTY_SPEC names a spec file");
    let toml = std::fs::read_to_string(&path).expect("read the spec");
    let spec = GeneratedSpec {
        seed: 0,
        name: "spec".into(),
        toml,
        hazards: Vec::new(),
        probe: None,
    };
    check_each(&[(path, spec)]);
}

/// Checks a few named specs one after the other and fails with every failure in full.
fn check_each(specs: &[(String, GeneratedSpec)]) {
    let documents = tempfile::tempdir().expect("a temporary directory");
    let python = PythonChecks::start();
    let mut failures = Vec::new();
    let mut accepted = Vec::new();
    for (i, (_, spec)) in specs.iter().enumerate() {
        // Failures are told apart by their index here, not by their generator seed.
        let seed = i as u64;
        let mut fail = |property, detail| {
            failures.push(Failure {
                seed,
                property,
                detail,
            })
        };
        let dir = documents.path().join(seed.to_string());
        if let Outcome::Accepted(tables) = check_spec(spec, &dir, &mut fail) {
            if let Some(python) = &python {
                python.submit(&dir);
            }
            accepted.push((seed, tables));
        }
    }
    if let Some(python) = python {
        python.finish(&accepted, &mut failures);
    }
    let mut text = String::new();
    for f in &failures {
        let (name, spec) = &specs[f.seed as usize];
        text.push_str(&format!(
            "\n== {name}: {}\n{}\n{}\n",
            f.property,
            f.detail,
            specgen::describe(spec)
        ));
    }
    assert!(failures.is_empty(), "{} failures:{text}", failures.len());
}

/// Random bytes, random TOML and broken valid specs never panic `check`, nor generation
/// when `check` accepts.
#[test]
fn random_input_never_panics_the_generator() {
    let started = Instant::now();
    let mut panics: Vec<(u64, String, String)> = Vec::new();
    let mut accepted = 0;
    let seeds = seeds(DEFAULT_FUZZ_CASES);
    for seed in seeds.clone() {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let input = fuzz_input(&mut rng, seed);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            spec::parse("fuzz.toml", &input).map(|parsed| {
                // Rendering only: rustfmt is the property test's business.
                let _ = backend_gen::render_project("fuzz", &parsed, &input);
            })
        }));
        accepted += u32::from(matches!(outcome, Ok(Ok(()))));
        if let Err(panic) = outcome {
            panics.push((seed, panic_message(&panic), input));
        }
    }
    eprintln!(
        "[properties] {} random inputs ({accepted} accepted and rendered) in {:.1?}",
        seeds.end - seeds.start,
        started.elapsed()
    );
    if let Some((seed, message, input)) = panics.first() {
        panic!(
            "{} of the inputs panicked; the first, seed {seed}: {message}\n----- input -----\n{input}\n-----------------",
            panics.len()
        );
    }
}

/// One input: random bytes (read lossily), random valid UTF-8, or a generated spec broken
/// by deleting, duplicating, swapping lines, or changing a value's type or contents.
fn fuzz_input(rng: &mut ChaCha8Rng, seed: u64) -> String {
    match rng.random_range(0..10) {
        0 => {
            let len = rng.random_range(0..400);
            let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        1 => {
            let len = rng.random_range(0..200);
            (0..len).map(|_| rng.random::<char>()).collect()
        }
        _ => mutate(rng, &specgen::random_spec(seed).toml),
    }
}

/// Values that a spec key may get, of every TOML type.
const WRONG_VALUES: &[&str] = &[
    "\"\"",
    "\"x\"",
    "0",
    "-1",
    "1e999",
    "nan",
    "inf",
    "true",
    "[]",
    "[1, \"a\"]",
    "{}",
    "{ type = \"string\" }",
    "9223372036854775807",
    "-9223372036854775808",
    "1979-05-27",
    "\"\\u0000\"",
    "\"self\"",
    "\"user\"",
    "\"/\"",
    "[\"a\", \"a\"]",
    "0.1",
    "\"-0\"",
];

fn mutate(rng: &mut ChaCha8Rng, toml: &str) -> String {
    let mut lines: Vec<String> = toml.lines().map(String::from).collect();
    for _ in 0..rng.random_range(1..=4) {
        if lines.is_empty() {
            break;
        }
        let i = rng.random_range(0..lines.len());
        match rng.random_range(0..6) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            2 => {
                let j = rng.random_range(0..lines.len());
                lines.swap(i, j);
            }
            3 => {
                // A value of another type or shape.
                if let Some((key, _)) = lines[i].split_once(" = ") {
                    let value = WRONG_VALUES[rng.random_range(0..WRONG_VALUES.len())];
                    lines[i] = format!("{key} = {value}");
                }
            }
            4 => {
                // Inside an inline table: one of its values replaced.
                let line = &lines[i];
                let positions: Vec<usize> = line.match_indices(" = ").map(|(p, _)| p + 3).collect();
                if let Some(&at) = positions.get(rng.random_range(0..positions.len().max(1))) {
                    let end = line[at..].find([',', '}']).map_or(line.len(), |e| at + e);
                    let value = WRONG_VALUES[rng.random_range(0..WRONG_VALUES.len())];
                    lines[i] = format!("{}{value}{}", &line[..at], &line[end..]);
                }
            }
            _ => {
                // A cut line.
                let cut = rng.random_range(0..=lines[i].len());
                let cut = (0..=cut)
                    .rev()
                    .find(|c| lines[i].is_char_boundary(*c))
                    .unwrap_or(0);
                lines[i].truncate(cut);
            }
        }
    }
    lines.join("\n")
}

/// `check` alone over the default run's specs: accepted, or a hazard refused at its keys
/// with help. The property above checks this too, after rendering; this says it in a
/// second, and keeps saying it while the templates are being changed.
#[test]
fn every_random_spec_passes_check() {
    let mut failures = Vec::new();
    for seed in seeds(DEFAULT_CASES) {
        let spec = specgen::random_spec(seed);
        let mut fail = |property, detail| {
            failures.push(Failure {
                seed,
                property,
                detail,
            })
        };
        match catch_unwind(|| spec::parse("spec.toml", &spec.toml)) {
            Err(panic) => fail("check does not panic", panic_message(&panic)),
            Ok(Err(report)) => {
                refusal_is_allowed(&spec, &report, &mut fail);
            }
            Ok(Ok(_)) => {}
        }
    }
    report(&failures);
}

/// The generator itself: deterministic per seed, and every documented key and hazard class
/// shows up across the default run (else the properties above test less than they say).
#[test]
fn the_spec_generator_is_deterministic_and_covers_the_spec() {
    assert_eq!(specgen::random_spec(7).toml, specgen::random_spec(7).toml);
    let mut all = String::new();
    let mut hazards = BTreeSet::new();
    for seed in 0..DEFAULT_CASES {
        let spec = specgen::random_spec(seed);
        all.push_str(&spec.toml);
        hazards.extend(spec.probe);
    }
    for needle in [
        "\"\"\"",
        "'''",
        "api_prefix",
        "public_url",
        "database = \"postgres\"",
        "mode = \"jwt\"",
        "roles = [",
        "admin_role",
        "default_role",
        "access_token_minutes",
        "refresh_token_days",
        "password_min_length",
        "requests_per_minute",
        "burst",
        "login_per_minute",
        "trusted_proxies",
        "ttl_seconds",
        "max_entries",
        "plural = ",
        "soft_delete = true",
        "versioned = true",
        "timestamps = false",
        "cache_ttl_seconds",
        "belongs_to",
        "on_delete = \"cascade\"",
        "on_delete = \"restrict\"",
        "on_delete = \"set_null\"",
        "required = false",
        "many_to_many",
        "access = {",
        "owner = ",
        "type = \"string\"",
        "type = \"text\"",
        "type = \"integer\"",
        "type = \"big_integer\"",
        "type = \"float\"",
        "type = \"decimal\"",
        "type = \"boolean\"",
        "type = \"uuid\"",
        "type = \"date\"",
        "type = \"datetime\"",
        "type = \"json\"",
        "type = \"enum\"",
        "unique = true",
        "min_length",
        "max_length",
        "pattern",
        "format = \"email\"",
        "format = \"url\"",
        "min = ",
        "max = ",
        "precision",
        "scale",
        "default = ",
        "description = ",
        "\"self\"",
        "\"tier_1\"",
        "type = {",
        "order = {",
        "[resources.page",
        "an_unusually_long_resource_nam",
        "write = [\"",
        "write = \"create\"",
        "write = \"none\"",
        "write_denied = \"ignore\"",
        "write_denied = \"reject\"",
        // Keys added since the generator was written (issue 35).
        "\"verified\"",
        "owner_set_by = [",
        "renamed_from = \"",
        "registration = \"quiet\"",
        "registration = \"open\"",
        "require_verified_email = true",
        "personal_email = true",
        "events = {",
        "created = true",
        "updated = true",
        "deleted = true",
        "= false",
        "when = \"",
        "becomes = \"",
        "[jobs.",
        "on = [\"",
        "max_attempts = ",
        "timeout_secs = ",
        // Issue 73.
        "personal = true",
    ] {
        assert!(all.contains(needle), "no generated spec has {needle:?}");
    }
    let owned_through = regex::Regex::new(r#"owner = "[a-z0-9_]+\.[a-z0-9_.]+""#).unwrap();
    assert!(
        owned_through.is_match(&all),
        "no generated spec has an owner through parents"
    );
    // Webhooks have no key: a spec with events and jwt has them.
    assert!(
        (0..DEFAULT_CASES)
            .map(specgen::random_spec)
            .any(|s| s.toml.contains("mode = \"jwt\"") && s.toml.contains("events = {")),
        "no generated spec has events with jwt (webhooks)"
    );
    let missing: Vec<&str> = specgen::PROBES
        .iter()
        .filter(|h| !hazards.contains(*h))
        .copied()
        .collect();
    assert!(missing.is_empty(), "probes never added: {missing:?}");
}

/// The checker of generated names finds each kind of collision it claims to (and nothing
/// in clean code), so a clean run of the properties above means something.
#[test]
fn the_item_checker_finds_each_kind_of_collision() {
    let externs: BTreeSet<String> = ["std", "axum", "uuid"].map(String::from).into();
    let modules: BTreeSet<String> = ["crate::resources::insert"].map(String::from).into();
    let krate = rust_items::Crate {
        externs: &externs,
        modules: &modules,
    };
    let problems = |code: &str| {
        rust_items::problems(
            &syn::parse_file(code).expect("valid Rust"),
            &krate,
            "crate::resources::posts::repo",
        )
    };
    let clean = r#"
        use axum::{Json, extract::State};
        use crate::list::{ListParams, Page};
        use super::{ACCESS, repo};
        use std::fmt::Write as _;
        pub struct Post { pub a_1: i32, pub b: i32 }
        #[derive(serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Tier { #[serde(rename = "tier_1")] Tier1, Other }
        impl Tier { pub const VALUES: &[&str] = &["tier_1", "other"]; }
        pub fn list() {}
        use crate::resources::insert;
        use super::super::insert as other;
        pub async fn insert() {}
        pub fn other() {}
        mod tests { use super::*; fn list() {} }
    "#;
    assert_eq!(problems(clean), Vec::<String>::new());
    for (code, expected) in [
        (
            "use crate::list::Page; pub struct Page;",
            "Page: defined 2 times in the type namespace",
        ),
        (
            "use crate::list::Page; use crate::pages::model::Page;",
            "Page: defined 2 times",
        ),
        (
            "use sqlx::Pool; use crate::pool::Pool as Pool;",
            "Pool: defined 2 times",
        ),
        (
            "pub struct Result { a: i32 }",
            "Result: shadows the prelude",
        ),
        ("pub fn Some() {}", "Some: shadows the prelude"),
        (
            "use crate::resources::axum; fn f() -> axum::Json<()> { todo!() }",
            "shadows the crate `axum`",
        ),
        (
            "use crate::cache; fn cache() {}",
            "cache: imported and defined here",
        ),
        (
            "const A: i32 = 1; static A: i32 = 2;",
            "A: defined 2 times in the value namespace",
        ),
        ("mod m { struct S; struct S; }", "m::S: defined 2 times"),
        ("enum E { A, A }", "E: two variants `A`"),
        (
            "struct S; impl S { fn f() {} fn f() {} }",
            "S: two associated items `f`",
        ),
        (
            "#[serde(rename_all = \"camelCase\")] struct S { a_1: i32, a1: i32 }",
            "S: two serde keys `a1`",
        ),
        (
            "#[serde(rename_all = \"snake_case\")] enum T { Tier1 } impl T { const VALUES: Keys = &[\"tier_1\"]; }",
            "serde spells the variants [\"tier1\"], but VALUES says [\"tier_1\"]",
        ),
        (
            "#[sqlx(rename_all = \"snake_case\")] enum T { A1, A1x } impl T { const VALUES: Keys = &[\"a_1\", \"a1x\"]; }",
            "sqlx spells the variants",
        ),
    ] {
        let found = problems(code);
        assert!(
            found.iter().any(|p| p.contains(expected)),
            "{code}: {found:?}"
        );
    }
}

#[test]
fn the_feature_check_finds_an_optional_crate_named_without_its_feature() {
    const MANIFEST: &str = r#"
[dependencies]
regex = { version = "1", optional = true }
reqwest = { version = "1", optional = true }
rust_decimal = { version = "1", optional = true }
axum = "0.8"
[features]
default = ["patterns"]
patterns = ["dep:regex"]
webhooks = ["dep:reqwest"]
decimals = ["dep:rust_decimal"]
"#;
    let found = |code: &str| {
        let files = BTreeMap::from([("src/lib.rs".to_owned(), code.to_owned())]);
        features::crates_without_their_feature(MANIFEST, &files).unwrap()
    };
    assert!(found("use regex::Regex; fn f() -> axum::Json<()> { todo!() }").is_empty());
    assert_eq!(found("use reqwest::Client;").len(), 1);
    assert_eq!(found("use {reqwest::Client};").len(), 1);
    assert_eq!(found("fn f() { let _ = reqwest::Client::new(); }").len(), 1);
    assert_eq!(
        found("fn f() { println!(\"{}\", reqwest::VERSION); }").len(),
        1
    );
    let attribute = "struct S { #[serde(with = \"rust_decimal::serde::str\")] d: D }";
    assert_eq!(found(attribute).len(), 1);
    // A local module, or a name that only ends like the crate's, is no crate.
    assert!(found("fn f() { my_reqwest::go(); self::reqwest_like::go(); }").is_empty());
}
