//! Vim, for real: headless Vim with the documented ftplugin loads canon's concise
//! output into the quickfix list, for the unsaved buffer (`:CanonBuffer`, stdin)
//! and on `:write` (`:make`), and the test checks every entry.

use crate::common::*;
use crate::recipes::recipe_with_language;
use serde_json::Value;
use std::path::Path;

/// Vim must be installed (`.ci/run` installs it from Debian when it is missing).
fn vim_available(sb: &Sandbox) {
    let out = sb.cmd("vim", &sb.base).arg("--version").run();
    assert_eq!(
        out.code,
        0,
        "these tests need Vim on PATH (.ci/run installs it: apt-get install vim)\n{}",
        out.text()
    );
}

/// Installs the recipe where its first line says it goes, under the sandbox's home.
fn install_recipe(sb: &Sandbox) {
    let (text, language) = recipe_with_language("vim");
    assert_eq!(language, "vim");
    let first = text.lines().next().unwrap_or_default();
    let location = first
        .strip_prefix("\" ~/")
        .unwrap_or_else(|| panic!("the vim recipe does not start with its location: {first:?}"));
    write(&sb.home.join(location.trim()), &text);
}

/// The quickfix entries Vim wrote to `path`.
fn entries(path: &Path) -> Vec<Value> {
    let text = read(path);
    let value: Value = serde_json::from_str(text.trim())
        .unwrap_or_else(|error| panic!("{}: {error}: {text}", path.display()));
    value.as_array().unwrap().clone()
}

/// Asserts one valid entry: the added import, at its file, line and column.
fn assert_the_new_import(entries: &[Value], what: &str) {
    assert_eq!(entries.len(), 1, "{what}: {entries:#?}");
    let entry = &entries[0];
    assert_eq!(entry["valid"], 1, "{what}: {entry}");
    assert_eq!(entry["file"], "app.py", "{what}: {entry}");
    let e = expected();
    assert_eq!(entry["lnum"], e.line, "{what}: {entry}");
    assert_eq!(entry["col"], e.col, "{what}: {entry}");
    assert_eq!(entry["text"], e.text().as_str(), "{what}: {entry}");
}

#[test]
fn vim_loads_canons_concise_output_into_the_quickfix_list() {
    let sb = Sandbox::new();
    vim_available(&sb);
    let root = sb.project("repo");
    install_recipe(&sb);
    let out_dir = sb.base.join("vim-out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let dump = |name: &str| {
        format!(
            "call writefile([json_encode(map(getqflist(), {{_, e -> {{'file': bufname(e.bufnr), 'lnum': e.lnum, 'col': e.col, 'text': e.text, 'valid': e.valid}}}}))], '{}')\n\
             call writefile([bufname('%')], '{}')\n",
            out_dir.join(format!("{name}.json")).display(),
            out_dir.join(format!("{name}.window")).display(),
        )
    };
    let driver = format!(
        "set nomore\n\
         filetype plugin on\n\
         edit app.py\n\
         call writefile([&l:makeprg, &l:errorformat], '{settings}')\n\
         CanonBuffer\n\
         {opened}\
         call append(line('$'), '{NEW_IMPORT}')\n\
         CanonBuffer\n\
         {buffer}\
         write\n\
         {saved}\
         qall!\n",
        settings = out_dir.join("settings").display(),
        opened = dump("opened"),
        buffer = dump("buffer"),
        saved = dump("saved"),
    );
    let script = sb.base.join("driver.vim");
    write(&script, driver);
    let out = sb
        .cmd("vim", &root)
        .args(&["-u", "NONE", "-N", "-i", "NONE", "-n", "-Es", "-S"])
        .arg(&script)
        .run();
    assert!(
        out_dir.join("saved.json").exists(),
        "Vim did not finish the script\n{}",
        out.text()
    );

    // The ftplugin took effect.
    let settings = read(&out_dir.join("settings"));
    assert!(
        settings.starts_with("canon check --changed --output-format concise %:S\n%f:%l:%c: %m"),
        "{settings}"
    );
    // The file as committed: the legacy violation is not a changed line.
    assert!(entries(&out_dir.join("opened.json")).is_empty());
    // The unsaved buffer, sent on stdin.
    assert_the_new_import(&entries(&out_dir.join("buffer.json")), ":CanonBuffer");
    // On :write, through :make.
    assert_the_new_import(&entries(&out_dir.join("saved.json")), ":write");
    assert_eq!(read(&root.join("app.py")), legacy_plus(NEW_IMPORT));
    // The cursor stays in the file, not in the quickfix window.
    for name in ["buffer", "saved"] {
        assert_eq!(
            read(&out_dir.join(format!("{name}.window"))).trim(),
            "app.py",
            "after {name}"
        );
    }
}
