//! Template overrides: a project's own versions of the generator's templates, which a
//! generation renders in place of the embedded ones (`templates.rs` is the command that
//! ejects them), and `ejected.toml`, the record of what each was when it was ejected.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// In the overrides folder: what each template was when it was ejected.
pub(crate) const RECORD: &str = "ejected.toml";

/// The templates a generation uses instead of the embedded ones.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// Where they were read from.
    pub dir: Option<PathBuf>,
    /// Template path → the team's version.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Template path → the hash of the embedded version when it was ejected.
    ejected: BTreeMap<String, String>,
}

impl Overrides {
    /// The overrides in `dir`, or none when it does not exist. Every file in it must
    /// be at the path of an embedded template, so that a typo is not silently unused.
    pub fn load(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Ok(Self::default());
        }
        let mut files = BTreeMap::new();
        for path in crate::output::relative_files(dir)? {
            let full = dir.join(&path);
            files.insert(path, fs::read(&full).map_err(|e| Error::io(&full, e))?);
        }
        let ejected = match files.remove(RECORD) {
            Some(text) => parse_record(&dir.join(RECORD), &text)?,
            None => BTreeMap::new(),
        };
        let embedded = super::embedded::embedded();
        for path in files.keys() {
            if !embedded.contains_key(path) {
                return Err(Error::Usage(format!(
                    "{}: no embedded template has this path, so it would be unused; \
                     `backend-gen templates list` prints them{}",
                    dir.join(path).display(),
                    closest(path, embedded.keys())
                        .map(|c| format!(" (did you mean {c}?)"))
                        .unwrap_or_default()
                )));
            }
        }
        Ok(Overrides {
            dir: Some(dir.to_path_buf()),
            files,
            ejected,
        })
    }

    /// What to tell the user: the overrides used, and those whose embedded template
    /// changed since they were ejected.
    pub fn notes(&self) -> Vec<String> {
        let Some(dir) = &self.dir else {
            return Vec::new();
        };
        if self.files.is_empty() {
            return Vec::new();
        }
        let embedded = super::embedded::embedded();
        let mut notes = vec![format!(
            "note: rendering with your templates from {}: {}",
            dir.display(),
            self.files.keys().cloned().collect::<Vec<_>>().join(", ")
        )];
        for path in self.files.keys() {
            let now = embedded.get(path).map(|bytes| hash(bytes));
            if let (Some(was), Some(now)) = (self.ejected.get(path), now)
                && *was != now
            {
                notes.push(format!(
                    "warning: backend-gen's own {path} changed since you ejected it; \
                     `backend-gen templates show {path}` prints the new version to merge \
                     into yours, then `backend-gen templates eject --force` records it"
                ));
            }
        }
        notes
    }
}

/// The embedded path most like `path`, when one is close.
pub(crate) fn closest<'a>(
    path: &str,
    paths: impl Iterator<Item = &'a String>,
) -> Option<&'a String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    paths
        .filter(|p| {
            let other = p.rsplit('/').next().unwrap_or(p);
            other.starts_with(name) || name.starts_with(other.trim_end_matches(".tera"))
        })
        .min_by_key(|p| p.len())
}

pub(crate) fn parse_record(path: &Path, text: &[u8]) -> Result<BTreeMap<String, String>> {
    let text = String::from_utf8_lossy(text);
    toml::from_str::<BTreeMap<String, String>>(&text)
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
}

pub(crate) fn record_text(record: &BTreeMap<String, String>) -> String {
    let mut out = String::from(
        "# Written by `backend-gen templates eject`: a hash of each template as it was\n\
         # ejected, so that generation can warn when backend-gen's own version changes.\n",
    );
    for (path, hash) in record {
        out.push_str(&format!("{path:?} = {hash:?}\n"));
    }
    out
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, unlike `std`'s hasher.
pub(crate) fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_round_trips() {
        let record = BTreeMap::from([("src/app.rs.tera".to_string(), hash(b"x"))]);
        let text = record_text(&record);
        assert_eq!(
            parse_record(Path::new("r"), text.as_bytes()).unwrap(),
            record
        );
    }
}
