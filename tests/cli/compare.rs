//! `defacto compare`: two hand-made plans (tests/fixtures/compare/README.md) give
//! hand-computed indicators and differences; scenario files are planned first; the HTML
//! report renders in headless Chromium; bad plan folders are named in the error.

use crate::support::{fixtures, Run, Workspace};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `defacto compare FIRST OTHERS… --out DIR/out`.
fn compare(dir: &Path, first: &Path, others: &[&Path]) -> Run {
    let options: Vec<&str> = others
        .iter()
        .map(|p| p.to_str().expect("UTF-8 path"))
        .chain(["--quiet"])
        .collect();
    Run::command_with("compare", first, &dir.join("out"), &options)
}

fn hand_made() -> (PathBuf, PathBuf) {
    let folder = fixtures().join("compare");
    (folder.join("baseline"), folder.join("variant"))
}

/// The cells of the comparison row for (group, district, indicator): values of baseline
/// and variant, and the difference.
fn row(table: &[Vec<String>], group: &str, district: &str, indicator: &str) -> [f64; 3] {
    let found = table
        .iter()
        .find(|r| r[1] == group && r[2] == district && r[3] == indicator)
        .unwrap_or_else(|| panic!("no row {group}/{district}/{indicator}"));
    [5, 6, 7].map(|c| found[c].parse().expect("a number"))
}

fn close(found: [f64; 3], expected: [f64; 3]) {
    for (f, e) in found.iter().zip(expected) {
        assert!((f - e).abs() < 1e-5, "{found:?} but by hand {expected:?}");
    }
}

#[test]
fn hand_made_plans_give_the_hand_computed_differences() {
    let dir = tempfile::tempdir().unwrap();
    let (baseline, variant) = hand_made();
    let run = compare(dir.path(), &baseline, &[&variant]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let table = run.table("comparison.csv");
    assert_eq!(
        table[0][5..],
        ["baseline", "variant", "variant - baseline"].map(String::from)
    );
    // Sites: N2 added (80 places, cost 8); utilisation 110/160 → 150/240.
    close(row(&table, "", "", "new_sites"), [1.0, 2.0, 1.0]);
    close(row(&table, "", "", "added_capacity"), [100.0, 180.0, 80.0]);
    close(row(&table, "", "", "cost"), [10.0, 18.0, 8.0]);
    close(row(&table, "", "", "utilisation"), [0.6875, 0.625, -0.0625]);
    // Everyone: 90 of 130 served → all 130.
    close(
        row(&table, "all", "", "served_within_standard"),
        [90.0, 130.0, 40.0],
    );
    close(
        row(&table, "all", "", "served_share"),
        [90.0 / 130.0, 1.0, 40.0 / 130.0],
    );
    close(row(&table, "all", "", "unmet"), [40.0, 0.0, -40.0]);
    // Travel: (60·200 + 30·400) / 90 and (60·200 + 60·300 + 10·500) / 130.
    let (before, after) = (24_000.0 / 90.0, 35_000.0 / 130.0);
    close(
        row(&table, "all", "", "mean_travel"),
        [before, after, after - before],
    );
    close(row(&table, "all", "", "p95_travel"), [400.0, 500.0, 100.0]);
    // Non-hukou: 35 of 60 served (20 + 15) → 60; their travel (20·200 + 15·400) / 35 → 300.
    close(row(&table, "non_hukou", "", "unmet"), [25.0, 0.0, -25.0]);
    close(
        row(&table, "non_hukou", "", "mean_travel"),
        [10_000.0 / 35.0, 300.0, 300.0 - 10_000.0 / 35.0],
    );
    // Hukou: 15 of 70 unmet, all in South.
    close(row(&table, "hukou", "South", "unmet"), [15.0, 0.0, -15.0]);
    close(row(&table, "hukou", "North", "unmet"), [0.0, 0.0, 0.0]);
    let markdown = std::fs::read_to_string(run.out.join("comparison.md")).unwrap();
    assert!(markdown.contains(
        "| everyone | share with a place within the standard | share | 69.2 % | 100.0 % | +30.8 pp |"
    ));
    // The story first: North's 60 and South's 30 of 130 pupils placed; the variant places
    // all; non-hukou: 25 of 60 without a place (South's 15 beyond reach and its 10 with no
    // school), then none.
    assert!(markdown.contains(
        "- baseline builds 1 new site: 90 of 130 pupils have a place within the standard, 40 \
         have none at all. It leaves 25 of 60 non-hukou pupils without a place within the \
         standard."
    ));
    assert!(markdown.contains(
        "- variant builds 2 new sites: 130 of 130 pupils have a place within the standard, 0 \
         have none at all. It leaves 0 of 60 non-hukou pupils without a place within the \
         standard (baseline: 25)."
    ));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.out.join("comparison.json")).unwrap()).unwrap();
    assert_eq!(json["baseline"], "baseline");
    let unmet = json["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "all" && r["district"] == "" && r["indicator"] == "unmet")
        .unwrap();
    assert_eq!(unmet["differences_from_baseline"]["variant"], -40.0);
}

#[test]
fn scenario_files_are_planned_into_their_own_folders_then_compared() {
    let workspace = Workspace::small_city();
    let base = workspace.dir.path().join("scenario.toml");
    let text = std::fs::read_to_string(&base).unwrap();
    let hukou = workspace.dir.path().join("hukou.toml");
    std::fs::write(
        &hukou,
        text.replace(
            "title = \"Small city\"",
            "title = \"Small city\"\nbasis = \"hukou\"",
        ),
    )
    .unwrap();
    let run = compare(workspace.dir.path(), &base, &[&hukou]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    for plan in ["scenario", "hukou"] {
        assert!(run.out.join(plan).join("summary.json").is_file(), "{plan}");
    }
    let table = run.table("comparison.csv");
    // 120 pupils de facto (60 per square), 80 registered; both plans open C2 beside school A.
    // The hukou plan is judged against all 120: its 20 places left at A and 60 at C2 take
    // the 20 non-hukou pupils of each square, within 500 m.
    close(row(&table, "all", "", "demand"), [120.0, 120.0, 0.0]);
    close(row(&table, "hukou", "", "demand"), [80.0, 80.0, 0.0]);
    close(
        row(&table, "non_hukou", "", "served_within_standard"),
        [40.0, 40.0, 0.0],
    );
    close(row(&table, "", "", "new_sites"), [1.0, 1.0, 0.0]);
    // Places: 60 at A and 100 at C2; 120 pupils of 160 places, then the 80 the hukou plan
    // sized them for (its sites' loads are its own pupils').
    close(row(&table, "", "", "utilisation"), [0.75, 0.5, -0.25]);
    // Each plan's map shades its two districts (from the plan's districts.geojson).
    let html = std::fs::read_to_string(run.out.join("report.html")).unwrap();
    assert_eq!(html.matches("fill-rule=\"evenodd\"").count(), 4);
    // And outlines each school's catchment: school A's and C2's, in each plan.
    assert_eq!(html.matches("<path class=\"catchment\"").count(), 4);
    assert!(html.contains("<title>catchment of C2</title>"));
    assert!(html.contains("<title>Beta: 0.0 % unmet</title>"));
}

#[test]
fn the_html_report_is_one_offline_file_that_renders_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (baseline, variant) = hand_made();
    let run = compare(dir.path(), &baseline, &[&variant]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = run.out.join("report.html");
    let html = std::fs::read_to_string(&report).unwrap();
    for outside in ["src=", "href=", "<script", "@import", "url("] {
        assert!(!html.contains(outside), "the report loads `{outside}`");
    }
    assert_eq!(
        html.matches("<svg").count(),
        4,
        "a map and a chart per plan"
    );
    let shot = dir.path().join("report.png");
    let browser = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1200,1600",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", report.display()))
        .output()
        .expect("chromium runs (scripts/setup.sh installs it)");
    let log = String::from_utf8_lossy(&browser.stderr);
    assert!(browser.status.success(), "{log}");
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("net::ERR"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[1..4], b"PNG");
    assert!(png.len() > 20_000, "a blank page? {} bytes", png.len());
}

#[test]
fn a_bad_plan_folder_is_named_with_its_row_and_column_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (baseline, variant) = hand_made();
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    for file in ["summary.json", "sites.csv", "demand_points.csv"] {
        std::fs::copy(variant.join(file), broken.join(file)).unwrap();
    }
    let points = std::fs::read_to_string(broken.join("demand_points.csv")).unwrap();
    std::fs::write(
        broken.join("demand_points.csv"),
        points.replace(",1,0,N2,300", ",1.5,0,N2,300"),
    )
    .unwrap();
    let run = compare(dir.path(), &baseline, &[&broken]);
    assert_eq!(run.code(), 1);
    let message = run.stderr();
    assert!(
        message.contains("demand_points.csv, row 3, column `served_share`"),
        "{message}"
    );
    assert!(!run.out.exists());
}

#[test]
fn two_inputs_of_the_same_name_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (baseline, _) = hand_made();
    let run = compare(dir.path(), &baseline, &[&baseline]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("also named `baseline`"),
        "{}",
        run.stderr()
    );
}
