//! The shape of the house, checked: which layer may use which, where the time comes from, and
//! how large a file may grow. See ARCHITECTURE.md.

use std::fs;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).expect("a source file");
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// The part of a file before its unit tests.
fn outside_tests(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

fn api_src() -> PathBuf {
    workspace().join("crates/api/src")
}

#[test]
fn no_route_module_uses_another_route_module_or_the_app() {
    let routes = api_src().join("routes");
    let mut offenders = Vec::new();
    for (path, text) in sources(&routes) {
        for (n, line) in text.lines().enumerate() {
            if line.contains("crate::routes") || line.contains("crate::app") {
                offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn no_route_decides_reach_itself() {
    // Out of reach is the policy's answer (or an absent item's, from the store or the domain);
    // a route never makes a 404 of its own.
    let mut offenders = Vec::new();
    for (path, text) in sources(&api_src().join("routes")) {
        for (n, line) in text.lines().enumerate() {
            if line.contains("ApiError::NotFound") || line.contains(".map_err(|_|") {
                offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn services_views_state_and_policy_sit_below_the_routes() {
    let src = api_src();
    let mut files = sources(&src.join("services"));
    files.extend(sources(&src.join("views")));
    files.extend(sources(&src.join("policy")));
    for f in ["state.rs", "fields.rs", "http.rs"] {
        let path = src.join(f);
        let text = fs::read_to_string(&path).expect("a source file");
        files.push((path, text));
    }
    let mut offenders = Vec::new();
    for (path, text) in files {
        for (n, line) in outside_tests(&text).lines().enumerate() {
            if line.contains("crate::routes") || line.contains("crate::app") {
                offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn the_domain_crate_depends_on_no_io_crate() {
    let manifest =
        fs::read_to_string(workspace().join("crates/domain/Cargo.toml")).expect("the manifest");
    let pure = [
        "chrono",
        "chrono-tz",
        "serde",
        "serde_json",
        "sha2",
        "thiserror",
        // Optional, behind the `openapi` feature: describes the enums' schemas, does no I/O.
        "utoipa",
        "uuid",
    ];
    let mut section = "";
    let mut foreign = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
            continue;
        }
        if section == "[dependencies]" && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.']).next().unwrap_or("").trim();
            if !pure.contains(&name) {
                foreign.push(name.to_owned());
            }
        }
    }
    assert!(foreign.is_empty(), "not known to be pure: {foreign:?}");
    let io = [
        "std::fs",
        "std::net",
        "tokio",
        "sea_orm",
        "actix",
        "Utc::now",
        "SystemTime",
    ];
    for (path, text) in sources(&workspace().join("crates/domain/src")) {
        for word in io {
            assert!(
                !outside_tests(&text).contains(word),
                "{} uses {word}",
                path.display()
            );
        }
    }
}

#[test]
fn the_time_comes_from_the_injected_clock_only() {
    let clock = api_src().join("clock.rs");
    let mut offenders = Vec::new();
    for krate in ["domain", "persistence", "api"] {
        for (path, text) in sources(&workspace().join("crates").join(krate).join("src")) {
            if path == clock {
                continue;
            }
            for (n, line) in outside_tests(&text).lines().enumerate() {
                if line.contains("Utc::now") || line.contains("Local::now") {
                    offenders.push(format!("{}:{}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn no_source_file_outside_tests_is_over_900_lines() {
    let mut large = Vec::new();
    for krate in ["domain", "persistence", "api"] {
        for (path, text) in sources(&workspace().join("crates").join(krate).join("src")) {
            let lines = outside_tests(&text).lines().count();
            if lines > 900 {
                large.push(format!("{} ({lines} lines)", path.display()));
            }
        }
    }
    for (path, text) in sources(&workspace().join("migrations")) {
        let lines = text.lines().count();
        if lines > 900 {
            large.push(format!("{} ({lines} lines)", path.display()));
        }
    }
    assert!(large.is_empty(), "{large:#?}");
}

#[test]
fn every_code_in_the_table_is_sent_by_some_code_path() {
    use devplan_domain::{FieldCode, ProblemCode};
    let table = workspace().join("crates/domain/src/code.rs");
    let used: String = [
        "crates/domain/src",
        "crates/persistence/src",
        "crates/api/src",
    ]
    .iter()
    .flat_map(|dir| sources(&workspace().join(dir)))
    .filter(|(path, _)| *path != table)
    .map(|(_, text)| outside_tests(&text).to_owned())
    .collect();
    let named = |path: String| {
        used.match_indices(&path).any(|(at, _)| {
            !used[at + path.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        })
    };
    let unused: Vec<String> = (ProblemCode::ALL.iter())
        .map(|c| format!("ProblemCode::{c:?}"))
        .chain(FieldCode::ALL.iter().map(|c| format!("FieldCode::{c:?}")))
        .filter(|path| !named(path.clone()))
        .collect();
    assert!(
        unused.is_empty(),
        "codes in crates/domain/src/code.rs that nothing sends: {unused:?}"
    );
}
