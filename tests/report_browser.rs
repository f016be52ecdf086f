//! The HTML report in a real browser: headless Chromium (Debian's
//! `chromium`, which `.ci/run` installs) loads it without console errors,
//! its charts are in the DOM and drawn on the screenshot, which is kept
//! (`target/tmp/report.png`; with `DEBOIL_UPDATE_SCREENSHOT=1` also as
//! `docs/report.png`, the README's picture).
//!
//! Without Chromium the test is skipped, except in CI (`CI` set), where it
//! fails: CI must run it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

/// The fixtures every part of the report shows on.
const CORPUS: [&str; 3] = [
    "fixtures/seeds.jsonl",
    "fixtures/syndicated.jsonl",
    "fixtures/learn/pages.jsonl",
];

/// A window tall enough for the whole report.
const TALL: &str = "1200,4200";

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Runs headless Chromium on `page` with `mode` (`--dump-dom`, or
/// `--screenshot=FILE`) in a window `size` (`W,H`), with a fresh profile
/// under `tmp` and no network services.
fn browse(bin: &Path, tmp: &Path, mode: &str, page: &Path, size: &str) -> Output {
    let profile = tempfile::tempdir_in(tmp).unwrap();
    let o = Command::new("timeout")
        .arg("120")
        .arg(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--window-size={size}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(mode)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "chromium failed: {}", stderr(&o));
    o
}

/// Console messages and uncaught errors in Chromium's log: the report has
/// no script, so any is a fault.
fn console_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

/// Pixels of `png` within a small distance of each colour.
fn count_colours(png: &Path, colours: &[[u8; 3]]) -> Vec<usize> {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected colour type {other:?}"),
    };
    let mut counts = vec![0; colours.len()];
    for px in buf[..info.buffer_size()].chunks_exact(step) {
        for (c, n) in colours.iter().zip(&mut counts) {
            if (0..3).all(|i| px[i].abs_diff(c[i]) <= 6) {
                *n += 1;
            }
        }
    }
    counts
}

#[test]
fn html_report_renders_in_a_real_browser() {
    let Some(bin) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is missing: CI must run the browser test (.ci/run installs it)"
        );
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("report.html");
    let o = deboil()
        .arg("report")
        .args(CORPUS)
        .arg("-q")
        .arg("-o")
        .arg(&page)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));

    // The detector catches what it must: a page with a script error.
    let broken = tmp.path().join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><p>x</p><script>console.error('boom'); missing();</script>",
    )
    .unwrap();
    let log = stderr(&browse(&bin, tmp.path(), "--dump-dom", &broken, TALL));
    assert_eq!(console_errors(&log).len(), 2, "{log}");

    // The report loads cleanly, with its charts in the DOM.
    let o = browse(&bin, tmp.path(), "--dump-dom", &page, TALL);
    let log = stderr(&o);
    let errors = console_errors(&log);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    let dom = stdout(&o);
    for chart in ["rules", "sites", "dup-sites", "sizes", "lengths"] {
        assert!(
            dom.contains(&format!("<svg class=\"chart {chart}\"")),
            "chart {chart} not in the DOM"
        );
    }
    assert!(dom.matches("<rect").count() > 40, "too few bars");
    assert!(dom.contains("dailybugle.example"));

    // Drawn: each chart's colour covers a good many pixels.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    let o = browse(
        &bin,
        tmp.path(),
        &format!("--screenshot={}", shot.display()),
        &page,
        TALL,
    );
    let log = stderr(&o);
    let errors = console_errors(&log);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    // Blue: removals per rule; orange: dirtiest sites; red: duplicates;
    // grey: lengths before cleaning.
    let colours = [
        [0x2f, 0x6f, 0xde],
        [0xe0, 0x7a, 0x2f],
        [0xc8, 0x41, 0x4b],
        [0x9a, 0xa3, 0xb2],
    ];
    let counts = count_colours(&shot, &colours);
    assert!(
        counts.iter().all(|&n| n > 500),
        "chart colours drawn: {counts:?}"
    );
    if std::env::var_os("DEBOIL_UPDATE_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        // The README's picture: the top of the page, the charts first.
        let to = docs.join("report.png");
        browse(
            &bin,
            tmp.path(),
            &format!("--screenshot={}", to.display()),
            &page,
            "1200,1900",
        );
    }
}

/// An empty corpus: every chart says there is nothing to show (no axis from
/// 0 to 0), and the page still loads cleanly.
#[test]
fn an_empty_corpus_reports_nothing_to_show() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("empty.jsonl");
    std::fs::write(&input, "").unwrap();
    let page = tmp.path().join("report.html");
    let o = deboil()
        .arg("report")
        .arg(&input)
        .arg("-q")
        .arg("-o")
        .arg(&page)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    let charts = ["rules", "sites", "dup-sites", "sizes", "lengths"];
    for chart in charts {
        let at = html
            .find(&format!("<svg class=\"chart {chart}\""))
            .unwrap_or_else(|| panic!("chart {chart} missing"));
        let svg = &html[at..at + html[at..].find("</svg>").unwrap()];
        assert!(svg.contains("nothing to show"), "{chart}: {svg}");
        assert!(!svg.contains("class=\"tick\""), "{chart}: {svg}");
    }
    let Some(bin) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "chromium is missing");
        return;
    };
    let o = browse(&bin, tmp.path(), "--dump-dom", &page, TALL);
    let log = stderr(&o);
    let errors = console_errors(&log);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    let dom = stdout(&o);
    assert_eq!(
        dom.matches("nothing to show").count(),
        charts.len(),
        "{dom}"
    );
    let shot = tmp.path().join("empty.png");
    browse(
        &bin,
        tmp.path(),
        &format!("--screenshot={}", shot.display()),
        &page,
        "1200,1600",
    );
    // No chart colour is drawn: there are no bars.
    let counts = count_colours(&shot, &[[0x2f, 0x6f, 0xde], [0xc8, 0x41, 0x4b]]);
    assert_eq!(counts, [0, 0], "bars drawn on an empty corpus");
    std::fs::copy(
        &shot,
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-empty.png"),
    )
    .unwrap();
}
