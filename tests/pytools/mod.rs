//! The Python tools the tests use (openapi-spec-validator, Schemathesis), from the
//! virtual environment `scripts/test` makes under `target/pytools`. Shared by the OpenAPI
//! and end-to-end test binaries.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
    if found {
        return true;
    }
    let message = format!(
        "the Python package `{package}` is missing (looked in {}); `scripts/test` installs it",
        python().display()
    );
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{message}");
    }
    eprintln!("\n!!!!!!!!!! SKIPPED: {message} !!!!!!!!!!\n");
    false
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs Schemathesis against the service at `base_url` (`http://127.0.0.1:PORT`), using the
/// document the service serves: a fixed seed, a few hundred requests at most, and the checks
/// that every answer is no server error, has a documented status, and matches the documented
/// body, content type and headers. Panics with Schemathesis's report on any failure.
///
/// When the tool is missing it fails under `CI=true` and otherwise prints a loud skip.
/// Fuzzes the service at `base_url` from its own OpenAPI document; `token`, when given, is
/// sent as a bearer token with every request (an admin's, so access rules let it through).
pub fn schemathesis(base_url: &str, token: Option<&str>) {
    if !tool("schemathesis", "schemathesis") {
        return;
    }
    // Hypothesis and Schemathesis may write caches and reports into their working directory.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = Command::new(python())
        .args(["-m", "schemathesis.cli", "run"])
        .arg(format!("{}/openapi.json", base_url.trim_end_matches('/')))
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance,response_headers_conformance",
            "--phases",
            "examples,fuzzing,stateful",
            "--max-examples",
            "6",
            "--seed",
            "20240501",
            "--workers",
            "1",
            "--request-timeout",
            "10",
            "--generation-database",
            "none",
            "--continue-on-failure",
            "--no-color",
        ])
        .args(token.map(|token| format!("--header=Authorization: Bearer {token}")))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run schemathesis");
    assert!(
        output.status.success(),
        "schemathesis found problems with {base_url}:\n{}",
        text(&output)
    );
}

/// Asserts that each file parses as YAML (the generated compose file and CI workflow, which
/// no Docker daemon or CI service checks here). PyYAML comes with Schemathesis.
#[allow(dead_code, reason = "only the end-to-end test binary uses it")]
pub fn assert_yaml(files: &[PathBuf]) {
    if !tool("yaml", "pyyaml") {
        return;
    }
    let output = Command::new(python())
        .args([
            "-c",
            "import sys, yaml\nfor path in sys.argv[1:]:\n    yaml.safe_load(open(path))",
        ])
        .args(files)
        .output()
        .expect("run python");
    assert!(output.status.success(), "invalid YAML:\n{}", text(&output));
}
