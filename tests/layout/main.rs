//! The layout's invariants, read from the sources (ARCHITECTURE.md, "Invariants"): no cycle of
//! `use` crosses a boundary. The crate graph itself (no GraphQL or HTTP under the domain) is
//! checked by `.ci/run` with `cargo tree`; this test checks the files inside the crates.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path inside a crate: `["planning", "task", "edit"]` for `planning/task/edit.rs`.
type Module = Vec<String>;

/// Which files each file of the crate under `src` imports through `crate::…` paths (any path
/// that names a module counts: `use` lines, brace groups, and paths written inline).
fn imports(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = BTreeMap::new();
    collect(src, src, &mut files);
    let modules: BTreeSet<Module> = files.keys().cloned().collect();
    files
        .iter()
        .map(|(module, path)| {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let targets = crate_paths(&text)
                .into_iter()
                .chain(relative_paths(&text, module))
                .filter_map(|p| file_of(&modules, &p))
                // A file's own ancestors (its `mod.rs`) hold it; naming them is not a dependency.
                .filter(|t| t != module && !module.starts_with(t))
                .collect();
            (module.clone(), targets)
        })
        .collect()
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<Module, PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir:?}: {e}"))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path
                .strip_prefix(root)
                .expect("under the root")
                .with_extension("");
            let mut module: Module = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            files.insert(module, path);
        }
    }
}

/// The longest prefix of `path` that is a file of the crate.
fn file_of(modules: &BTreeSet<Module>, path: &[String]) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains(prefix))
}

/// Every `crate::a::b::c` path in `text`, with `use crate::{a, b::{c, d}}` groups expanded.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `other_crate::`, not ours
        }
        let end = tree_end(rest);
        expand(&[], &rest[..end], &mut paths);
        rest = &rest[end..];
    }
    paths
}

/// Every `super::…` and `self::…` path in `text`, resolved against `module`, the file's own
/// module (`super::super::org::unit` from `planning/task` is `org/unit`).
fn relative_paths(text: &str, module: &Module) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('s') {
        let before = rest[..at].chars().next_back();
        rest = &rest[at..];
        let starts = rest.starts_with("super::") || rest.starts_with("self::");
        if !starts || before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            rest = &rest[1..];
            continue;
        }
        let mut up = 0;
        while let Some(after) = rest.strip_prefix("super::") {
            up += 1;
            rest = after;
        }
        if up == 0 {
            rest = &rest["self::".len()..];
        }
        let end = tree_end(rest);
        if up <= module.len() {
            expand(&module[..module.len() - up], &rest[..end], &mut paths);
        }
        rest = &rest[end..];
    }
    paths
}

/// Where the path or brace group at the start of `text` ends.
fn tree_end(text: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            c if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':') => return i,
            _ => {}
        }
    }
    text.len()
}

fn expand(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let mut base = prefix.to_vec();
        base.extend(segments(&tree[..open]));
        let inner = tree[open + 1..].trim_end().trim_end_matches('}');
        let (mut depth, mut start) = (0usize, 0usize);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    expand(&base, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&base, &inner[start..], out);
    } else {
        let name = tree.split(" as ").next().unwrap_or_default();
        let mut path = prefix.to_vec();
        path.extend(segments(name));
        if !path.is_empty() {
            out.push(path);
        }
    }
}

fn segments(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "self")
        .map(str::to_owned)
}

/// The cycles of the graph: its strongly connected components of more than one file (Tarjan).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'g Module, usize>,
        low: BTreeMap<&'g Module, usize>,
        stack: Vec<&'g Module>,
        on_stack: BTreeSet<&'g Module>,
        found: Vec<Vec<Module>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g Module) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found
}

/// A cycle said with its edges, for the failure message.
fn describe(graph: &BTreeMap<Module, BTreeSet<Module>>, cycle: &[Module]) -> String {
    let members: BTreeSet<&Module> = cycle.iter().collect();
    let mut lines = Vec::new();
    for from in cycle {
        for to in graph.get(from).into_iter().flatten() {
            if members.contains(to) {
                lines.push(format!("  {} -> {}", from.join("/"), to.join("/")));
            }
        }
    }
    lines.join("\n")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The domain's area of a file: its context (`planning`), the kernel or the policy (`access`).
fn domain_area(module: &Module) -> String {
    module.first().cloned().unwrap_or_default()
}

/// The API's area of a file: `graphql/<part>` inside the GraphQL layer, else its top module.
fn api_area(module: &Module) -> String {
    match module.as_slice() {
        [graphql, part, ..] if graphql == "graphql" => format!("graphql/{part}"),
        [top, ..] => top.clone(),
        [] => String::new(),
    }
}

const CONTEXTS: [&str; 7] = [
    "org",
    "planning",
    "reporting",
    "emulation",
    "audit",
    "integration",
    "access",
];

/// Cycles that join files of more than one area, except those `allowed` explains.
fn crossings(
    graph: &BTreeMap<Module, BTreeSet<Module>>,
    area: fn(&Module) -> String,
    allowed: fn(&BTreeSet<String>) -> bool,
) -> Vec<String> {
    cycles(graph)
        .into_iter()
        .filter_map(|cycle| {
            let areas: BTreeSet<String> = cycle.iter().map(area).collect();
            (areas.len() > 1 && !allowed(&areas))
                .then(|| format!("a cycle joins {:?}:\n{}", areas, describe(graph, &cycle)))
        })
        .collect()
}

#[test]
fn no_import_cycle_joins_two_contexts_of_the_domain() {
    let graph = imports(&root().join("domain/src"));
    assert!(graph.len() > 50, "the domain's files were not found");
    let found = crossings(&graph, domain_area, |_| false);
    assert!(found.is_empty(), "{}", found.join("\n\n"));
}

#[test]
fn the_apis_only_cycles_between_areas_are_the_schemas_own_graph() {
    let graph = imports(&root().join("api/src"));
    assert!(graph.len() > 50, "the API's files were not found");
    // Object types of different contexts name each other (`Unit.tasks`, `Task.leadUnit`): the
    // schema is a graph. Nothing else may close a cycle — not the machinery, not HTTP.
    let found = crossings(&graph, api_area, |areas| {
        areas.iter().all(|a| {
            a.strip_prefix("graphql/")
                .is_some_and(|context| CONTEXTS.contains(&context))
        })
    });
    assert!(found.is_empty(), "{}", found.join("\n\n"));
}

#[test]
fn the_graphql_machinery_imports_no_context() {
    let graph = imports(&root().join("api/src"));
    let machinery = ["common", "loading", "limits"];
    let mut found = Vec::new();
    for (from, targets) in &graph {
        let from_area = api_area(from);
        if !machinery
            .iter()
            .any(|m| from_area == format!("graphql/{m}"))
        {
            continue;
        }
        for to in targets {
            let to_area = api_area(to);
            if to_area
                .strip_prefix("graphql/")
                .is_some_and(|context| CONTEXTS.contains(&context))
            {
                found.push(format!("{} -> {}", from.join("/"), to.join("/")));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The reader itself: a cycle planted in a copy of a few files is found, with its edges.
#[test]
fn the_reader_finds_a_planted_cycle() {
    let dir = std::env::temp_dir().join(format!("layout-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("org/unit")).expect("a temporary directory");
    std::fs::create_dir_all(dir.join("planning")).expect("a temporary directory");
    std::fs::write(dir.join("lib.rs"), "pub mod org;\npub mod planning;\n").expect("write");
    std::fs::write(dir.join("org/mod.rs"), "pub mod unit;\n").expect("write");
    std::fs::write(
        dir.join("org/unit/mod.rs"),
        "use crate::{kernel::X, planning::task::{self, Task as T}};\nuse crate::planning::plan::Plan;\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("planning/task.rs"),
        "fn f() { crate::org::unit::g(); other_crate::planning::h(); }\n",
    )
    .expect("write");
    // A relative path closes a cycle too: `super::super` from `planning/plan` is the root.
    std::fs::write(
        dir.join("planning/plan.rs"),
        "use super::super::org::unit::{self as units};\nuse self::inner::X;\n",
    )
    .expect("write");
    let graph = imports(&dir);
    std::fs::remove_dir_all(&dir).expect("clean up");
    let found = crossings(&graph, domain_area, |_| false);
    assert_eq!(found.len(), 1, "{found:?}");
    for edge in [
        "org/unit -> planning/task",
        "planning/task -> org/unit",
        "org/unit -> planning/plan",
        "planning/plan -> org/unit",
    ] {
        assert!(found[0].contains(edge), "{edge}: {}", found[0]);
    }
}
