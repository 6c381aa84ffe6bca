//! The one way generated files leave the generator: rendered into an
//! in-memory `FileSet`, then written to a staging directory beside the
//! target and moved into place, so a failure leaves nothing behind.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{Error, Result};

/// Who owns a generated file once it is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Rewritten by every generation.
    Generator,
    /// Written once; a re-generation keeps the team's version.
    Team,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub contents: String,
    pub owner: Owner,
}

/// Generated files by relative path (`/`-separated), in a stable order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileSet {
    files: BTreeMap<String, GeneratedFile>,
}

impl FileSet {
    pub fn insert(&mut self, path: impl Into<String>, contents: impl Into<String>, owner: Owner) {
        self.files.insert(
            path.into(),
            GeneratedFile {
                contents: contents.into(),
                owner,
            },
        );
    }

    /// Adds every file of `other` under the folder `prefix` (a service of a split spec).
    pub fn nest(&mut self, prefix: &str, other: FileSet) {
        for (path, file) in other.files {
            self.files.insert(format!("{prefix}/{path}"), file);
        }
    }

    /// Replaces a file's text, keeping its owner; a path not in the set is ignored.
    pub fn replace_contents(&mut self, path: &str, contents: String) {
        if let Some(file) = self.files.get_mut(path) {
            file.contents = contents;
        }
    }

    pub fn get(&self, path: &str) -> Option<&GeneratedFile> {
        self.files.get(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &GeneratedFile)> {
        self.files.iter()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file tree as indented text, for `--dry-run`.
    pub fn tree(&self) -> String {
        let mut out = String::new();
        let mut open: Vec<&str> = Vec::new();
        for path in self.files.keys() {
            let parts: Vec<&str> = path.split('/').collect();
            let (dirs, file) = parts.split_at(parts.len() - 1);
            let common = open.iter().zip(dirs).take_while(|(a, b)| a == b).count();
            open.truncate(common);
            for dir in &dirs[common..] {
                out.push_str(&format!("{}{dir}/\n", "  ".repeat(open.len())));
                open.push(dir);
            }
            let owner = match self.files[path].owner {
                Owner::Team => "  (yours: kept on re-generation)",
                Owner::Generator => "",
            };
            out.push_str(&format!("{}{}{owner}\n", "  ".repeat(open.len()), file[0]));
        }
        out
    }

    /// Writes every file under `target`. A missing or empty target is
    /// filled through a staging directory renamed into place. An existing
    /// project is only written with `force`: generator-owned files are
    /// replaced, team-owned ones that exist are kept, and nothing else in
    /// the directory is touched.
    pub fn write(
        &self,
        target: &Path,
        force: bool,
        progress: &ProgressBar,
    ) -> Result<WriteSummary> {
        let occupied = check_target(target, force)?;
        let staging = staging_dir(target)?;
        let result = self
            .write_all(&staging, progress)
            .and_then(|()| self.move_into_place(&staging, target, occupied));
        if let Ok(summary) = &result {
            let kept = |path: &String| summary.kept.contains(path);
            for path in self.files.keys().filter(|path| !kept(path)) {
                crate::console::detail(format_args!("wrote {}", shown(target, path).display()));
            }
        }
        if staging.exists() {
            // Best effort: the result above is what the user needs to see.
            let _ = fs::remove_dir_all(&staging);
        }
        result
    }

    fn write_all(&self, root: &Path, progress: &ProgressBar) -> Result<()> {
        progress.set_length(self.files.len() as u64);
        for (path, file) in &self.files {
            write_file(&root.join(path), &file.contents)?;
            progress.set_message(path.clone());
            progress.inc(1);
        }
        Ok(())
    }

    fn move_into_place(
        &self,
        staging: &Path,
        target: &Path,
        occupied: bool,
    ) -> Result<WriteSummary> {
        // A new directory arrives whole; an existing one (even empty, even `.`, which
        // cannot be removed or renamed onto) receives the files one by one.
        if !occupied && !target.exists() {
            fs::rename(staging, target).map_err(|e| Error::io(target, e))?;
            return Ok(WriteSummary {
                written: self.files.len(),
                kept: Vec::new(),
            });
        }
        let mut summary = WriteSummary::default();
        for (path, file) in &self.files {
            let dest = target.join(path);
            if file.owner == Owner::Team && dest.exists() {
                summary.kept.push(path.clone());
                continue;
            }
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            // A rename within one file system replaces each file atomically.
            fs::rename(staging.join(path), &dest).map_err(|e| Error::io(&dest, e))?;
            summary.written += 1;
        }
        Ok(summary)
    }
}

/// Writes `writes` (path, contents) and deletes `removals` under an existing
/// project `root` as one step. Every new text is staged beside the project
/// first; then each file is moved aside and its new version renamed into place.
/// A failure puts back every file already moved, so the project is left as it was.
pub fn apply(root: &Path, writes: &[(String, String)], removals: &[String]) -> Result<()> {
    let staging = staging_dir(root)?;
    let result = apply_staged(root, &staging, writes, removals);
    if result.is_ok() {
        for (path, _) in writes {
            crate::console::detail(format_args!("wrote {}", shown(root, path).display()));
        }
        for path in removals {
            crate::console::detail(format_args!("removed {}", shown(root, path).display()));
        }
    }
    // Best effort: the result above is what the user needs to see.
    let _ = fs::remove_dir_all(&staging);
    result
}

fn apply_staged(
    root: &Path,
    staging: &Path,
    writes: &[(String, String)],
    removals: &[String],
) -> Result<()> {
    let (new, old) = (staging.join("new"), staging.join("old"));
    for (path, contents) in writes {
        write_file(&new.join(path), contents)?;
    }
    let mut steps = writes
        .iter()
        .map(|(path, _)| (path, true))
        .chain(removals.iter().map(|path| (path, false)));
    // (path, whether it existed): each file moved aside so far.
    let mut moved: Vec<(&String, bool)> = Vec::new();
    let result = steps.try_for_each(|(path, write)| {
        let dest = root.join(path);
        let existed = dest.exists();
        move_file(&dest, &old.join(path), existed)?;
        moved.push((path, existed));
        move_file(&new.join(path), &dest, write)
    });
    if result.is_err() {
        // Whatever stands at a moved path now is new: the original is in `old`.
        for (path, existed) in moved.into_iter().rev() {
            let dest = root.join(path);
            let _ = fs::remove_file(&dest);
            if existed {
                let _ = fs::rename(old.join(path), &dest);
            }
        }
    }
    result
}

/// A project's file as the user would name it: `src/app.rs` rather than `./src/app.rs`.
fn shown(root: &Path, path: &str) -> PathBuf {
    if root == Path::new(".") {
        PathBuf::from(path)
    } else {
        root.join(path)
    }
}

fn write_file(dest: &Path, contents: &str) -> Result<()> {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    fs::write(dest, contents).map_err(|e| Error::io(dest, e))
}

/// Renames `from` to `to` (creating `to`'s directory), if `wanted`.
fn move_file(from: &Path, to: &Path, wanted: bool) -> Result<()> {
    if !wanted {
        return Ok(());
    }
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    fs::rename(from, to).map_err(|e| Error::io(to, e))
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct WriteSummary {
    pub written: usize,
    /// Team-owned files left as they were.
    pub kept: Vec<String>,
}

/// Whether `target` holds files already; an error when it does and `force`
/// was not given. `new` asks this before its first question as well, so an
/// interactive session does not end in a refusal.
pub fn check_target(target: &Path, force: bool) -> Result<bool> {
    refuse_a_generated_project(target)?;
    let occupied = is_occupied(target)?;
    if occupied && !force {
        return Err(Error::Usage(format!(
            "{} exists and is not empty; choose another --output or pass --force to re-generate into it",
            target.display()
        )));
    }
    Ok(occupied)
}

/// `new` never writes into a project backend-gen generated, `--force` or not: it would
/// rewrite the migrations the project's databases have applied (sqlx then refuses to
/// start), number its own after them twice, and drop the team's edits. `update` is the
/// way to follow a changed spec. A project is known by what `new` leaves and nothing
/// else does: `.backend-gen/` holding more than template overrides, or a migration.
pub fn refuse_a_generated_project(target: &Path) -> Result<()> {
    let state = target.join(crate::project_files::STATE_DIR);
    let overrides = target.join(crate::project_files::TEMPLATES_DIR);
    let remembers = relative_files(&state)?
        .iter()
        .any(|path| !state.join(path).starts_with(&overrides));
    let migrations = !relative_files(&target.join("migrations"))?.is_empty();
    let (evidence, how) = match (remembers, migrations) {
        (true, _) => (
            crate::project_files::STATE_DIR,
            "run `backend-gen update` in it to follow its changed backend-gen.toml \
             (`backend-gen add` adds a resource or a field)",
        ),
        (false, true) => (
            "migrations/",
            "if backend-gen generated it before `backend-gen update` existed, run \
             `backend-gen update --adopt` in it with backend-gen.toml still the spec it was \
             generated from, then change the spec and run `backend-gen update`",
        ),
        (false, false) => return Ok(()),
    };
    Err(Error::Usage(format!(
        "{} is a project backend-gen generated (it has {evidence}): `new` would rewrite the \
         migrations its databases have applied and drop your edits, so it never writes into \
         one. To change it, {how}. To start over, generate into an empty directory. Nothing \
         was written.",
        target.display()
    )))
}

fn is_occupied(target: &Path) -> Result<bool> {
    if !target.exists() {
        return Ok(false);
    }
    if !target.is_dir() {
        return Err(Error::Usage(format!(
            "{} exists and is not a directory",
            target.display()
        )));
    }
    let mut entries = fs::read_dir(target).map_err(|e| Error::io(target, e))?;
    Ok(entries.next().is_some())
}

/// A fresh directory beside the target (same file system, so renames work).
fn staging_dir(target: &Path) -> Result<PathBuf> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let staging = parent.join(format!(".{name}.backend-gen-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
    Ok(staging)
}

/// A progress bar on a terminal; hidden (and free) anywhere else.
pub fn progress_bar() -> ProgressBar {
    if crate::console::is_quiet() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} {wide_msg}") {
        bar.set_style(style);
    }
    bar
}

/// Every file below `root`, as a `/`-separated path relative to it; none when
/// `root` does not exist.
pub fn relative_files(root: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(at) = stack.pop() {
        let Ok(entries) = fs::read_dir(&at) else {
            continue;
        };
        for entry in entries {
            let path = entry.map_err(|e| Error::io(&at, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FileSet {
        let mut files = FileSet::default();
        files.insert("Cargo.toml", "[package]\n", Owner::Generator);
        files.insert("src/main.rs", "fn main() {}\n", Owner::Generator);
        files.insert("src/custom/mod.rs", "// yours\n", Owner::Team);
        files
    }

    #[test]
    fn tree_lists_directories_once() {
        assert_eq!(
            sample().tree(),
            "Cargo.toml\nsrc/\n  custom/\n    mod.rs  (yours: kept on re-generation)\n  main.rs\n"
        );
    }

    #[test]
    fn writes_a_new_project_and_refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("shop");
        let summary = sample()
            .write(&target, false, &ProgressBar::hidden())
            .unwrap();
        assert_eq!(summary.written, 3);
        assert_eq!(
            fs::read_to_string(target.join("src/main.rs")).unwrap(),
            "fn main() {}\n"
        );
        // Only the project is left: the staging directory is gone.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);

        let err = sample()
            .write(&target, false, &ProgressBar::hidden())
            .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--force"), "{err}");
    }

    #[test]
    fn force_keeps_team_files_and_unrelated_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("shop");
        sample()
            .write(&target, false, &ProgressBar::hidden())
            .unwrap();
        fs::write(target.join("src/custom/mod.rs"), "// edited by the team\n").unwrap();
        fs::write(target.join("src/main.rs"), "stale\n").unwrap();
        fs::write(target.join("notes.txt"), "mine\n").unwrap();

        let summary = sample()
            .write(&target, true, &ProgressBar::hidden())
            .unwrap();
        assert_eq!(summary.kept, vec!["src/custom/mod.rs".to_string()]);
        assert_eq!(
            fs::read_to_string(target.join("src/custom/mod.rs")).unwrap(),
            "// edited by the team\n"
        );
        assert_eq!(
            fs::read_to_string(target.join("src/main.rs")).unwrap(),
            "fn main() {}\n"
        );
        assert_eq!(
            fs::read_to_string(target.join("notes.txt")).unwrap(),
            "mine\n"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_apply_puts_every_file_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("shop");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("a.txt"), "old a\n").unwrap();
        fs::write(root.join("gone.txt"), "kept\n").unwrap();
        // `dir` is a file, so nothing can be written below it: the second write fails
        // after the first is in place.
        fs::write(root.join("dir"), "a file\n").unwrap();
        let writes = [
            ("a.txt".to_string(), "new a\n".to_string()),
            ("dir/f.txt".to_string(), "x\n".to_string()),
        ];
        assert!(apply(&root, &writes, &["gone.txt".to_string()]).is_err());
        assert_eq!(fs::read_to_string(root.join("a.txt")).unwrap(), "old a\n");
        assert_eq!(fs::read_to_string(root.join("gone.txt")).unwrap(), "kept\n");
        assert_eq!(fs::read_to_string(root.join("dir")).unwrap(), "a file\n");
        // The staging directory is gone too.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);

        let removals = ["gone.txt".to_string()];
        apply(&root, &writes[..1], &removals).unwrap();
        assert_eq!(fs::read_to_string(root.join("a.txt")).unwrap(), "new a\n");
        assert!(!root.join("gone.txt").exists());
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("shop");
        let mut files = sample();
        // A file and a directory of the same name cannot both be written.
        files.insert("src/main.rs/oops", "x", Owner::Generator);
        assert!(files.write(&target, false, &ProgressBar::hidden()).is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
