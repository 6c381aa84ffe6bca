//! End to end: generate each example, then build, format-check, lint and
//! test the generated project exactly as its team would, start its binary
//! and talk to it over HTTP.
//!
//! Every generated project builds into one shared target directory
//! (`target/e2e/target`, or `$BACKEND_GEN_E2E_TARGET`) that survives
//! between runs, so only the first run pays for compiling dependencies.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod pytools;

use backend_gen::context::{ResourceContext, ServiceContext};

/// Projects share one target directory: build them one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn e2e_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e")
}

fn target_dir() -> PathBuf {
    std::env::var_os("BACKEND_GEN_E2E_TARGET")
        .map_or_else(|| e2e_root().join("target"), PathBuf::from)
}

/// Runs cargo in a generated project; its output is shown only on failure.
fn cargo(project: &Path, args: &[&str]) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("RUST_LOG")
        .output()
        .expect("cargo runs");
    eprintln!(
        "[e2e] cargo {} in {}: {:.1?}",
        args.join(" "),
        project.display(),
        started.elapsed()
    );
    assert!(
        output.status.success(),
        "cargo {} failed in {}:\n{}\n{}",
        args.join(" "),
        project.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A spec by name: an example, or one of the test specs.
fn spec_path(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join(format!("examples/{name}.toml"));
    if example.exists() {
        example
    } else {
        root.join(format!("tests/specs/{name}.toml"))
    }
}

fn generate(name: &str, spec: &Path) -> PathBuf {
    let out = e2e_root().join("projects").join(name);
    if out.exists() {
        std::fs::remove_dir_all(&out).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_backend-gen"))
        .args(["new", name, "--output"])
        .arg(&out)
        .arg("--spec")
        .arg(spec)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

fn context(name: &str, spec: &Path) -> ServiceContext {
    let source = std::fs::read_to_string(spec).unwrap();
    let spec = backend_gen::spec::parse(name, &source).unwrap();
    ServiceContext::new(name, &spec, &source)
}

/// A create body for a resource without required parents: every required
/// field without a default, from the generator's own samples.
fn create_body(resource: &ResourceContext) -> String {
    let pairs: Vec<String> = resource
        .fields
        .iter()
        .filter(|f| f.required && f.default_rust.is_none())
        .map(|f| format!("\"{}\": {}", f.names.camel, f.samples[0]))
        .collect();
    format!("{{{}}}", pairs.join(", "))
}

/// Registers an account over HTTP, makes it admin with `grant-role` (run in the service's
/// directory, so on the same database) and logs in: the admin's access token.
fn admin_token(base: &str, binary: &Path, dir: &Path, ctx: &ServiceContext) -> String {
    let auth = ctx.auth.as_ref().unwrap();
    let http = agent();
    let email = "admin@e2e.example";
    // The account's required fields from the samples, then its email and password.
    let fields = ctx.resources.iter().find(|r| r.account).unwrap();
    let mut account: serde_json::Value = serde_json::from_str(&create_body(fields)).unwrap();
    account["email"] = serde_json::json!(email);
    account["password"] = serde_json::json!(auth.sample_password);
    let account = account.to_string();
    let mut registered = http
        .post(format!("{base}{}/auth/register", auth_prefix(auth)))
        .header("content-type", "application/json")
        .send(&account)
        .unwrap();
    assert_eq!(
        registered.status(),
        201,
        "{}",
        registered.body_mut().read_to_string().unwrap_or_default()
    );
    let granted = Command::new(binary)
        .args(["grant-role", email, &auth.settings.admin_role])
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        granted.status.success(),
        "{}",
        String::from_utf8_lossy(&granted.stderr)
    );
    let credentials = serde_json::json!({"email": email, "password": auth.sample_password});
    let mut login = http
        .post(format!("{base}{}/auth/login", auth_prefix(auth)))
        .header("content-type", "application/json")
        .send(credentials.to_string())
        .unwrap();
    assert_eq!(login.status(), 200);
    let pair: serde_json::Value =
        serde_json::from_str(&login.body_mut().read_to_string().unwrap()).unwrap();
    pair["accessToken"].as_str().unwrap().to_owned()
}

/// The API prefix, from the account collection's URL (`/v1/users` gives `/v1`).
fn auth_prefix(auth: &backend_gen::context::AuthContext) -> String {
    let url = &auth.account_url;
    url[..url.rfind('/').unwrap()].to_owned()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// Starts the built binary with no configuration but a port and a fresh
/// data directory, waits for `/health`, creates a row and reads it back,
/// then stops it with SIGTERM and expects a clean exit.
fn run_service(name: &str, spec: &Path, project: &Path) {
    let port = free_port();
    let data = tempfile::tempdir().unwrap();
    let binary = target_dir().join("debug").join(name);
    let log = std::fs::File::create(data.path().join("service.log")).unwrap();
    let child = Command::new(&binary)
        .current_dir(data.path())
        .env("PORT", port.to_string())
        // The fuzzer sends hundreds of requests; generated tests cover the limits.
        .env("RATE_LIMIT_PER_MINUTE", "1000000")
        .env("RATE_LIMIT_BURST", "1000000")
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .stdout(log)
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    let mut server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let http = agent();

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut response) = http.get(format!("{base}/health")).call() {
            assert_eq!(response.status(), 200);
            let body = response.body_mut().read_to_string().unwrap();
            assert!(body.contains("\"status\":\"healthy\""), "{body}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{name} did not answer /health within 30 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let ctx = context(name, spec);
    // With jwt auth: an account, made admin with the binary's `grant-role` command.
    let token = ctx
        .auth
        .is_some()
        .then(|| admin_token(&base, &binary, data.path(), &ctx));
    let bearer = token.as_ref().map(|t| format!("Bearer {t}"));
    let resource = ctx
        .resources
        .iter()
        .find(|r| !r.account && r.belongs_to.iter().all(|b| !b.required))
        .unwrap();
    let body = create_body(resource);
    let mut request = http
        .post(format!("{base}{}", resource.url))
        .header("content-type", "application/json");
    if let Some(bearer) = &bearer {
        request = request.header("authorization", bearer);
    }
    let mut created = request.send(&body).unwrap();
    assert_eq!(
        created.status(),
        201,
        "{}",
        created.body_mut().read_to_string().unwrap_or_default()
    );
    let location = created
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let mut read = http.get(format!("{base}{location}"));
    if let Some(bearer) = &bearer {
        read = read.header("authorization", bearer);
    }
    let mut read = read.call().unwrap();
    assert_eq!(read.status(), 200);
    assert!(read.headers().get("x-request-id").is_some());
    let text = read.body_mut().read_to_string().unwrap();
    let first = resource
        .fields
        .iter()
        .find(|f| f.required && f.default_rust.is_none())
        .unwrap();
    assert!(
        text.contains(&format!("\"{}\":{}", first.names.camel, first.samples[0])),
        "{text}"
    );
    assert!(project.join("backend-gen.toml").exists());

    // The API fuzzer (after the checks above, since it creates rows of its own): no
    // server error, no undocumented status, no response that breaks the OpenAPI
    // document the service serves.
    pytools::schemathesis(&base, token.as_deref());

    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = server.0.wait().unwrap();
    assert!(
        status.success(),
        "{name} should shut down cleanly on SIGTERM: {status}"
    );

    // One JSON log line per request, carrying its request id.
    let logs = std::fs::read_to_string(data.path().join("service.log")).unwrap();
    let route = format!("\"route\":\"{}\"", resource.url);
    let created_line = logs
        .lines()
        .find(|l| l.contains("\"status\":201") && l.contains(&route))
        .unwrap_or_else(|| panic!("no log line for the 201:\n{logs}"));
    let entry: serde_json::Value = serde_json::from_str(created_line).unwrap();
    assert!(entry["span"]["request_id"].is_string(), "{created_line}");
    if token.is_some() {
        assert!(entry["span"]["user_id"].is_string(), "{created_line}");
        assert!(
            logs.contains("JWT_SECRET is not set"),
            "no warning about the key"
        );
    }

    // `migrate` applies the migrations to a fresh database and exits.
    let fresh = tempfile::tempdir().unwrap();
    let migrate = Command::new(&binary)
        .arg("migrate")
        .current_dir(fresh.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    assert!(fresh.path().join(format!("data/{name}.db")).exists());
}

/// `(name, version)` of every package in a lock file.
fn locked_packages(lock: &str) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_owned());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            out.insert((n, v.trim_matches('"').to_owned()));
        }
    }
    out
}

/// The lock file a project is generated with pins every package its first build needs:
/// cargo may only drop entries (of features the spec does not use), never pick a version.
/// Otherwise `scripts/refresh-lock` has not been run after a dependency changed.
fn assert_lock_was_complete(pinned: &str, project: &Path) {
    let built = std::fs::read_to_string(project.join("Cargo.lock")).unwrap();
    let pinned = locked_packages(pinned);
    let added: Vec<_> = locked_packages(&built)
        .difference(&pinned)
        .cloned()
        .collect();
    assert!(
        added.is_empty(),
        "the build added packages the generated Cargo.lock lacks (run scripts/refresh-lock): {added:?}"
    );
}

fn full_cycle(name: &str) {
    full_cycle_with(name, &spec_path(name));
}

fn full_cycle_with(name: &str, spec: &Path) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let project = generate(name, spec);
    let pinned = std::fs::read_to_string(project.join("Cargo.lock")).unwrap();
    cargo(&project, &["build"]);
    assert_lock_was_complete(&pinned, &project);
    cargo(&project, &["fmt", "--check"]);
    cargo(
        &project,
        &["clippy", "--all-targets", "--", "-D", "warnings"],
    );
    cargo(&project, &["test"]);
    run_service(name, spec, &project);
}

#[test]
fn blog_builds_lints_tests_and_serves() {
    full_cycle("blog");
}

#[test]
fn shop_builds_lints_tests_and_serves() {
    full_cycle("shop");
}

/// Every field type and option, the longest and shortest names: the
/// generated code must stay formatter-clean and correct at the extremes.
#[test]
fn edge_case_spec_builds_lints_tests_and_serves() {
    full_cycle("edge");
}

/// The commented spec `backend-gen init` writes: what a new user generates first.
#[test]
fn init_spec_builds_lints_tests_and_serves() {
    let dir = e2e_root().join("specs");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("library.toml");
    if spec.exists() {
        std::fs::remove_file(&spec).unwrap();
    }
    let status = Command::new(env!("CARGO_BIN_EXE_backend-gen"))
        .arg("init")
        .arg(&spec)
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    full_cycle_with("library", &spec);
}
