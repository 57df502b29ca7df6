//! The library's stages use only the stages before them (`src/lib.rs`): read from every
//! source file's `crate::` paths, so that the rule stays true as the code grows.

use crate::support::repository;
use std::path::{Path, PathBuf};

/// The stages in the order data flows through them; a stage may use itself and the ones
/// before it. `csv_text` and `markup` are leaves every stage may use, and they use none.
const ORDER: [&str; 12] = [
    "csv_text", "markup", "model", "input", "demand", "travel", "solve", "plan", "pipeline",
    "report", "compare", "export",
];

/// The binary's files wire the stages together and may use any of them.
const BINARY: [&str; 4] = ["main.rs", "app.rs", "cli.rs", "error.rs"];

/// The stage of a source file: its folder under `src/`, or its own name at the top.
fn stage_of(file: &Path, src: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

/// Every `.rs` file under `dir`, in a fixed order.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The code of `text` without comments: `//` to the end of each line (doc comments too).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.find("//").map_or(line, |at| &line[..at]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each module named right after `crate::` in `code`, with the line it is on: `crate::x::…`
/// names `x`; `crate::{x::…, y}` names `x` and `y`, over as many lines as the braces span.
fn used_modules(code: &str) -> Vec<(usize, String)> {
    let mut used = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let line = code[..code.len() - rest.len() + at].matches('\n').count() + 1;
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = closing_brace(group);
            for item in top_level_items(&group[..end]) {
                used.push((line, leading_name(item)));
            }
            rest = &group[end..];
        } else {
            used.push((line, leading_name(rest)));
        }
    }
    used
}

/// Where the brace group that `text` follows the opening of ends.
fn closing_brace(text: &str) -> usize {
    let mut depth = 1;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return at;
        }
    }
    text.len()
}

/// The comma-separated items of a brace group, nested groups kept whole.
fn top_level_items(group: &str) -> Vec<&str> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items.into_iter().filter(|i| !i.trim().is_empty()).collect()
}

/// The identifier `text` starts with, spaces before it skipped.
fn leading_name(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Every use of a later stage: (file, line, its stage, the stage it uses).
fn later_stage_uses() -> Vec<String> {
    let src = repository().join("src");
    let rank = |stage: &str| ORDER.iter().position(|&s| s == stage);
    let mut wrong = Vec::new();
    for file in sources(&src) {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if file.parent() == Some(src.as_path()) && (BINARY.contains(&name) || name == "lib.rs") {
            continue;
        }
        let stage = stage_of(&file, &src).expect("files lie under src");
        let own = rank(&stage).unwrap_or_else(|| panic!("{stage} is in no stage of ORDER"));
        let text = std::fs::read_to_string(&file).expect("sources are readable");
        for (line, used) in used_modules(&without_comments(&text)) {
            let later = rank(&used).is_some_and(|theirs| theirs > own);
            let from_leaf = own == 0 && used != stage;
            if later || from_leaf {
                wrong.push(format!("{}:{line}: {stage} uses {used}", file.display()));
            }
        }
    }
    wrong
}

#[test]
fn no_stage_uses_a_later_one() {
    let wrong = later_stage_uses();
    assert!(
        wrong.is_empty(),
        "stages used out of order:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn grouped_and_inline_paths_are_all_seen() {
    let code = "use crate::{\n    input::Table,\n    model::{Site, Limits},\n};\nlet x = crate::travel::geodesic::distance_m(a, b);";
    assert_eq!(
        used_modules(code),
        [
            (1, "input".to_string()),
            (1, "model".to_string()),
            (5, "travel".to_string())
        ]
    );
}
