//! Integration tests of canon with the real clients it is used from: the pre-commit
//! framework, git hooks, CI (GitHub Actions, GitLab CI) and editors (Vim, Neovim,
//! VS Code, Emacs).
//!
//! The recipes are read from the README's Integrations section and run as written, so the
//! documentation is exactly what is tested. Every test works in real git
//! repositories made with the git CLI in temporary directories.

mod ci;
mod common;
mod editors;
mod hook;
mod precommit;
mod recipes;
mod vim;
