//! The catalogue of malformed and must-accept scenarios, `tests/catalogue.toml`.
//!
//! Each case edits a copy of the `small_city` fixture, plans it and checks the exit code
//! and the words the planner must read: for bad input (exit 1) a single `error:` line that
//! names the file, the feature or row, and the field, with nothing written; for a plan with
//! a status (exit 0 or 3) the status and the reason in `summary.md`. Every case runs, and
//! the test lists every case that failed, not only the first.

use crate::support::Workspace;
use serde::Deserialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The issue asks for at least this many cases.
const LEAST_CASES: usize = 60;

/// Cases planned at once: each is a separate process, mostly reading files.
const WORKERS: usize = 4;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    edit: Vec<Edit>,
    #[serde(default = "bad_input")]
    code: i32,
    #[serde(default)]
    expect: Vec<String>,
    status: Option<String>,
    residents: Option<u64>,
}

fn bad_input() -> i32 {
    1
}

/// One change to one file of the fixture; exactly one of the actions.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    #[serde(default = "scenario_file")]
    file: String,
    append: Option<String>,
    #[serde(default)]
    replace: Vec<[String; 2]>,
    write: Option<String>,
    #[serde(default)]
    remove: bool,
    #[serde(default)]
    bom: bool,
    #[serde(default)]
    crlf: bool,
}

fn scenario_file() -> String {
    "scenario.toml".into()
}

impl Edit {
    fn apply(&self, workspace: &Workspace) -> Result<(), String> {
        let path = workspace.dir.path().join(&self.file);
        if self.remove {
            return std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", self.file));
        }
        let mut text = match &self.write {
            Some(text) => text.clone(),
            None => std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", self.file))?,
        };
        for [old, new] in &self.replace {
            if !text.contains(old.as_str()) {
                return Err(format!("`{old}` is not in {}", self.file));
            }
            text = text.replacen(old.as_str(), new, 1);
        }
        if let Some(more) = &self.append {
            text.push_str(more);
        }
        if self.crlf {
            text = text.replace('\n', "\r\n");
        }
        if self.bom {
            text.insert(0, '\u{feff}');
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", self.file))
    }
}

impl Case {
    /// Plans the edited fixture; what went wrong, if anything.
    fn check(&self) -> Result<(), String> {
        let workspace = Workspace::small_city();
        for edit in &self.edit {
            edit.apply(&workspace)?;
        }
        let run = workspace.plan();
        let stderr = run.stderr();
        if run.code() != self.code {
            return Err(format!(
                "exit {} instead of {}: {stderr}",
                run.code(),
                self.code
            ));
        }
        if stderr.contains("panicked") {
            return Err(format!("a panic: {stderr}"));
        }
        let said = match self.code {
            1 => {
                if run.out.exists() {
                    return Err("bad input, yet outputs were written".into());
                }
                let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
                let last = lines.last().copied().unwrap_or_default();
                if !last.starts_with("error: ") {
                    return Err(format!("no `error:` line: {stderr}"));
                }
                last.to_string()
            }
            _ => {
                let summary = run.summary_even_if_failed();
                let status = &summary["services"][0]["status"];
                if let Some(expected) = &self.status {
                    if status != expected.as_str() {
                        return Err(format!("status {status} instead of {expected}"));
                    }
                }
                if let Some(residents) = self.residents {
                    let spread = &summary["residents_on_demand_points"];
                    if spread != residents {
                        return Err(format!("{spread} residents spread, not {residents}"));
                    }
                }
                let report = std::fs::read_to_string(run.out.join("summary.md"))
                    .map_err(|e| format!("summary.md: {e}"))?;
                format!("{stderr}\n{report}")
            }
        };
        let missing: Vec<&str> = self
            .expect
            .iter()
            .map(String::as_str)
            .filter(|part| !said.contains(part))
            .collect();
        match missing.is_empty() {
            true => Ok(()),
            false => Err(format!("missing {missing:?} from: {said}")),
        }
    }
}

fn catalogue() -> Catalogue {
    let path = crate::support::repository().join("tests/catalogue.toml");
    let text = std::fs::read_to_string(&path).expect("tests/catalogue.toml");
    toml::from_str(&text).expect("the catalogue is valid TOML of cases")
}

#[test]
fn every_case_of_the_catalogue_gives_its_message() {
    let cases = catalogue().case;
    assert!(
        cases.len() >= LEAST_CASES,
        "{} cases, fewer than {LEAST_CASES}",
        cases.len()
    );
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(k) else {
                    break;
                };
                if let Err(problem) = case.check() {
                    let failure = format!("{}: {problem}", case.name);
                    failures.lock().expect("no worker panics").push(failure);
                }
            });
        }
    });
    let failures = failures.into_inner().expect("no worker panics");
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn case_names_are_unique() {
    let mut names: Vec<String> = catalogue().case.into_iter().map(|c| c.name).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "a name is used twice");
}
