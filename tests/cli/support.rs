//! Running the binary on fixture problems and reading back what it wrote.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The fixtures folder of this crate.
pub fn fixtures() -> PathBuf {
    repository().join("tests/fixtures")
}

/// The repository's top folder. Read at run time first: `cargo test` sets it for the clone
/// being tested, while the compiled-in value may name another clone that shared the build.
pub fn repository() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// A problem folder in a fresh temporary directory.
pub struct Workspace {
    pub dir: TempDir,
}

impl Workspace {
    /// A copy of the `line_town` tables with `problem.toml` made of `settings` and the given
    /// sites table.
    pub fn line_town(settings: &str, sites: &str) -> Self {
        let workspace = Self::empty();
        let dir = workspace.dir.path();
        let source = fixtures().join("line_town");
        for table in ["demand.csv", "costs.csv"] {
            std::fs::copy(source.join(table), dir.join(table)).expect("copy fixture");
        }
        std::fs::copy(source.join(sites), dir.join("sites.csv")).expect("copy fixture");
        workspace.write_problem(settings);
        workspace
    }

    /// An empty folder, for a problem written table by table.
    pub fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// Writes `problem.toml`: `settings`, then the tables demand.csv, sites.csv and
    /// costs.csv.
    pub fn write_problem(&self, settings: &str) {
        self.write(
            "problem.toml",
            &format!(
                "{settings}\ndemand = \"demand.csv\"\nsites = \"sites.csv\"\ncosts = \"costs.csv\"\n"
            ),
        );
    }

    /// A copy of the `small_city` scenario folder.
    pub fn small_city() -> Self {
        Self::copy_of("small_city")
    }

    /// A copy of a scenario folder under `tests/fixtures`.
    pub fn copy_of(fixture: &str) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let source = fixtures().join(fixture);
        for entry in std::fs::read_dir(&source).expect("fixture folder") {
            let path = entry.expect("fixture file").path();
            let name = path.file_name().expect("file name");
            std::fs::copy(&path, dir.path().join(name)).expect("copy fixture");
        }
        Self { dir }
    }

    /// Runs `defacto plan scenario.toml --out out`; the run keeps the folder alive.
    pub fn plan(self) -> Run {
        let scenario = self.dir.path().join("scenario.toml");
        let mut run = Run::command("plan", &scenario, &self.out());
        run.workspace = Some(self.dir);
        run
    }

    /// Replaces one file of the problem.
    pub fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.dir.path().join(name), contents).expect("write fixture file");
    }

    pub fn problem(&self) -> PathBuf {
        self.dir.path().join("problem.toml")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// Runs `defacto solve problem.toml --out out`; the run keeps the folder alive.
    pub fn solve(self) -> Run {
        let mut run = Run::solve(&self.problem(), &self.out());
        run.workspace = Some(self.dir);
        run
    }
}

/// One finished run of the command.
pub struct Run {
    pub output: Output,
    pub out: PathBuf,
    /// The temporary folder holding the problem and `out`, deleted when the run is dropped.
    workspace: Option<TempDir>,
}

impl Run {
    pub fn solve(problem: &Path, out: &Path) -> Self {
        Self::command("solve", problem, out)
    }

    /// Runs `defacto SUBCOMMAND INPUT --out OUT`.
    pub fn command(subcommand: &str, input: &Path, out: &Path) -> Self {
        Self::command_with(subcommand, input, out, &[])
    }

    /// Runs `defacto SUBCOMMAND INPUT --out OUT OPTIONS…`.
    pub fn command_with(subcommand: &str, input: &Path, out: &Path, options: &[&str]) -> Self {
        // Street costs are cached beside the outputs, never in the user's cache.
        let cache = out.with_file_name("costs-cache");
        let output = Command::new(env!("CARGO_BIN_EXE_defacto"))
            .arg(subcommand)
            .arg(input)
            .arg("--out")
            .arg(out)
            .args(options)
            .env("DEFACTO_CACHE", cache)
            .output()
            .expect("the binary runs");
        Self {
            output,
            out: out.to_path_buf(),
            workspace: None,
        }
    }

    /// Keeps `dir` (which holds `out`) until the run is dropped.
    pub fn keeping(mut self, dir: TempDir) -> Self {
        self.workspace = Some(dir);
        self
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().expect("exit code")
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// `summary.json`, after checking that the run succeeded.
    pub fn summary(&self) -> Value {
        assert_eq!(self.code(), 0, "the run failed: {}", self.stderr());
        self.summary_even_if_failed()
    }

    pub fn summary_even_if_failed(&self) -> Value {
        let text = std::fs::read_to_string(self.out.join("summary.json")).expect("summary.json");
        serde_json::from_str(&text).expect("summary.json is JSON")
    }

    /// A written CSV table as rows of cells, header first.
    pub fn table(&self, name: &str) -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(self.out.join(name)).expect("table written");
        text.lines()
            .map(|line| line.split(',').map(str::to_owned).collect())
            .collect()
    }
}

/// The `objective` of a summary.
pub fn objective(summary: &Value) -> f64 {
    summary["objective"]
        .as_f64()
        .expect("objective is a number")
}

/// The `open_sites` of a summary.
pub fn open_sites(summary: &Value) -> Vec<String> {
    summary["open_sites"]
        .as_array()
        .expect("open_sites is a list")
        .iter()
        .map(|id| id.as_str().expect("site id").to_owned())
        .collect()
}

/// Asserts a proven optimum of the given value.
pub fn assert_optimal(summary: &Value, expected: f64) {
    let tolerance = 1e-6 * expected.abs().max(1.0);
    assert!(
        (objective(summary) - expected).abs() <= tolerance,
        "objective {} but the optimum is {expected}",
        objective(summary)
    );
    assert_eq!(summary["status"], "optimal");
    let bound = summary["bound"].as_f64().expect("bound is a number");
    assert!(
        (bound - expected).abs() <= tolerance,
        "bound {bound} not at the optimum {expected}"
    );
}
