//! CI: the GitHub Actions and GitLab CI recipes run as written (their `canon`
//! commands, in the shell the CI service uses) on a pull request made in real
//! repositories, and `--diff-base` itself.

use crate::common::*;
use crate::recipes::{recipe, UPSTREAM_TAG, UPSTREAM_URL};
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;
use std::path::{Path, PathBuf};

/// Line 1 is a legacy violation; line 5 is what the pull request edits.
const LEGACY_MODULE: &str =
    "from pkg.old_utils import helper\n\n\ndef legacy():\n    return helper(1)\n";

/// A pull request: `feature` adds a deprecated import to `app.py` (line 7) and edits
/// an unrelated line of `legacy.py`. After it forked, `main` fixed the legacy import
/// of `legacy.py` and gained `base.py` with a violation of its own; neither is the
/// pull request's doing.
struct PullRequest {
    sb: Sandbox,
    origin: PathBuf,
}

impl PullRequest {
    fn new() -> PullRequest {
        let sb = Sandbox::new();
        let origin = sb.base.join("origin.git");
        sb.git(
            &sb.base,
            &[
                "init",
                "-q",
                "--bare",
                "-b",
                "main",
                origin.to_str().unwrap(),
            ],
        );
        let work = sb.project("work");
        write(&work.join("legacy.py"), LEGACY_MODULE);
        sb.git(&work, &["add", "-A"]);
        sb.git(&work, &["commit", "-q", "-m", "legacy module"]);
        sb.git(
            &work,
            &["remote", "add", "origin", origin.to_str().unwrap()],
        );
        sb.git(&work, &["push", "-q", "origin", "main"]);

        sb.git(&work, &["checkout", "-q", "-b", "feature"]);
        write(&work.join("app.py"), legacy_plus(NEW_IMPORT));
        write(
            &work.join("legacy.py"),
            LEGACY_MODULE.replace("helper(1)", "helper(2)"),
        );
        sb.git(&work, &["commit", "-q", "-am", "the pull request"]);
        sb.git(&work, &["push", "-q", "origin", "feature"]);

        sb.git(&work, &["checkout", "-q", "main"]);
        write(
            &work.join("legacy.py"),
            LEGACY_MODULE.replace("pkg.old_utils", "pkg.new_utils"),
        );
        write(&work.join("base.py"), "from pkg.old_utils import helper\n");
        sb.git(&work, &["add", "-A"]);
        sb.git(&work, &["commit", "-q", "-m", "main moves on"]);
        sb.git(&work, &["push", "-q", "origin", "main"]);
        PullRequest { sb, origin }
    }

    /// A full clone of the origin at `name`.
    fn clone(&self, name: &str) -> PathBuf {
        let dest = self.sb.base.join(name);
        self.sb.git(
            &self.sb.base,
            &[
                "clone",
                "-q",
                self.origin.to_str().unwrap(),
                dest.to_str().unwrap(),
            ],
        );
        dest
    }
}

/// The one diagnostic the pull request adds, as concise output shows it.
fn assert_only_the_pull_requests_violation(diagnostics: &[Concise], output: &str) {
    let expected = expected();
    assert_eq!(diagnostics.len(), 1, "{output}");
    let d = &diagnostics[0];
    assert_eq!(
        (d.path.as_str(), d.line, d.col),
        ("app.py", expected.line, expected.col),
        "{output}"
    );
    assert_eq!(d.text, expected.text(), "{output}");
}

/// The steps of the GitHub Actions recipe's only job.
fn github_steps() -> Vec<Yaml> {
    let workflow: Yaml = serde_yaml::from_str(&recipe("github-actions")).unwrap();
    assert_eq!(
        workflow["on"].as_str(),
        Some("pull_request"),
        "the workflow runs on pull requests"
    );
    let jobs = workflow["jobs"].as_mapping().unwrap();
    assert_eq!(jobs.len(), 1);
    let job = jobs.values().next().unwrap();
    job["steps"].as_sequence().unwrap().clone()
}

/// Runs one `run:` step as GitHub's default shell on Linux runs it (`bash -e`).
fn run_github_step(sb: &Sandbox, cwd: &Path, script: &str) -> Out {
    sb.cmd("bash", cwd)
        .args(&["--noprofile", "--norc", "-e", "-c", script])
        .env("GITHUB_ACTIONS", "true")
        .env("CI", "true")
        .env("GITHUB_BASE_REF", "main")
        .run()
}

#[test]
fn the_github_actions_recipe_annotates_the_pull_request_and_writes_sarif() {
    let pr = PullRequest::new();
    let sb = &pr.sb;
    // actions/checkout with fetch-depth 0 checks out the pull request merged into its base.
    let clone = pr.clone("github");
    sb.git(&clone, &["checkout", "-q", "--detach", "origin/main"]);
    sb.git(
        &clone,
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge the pull request",
            "origin/feature",
        ],
    );

    let steps = github_steps();
    let checkout_step = steps
        .iter()
        .find(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|uses| uses.starts_with("actions/checkout@"))
        })
        .expect("a checkout step");
    assert_eq!(
        checkout_step["with"]["fetch-depth"].as_i64(),
        Some(0),
        "--diff-base needs the history back to the merge base"
    );
    let install = steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .find(|run| run.starts_with("cargo install"))
        .expect("an install step");
    assert_eq!(
        install.trim(),
        format!("cargo install --locked --git {UPSTREAM_URL} --tag {UPSTREAM_TAG} canon")
    );
    let upload = steps
        .iter()
        .find(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|uses| uses.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("a SARIF upload step");
    let sarif_file = upload["with"]["sarif_file"].as_str().unwrap();

    let canon_steps: Vec<&str> = steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .filter(|run| run.starts_with("canon "))
        .collect();
    assert_eq!(canon_steps.len(), 2, "an annotations step and a SARIF step");

    // Annotations: the job fails and marks exactly the pull request's line.
    let annotate = canon_steps
        .iter()
        .find(|run| run.contains("--output-format github"))
        .unwrap();
    let out = run_github_step(sb, &clone, annotate);
    out.assert_code(1);
    let lines: Vec<&str> = out.stdout.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1, "{}", out.text());
    let e = expected();
    let line = e.line;
    let annotation = format!(
        "::error file=app.py,line={line},col={},endLine={},endColumn={},title={} [{}]::{}",
        e.col, e.end_line, e.end_col, e.code, e.rule, e.message
    );
    assert_eq!(lines[0], annotation, "{}", out.text());

    // SARIF: the step succeeds and writes the file the upload step reads.
    let sarif_step = canon_steps
        .iter()
        .find(|run| run.contains("--output-format sarif"))
        .unwrap();
    assert!(
        sarif_step.trim_end().ends_with(&format!("> {sarif_file}")),
        "the SARIF step does not write {sarif_file}"
    );
    run_github_step(sb, &clone, sarif_step).assert_code(0);
    let sarif: Json = serde_json::from_str(&read(&clone.join(sarif_file))).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let rules = runs[0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|rule| rule["id"] == "old-utils"));
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif:#}");
    let result = &results[0];
    assert_eq!(result["ruleId"], "old-utils");
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "app.py");
    assert_eq!(location["region"]["startLine"], line);
    assert_eq!(location["region"]["startColumn"], e.col);
    assert_eq!(location["region"]["endLine"], e.end_line);
    assert_eq!(location["region"]["endColumn"], e.end_col);
    let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], FIXED_IMPORT);
    assert_eq!(replacement["deletedRegion"]["startLine"], line);
}

#[test]
fn the_gitlab_ci_recipe_reports_the_merge_requests_lines() {
    let pr = PullRequest::new();
    let sb = &pr.sb;
    // A merge request pipeline checks out the source branch's head.
    let clone = pr.clone("gitlab");
    sb.git(&clone, &["checkout", "-q", "--detach", "origin/feature"]);
    let base = sb
        .git(&clone, &["merge-base", "origin/main", "origin/feature"])
        .trim()
        .to_string();

    let ci: Yaml = serde_yaml::from_str(&recipe("gitlab-ci")).unwrap();
    let job = &ci["canon"];
    assert_eq!(
        job["variables"]["GIT_DEPTH"].as_str(),
        Some("0"),
        "--diff-base needs the history back to the merge base"
    );
    assert!(job["rules"][0]["if"]
        .as_str()
        .unwrap()
        .contains("merge_request_event"));
    let before: Vec<&str> = job["before_script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|line| line.as_str().unwrap())
        .collect();
    assert_eq!(
        before,
        [
            format!("cargo install --locked --git {UPSTREAM_URL} --tag {UPSTREAM_TAG} canon")
                .as_str()
        ]
    );
    let script: Vec<&str> = job["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|line| line.as_str().unwrap())
        .collect();
    assert!(!script.is_empty());
    let mut output = String::new();
    let mut codes = Vec::new();
    for line in script {
        let out = sb
            .cmd("sh", &clone)
            .args(&["-e", "-c", line])
            .env("CI", "true")
            .env("GITLAB_CI", "true")
            .env("CI_PIPELINE_SOURCE", "merge_request_event")
            .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base)
            .env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
            .run();
        output.push_str(&out.stdout);
        codes.push(out.code);
        if out.code != 0 {
            break;
        }
    }
    assert_eq!(codes.last(), Some(&1), "the job does not fail\n{output}");
    assert_only_the_pull_requests_violation(&concise(&output), &output);
}

#[test]
fn diff_base_judges_the_lines_changed_since_the_merge_base() {
    let pr = PullRequest::new();
    let sb = &pr.sb;
    let clone = pr.clone("branch");
    sb.git(&clone, &["checkout", "-q", "feature"]);
    // Against the tip of main, line 1 of legacy.py differs; against the merge base
    // it does not. Only the pull request's own line may be reported.
    let out = sb.canon(
        &clone,
        &[
            "check",
            "--diff-base",
            "origin/main",
            "--output-format",
            "concise",
        ],
    );
    out.assert_code(1);
    assert_only_the_pull_requests_violation(&concise(&out.stdout), &out.text());

    // Uncommitted work in the checkout counts too (the working tree is checked).
    write(&clone.join("wip.py"), format!("{NEW_IMPORT}\n"));
    let out = sb.canon(
        &clone,
        &[
            "check",
            "--diff-base",
            "origin/main",
            "--output-format",
            "concise",
        ],
    );
    let mut paths: Vec<String> = concise(&out.stdout).into_iter().map(|d| d.path).collect();
    paths.sort();
    assert_eq!(paths, ["app.py", "wip.py"], "{}", out.text());

    let out = sb.canon(&clone, &["check", "--diff-base", "no-such-branch"]);
    out.assert_code(2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.text());
    assert!(out.stderr.contains("no-such-branch"), "{}", out.text());
    assert!(out.stdout.is_empty(), "{}", out.text());
}

#[test]
fn diff_base_in_a_clone_too_shallow_for_the_merge_base_says_what_to_fetch() {
    let pr = PullRequest::new();
    let sb = &pr.sb;
    let shallow = sb.base.join("shallow");
    let url = format!("file://{}", pr.origin.display());
    sb.git(
        &sb.base,
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            &url,
            shallow.to_str().unwrap(),
        ],
    );
    sb.git(&shallow, &["checkout", "-q", "feature"]);
    let out = sb.canon(&shallow, &["check", "--diff-base", "origin/main"]);
    out.assert_code(2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.text());
    assert!(
        out.stderr.contains("merge base") && out.stderr.contains("fetch"),
        "{}",
        out.text()
    );
}
