//! Per-phase cost of checking a real corpus: decoding, the lexical scan, the
//! rustpython parse alone, the Python model (parse + resolution), and the whole
//! `Checker::check` with the corpus's 12 import rules.
//!
//! Needs a prepared corpus: `bench/run.sh --prepare-only --no-staged --corpus django`
//! (or set CANON_BENCH_CORPUS to a directory holding a `.canon.yaml` and the files).
//! Then: `cargo bench --bench phases`.

use canon::config;
use canon::gitsource::LineSet;
use canon::python;
use canon::rules::{Checker, ConfigBase, Selection};
use canon::source::{self, SourceText};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::{Path, PathBuf};
use std::time::Duration;

struct Corpus {
    root: PathBuf,
    /// (path relative to the corpus root, bytes)
    files: Vec<(String, Vec<u8>)>,
}

fn corpus() -> Option<Corpus> {
    let root = match std::env::var_os("CANON_BENCH_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/corpora/django-5.2.19"),
    };
    if !root.join(".canon.yaml").is_file() {
        eprintln!(
            "phases: no corpus at {} (run `bench/run.sh --prepare-only --no-staged --corpus django`)",
            root.display()
        );
        return None;
    }
    // The package itself (not the test suite) keeps one iteration well under a second.
    let scope = std::env::var("CANON_BENCH_SCOPE").unwrap_or_else(|_| "django".into());
    let mut files = Vec::new();
    let mut stack = vec![root.join(&scope)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "py") {
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    Some(Corpus { root, files })
}

fn phases(c: &mut Criterion) {
    let Some(corpus) = corpus() else {
        return;
    };
    let config = config::load(&corpus.root.join(".canon.yaml"), &corpus.root)
        .unwrap_or_else(|error| panic!("{error}"));
    let checker = Checker::new(
        &config,
        Selection::default(),
        ConfigBase::Inside(String::new()),
    );
    let bytes: u64 = corpus.files.iter().map(|(_, b)| b.len() as u64).sum();
    let sources: Vec<SourceText> = corpus
        .files
        .iter()
        .map(|(_, b)| SourceText::decode(b))
        .collect();
    let layouts: Vec<source::Layout> = sources.iter().map(|s| source::scan(&s.text)).collect();
    let modules: Vec<python::ModulePath> = corpus
        .files
        .iter()
        .map(|(path, _)| checker.module_path(path))
        .collect();

    let mut group = c.benchmark_group(format!("{} files", corpus.files.len()));
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("decode", |b| {
        b.iter(|| {
            for (_, file) in &corpus.files {
                std::hint::black_box(SourceText::decode(file));
            }
        })
    });
    group.bench_function("scan", |b| {
        b.iter(|| {
            for source in &sources {
                std::hint::black_box(source::scan(&source.text));
            }
        })
    });
    group.bench_function("parse (rustpython only)", |b| {
        b.iter(|| {
            for source in &sources {
                let _ = std::hint::black_box(rustpython_parser::parse(
                    &source.text,
                    rustpython_parser::Mode::Module,
                    "<bench>",
                ));
            }
        })
    });
    group.bench_function("model (parse + resolve)", |b| {
        b.iter(|| {
            for ((source, layout), module) in sources.iter().zip(&layouts).zip(&modules) {
                std::hint::black_box(python::model(source, layout, module));
            }
        })
    });
    group.bench_function("imports only (hand parser)", |b| {
        b.iter(|| {
            for ((source, layout), module) in sources.iter().zip(&layouts).zip(&modules) {
                std::hint::black_box(python::imports_only(source, layout, module));
            }
        })
    });
    group.bench_function("check (12 import rules)", |b| {
        b.iter(|| {
            for (path, file) in &corpus.files {
                std::hint::black_box(checker.check(path, file, &LineSet::All, false, false));
            }
        })
    });
    group.bench_function(
        "check as a walk does (prefilter, lexical resolution)",
        |b| {
            b.iter(|| {
                for (path, file) in &corpus.files {
                    std::hint::black_box(checker.check(path, file, &LineSet::All, false, true));
                }
            })
        },
    );
    group.finish();
}

criterion_group!(benches, phases);
criterion_main!(benches);
