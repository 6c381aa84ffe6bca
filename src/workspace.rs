//! The Cargo workspace a split is (issue 40): one crate per service and the gateway as its
//! members, one `Cargo.lock` and the build profiles at the top, and one Dockerfile that builds
//! any member's image from the workspace.
//!
//! Every member's dependencies are pinned by a lock backend-gen ships (the services' template,
//! the gateway's); the workspace's lock is their union, written as cargo writes a lock, so
//! `cargo build --locked` at the top takes it as it is. Below every module that renders: it
//! knows text, not specs.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The build profiles, the same for a project of its own and for a workspace's root (cargo
/// reads them there only). `argon2`: with accounts, whose password hashing needs them.
pub fn profiles(argon2: bool) -> String {
    let mut out = String::from(
        "# Line tables only for the service's code: backtraces and panics still name every frame with\n\
         # its file and line, at a fraction of full debug info. None for the dependencies: their frames\n\
         # keep their function names, and the binary and each test crate link a third less (48 MB\n\
         # rather than 73). For a debugger session that needs variables, build with\n\
         # `CARGO_PROFILE_DEV_DEBUG=full cargo build` (README: \"Debugging\"): only this crate is rebuilt.\n\
         [profile.dev]\n\
         debug = \"line-tables-only\"\n\n\
         [profile.dev.package.\"*\"]\n\
         debug = false\n",
    );
    if argon2 {
        out.push_str(
            "\n# Password hashing is deliberately expensive; unoptimised, it would make debug builds and\n\
             # their tests crawl. These packages are optimised even in development.\n\
             [profile.dev.package.argon2]\n\
             opt-level = 3\n\n\
             [profile.dev.package.blake2]\n\
             opt-level = 3\n",
        );
    }
    out
}

/// The workspace's `Cargo.toml`: its members in the split's order, the gateway last.
pub fn manifest(members: &[&str], argon2: bool) -> String {
    let list: Vec<String> = members.iter().map(|m| format!("    \"{m}\",")).collect();
    format!(
        "# Written by backend-gen: every service of the split and the gateway, built together.\n\
         # One Cargo.lock here pins them all; `cargo build` here builds them into one target/, and\n\
         # `cargo run`, `cargo test` in a member's folder work on that member.\n\
         [workspace]\n\
         resolver = \"3\"\n\
         members = [\n{}\n]\n\n{}",
        list.join("\n"),
        profiles(argon2)
    )
}

/// The workspace's Dockerfile: one image per member, `--build-arg SERVICE=NAME`.
pub fn dockerfile(rust_version: &str) -> String {
    format!(
        "# syntax=docker/dockerfile:1\n\
         # Written by backend-gen: the image of one member of the workspace, built from the top of\n\
         # the split: `docker build --build-arg SERVICE=catalog -t catalog .` (docker-compose.yml\n\
         # builds each this way). The registry and target/ are cache mounts, shared by every\n\
         # member's build: the dependencies they have in common compile once.\n\
         FROM rust:{rust_version}-slim-bookworm AS build\n\
         ARG SERVICE\n\
         WORKDIR /src\n\
         COPY . .\n\
         # `--locked`: Cargo.lock pins the whole tree, so the image has exactly the tested versions.\n\
         RUN --mount=type=cache,target=/usr/local/cargo/registry \\\n    \
         --mount=type=cache,target=/src/target \\\n    \
         test -n \"$SERVICE\" \\\n    \
         && cargo build --release --locked --package \"$SERVICE\" \\\n    \
         && cp \"target/release/$SERVICE\" /usr/local/bin/app\n\n\
         FROM debian:bookworm-slim\n\
         RUN groupadd --system --gid 10001 app \\\n    \
         && useradd --system --uid 10001 --gid app --create-home --home-dir /app app \\\n    \
         && mkdir /app/data && chown 10001:10001 /app/data\n\
         COPY --from=build /usr/local/bin/app /usr/local/bin/app\n\
         # Numeric, so the runtime (and Kubernetes' runAsNonRoot) need not look the name up.\n\
         USER 10001:10001\n\
         WORKDIR /app\n\
         # Production refuses to start without its secrets (each member's README says which).\n\
         ENV APP_ENV=production HOST=0.0.0.0 PORT=8080\n\
         EXPOSE 8080\n\
         CMD [\"app\"]\n"
    )
}

/// What the image's build leaves out: what cargo, the services and their tools make as they
/// run, local settings, and backend-gen's own state.
pub const DOCKERIGNORE: &str = "target\n**/data\n**/.env\n.git\n**/.backend-gen\n**/node_modules\n";

#[derive(Deserialize)]
struct Lock {
    version: u32,
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

/// A package in a lock: its name and version.
type Id = (String, String);

/// What the workspace's lock says of one package.
struct Entry {
    source: Option<String>,
    checksum: Option<String>,
    dependencies: BTreeSet<Id>,
}

/// The workspace's `Cargo.lock`: the union of its members' locks (each a lock of that member
/// alone, with every feature, as cargo resolves one), in cargo's own format and order. A
/// package in several locks depends on what it depends on in any (the workspace enables the
/// features of all); a dependency is written `name version` where the union holds more than
/// one version of its name, as cargo writes it.
pub fn merged_lock(locks: &[&str]) -> Result<String> {
    let mut packages: BTreeMap<Id, Entry> = BTreeMap::new();
    let mut version = 0;
    for text in locks {
        let lock: Lock = toml::from_str(text)
            .map_err(|err| Error::Usage(format!("a pinned Cargo.lock does not parse: {err}")))?;
        version = version.max(lock.version);
        // A dependency named without a version is the one version of it in its own lock.
        let only: BTreeMap<&str, &str> = lock
            .package
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        for p in &lock.package {
            let dependencies = p
                .dependencies
                .iter()
                .map(|d| {
                    let mut words = d.split(' ');
                    let name = words.next().unwrap_or_default();
                    let version = words
                        .next()
                        .or_else(|| only.get(name).copied())
                        .unwrap_or_default();
                    (name.to_owned(), version.to_owned())
                })
                .collect::<Vec<Id>>();
            let entry = packages
                .entry((p.name.clone(), p.version.clone()))
                .or_insert_with(|| Entry {
                    source: p.source.clone(),
                    checksum: p.checksum.clone(),
                    dependencies: BTreeSet::new(),
                });
            entry.dependencies.extend(dependencies);
        }
    }
    let mut versions: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, _) in packages.keys() {
        *versions.entry(name).or_default() += 1;
    }
    let mut out = format!(
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = {version}\n"
    );
    for (id, entry) in &packages {
        out.push_str(&format!(
            "\n[[package]]\nname = \"{}\"\nversion = \"{}\"\n",
            id.0, id.1
        ));
        if let Some(source) = &entry.source {
            out.push_str(&format!("source = \"{source}\"\n"));
        }
        if let Some(checksum) = &entry.checksum {
            out.push_str(&format!("checksum = \"{checksum}\"\n"));
        }
        if !entry.dependencies.is_empty() {
            out.push_str("dependencies = [\n");
            for (name, version) in &entry.dependencies {
                if versions.get(name.as_str()).copied().unwrap_or(0) > 1 {
                    out.push_str(&format!(" \"{name} {version}\",\n"));
                } else {
                    out.push_str(&format!(" \"{name}\",\n"));
                }
            }
            out.push_str("]\n");
        }
    }
    // In cargo's order: by name, then version by number.
    Ok(crate::lock_file::sorted(&out))
}

#[cfg(test)]
mod tests {
    use super::merged_lock;

    const HEAD: &str = "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n";

    fn registry(name: &str, version: &str, deps: &[&str]) -> String {
        let mut out = format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"00\"\n"
        );
        if !deps.is_empty() {
            out.push_str("dependencies = [\n");
            for d in deps {
                out.push_str(&format!(" \"{d}\",\n"));
            }
            out.push_str("]\n");
        }
        out
    }

    fn root(name: &str, deps: &[&str]) -> String {
        let mut out =
            format!("\n[[package]]\nname = \"{name}\"\nversion = \"0.1.0\"\ndependencies = [\n");
        for d in deps {
            out.push_str(&format!(" \"{d}\",\n"));
        }
        out + "]\n"
    }

    /// Two members' locks: each root kept, a package they share kept once with the
    /// dependencies of both, and a name that now has two versions named with its version
    /// everywhere, also where the lock it came from had only one.
    #[test]
    fn two_locks_merge_as_cargo_would_lock_the_workspace() {
        let catalog = format!(
            "{HEAD}{}{}{}",
            root("catalog", &["tokio"]),
            registry("mio", "1.0.0", &["windows-sys 0.61.0"]),
            registry("tokio", "1.0.0", &["mio"])
        ) + &registry("windows-sys", "0.60.0", &[])
            + &registry("windows-sys", "0.61.0", &[]);
        let gateway = format!(
            "{HEAD}{}{}{}",
            root("gateway", &["tokio"]),
            registry("parking_lot", "0.12.0", &["windows-sys"]),
            registry("tokio", "1.0.0", &["parking_lot"])
        ) + &registry("windows-sys", "0.61.0", &[]);
        let merged = merged_lock(&[&catalog, &gateway]).unwrap();
        let expected = format!(
            "{HEAD}{}{}{}{}{}{}{}",
            root("catalog", &["tokio"]),
            root("gateway", &["tokio"]),
            registry("mio", "1.0.0", &["windows-sys 0.61.0"]),
            registry("parking_lot", "0.12.0", &["windows-sys 0.61.0"]),
            registry("tokio", "1.0.0", &["mio", "parking_lot"]),
            registry("windows-sys", "0.60.0", &[]),
            registry("windows-sys", "0.61.0", &[])
        );
        assert_eq!(merged, expected);
    }

    #[test]
    fn a_lock_that_does_not_parse_is_an_error_not_a_panic() {
        assert!(merged_lock(&["version = 4\n[[package]]\nname = 1\n"]).is_err());
    }
}
