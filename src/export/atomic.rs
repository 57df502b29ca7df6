//! A set of output files written all together or not at all.

use super::ExportError;
use std::fs;
use std::path::{Path, PathBuf};

/// Output files collected in memory (or already written by a library under a temporary name
/// in the folder), then written under temporary names and renamed.
///
/// A set dropped without [`OutputSet::commit`] removes the temporary files it was given.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    files: Vec<(String, Contents)>,
}

/// What a file of the set holds.
#[derive(Debug)]
enum Contents {
    /// Bytes still to write.
    Bytes(Vec<u8>),
    /// A file already written at this temporary path in the folder.
    Written(PathBuf),
}

impl OutputSet {
    /// An empty set of outputs for folder `dir` (created on commit if needed).
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            files: Vec::new(),
        }
    }

    /// Adds a file named `name` (no folders) with contents `bytes`.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.files.push((name.to_owned(), Contents::Bytes(bytes)));
    }

    /// A temporary path in the output folder for a file named `name` that a library writes
    /// itself (GDAL writes a GeoPackage to a path); creates the folder. The name keeps
    /// `name`'s extension, which GDAL reads. Hand the written file over with
    /// [`OutputSet::add_written`]; remove it yourself if writing fails.
    ///
    /// # Errors
    /// [`ExportError::Io`] when the folder cannot be created.
    pub fn staging_path(&self, name: &str) -> Result<PathBuf, ExportError> {
        self.create_dir()?;
        Ok(self.dir.join(format!(".{}.{name}", std::process::id())))
    }

    /// Adds a file named `name` already written at `temporary` (from
    /// [`OutputSet::staging_path`]); it is renamed into place with the others, or removed.
    pub fn add_written(&mut self, name: &str, temporary: PathBuf) {
        self.files
            .push((name.to_owned(), Contents::Written(temporary)));
    }

    /// Where `commit` writes the bytes of file `name` before renaming it into place.
    fn temporary_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!(".{name}.{}.tmp", std::process::id()))
    }

    fn create_dir(&self) -> Result<(), ExportError> {
        fs::create_dir_all(&self.dir).map_err(|source| ExportError::Io {
            path: self.dir.clone(),
            source,
        })
    }

    /// Writes every file under a temporary name, then renames them all into place.
    ///
    /// # Errors
    /// [`ExportError::Io`] naming the path that failed; temporary files are removed then.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, ExportError> {
        self.create_dir()?;
        let mut staged = Vec::with_capacity(self.files.len());
        for (name, contents) in &self.files {
            let target = self.dir.join(name);
            let bytes = match contents {
                Contents::Written(temporary) => {
                    staged.push((temporary.clone(), target));
                    continue;
                }
                Contents::Bytes(bytes) => bytes,
            };
            let temporary = self.temporary_path(name);
            if let Err(source) = fs::write(&temporary, bytes) {
                let _ = fs::remove_file(&temporary);
                return Err(ExportError::Io {
                    path: temporary,
                    source,
                });
            }
            staged.push((temporary, target));
        }
        // From here on every temporary file is in `staged`: the set no longer owns any.
        self.files.clear();
        let mut written = Vec::with_capacity(staged.len());
        for (k, (temporary, target)) in staged.iter().enumerate() {
            if let Err(source) = fs::rename(temporary, target) {
                remove_all(staged[k..].iter().map(|(t, _)| t));
                return Err(ExportError::Io {
                    path: target.clone(),
                    source,
                });
            }
            written.push(target.clone());
        }
        Ok(written)
    }
}

impl Drop for OutputSet {
    /// Removes temporary files of a set that was never committed, or whose commit failed
    /// before the renames: written by a library, or staged by `commit`.
    fn drop(&mut self) {
        for (name, contents) in &self.files {
            match contents {
                Contents::Written(temporary) => {
                    let _ = fs::remove_file(temporary);
                }
                Contents::Bytes(_) => {
                    let _ = fs::remove_file(self.temporary_path(name));
                }
            }
        }
    }
}

fn remove_all<'a>(paths: impl Iterator<Item = &'a PathBuf>) {
    for path in paths {
        let _ = fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_every_file_and_leaves_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan");
        let mut set = OutputSet::new(&out);
        set.add("a.txt", b"alpha".to_vec());
        set.add("b.txt", b"beta".to_vec());
        let written = set.commit().unwrap();
        assert_eq!(written, vec![out.join("a.txt"), out.join("b.txt")]);
        assert_eq!(fs::read(out.join("b.txt")).unwrap(), b"beta");
        let names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(dir.path());
        set.add("good.txt", b"ok".to_vec());
        set.add("missing/bad.txt", b"no such folder".to_vec());
        assert!(set.commit().is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_file_written_elsewhere_joins_the_commit_or_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(dir.path());
        let temporary = set.staging_path("plan.gpkg").unwrap();
        assert_eq!(temporary.extension().unwrap(), "gpkg");
        fs::write(&temporary, b"layers").unwrap();
        set.add_written("plan.gpkg", temporary.clone());
        set.add("summary.md", b"ok".to_vec());
        let written = set.commit().unwrap();
        assert_eq!(written[0], dir.path().join("plan.gpkg"));
        assert!(!temporary.exists());

        let mut abandoned = OutputSet::new(dir.path());
        let temporary = abandoned.staging_path("solution.gpkg").unwrap();
        fs::write(&temporary, b"tables").unwrap();
        abandoned.add_written("solution.gpkg", temporary.clone());
        drop(abandoned);
        assert!(!temporary.exists());
    }

    #[test]
    fn a_failed_rename_removes_the_file_written_elsewhere_too() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("plan.gpkg/in_the_way")).unwrap();
        let mut set = OutputSet::new(dir.path());
        let temporary = set.staging_path("plan.gpkg").unwrap();
        fs::write(&temporary, b"layers").unwrap();
        set.add_written("plan.gpkg", temporary);
        set.add("summary.md", b"ok".to_vec());
        assert!(set.commit().is_err());
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["plan.gpkg"]);
    }
}
