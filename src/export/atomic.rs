//! A set of output files written all together or not at all.

use super::ExportError;
use std::fs;
use std::path::{Path, PathBuf};

/// Output files collected in memory, then written under temporary names and renamed.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    files: Vec<(String, Vec<u8>)>,
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
        self.files.push((name.to_owned(), bytes));
    }

    /// Writes every file under a temporary name, then renames them all into place.
    ///
    /// # Errors
    /// [`ExportError::Io`] naming the path that failed; temporary files are removed then.
    pub fn commit(self) -> Result<Vec<PathBuf>, ExportError> {
        fs::create_dir_all(&self.dir).map_err(|source| ExportError::Io {
            path: self.dir.clone(),
            source,
        })?;
        let mut staged = Vec::with_capacity(self.files.len());
        for (name, bytes) in &self.files {
            let temporary = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
            let target = self.dir.join(name);
            if let Err(source) = fs::write(&temporary, bytes) {
                remove_all(staged.iter().map(|(t, _)| t));
                let _ = fs::remove_file(&temporary);
                return Err(ExportError::Io {
                    path: temporary,
                    source,
                });
            }
            staged.push((temporary, target));
        }
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
}
