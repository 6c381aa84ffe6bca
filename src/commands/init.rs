//! `backend-gen init`: the example spec, every option commented.

use std::path::Path;

use crate::console;
use crate::error::{Error, Result};
use crate::spec::EXAMPLE_SPEC;

pub(super) fn init(file: &Path, force: bool) -> Result<()> {
    if file.exists() && !force {
        return Err(Error::Usage(format!(
            "{} exists; pass --force to overwrite it",
            file.display()
        )));
    }
    std::fs::write(file, EXAMPLE_SPEC).map_err(|e| Error::io(file, e))?;
    console::detail(format_args!("wrote {}", file.display()));
    let quoted = console::shell_quote(&file.to_string_lossy());
    console::status(&format!(
        "Wrote {}: every option, commented.\n\nNext, once you have edited it:\n{}",
        file.display(),
        console::commands(&[
            (
                format!("backend-gen check {quoted}"),
                "validate it and list the routes",
            ),
            (
                format!("backend-gen new library --spec {quoted}"),
                "generate the service into ./library",
            ),
        ])
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::EXAMPLE_SPEC;

    /// Whether a line of the example, commented or not, sets `key`: `key =` at its start
    /// or inside an inline table, or `key` as a table header's part (`[resources.x.fields]`).
    fn shows_key(key: &str) -> bool {
        let set = regex::Regex::new(&format!(
            r"(^|[{{,\[.]\s*){}\s*(=|\]|\.)",
            regex::escape(key)
        ))
        .expect("a valid pattern");
        EXAMPLE_SPEC
            .lines()
            .map(|line| line.trim_start_matches('#').trim_start())
            .any(|line| set.is_match(line))
    }

    #[test]
    fn init_example_shows_every_key_the_spec_accepts() {
        let not_yet = crate::spec::NOT_GENERATED_YET;
        let missing: Vec<String> = crate::spec::ACCEPTED_KEYS
            .iter()
            .filter(|(table, _)| !not_yet.contains(table))
            .flat_map(|(table, keys)| {
                keys.iter()
                    .filter(|key| !not_yet.contains(key) && !shows_key(key))
                    .map(move |key| format!("{table}: {key}"))
            })
            .collect();
        assert!(
            missing.is_empty(),
            "templates/spec/backend-gen.toml lacks {missing:?}"
        );
    }

    #[test]
    fn init_example_names_every_rule_word() {
        let missing: Vec<&&str> = crate::spec::RULE_WORDS
            .iter()
            .filter(|word| !EXAMPLE_SPEC.contains(&format!("\"{word}\"")))
            .collect();
        assert!(missing.is_empty(), "the example lacks {missing:?}");
    }

    #[test]
    fn a_key_only_in_prose_is_not_shown() {
        // `fields` is named in prose and as a header; a made-up key is neither.
        assert!(shows_key("fields"));
        assert!(shows_key("when"));
        assert!(!shows_key("no_such_key"));
        assert!(!shows_key("resource_x"));
    }
}
