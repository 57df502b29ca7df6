//! The same input gives the same output, byte for byte (apart from the measured seconds).

use crate::support::{fixtures, Run, Workspace};
use std::path::Path;

/// Every output file, with `seconds` cleared from the summary.
fn outputs(out: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(out)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let mut text = std::fs::read_to_string(&path).unwrap();
            if name == "summary.json" {
                let mut summary: serde_json::Value = serde_json::from_str(&text).unwrap();
                summary["seconds"] = serde_json::Value::Null;
                text = summary.to_string();
            }
            (name, text)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn two_runs_write_identical_files() {
    let problem = fixtures().join("public/pmedcap1_01/problem.toml");
    let dir = tempfile::tempdir().unwrap();
    let first = Run::solve(&problem, &dir.path().join("first"));
    let second = Run::solve(&problem, &dir.path().join("second"));
    assert_eq!(first.code(), 0, "{}", first.stderr());
    assert_eq!(second.code(), 0, "{}", second.stderr());
    let first = outputs(&first.out);
    assert_eq!(first.len(), 3, "summary and two tables");
    assert_eq!(first, outputs(&second.out));
}

#[test]
fn two_plans_of_a_scenario_write_identical_files() {
    let first = Workspace::small_city().plan();
    let second = Workspace::small_city().plan();
    assert_eq!(first.code(), 0, "{}", first.stderr());
    let first = outputs(&first.out);
    assert!(
        first.len() >= 10,
        "every layer, style and table: {}",
        first.len()
    );
    assert_eq!(first, outputs(&second.out));
}

#[test]
fn two_comparisons_of_the_same_plans_write_identical_files() {
    let plans = fixtures().join("compare");
    let dir = tempfile::tempdir().unwrap();
    let runs = ["first", "second"].map(|name| {
        let variant = plans.join("variant");
        Run::command_with(
            "compare",
            &plans.join("baseline"),
            &dir.path().join(name),
            &[variant.to_str().unwrap(), "--quiet"],
        )
    });
    assert_eq!(runs[0].code(), 0, "{}", runs[0].stderr());
    let first = outputs(&runs[0].out);
    assert_eq!(first.len(), 4, "Markdown, CSV, JSON and HTML");
    assert_eq!(first, outputs(&runs[1].out));
}
