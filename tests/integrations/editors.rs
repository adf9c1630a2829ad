//! Editors other than Vim: the Neovim (nvim-lint) recipe in real headless Neovim, the
//! Emacs recipe in real batch Emacs, and the VS Code task's command and problem
//! matcher applied to canon's output as VS Code applies them.

use crate::common::*;
use crate::recipes::recipe_with_language;
use serde_json::Value;
use std::path::Path;

/// Asserts that `program` runs; these tests need it installed.
fn require(sb: &Sandbox, program: &str, package: &str) {
    let out = sb.cmd(program, &sb.base).arg("--version").run();
    assert_eq!(
        out.code,
        0,
        "these tests need {program} on PATH (Debian package {package}; .ci/run installs it)\n{}",
        out.text()
    );
}

/// Runs nvim-lint's side of the contract for the recipe's linter: the buffer on stdin
/// (each line followed by a newline), the evaluated `args`, `cmd` in Neovim's working
/// directory, the `stream` handed to `parser`, and the result published with
/// `vim.diagnostic.set`. `require("lint")` gets this in place of the plugin.
const NVIM_LINT_STAND_IN: &str = r#"
local results = {}
local namespace = vim.api.nvim_create_namespace("canon-test")

local function run(cmd, input)
  local stdout, stderr = {}, {}
  local job = vim.fn.jobstart(cmd, {
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = function(_, data) stdout = data end,
    on_stderr = function(_, data) stderr = data end,
  })
  if input then
    vim.fn.chansend(job, input)
  end
  vim.fn.chanclose(job, "stdin")
  local code = vim.fn.jobwait({ job }, 20000)[1]
  return table.concat(stdout, "\n"), table.concat(stderr, "\n"), code
end

package.preload["lint"] = function()
  local M = { linters = {}, linters_by_ft = {} }
  function M.try_lint()
    local bufnr = vim.api.nvim_get_current_buf()
    for _, name in ipairs(M.linters_by_ft[vim.bo.filetype] or {}) do
      local linter = M.linters[name]
      local cmd = { linter.cmd }
      for _, arg in ipairs(linter.args or {}) do
        table.insert(cmd, type(arg) == "function" and arg() or arg)
      end
      if not linter.stdin and linter.append_fname ~= false then
        table.insert(cmd, vim.api.nvim_buf_get_name(bufnr))
      end
      local input = nil
      if linter.stdin then
        input = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), "\n") .. "\n"
      end
      local stdout, stderr, code = run(cmd, input)
      local output = linter.stream == "stderr" and stderr or stdout
      vim.diagnostic.set(namespace, bufnr, linter.parser(output, bufnr, vim.fn.getcwd()))
      table.insert(results, {
        event = vim.g.canon_event,
        code = code,
        failed = code ~= 0 and not linter.ignore_exitcode,
        stderr = stderr,
        diagnostics = vim.diagnostic.get(bufnr, { namespace = namespace }),
      })
    end
  end
  return M
end

local function main()
  vim.cmd("filetype on")
  dofile(vim.g.canon_recipe)
  vim.g.canon_event = "BufReadPost"
  vim.cmd("edit app.py")
  vim.g.canon_event = "InsertLeave"
  vim.api.nvim_buf_set_lines(0, -1, -1, true, { vim.g.canon_new_line })
  vim.cmd("doautocmd InsertLeave")
  vim.g.canon_event = "BufWritePost"
  vim.cmd("write")
end

local ok, err = pcall(main)
if not ok then
  table.insert(results, { error = tostring(err) })
end
vim.fn.writefile({ vim.json.encode(results) }, vim.g.canon_out)
vim.cmd("qall!")
"#;

#[test]
fn neovim_nvim_lint_recipe_shows_only_the_changed_lines_as_diagnostics() {
    let sb = Sandbox::new();
    require(&sb, "nvim", "neovim");
    let root = sb.project("repo");
    let (text, language) = recipe_with_language("neovim");
    assert_eq!(language, "lua");
    let recipe = sb.base.join("canon-lint.lua");
    write(&recipe, text);
    let driver = sb.base.join("driver.lua");
    write(&driver, NVIM_LINT_STAND_IN);
    let results_file = sb.base.join("results.json");
    let lua_string = |path: &Path| format!("{:?}", path.display().to_string());
    let out = sb
        .cmd("nvim", &root)
        .args(&["--headless", "-u", "NONE", "-i", "NONE", "-n"])
        .arg("--cmd")
        .arg(format!(
            "lua vim.g.canon_recipe = {}; vim.g.canon_out = {}; vim.g.canon_new_line = {:?}",
            lua_string(&recipe),
            lua_string(&results_file),
            NEW_IMPORT
        ))
        .arg("-c")
        .arg(format!("luafile {}", driver.display()))
        .run();
    assert!(
        results_file.exists(),
        "Neovim did not finish the script\n{}",
        out.text()
    );
    let results: Value = serde_json::from_str(&read(&results_file)).unwrap();
    let results = results.as_array().unwrap();
    let events: Vec<&str> = results
        .iter()
        .map(|r| {
            r["event"]
                .as_str()
                .unwrap_or_else(|| panic!("the script failed: {r}"))
        })
        .collect();
    assert_eq!(events, ["BufReadPost", "InsertLeave", "BufWritePost"]);
    for result in results {
        assert_eq!(result["code"], 0, "{result}");
        assert_eq!(result["failed"], false, "{result}");
    }
    // As committed, the file's legacy violation is not reported.
    assert_eq!(results[0]["diagnostics"], serde_json::json!([]));
    // Unsaved (stdin) and saved: the new import, 0-based, with its span.
    for result in &results[1..] {
        let diagnostics = result["diagnostics"].as_array().unwrap();
        assert_eq!(diagnostics.len(), 1, "{result}");
        let d = &diagnostics[0];
        let e = expected();
        assert_eq!(d["lnum"], e.line - 1, "{d}");
        assert_eq!(d["col"], e.col - 1, "{d}");
        assert_eq!(d["end_lnum"], e.end_line - 1, "{d}");
        assert_eq!(d["end_col"], e.end_col - 1, "{d}");
        assert_eq!(d["severity"], 1, "ERROR: {d}");
        assert_eq!(d["code"], e.code.as_str(), "{d}");
        assert_eq!(d["source"], "canon", "{d}");
        assert_eq!(
            d["message"],
            format!("[{}] {}", e.rule, e.message).as_str(),
            "{d}"
        );
    }
}

/// A file in a subdirectory, committed with a legacy violation.
const VIEWS: &str = "web/views.py";

/// A project with [`VIEWS`] committed as [`LEGACY`].
fn project_with_views(sb: &Sandbox) -> std::path::PathBuf {
    let root = sb.project("repo");
    write(&root.join(VIEWS), LEGACY);
    sb.git(&root, &["add", VIEWS]);
    sb.git(&root, &["commit", "-q", "-m", "views"]);
    root
}

#[test]
fn vscode_task_problem_matcher_reads_canons_output() {
    let sb = Sandbox::new();
    let root = project_with_views(&sb);
    let file = VIEWS;
    write(&root.join(file), legacy_plus(NEW_IMPORT));

    let (text, language) = recipe_with_language("vscode");
    assert_eq!(language, "json");
    let tasks: Value = serde_json::from_str(&text).expect("tasks.json is plain JSON");
    assert_eq!(tasks["version"], "2.0.0");
    let task = &tasks["tasks"][0];
    assert_eq!(task["type"], "process", "arguments are passed as they are");
    let workspace = root.to_str().unwrap();
    let substitute = |value: &str| {
        value
            .replace("${workspaceFolder}", workspace)
            .replace("${relativeFile}", file)
            .replace("${file}", root.join(file).to_str().unwrap())
    };
    let program = substitute(task["command"].as_str().unwrap());
    let args: Vec<String> = task["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|arg| substitute(arg.as_str().unwrap()))
        .collect();
    let cwd = substitute(task["options"]["cwd"].as_str().unwrap());
    let out = sb.cmd(&program, Path::new(&cwd)).args(&args).run();
    out.assert_code(1);

    let matcher = &task["problemMatcher"];
    assert_eq!(matcher["owner"], "canon");
    let location = matcher["fileLocation"].as_array().unwrap();
    assert_eq!(location[0], "relative");
    let base = substitute(location[1].as_str().unwrap());
    let pattern = &matcher["pattern"];
    let regex = regex::Regex::new(pattern["regexp"].as_str().unwrap()).unwrap();
    let group = |captures: &regex::Captures, key: &str| -> String {
        let index = pattern[key]
            .as_u64()
            .unwrap_or_else(|| panic!("no {key} group")) as usize;
        captures.get(index).unwrap().as_str().to_string()
    };
    let mut problems = Vec::new();
    for line in out.stdout.lines().filter(|line| !line.is_empty()) {
        let captures = regex
            .captures(line)
            .unwrap_or_else(|| panic!("the problem matcher misses {line:?}"));
        problems.push((
            Path::new(&base).join(group(&captures, "file")),
            group(&captures, "line").parse::<usize>().unwrap(),
            group(&captures, "column").parse::<usize>().unwrap(),
            group(&captures, "code"),
            group(&captures, "message"),
        ));
    }
    assert_eq!(problems.len(), 1, "{}", out.text());
    let (path, line, column, code, message) = &problems[0];
    assert_eq!(path, &root.join(file));
    assert!(path.exists());
    let e = expected();
    assert_eq!((*line, *column), (e.line, e.col));
    assert_eq!(code, &e.code);
    assert_eq!(format!("{code} {message}"), e.text());
}

/// Drives Emacs like a user: visits the file, adds a line, saves (the recipe's
/// after-save hook runs `canon-check`), waits for the compilation, and writes what
/// compilation mode parsed from it.
const EMACS_DRIVER: &str = r#"
(setq make-backup-files nil
      auto-save-default nil
      compilation-ask-about-save nil)
(require 'json)
(load-file canon-recipe)
(find-file (expand-file-name canon-file canon-root))
(goto-char (point-max))
(insert canon-new-line "\n")
(save-buffer)
(let* ((buffer (or (get-buffer "*compilation*") (error "no *compilation* buffer")))
       (process (get-buffer-process buffer))
       (errors nil))
  (while (and process (process-live-p process))
    (accept-process-output process 0.1))
  (accept-process-output nil 0.2)
  (with-current-buffer buffer
    (goto-char (point-min))
    (condition-case nil
        (while t
          (compilation-next-error 1)
          (let* ((message (get-text-property (point) 'compilation-message))
                 (loc (compilation--message->loc message)))
            (push (list (caar (compilation--loc->file-struct loc))
                        (compilation--loc->line loc)
                        (compilation--loc->col loc)
                        (compilation--message->type message)
                        (buffer-substring-no-properties (line-beginning-position)
                                                        (line-end-position)))
                  errors)))
      (error nil))
    (with-temp-file canon-out
      (insert (json-encode (list (cons 'directory default-directory)
                                 (cons 'errors (vconcat (nreverse errors)))
                                 (cons 'buffer (buffer-string))))))))
"#;

#[test]
fn emacs_compile_recipe_parses_canons_output_on_save() {
    let sb = Sandbox::new();
    require(&sb, "emacs", "emacs-nox");
    let root = project_with_views(&sb);
    let (text, language) = recipe_with_language("emacs");
    assert_eq!(language, "elisp");
    let recipe = sb.base.join("canon.el");
    write(&recipe, text);
    let driver = sb.base.join("driver.el");
    write(&driver, EMACS_DRIVER);
    let results_file = sb.base.join("results.json");
    let setq = format!(
        "(setq canon-recipe {:?} canon-root {:?} canon-file {VIEWS:?} canon-out {:?} canon-new-line {:?})",
        recipe.display().to_string(),
        root.display().to_string(),
        results_file.display().to_string(),
        NEW_IMPORT
    );
    let out = sb
        .cmd("emacs", &sb.base)
        .args(&["-Q", "--batch", "--eval", &setq, "-l"])
        .arg(&driver)
        .run();
    assert!(
        results_file.exists(),
        "Emacs did not finish the script\n{}",
        out.text()
    );
    let results: Value = serde_json::from_str(&read(&results_file)).unwrap();
    let buffer = results["buffer"].as_str().unwrap();
    let directory = results["directory"].as_str().unwrap();
    assert_eq!(
        Path::new(directory),
        root.as_path(),
        "compile ran outside the repository root\n{buffer}"
    );
    let errors = results["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{buffer}");
    let error = errors[0].as_array().unwrap();
    assert_eq!(error[0], VIEWS, "{buffer}");
    let e = expected();
    assert_eq!(error[1], e.line, "{buffer}");
    // compile.el keeps the column as printed (compilation-first-column is 1).
    assert_eq!(error[2], e.col, "{buffer}");
    assert_eq!(error[3], 2, "an error, not a warning: {buffer}");
    assert_eq!(error[4], e.concise(VIEWS).as_str(), "{buffer}");
    assert_eq!(read(&root.join(VIEWS)), legacy_plus(NEW_IMPORT));
}
