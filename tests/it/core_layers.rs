//! The core's files form layers (docs/architecture.md, "Core layers"): no file of src/core
//! imports, directly or through others, a file that imports it back. Read from the source:
//! `crate::core::…` paths, `super::…` in a submodule and a parent's uses of its `mod` children.
//! Test modules (`#[cfg(test)]` onwards) are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn name(m: &Module) -> String {
    m.join("::")
}

/// Every file of src/core by module path (`index::query_plan`; a `mod.rs` is its folder).
fn modules(dir: &Path, prefix: &Module, out: &mut BTreeMap<Module, PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let mut m = prefix.clone();
        if path.is_dir() {
            m.push(stem);
            modules(&path, &m, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            if stem != "mod" {
                m.push(stem);
            }
            if !m.is_empty() {
                out.insert(m, path);
            }
        }
    }
}

/// The file's library code: up to its test module, without comments.
fn library_code(src: &str) -> String {
    let src = src.find("#[cfg(test)]").map_or(src, |i| &src[..i]);
    src.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The path written from byte `start` on (through one balanced `{…}` group).
fn path_at(s: &str, start: usize) -> &str {
    let mut depth = 0usize;
    for (i, c) in s[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return &s[start..start + i],
            '}' => depth -= 1,
            c if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':') => {
                return &s[start..start + i]
            }
            _ => {}
        }
    }
    &s[start..]
}

/// `a::{b::{C, D}, e as f}` → `a::b::C`, `a::b::D`, `a::e`.
fn expand(path: &str) -> Vec<String> {
    let Some(open) = path.find('{') else {
        return vec![path.split_whitespace().next().unwrap_or("").to_string()];
    };
    let (head, inner) = (
        &path[..open],
        &path[open + 1..path.rfind('}').unwrap_or(path.len())],
    );
    let mut parts = Vec::new();
    let (mut depth, mut cur) = (0usize, String::new());
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(p.trim()))
        .map(|p| format!("{head}{p}"))
        .collect()
}

/// The longest start of `path` that is a file of the core.
fn resolve(files: &BTreeMap<Module, PathBuf>, path: &[String]) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| files.contains_key(m))
}

/// Each occurrence of `prefix` not inside a longer path or name, with the path after it.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        for p in expand(path_at(code, i + prefix.len())) {
            out.push(p.split("::").map(str::to_string).collect());
        }
    }
    out
}

fn dependencies(files: &BTreeMap<Module, PathBuf>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut deps = BTreeMap::new();
    for (m, path) in files {
        let code = library_code(&std::fs::read_to_string(path).unwrap());
        let mut d = BTreeSet::new();
        for p in paths_after(&code, "crate::core::") {
            d.extend(resolve(files, &p));
        }
        let parent = &m[..m.len() - 1];
        for p in paths_after(&code, "super::") {
            d.extend(resolve(files, &[parent.to_vec(), p].concat()));
        }
        for line in code.lines() {
            let line = line.trim().trim_start_matches("pub ");
            if let Some(child) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(';')) {
                if !paths_after(&code, &format!("{child}::")).is_empty() {
                    d.extend(resolve(
                        files,
                        &[m.clone(), vec![child.to_string()]].concat(),
                    ));
                }
            }
        }
        d.remove(m);
        deps.insert(m.clone(), d);
    }
    deps
}

/// A cycle through `m`, if the depth-first walk from it finds one.
fn cycle_from(
    m: &Module,
    deps: &BTreeMap<Module, BTreeSet<Module>>,
    done: &mut BTreeSet<Module>,
    stack: &mut Vec<Module>,
) -> Option<Vec<Module>> {
    if let Some(i) = stack.iter().position(|s| s == m) {
        return Some([&stack[i..], std::slice::from_ref(m)].concat());
    }
    if done.contains(m) {
        return None;
    }
    stack.push(m.clone());
    for d in &deps[m] {
        if let Some(c) = cycle_from(d, deps, done, stack) {
            return Some(c);
        }
    }
    stack.pop();
    done.insert(m.clone());
    None
}

#[test]
fn core_files_import_each_other_without_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut files = BTreeMap::new();
    modules(&root, &Vec::new(), &mut files);
    let deps = dependencies(&files);
    let has = |from: &str, to: &str| {
        deps.iter()
            .any(|(m, d)| name(m) == from && d.iter().any(|t| name(t) == to))
    };
    // The reading sees each kind of import, or an empty graph would pass.
    assert!(files.len() > 30, "{} files", files.len());
    assert!(has("coding_draft", "store"), "crate::core:: paths");
    assert!(has("store", "store::catalog"), "a parent's mod children");
    assert!(has("evidence", "query"), "brace groups");
    assert!(has("exchange::plan", "exchange::guid"), "super:: paths");
    assert!(
        has("workspace::codings", "workspace"),
        "super:: to the parent"
    );

    let mut done = BTreeSet::new();
    for m in files.keys() {
        if let Some(cycle) = cycle_from(m, &deps, &mut done, &mut Vec::new()) {
            let path: Vec<String> = cycle.iter().map(name).collect();
            panic!("import cycle in src/core: {}", path.join(" -> "));
        }
    }
}

/// The core knows no terminal and no shell: none of its files (tests included) names the
/// terminal crates or the TUI and CLI modules. One crate holds core and shells, so this test
/// keeps the boundary a second crate would.
#[test]
fn the_core_uses_no_terminal_and_no_shell() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut files = BTreeMap::new();
    modules(&root, &Vec::new(), &mut files);
    assert!(files.len() > 30, "{} files", files.len());
    let forbidden = [
        "ratatui",
        "crossterm",
        "portable_pty",
        "vt100",
        "crate::tui",
        "crate::cli",
        "clap::",
    ];
    let mut found = Vec::new();
    for (m, path) in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let code: String = src
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        for f in forbidden {
            if code.contains(f) {
                found.push(format!("{}: {f}", name(m)));
            }
        }
    }
    assert!(
        found.is_empty(),
        "terminal or shell code in the core: {found:?}"
    );
    // The check reads what it should: the TUI does name them.
    let tui = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui/app.rs"))
        .unwrap();
    assert!(tui.contains("crossterm"));
}
