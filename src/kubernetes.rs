//! What the Kubernetes manifests (`templates/service/deploy/kubernetes/`) need that the
//! templates cannot derive: the service's name as Kubernetes takes it.

use serde::Serialize;

/// The longest name given: a Service's name is a DNS label (at most 63 characters), and the
/// worker's Deployment adds `-worker` to it.
const MAX_NAME: usize = 56;

/// The words YAML 1.1 (which kustomize and kubectl read) takes for a boolean or null when
/// they stand unquoted: a service called `yes` must be `"yes"` wherever it stands alone.
const YAML_WORDS: [&str; 9] = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"];

/// The service's name in its manifests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KubeName {
    /// A DNS label, to build other names from (`my-shop-worker`): the crate's name with `-`
    /// for `_`, at most [`MAX_NAME`] characters, ending with a letter or digit.
    pub name: String,
    /// The same as a YAML value on its own: quoted where YAML would read something else.
    pub value: String,
}

impl KubeName {
    /// From the crate's name (lowercase letters, digits, `-` and `_`, starting with a letter:
    /// `check_crate_name`).
    pub fn of(crate_name: &str) -> Self {
        let dashed: String = crate_name
            .replace('_', "-")
            .chars()
            .take(MAX_NAME)
            .collect();
        let name = dashed.trim_end_matches('-').to_owned();
        let value = if YAML_WORDS.contains(&name.as_str()) {
            format!("\"{name}\"")
        } else {
            name.clone()
        };
        Self { name, value }
    }
}

/// The namespace a split's overlays put everything in: its title as a DNS label (lowercase
/// letters, digits and `-`, starting with a letter), short enough for `-development` after it.
pub fn namespace(title: &str) -> String {
    const MAX: usize = 63 - "-development".len();
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.insert_str(0, "split-");
    }
    out.truncate(MAX);
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::{KubeName, namespace};

    #[test]
    fn a_crate_name_becomes_a_dns_label_and_a_yaml_string() {
        let plain = KubeName::of("my_shop");
        assert_eq!(
            (plain.name.as_str(), plain.value.as_str()),
            ("my-shop", "my-shop")
        );
        assert_eq!(KubeName::of("shop__").name, "shop");
        let long = KubeName::of(&format!("a{}", "_b".repeat(40)));
        assert!(
            long.name.len() <= 56 && !long.name.ends_with('-'),
            "{}",
            long.name
        );
        let word = KubeName::of("on");
        assert_eq!((word.name.as_str(), word.value.as_str()), ("on", "\"on\""));
    }

    #[test]
    fn a_splits_title_becomes_a_namespace() {
        assert_eq!(namespace("Shop services"), "shop-services");
        assert_eq!(namespace("shop_services!"), "shop-services");
        assert_eq!(namespace("42 shops"), "split-42-shops");
        assert_eq!(namespace("***"), "split");
        let long = namespace(&"ab ".repeat(40));
        assert!(long.len() <= 51 && !long.ends_with('-'), "{long}");
    }
}
