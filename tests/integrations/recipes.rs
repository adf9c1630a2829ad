//! The recipes of the README's Integrations section: each is the fenced block after a
//! `<!-- recipe: NAME -->` comment, and the tests run them as written.

use crate::common::{checkout, read};

/// The canon repository and release the recipes install from; the tests replace
/// them with a local copy of this checkout.
pub const UPSTREAM_URL: &str = "https://github.com/canon-lint/canon";
pub const UPSTREAM_TAG: &str = "v0.1.0";

/// Every recipe, and the test module that runs it.
pub const RECIPES: &[(&str, &str)] = &[
    ("pre-commit-config", "precommit"),
    ("pre-commit-install", "precommit"),
    ("git-hook", "hook"),
    ("github-actions", "ci"),
    ("gitlab-ci", "ci"),
    ("vim", "vim"),
    ("neovim", "editors"),
    ("vscode", "editors"),
    ("emacs", "editors"),
];

/// The README's `## Integrations` section, where the recipes are.
fn document() -> String {
    let readme = read(&checkout().join("README.md"));
    let start = readme
        .find("\n## Integrations\n")
        .expect("README.md has an `## Integrations` section");
    let section = &readme[start + 1..];
    let end = section[1..]
        .find("\n## ")
        .map(|i| i + 2)
        .unwrap_or(section.len());
    section[..end].to_string()
}

/// The names of the recipes in the document, in order.
fn names(doc: &str) -> Vec<String> {
    doc.lines()
        .filter_map(|line| {
            line.trim()
                .strip_prefix("<!-- recipe: ")?
                .strip_suffix(" -->")
                .map(str::to_string)
        })
        .collect()
}

/// The text of the recipe `name` (without its fences), and the fence's language.
pub fn recipe_with_language(name: &str) -> (String, String) {
    let doc = document();
    let marker = format!("<!-- recipe: {name} -->");
    let count = doc.lines().filter(|line| line.trim() == marker).count();
    assert_eq!(
        count, 1,
        "README.md (Integrations): {marker} appears {count} times"
    );
    let mut lines = doc.lines().skip_while(|line| line.trim() != marker).skip(1);
    let fence = lines
        .next()
        .unwrap_or_else(|| panic!("{marker} ends the document"));
    let language = fence
        .strip_prefix("```")
        .unwrap_or_else(|| panic!("{marker} is not followed by a fenced block: {fence:?}"))
        .trim()
        .to_string();
    let mut body = String::new();
    for line in lines.by_ref() {
        if line == "```" {
            return (body, language);
        }
        body.push_str(line);
        body.push('\n');
    }
    panic!("the block after {marker} is not closed");
}

/// The text of the recipe `name`.
pub fn recipe(name: &str) -> String {
    recipe_with_language(name).0
}

/// The commands of a shell recipe: its lines that are neither empty nor comments.
pub fn commands(name: &str) -> Vec<String> {
    let (body, language) = recipe_with_language(name);
    assert_eq!(language, "sh", "recipe {name} is not a sh block");
    body.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_recipe_in_the_docs_is_one_the_tests_run() {
    let doc = document();
    let found = names(&doc);
    let known: Vec<String> = RECIPES.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(
        found, known,
        "README.md (Integrations) recipes differ from the ones tests/integrations runs"
    );
    // No fenced block without a recipe marker: everything shown is tested.
    let mut previous = "";
    let mut inside = false;
    for line in doc.lines() {
        if line.starts_with("```") {
            if !inside {
                assert!(
                    previous.trim().starts_with("<!-- recipe: "),
                    "a fenced block in README.md (Integrations) has no recipe marker: {line:?}"
                );
            }
            inside = !inside;
        }
        if !line.trim().is_empty() {
            previous = line;
        }
    }
    assert!(
        !inside,
        "README.md (Integrations) has an unclosed fenced block"
    );
    for (name, _) in RECIPES {
        let (body, language) = recipe_with_language(name);
        assert!(!body.trim().is_empty(), "recipe {name} is empty");
        assert!(!language.is_empty(), "recipe {name} has no language");
    }
}

#[test]
fn the_install_recipes_name_one_repository_and_release() {
    for name in ["pre-commit-config", "github-actions", "gitlab-ci"] {
        let body = recipe(name);
        assert!(
            body.contains(UPSTREAM_URL) && body.contains(UPSTREAM_TAG),
            "recipe {name} does not install {UPSTREAM_URL} at {UPSTREAM_TAG}"
        );
    }
    let manifest = read(&checkout().join("Cargo.toml"));
    let version = format!("version = \"{}\"", UPSTREAM_TAG.trim_start_matches('v'));
    assert!(
        manifest.contains(&version),
        "the recipes install {UPSTREAM_TAG}, but Cargo.toml has another version"
    );
}
