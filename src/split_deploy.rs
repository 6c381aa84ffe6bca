//! How a split runs as a whole: `run-all`, the script that starts every service and the
//! gateway on one machine (each on its own SQLite file, no Docker), and the top
//! `docker-compose.yml`, which runs each service with its own PostgreSQL database, one Redis
//! (a database number each), one NATS, and the gateway in front.

use std::fmt::Write as _;

use crate::error::Result;
use crate::spec::{self, AuthMode, Spec};
use crate::split::ServiceSpec;
use crate::workspace;

/// The script's file name, at the top of a split.
pub const RUN_ALL: &str = "run-all";

/// The variable `run-all` reads for its first port: the gateway's; the services take the
/// ports after it, in the split's order.
pub const PORT_BASE: &str = "PORT_BASE";

/// Whether `service` publishes or hears events (it then needs `EVENTS_URL`).
fn uses_events(service: &Spec) -> bool {
    service.emits_events() || !service.heard().is_empty()
}

/// `run-all`: builds every service and the gateway, starts them side by side, and stops them
/// all when it is stopped (Ctrl-C, SIGTERM) or when one of them exits.
pub fn run_all(spec: &Spec, services: &[ServiceSpec]) -> String {
    let prefix = &spec.project.api_prefix;
    let mut out = String::from(
        "#!/bin/sh\n\
         # Written by backend-gen: starts every service and the gateway on this machine, each\n\
         # service on its own SQLite file (in its folder's data/), and stops them all on Ctrl-C.\n\
         #\n\
         #   sh run-all                      # the gateway on 8080, the services on 8081 onwards\n\
         #   PORT_BASE=9000 sh run-all       # the gateway on 9000, the services on 9001 onwards\n\
         #   EVENTS_URL=nats://127.0.0.1:4222 sh run-all  # with the events between services\n\
         #\n\
         # Every variable set here is passed on: JWT_SECRET (one is made for this run when it\n\
         # is unset), EVENTS_URL, RUST_LOG...\n\
         set -eu\n\
         cd \"$(dirname \"$0\")\"\n\n\
         base=\"${PORT_BASE:-8080}\"\n\
         # The services trust the gateway, on this machine, to name each client\n\
         # (X-Forwarded-For): without it every client behind the gateway would share one\n\
         # address, and so one login and rate-limit budget.\n\
         TRUSTED_PROXIES=\"${TRUSTED_PROXIES:-127.0.0.1}\"\n\
         export TRUSTED_PROXIES\n",
    );
    if spec.auth.mode == AuthMode::Jwt {
        out.push_str(
            "# One signing key for all: the accounts service signs, the others verify.\n\
             JWT_SECRET=\"${JWT_SECRET:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \\n')}\"\n\
             export JWT_SECRET\n",
        );
    }
    out.push_str(
        "\n# The whole workspace at once: every service and the gateway, with the features they\n\
         # share compiled once (`cargo run` in each folder would compile them again for each).\n\
         cargo build --quiet --workspace --bins\n\
         # Where cargo put them, whatever sets it (CARGO_TARGET_DIR, a cargo config file).\n\
         target=$(cargo metadata --format-version 1 --no-deps |\n    \
         sed -n 's/.*\"target_directory\":\"\\([^\"]*\\)\".*/\\1/p')\n\
         bin=\"$target/debug\"\n\n\
         pids=\"\"\n\
         # start FOLDER VARIABLE=VALUE...: runs the folder's binary, in its folder, with those\n\
         # settings.\n\
         start() {\n    folder=$1\n    shift\n    \
         (cd \"$folder\" && exec env \"$@\" \"$bin/$folder\") &\n    \
         pids=\"$pids $!\"\n}\n\
         # Stops them all (each subshell has become its binary: the signal reaches it).\n\
         stop() {\n    trap - INT TERM EXIT\n    \
         # One process id per word: the list is split on purpose.\n    \
         # shellcheck disable=SC2086\n    \
         kill $pids 2>/dev/null || true\n    wait\n}\n\
         trap 'stop; exit 0' INT TERM\n\
         trap stop EXIT\n\n",
    );
    let url = |i: usize| format!("http://127.0.0.1:$((base + {})){prefix}", i + 1);
    for (i, service) in services.iter().enumerate() {
        let mut vars = vec![format!("PORT=$((base + {}))", i + 1)];
        for other in service.spec.referenced_services() {
            if let Some(j) = services.iter().position(|s| s.name == other) {
                vars.push(format!(
                    "{}=\"{}\"",
                    spec::Reference::url_variable(other),
                    url(j)
                ));
            }
        }
        let _ = writeln!(out, "start {} {}", service.name, vars.join(" "));
    }
    let mut vars = vec!["PORT=\"$base\"".to_string()];
    for (i, service) in services.iter().enumerate() {
        vars.push(format!(
            "{}=\"{}\"",
            spec::Reference::url_variable(&service.name),
            url(i)
        ));
    }
    let _ = writeln!(out, "start gateway {}", vars.join(" "));
    out.push_str(
        "echo \"The gateway: http://127.0.0.1:$base (Ctrl-C stops everything)\"\n\
         # Until one of them exits (or this script is stopped): then stop the rest.\n\
         while :; do\n    \
         # shellcheck disable=SC2086\n    \
         for pid in $pids; do\n        \
         kill -0 \"$pid\" 2>/dev/null || exit 1\n    done\n    sleep 1\ndone\n",
    );
    out
}

/// A compose service's `build`: the workspace's Dockerfile, for `member`.
fn build(member: &str) -> String {
    format!("    build:\n      context: .\n      args:\n        SERVICE: {member}\n")
}

/// The top `docker-compose.yml`.
pub fn compose(spec: &Spec, services: &[ServiceSpec]) -> String {
    let prefix = &spec.project.api_prefix;
    let jwt = spec.auth.mode == AuthMode::Jwt;
    let mut out = String::from(
        "# Every service with its own PostgreSQL database, one Redis (a database number each)\n\
         # and one NATS, behind the gateway: `docker compose up --build`, then the API through\n\
         # the gateway at http://localhost:8080. Set CURSOR_SECRET",
    );
    out.push_str(if jwt { " and JWT_SECRET" } else { "" });
    out.push_str(
        " in your shell or an .env\n\
         # file next to this one. Each service's own folder has a compose file for it alone.\n\
         services:\n  gateway:\n",
    );
    out.push_str(&build("gateway"));
    out.push_str("    environment:\n");
    if jwt {
        out.push_str(
            "      JWT_SECRET: ${JWT_SECRET:?set JWT_SECRET to at least 32 random bytes}\n",
        );
    }
    for service in services {
        let _ = writeln!(
            out,
            "      {}: http://{}:8080{prefix}",
            spec::Reference::url_variable(&service.name),
            service.name
        );
    }
    // The gateway's buckets, shared by its instances: the Redis database after the services'.
    let _ = writeln!(
        out,
        "      REDIS_URL: redis://redis:6379/{}",
        services.len()
    );
    out.push_str("    ports:\n      - \"8080:8080\"\n    depends_on:\n      - redis\n");
    for service in services {
        let _ = writeln!(out, "      - {}", service.name);
    }
    for (i, service) in services.iter().enumerate() {
        let name = &service.name;
        let _ = write!(
            out,
            "  {name}:\n{}    environment:\n      \
             APP_ENV: production\n      \
             DATABASE_URL: postgres://{name}:{name}@{name}-db:5432/{name}\n      \
             REDIS_URL: redis://redis:6379/{i}\n",
            build(name)
        );
        if uses_events(&service.spec) {
            out.push_str("      EVENTS_URL: nats://nats:4222\n");
        }
        out.push_str(
            "      CURSOR_SECRET: ${CURSOR_SECRET:?set CURSOR_SECRET to a long random string}\n",
        );
        if jwt {
            out.push_str(
                "      JWT_SECRET: ${JWT_SECRET:?set JWT_SECRET to at least 32 random bytes}\n",
            );
        }
        for other in service.spec.referenced_services() {
            let _ = writeln!(
                out,
                "      {}: http://{other}:8080{prefix}",
                spec::Reference::url_variable(other)
            );
        }
        out.push_str(
            "      # Requests come through the gateway, on Docker's network: trust its address.\n      \
             TRUSTED_PROXIES: 172.16.0.0/12\n    depends_on:\n",
        );
        let _ = writeln!(out, "      - {name}-db\n      - redis");
        if uses_events(&service.spec) {
            out.push_str("      - nats\n");
        }
        let _ = write!(
            out,
            "  {name}-db:\n    image: postgres:16-alpine\n    environment:\n      \
             POSTGRES_USER: {name}\n      POSTGRES_PASSWORD: {name}\n      POSTGRES_DB: {name}\n    \
             volumes:\n      - {name}-db:/var/lib/postgresql/data\n"
        );
    }
    out.push_str(
        "  redis:\n    image: redis:7-alpine\n    \
         # A cache and rate limits: nothing to keep on disk.\n    \
         command: [\"redis-server\", \"--save\", \"\", \"--appendonly\", \"no\"]\n  \
         nats:\n    image: nats:2.10-alpine\n    \
         # JetStream keeps the streams on the `nats` volume.\n    \
         command: [\"-js\", \"-sd\", \"/data\"]\n    volumes:\n      - nats:/data\n\n\
         volumes:\n",
    );
    for service in services {
        let _ = writeln!(out, "  {}-db:", service.name);
    }
    out.push_str("  nats:\n");
    out
}

/// The files at the top of a split that make it one Cargo workspace: its manifest and lock,
/// the Dockerfile that builds any member's image, what that build leaves out, and the CI
/// workflow that builds, lints and tests it.
pub fn workspace_files(spec: &Spec, services: &[ServiceSpec]) -> Result<Vec<(String, String)>> {
    let mut members: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    members.push(crate::gateway::FOLDER);
    let mut locks = services
        .iter()
        .map(|s| crate::render::service_lock(&s.name))
        .collect::<Result<Vec<String>>>()?;
    locks.push(crate::gateway::LOCK.to_owned());
    let locks: Vec<&str> = locks.iter().map(String::as_str).collect();
    Ok(vec![
        (
            "Cargo.toml".to_owned(),
            workspace::manifest(&members, spec.auth.mode == AuthMode::Jwt),
        ),
        ("Cargo.lock".to_owned(), workspace::merged_lock(&locks)?),
        (
            "Dockerfile".to_owned(),
            workspace::dockerfile(crate::context::SERVICE_RUST_VERSION),
        ),
        (
            ".dockerignore".to_owned(),
            workspace::DOCKERIGNORE.to_owned(),
        ),
        (WORKFLOW.to_owned(), workflow(services)),
    ])
}

/// Where the split's CI workflow goes (GitHub reads workflows at the top of a repository
/// only, so the members have none of their own).
pub const WORKFLOW: &str = ".github/workflows/ci.yml";

/// The split's CI workflow: each service's workflow, for the whole workspace at once (its
/// lint, tests on SQLite and on PostgreSQL, the Kubernetes overlays' checks, and audit), with
/// each service's OpenAPI document linted in a job of its own.
pub fn workflow(services: &[ServiceSpec]) -> String {
    let actions = &crate::ci_actions::ACTIONS;
    let rust = crate::context::SERVICE_RUST_VERSION;
    let setup = |components: bool| {
        let mut out = format!(
            "      - uses: {}\n      - uses: {}@{rust}\n",
            actions.checkout, actions.rust_toolchain
        );
        if components {
            out.push_str("        with:\n          components: rustfmt, clippy\n");
        }
        let _ = writeln!(out, "      - uses: {}", actions.rust_cache);
        out
    };
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    format!(
        "# Written by backend-gen: on every push and pull request, the whole split (every service\n\
         # and the gateway, one Cargo workspace): format and lint; test on SQLite and again on\n\
         # PostgreSQL, with a Redis service so the shared-store tests run too; lint each service's\n\
         # OpenAPI document; render and check the Kubernetes overlays; and audit the locked\n\
         # dependencies for published advisories (RustSec).\n\
         name: ci\n\n\
         on:\n  push:\n  pull_request:\n\n\
         # The jobs only read the repository.\n\
         permissions:\n  contents: read\n\n\
         env:\n  CARGO_TERM_COLOR: always\n\n\
         jobs:\n  \
         lint:\n    runs-on: ubuntu-latest\n    steps:\n{lint}      \
         - run: cargo fmt --check --all\n      \
         - run: cargo clippy --workspace --all-targets --locked -- -D warnings\n\n  \
         test:\n    runs-on: ubuntu-latest\n    services:\n      \
         redis:\n        image: redis:7-alpine\n        ports:\n          - 6379:6379\n      \
         postgres:\n        image: postgres:16-alpine\n        env:\n          \
         POSTGRES_PASSWORD: postgres\n        ports:\n          - 5432:5432\n        \
         options: >-\n          --health-cmd pg_isready --health-interval 2s --health-retries 30\n    \
         env:\n      TEST_REDIS_URL: redis://127.0.0.1:6379/0\n    steps:\n{test}      \
         - name: cargo test (SQLite)\n        run: cargo test --workspace --locked\n      \
         - name: cargo test (PostgreSQL)\n        run: cargo test --workspace --locked\n        \
         env:\n          TEST_DATABASE_URL: postgres://postgres:postgres@127.0.0.1:5432/postgres\n\n  \
         # Each service's document as a security reviewer lints it: Spectral's OpenAPI rules and\n  \
         # the OWASP API Security Top 10 2023 ruleset; its .spectral.yaml names each exception.\n  \
         openapi:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        \
         service: [{services}]\n    defaults:\n      run:\n        \
         working-directory: ${{{{ matrix.service }}}}\n    steps:\n      \
         - uses: {checkout}\n      - run: {install}\n      - run: {lint_document}\n\n\
         {kubernetes}\n  \
         audit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: {checkout}\n      \
         - uses: {install_tool}\n        with:\n          tool: cargo-audit\n      \
         - run: cargo audit\n",
        lint = setup(true),
        test = setup(false),
        services = names.join(", "),
        checkout = actions.checkout,
        install = crate::ci_actions::SPECTRAL_INSTALL,
        lint_document = crate::ci_actions::SPECTRAL_LINT,
        kubernetes = crate::ci_actions::KUBERNETES.job,
        install_tool = actions.install_tool,
    )
}

/// What a split generated before it was a workspace has and no longer needs: each member's
/// build settings are the workspace's now.
pub const BEFORE_THE_WORKSPACE: [&str; 3] = [
    ".cargo/config.toml",
    "gateway/Cargo.lock",
    "gateway/Dockerfile",
];

#[cfg(test)]
mod tests {
    use super::{compose, run_all};
    use crate::spec;

    /// The gateway's lock pins every crate it shares with the services at a version the
    /// services' lock has: the workspace's lock is their union, and two versions of one crate
    /// where one would do would have a package depend on both. A crate the gateway pins at
    /// several versions of its own need (tokio-tungstenite: axum's and axum-reverse-proxy's)
    /// passes when the services' versions are among them.
    #[test]
    fn the_pinned_locks_agree_on_every_crate_they_share() {
        let versions = |lock: &str| {
            let mut out = std::collections::BTreeMap::<String, Vec<String>>::new();
            for package in crate::lock_file::packages(lock) {
                out.entry(package.name.to_owned())
                    .or_default()
                    .push(package.version.to_owned());
            }
            out
        };
        let services = versions(&crate::render::service_lock("shop").unwrap());
        let mut disagree = Vec::new();
        for (name, pinned) in versions(crate::gateway::LOCK) {
            let Some(theirs) = services.get(&name) else {
                continue;
            };
            // A crate the gateway itself needs at several versions (two of its dependencies
            // ask for different ones) adds none to the union while the services' are among them.
            if pinned.len() > 1 && theirs.iter().all(|v| pinned.contains(v)) {
                continue;
            }
            for version in pinned.iter().filter(|v| !theirs.contains(v)) {
                disagree.push(format!("{name} {version} (the services pin {theirs:?})"));
            }
        }
        assert!(
            disagree.is_empty(),
            "templates/gateway.Cargo.lock: `cargo update -p NAME --precise VERSION` for {disagree:?}"
        );
    }

    const EXAMPLE: &str = include_str!("../examples/shop-services.toml");

    /// `run-all` starts each service with the URLs of those it calls, and the gateway with
    /// every one; compose gives each its own database and Redis number, and the gateway the
    /// next one.
    #[test]
    fn run_all_and_compose_give_each_service_the_urls_of_those_it_calls() {
        let spec = spec::parse("shop-services.toml", EXAMPLE).expect("valid");
        let services = crate::split::project(&spec, EXAMPLE).expect("the services");
        let run_all = run_all(&spec, &services);
        assert!(
            run_all.contains("start accounts PORT=$((base + 1))\n"),
            "{run_all}"
        );
        assert!(
            run_all.contains("start orders PORT=$((base + 3)) SERVICE_URL_ACCOUNTS=\"http://127.0.0.1:$((base + 1))/v1\" SERVICE_URL_CATALOG=\"http://127.0.0.1:$((base + 2))/v1\"\n"),
            "{run_all}"
        );
        let compose = compose(&spec, &services);
        for expected in [
            "DATABASE_URL: postgres://catalog:catalog@catalog-db:5432/catalog",
            "REDIS_URL: redis://redis:6379/1\n",
            "SERVICE_URL_ORDERS: http://orders:8080/v1",
            "REDIS_URL: redis://redis:6379/5\n",
        ] {
            assert!(compose.contains(expected), "{expected}\n{compose}");
        }
    }
}
