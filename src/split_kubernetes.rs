//! A split on Kubernetes: the overlays at its top that deploy every service's base
//! (`SERVICE/deploy/kubernetes/base`, rendered from the service's templates) and the gateway's
//! (`gateway/deploy/kubernetes/base`) into one namespace, the gateway alone behind the
//! Ingress; `services` are the split's services' names, in its order. Each base holds what
//! its service knows: its network policy admits the gateway, and a caller's base admits
//! itself to the services it calls, so nothing here repeats it.

use std::fmt::Write as _;

use crate::kubernetes::{KubeName, namespace};

/// Where the overlays go, at the top of the split.
pub const OVERLAYS: &str = "deploy/kubernetes/overlays";

/// Every member that serves HTTP: each service and the gateway, by folder (the image's
/// name, `--build-arg SERVICE=…`) and by its name in the manifests.
fn members<'a>(services: &[&'a str]) -> Vec<(&'a str, KubeName)> {
    services
        .iter()
        .copied()
        .chain([crate::spec::GATEWAY_FOLDER])
        .map(|folder| (folder, KubeName::of(folder)))
        .collect()
}

/// The part both overlays share: the namespace, every base, and each image by its release.
fn common(title: &str, services: &[&str], target: &str, tag: &str) -> String {
    let mut out = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\n\
         namespace: \"{target}\"\n\nresources:\n"
    );
    for (folder, _) in members(services) {
        let _ = writeln!(out, "  - ../../../../{folder}/deploy/kubernetes/base");
    }
    let registry = namespace(title);
    out.push_str("\n# Each image as the workspace's Dockerfile builds it (`--build-arg SERVICE=NAME`).\nimages:\n");
    for (folder, member) in members(services) {
        let _ = writeln!(
            out,
            "  - name: {}\n    newName: registry.example.com/{registry}/{folder}\n    newTag: {tag}",
            member.value
        );
    }
    out
}

/// The overlays' files, by path from the top of the split: `development` (one pod each, no
/// autoscaler, debug logs) and `production` (the autoscaled pods, the release's images, the
/// public host with TLS on the gateway's Ingress).
pub fn overlays(title: &str, services: &[&str]) -> Vec<(String, String)> {
    let production = namespace(title);
    let mut development = format!(
        "# A development cluster: every service and the gateway, one pod each, no autoscaling,\n\
         # debug logs. `kubectl apply -k deploy/kubernetes/overlays/development` after the\n\
         # Secrets (README.md, \"Deploy to Kubernetes\").\n{}",
        common(
            title,
            services,
            &format!("{production}-development"),
            "development"
        )
    );
    development.push_str("\nconfigMapGenerator:\n");
    for (_, member) in members(services) {
        let _ = writeln!(
            development,
            "  - name: {}-config\n    behavior: merge\n    literals:\n      - RUST_LOG=debug",
            member.name
        );
    }
    development.push_str("\npatches:\n");
    for (_, member) in members(services) {
        let _ = writeln!(
            development,
            "  - target:\n      kind: HorizontalPodAutoscaler\n      name: {0}\n    patch: |-\n      \
             $patch: delete\n      apiVersion: autoscaling/v2\n      kind: HorizontalPodAutoscaler\n      \
             metadata:\n        name: {0}\n  \
             - target:\n      kind: Deployment\n      name: {0}\n    patch: |-\n      \
             - op: replace\n        path: /spec/replicas\n        value: 1",
            member.value
        );
    }
    let production_kustomization = format!(
        "# Production: every service and the gateway autoscaled (2 to 10 pods each), the images of\n\
         # a release, and the public host with its TLS certificate on the gateway's Ingress. Set\n\
         # each image of a release by its digest (README.md, \"Deploy to Kubernetes\"), then\n\
         # `kubectl apply -k deploy/kubernetes/overlays/production`.\n{}\n\
         patches:\n  - path: ingress.yaml\n",
        common(title, services, &production, "\"0.1.0\"")
    );
    let ingress = "# The public host and its certificate (a Secret of type kubernetes.io/tls, which\n\
         # cert-manager or the team makes), on the gateway: the services have no Ingress.\n\
         apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: gateway\nspec:\n  \
         tls:\n    - hosts:\n        - api.example.com\n      secretName: gateway-tls\n  \
         rules:\n    - host: api.example.com\n      http:\n        paths:\n          \
         - path: /\n            pathType: Prefix\n            backend:\n              \
         service:\n                name: gateway\n                port:\n                  \
         name: http\n";
    vec![
        (
            format!("{OVERLAYS}/development/kustomization.yaml"),
            development,
        ),
        (
            format!("{OVERLAYS}/production/kustomization.yaml"),
            production_kustomization,
        ),
        (
            format!("{OVERLAYS}/production/ingress.yaml"),
            ingress.to_owned(),
        ),
    ]
}

/// The split README's "Deploy to Kubernetes": what the overlays deploy, and the commands
/// that build the images, make the Secrets, apply, and roll out a release.
pub fn readme(title: &str, jwt: bool, services: &[&str]) -> String {
    let namespace = namespace(title);
    let folders: Vec<&str> = members(services).into_iter().map(|(f, _)| f).collect();
    // The rollout's example names a service of this split.
    let (folder, example) = members(services)
        .into_iter()
        .next()
        .map(|(folder, kube)| (folder, kube.name))
        .unwrap_or_default();
    format!(
        "## Deploy to Kubernetes\n\n\
         `deploy/kubernetes/overlays/` has two kustomize overlays, `development` (one pod each,\n\
         no autoscaler, debug logs, namespace `{namespace}-development`) and `production` (namespace\n\
         `{namespace}`), that deploy every service and the gateway into one namespace. Each folder's\n\
         `deploy/kubernetes/base/` is its part: the API as a Deployment of non-root, read-only\n\
         containers with probes on `/health/ready` and `/health/live`, migrations in an init\n\
         container before a new pod serves, a job worker of its own where the service has jobs,\n\
         an autoscaler and a disruption budget (each service's `docs/operations.md`, \"Kubernetes\",\n\
         says why each setting is there). Only the gateway has an Ingress. The network policies\n\
         let into a service only the gateway, the services that call it and Prometheus (namespace\n\
         `monitoring`), and into the gateway only the ingress controller (namespace\n\
         `ingress-nginx`); each service reaches out only to DNS, its database, Redis, NATS and the\n\
         services it calls. The gateway trusts the ingress controller's `X-Forwarded-For`\n\
         (`TRUSTED_PROXIES`), and the services trust the gateway's, so each client keeps its own\n\
         rate-limit budget. The CI workflow renders both overlays with kustomize, validates them\n\
         against the Kubernetes {version} API schemas and runs checkov's Kubernetes checks.\n\n\
         To deploy, build and push each image from this folder, create each service's Secret\n\
         (the keys its `docs/operations.md` lists: its own `DATABASE_URL`, a Redis database of its\n\
         own in `REDIS_URL`, …) and the gateway's, then apply:\n\n\
         ```sh\n\
         NAMESPACE={namespace}\n\
         for member in {members}; do\n    \
         docker build --build-arg SERVICE=\"$member\" -t \"registry.example.com/{namespace}/$member:0.1.0\" . &&\n        \
         docker push \"registry.example.com/{namespace}/$member:0.1.0\"\n\
         done\n\
         kubectl create namespace \"$NAMESPACE\"\n\
         # Then each service's Secret, as its docs/operations.md shows, and the gateway's: its\n\
         # buckets' Redis database{jwt_comment}.\n\
         kubectl --namespace \"$NAMESPACE\" create secret generic gateway \\\n    \
         --from-literal=REDIS_URL=\"$GATEWAY_REDIS_URL\"{jwt_key}\n\
         kubectl apply -k deploy/kubernetes/overlays/production\n\
         kubectl --namespace \"$NAMESPACE\" rollout status deployment/gateway\n\
         ```\n\n\
         To roll out a release, pin each image that changed by its digest and apply: each\n\
         Deployment adds a new pod and removes an old one only once the new one is ready, and\n\
         `rollout undo` goes back.\n\n\
         ```sh\n\
         (cd deploy/kubernetes/overlays/production &&\n    \
         kustomize edit set image \"{example}=registry.example.com/{namespace}/{folder}@$DIGEST\")\n\
         kubectl apply -k deploy/kubernetes/overlays/production\n\
         kubectl --namespace \"$NAMESPACE\" rollout status deployment/{example}\n\
         kubectl --namespace \"$NAMESPACE\" rollout undo deployment/{example}   # only to go back\n\
         ```\n\n\
         During a rollout a service's old pods serve beside its new ones on the schema the new\n\
         ones migrated to, so each release's migrations must leave a schema the previous release\n\
         still works with: expand (add), deploy, then contract (drop or rename) in a later\n\
         release. `backend-gen update` says which kind each migration it writes is (`Rollout: an\n\
         expand step.` or `Rollout: a contract step.`, with why). A service that starts calling\n\
         another's new route rolls out after that service.\n\n",
        version = crate::ci_actions::KUBERNETES_VERSION,
        members = folders.join(" "),
        jwt_comment = if jwt {
            " and the JWT_SECRET every service has"
        } else {
            ""
        },
        jwt_key = if jwt {
            " \\\n    --from-literal=JWT_SECRET=\"$JWT_SECRET\""
        } else {
            ""
        },
    )
}
