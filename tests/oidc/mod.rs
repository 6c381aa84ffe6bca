//! Signing in through a real OpenID provider: node-oidc-provider (OpenID Certified, RS256
//! keys, its own discovery document, login and consent pages), which `scripts/test`
//! installs under `target/oidc-provider`, and a scripted browser (`browser.mjs`) that follows
//! the redirects with its cookies and fills the provider's pages. The generated tests cover
//! every refusal against a provider in their own process; this is the same flow against
//! another implementation, end to end, as a team deploys it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use backend_gen::context::ServiceContext;
use backend_gen::spec::Provider;
use serde_json::json;

use super::{Server, call, register_account};

/// The client the service is at the provider.
const CLIENT_ID: &str = "backend-gen-e2e";
const CLIENT_SECRET: &str = "backend-gen-e2e-client-secret";
/// The app page sign-ins return to: nothing listens there, the browser stops at it.
const APP_PAGE: &str = "http://127.0.0.1:9/signed-in";

/// Where `scripts/test` installs node-oidc-provider (npm, pinned).
fn home() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/oidc-provider")
}

/// A running provider, and what the service needs to use it.
pub struct RealProvider {
    _process: Server,
    pub provider: Provider,
    pub issuer: String,
}

impl RealProvider {
    /// Starts node-oidc-provider for the spec's first provider of `ctx`, with the service's
    /// callback on `service_port` as its client's redirect URI. `None` without providers, or
    /// (a loud skip, a failure under `CI=true`) without node-oidc-provider.
    pub fn start(ctx: &ServiceContext, service_port: u16) -> Option<Self> {
        let provider = ctx.auth.as_ref()?.settings.providers.first()?.clone();
        let installed = home()
            .join("node_modules/oidc-provider/package.json")
            .exists();
        if !installed {
            let message =
                "node-oidc-provider is missing (target/oidc-provider); `scripts/test` installs it";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
            eprintln!("\n!!!!!!!!!! SKIPPED: {message} !!!!!!!!!!\n");
            return None;
        }
        for script in ["provider.mjs", "browser.mjs"] {
            let source = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/oidc")
                .join(script);
            std::fs::copy(source, home().join(script))
                .expect("copy the script beside its node_modules");
        }
        let callback = format!(
            "http://127.0.0.1:{service_port}{}/auth/providers/{}/callback",
            ctx.api_prefix, provider.kebab
        );
        let (issuer, process) = (0..5)
            .find_map(|_| listen(super::free_port(), &callback))
            .expect("node-oidc-provider listens");
        Some(Self {
            _process: Server(process),
            provider,
            issuer,
        })
    }

    /// The service's environment for this provider.
    pub fn env(&self, service_port: u16) -> Vec<(String, String)> {
        let prefix = &self.provider.env;
        vec![
            (format!("{prefix}CLIENT_ID"), CLIENT_ID.to_owned()),
            (format!("{prefix}CLIENT_SECRET"), CLIENT_SECRET.to_owned()),
            (format!("{prefix}ISSUER"), self.issuer.clone()),
            (
                "PUBLIC_URL".to_owned(),
                format!("http://127.0.0.1:{service_port}"),
            ),
            ("SIGN_IN_REDIRECT_URLS".to_owned(), APP_PAGE.to_owned()),
        ]
    }
}

/// node-oidc-provider on `port`; `None` if it could not listen there (taken meanwhile).
fn listen(port: u16, callback: &str) -> Option<(String, Child)> {
    let mut child = Command::new("node")
        .arg(home().join("provider.mjs"))
        .args([&port.to_string(), CLIENT_ID, CLIENT_SECRET, callback])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run node");
    let stdout = child.stdout.take().expect("its stdout");
    let (sender, ready) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(issuer) = line.strip_prefix("ready ") {
                let _ = sender.send(issuer.to_owned());
            }
        }
    });
    match ready.recv_timeout(Duration::from_secs(30)) {
        Ok(issuer) => Some((issuer, child)),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    }
}

/// A browser from `start` through the provider (signing in as `person`) back to the app's
/// page: that page's query, as pairs.
fn browse(start: &str, person: &str) -> Vec<(String, String)> {
    let output = Command::new("node")
        .arg(home().join("browser.mjs"))
        .args([start, person, APP_PAGE])
        .output()
        .expect("run node");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the browser from {start}: {text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let query = text.trim().split_once('?').map_or("", |(_, query)| query);
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

fn value_of<'a>(query: &'a [(String, String)], key: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Who signs in at the provider: its development login page takes the person's claims as the
/// login name (`tests/oidc/provider.mjs`).
fn person(subject: &str, email: &str, verified: bool) -> String {
    format!("{subject}|{email}|{verified}|A Person")
}

/// The sign-ins the issue asks of a real provider, against the service at `base` with
/// `provider` configured: a first sign-in creates an account and a second signs into it; a
/// verified email joins the account that has it where the spec allows, an unverified one
/// never; the signed-in `admin` links the provider, signs in with it, and unlinks it.
pub fn signs_in_through_a_real_provider(
    base: &str,
    ctx: &ServiceContext,
    provider: &Provider,
    admin: Option<&str>,
) {
    let api = format!("{base}{}", ctx.api_prefix);
    let authorize = format!(
        "{api}/auth/providers/{}/authorize?redirect_to={}",
        provider.kebab,
        APP_PAGE.replace(':', "%3A").replace('/', "%2F")
    );
    // Unique per run: a service on PostgreSQL may meet the accounts of an earlier run.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let run = format!("{nanos:x}");
    let me = |token: &str| {
        let (status, body, _) = call("GET", &format!("{api}/auth/me"), Some(token), None);
        assert_eq!(status, 200, "{body}");
        body
    };
    let sign_in = |who: &str| -> String {
        let back = browse(&authorize, who);
        let code = value_of(&back, "code").unwrap_or_else(|| panic!("no code: {back:?}"));
        let exchange = format!("{api}/auth/providers/exchange");
        let (status, pair, _) = call("POST", &exchange, None, Some(json!({ "code": code })));
        assert_eq!(status, 200, "{pair}");
        pair["accessToken"]
            .as_str()
            .expect("an access token")
            .to_owned()
    };

    let alice = person(
        &format!("alice-{run}"),
        &format!("alice-{run}@e2e.example"),
        true,
    );
    let first = me(&sign_in(&alice));
    assert_eq!(first["email"], json!(format!("alice-{run}@e2e.example")));
    let again = me(&sign_in(&alice));
    assert_eq!(
        again["id"], first["id"],
        "a second sign-in, the same account"
    );

    // A password account's email, as the provider vouches for it or not: unverified, never
    // joined; verified, joined as `link_verified_email` allows.
    let email = format!("carol-{run}@e2e.example");
    let carol = register_account(&api, ctx, &email);
    let unverified = browse(&authorize, &person(&format!("carol-{run}"), &email, false));
    assert_eq!(
        value_of(&unverified, "error"),
        Some("account_conflict"),
        "{unverified:?}"
    );
    let verified = person(&format!("carol-{run}"), &email, true);
    let joins = ctx
        .auth
        .as_ref()
        .is_some_and(|auth| auth.settings.link_verified_email);
    if joins {
        let joined = me(&sign_in(&verified));
        assert_eq!(joined["email"], json!(email));
        if let Some(carol) = carol {
            assert_eq!(
                joined["id"],
                json!(carol),
                "the verified email joined its account"
            );
        }
    } else {
        let refused = browse(&authorize, &verified);
        assert_eq!(
            value_of(&refused, "error"),
            Some("account_conflict"),
            "{refused:?}"
        );
    }

    // The admin (a password account) links the provider, signs in with it, and unlinks it.
    let Some(token) = admin else {
        return;
    };
    let admin_id = me(token)["id"].clone();
    let mine = format!("{api}/auth/me/providers");
    let link = format!("{mine}/{}", provider.kebab);
    let body = json!({ "redirectTo": APP_PAGE });
    let (status, started, _) = call("POST", &link, Some(token), Some(body));
    assert_eq!(status, 200, "{started}");
    let at_provider = started["url"].as_str().expect("the provider's page");
    let identity = person(
        &format!("admin-{run}"),
        &format!("admin-{run}@e2e.example"),
        true,
    );
    let back = browse(at_provider, &identity);
    let code = value_of(&back, "code").unwrap_or_else(|| panic!("no code: {back:?}"));
    let confirm = format!("{mine}/confirm");
    let (status, linked, _) = call("POST", &confirm, Some(token), Some(json!({ "code": code })));
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked["data"][0]["name"], json!(provider.kebab));
    let through = me(&sign_in(&identity));
    assert_eq!(
        through["id"], admin_id,
        "the linked identity signs into the account"
    );
    let (status, body, _) = call("DELETE", &link, Some(token), None);
    assert_eq!(status, 204, "{body}");
    let (_, listed, _) = call("GET", &mine, Some(token), None);
    assert_eq!(listed, json!({"data": [], "passwordSet": true}));
}
