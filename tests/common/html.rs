//! The HTML reports as their readers get them: parsed by an HTML5 parser (html5ever, through
//! scraper), and rendered by a real browser, headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs; `SEGLINT_CHROMIUM` names another). Without a browser the test fails and
//! says so. With `SEGLINT_UPDATE_DOCS=1` the screenshot of each report kind is also written to
//! docs/screenshots/.
#![allow(dead_code)]

use scraper::{Html, Selector};
use std::path::Path;
use std::process::Command;

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"))).collect()
}

/// The text of an element, its text nodes apart and whitespace collapsed.
pub fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css).iter().map(text).collect()
}

/// Parses a report and checks what every report must be: an HTML5 document without parse
/// errors that loads nothing (no external scripts, styles, images, frames, fonts or links out)
/// and whose only script is its own.
pub fn parse(page: &str) -> Html {
    let doc = Html::parse_document(page);
    assert!(doc.errors.is_empty(), "HTML5 parse errors: {:?}", doc.errors);
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..page.len().min(80)]);
    for tag in ["link", "img", "iframe", "object", "embed", "base", "audio", "video", "source"] {
        assert!(select(&doc, tag).is_empty(), "a <{tag}> element: the report must load nothing");
    }
    let loads: Vec<_> = select(&doc, "[src]").iter().filter_map(|e| e.value().attr("src")).collect();
    assert!(loads.is_empty(), "elements load {loads:?}");
    for e in select(&doc, "[href]") {
        let href = e.value().attr("href").unwrap_or_default();
        assert!(href.starts_with('#'), "a link out of the page: {href}");
    }
    let scripts = select(&doc, "script");
    assert_eq!(scripts.len(), 1, "exactly the report's own script");
    for style in select(&doc, "style") {
        let css = style.text().collect::<String>();
        assert!(!css.contains("url(") && !css.contains("@import"), "the style loads something");
    }
    let policy = select(&doc, "meta[http-equiv=Content-Security-Policy]");
    assert_eq!(policy.len(), 1, "a Content Security Policy");
    assert!(policy[0].value().attr("content").unwrap_or_default().starts_with("default-src 'none'"));
    doc
}

/// The browser: `SEGLINT_CHROMIUM`, else the first of Debian's and others' names on PATH.
fn chromium() -> String {
    if let Ok(path) = std::env::var("SEGLINT_CHROMIUM") {
        return path;
    }
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        if Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return name.to_string();
        }
    }
    panic!(
        "no Chromium to render the HTML reports with: install Debian's `chromium` (.ci/run does) or set SEGLINT_CHROMIUM"
    );
}

/// Renders `page` in headless Chromium and checks that the screenshot is not blank and that
/// the page wrote nothing to the console (no script error, no refused resource).
pub fn render_in_browser(page: &Path, kind: &str) {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join(format!("{kind}.png"));
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,1600",
        ])
        .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .output()
        .expect("start chromium");
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "{kind}: the page wrote to the console:\n{}", console.join("\n"));
    assert!(shot.exists(), "{kind}: chromium wrote no screenshot (exit {:?}):\n{log}", out.status.code());
    let (width, height, inked) = ink(&shot);
    assert_eq!((width, height), (1280, 1600), "{kind}");
    // A blank page is one colour; a report has text, tables and coloured cells.
    assert!(inked > (width * height) / 50, "{kind}: the screenshot is nearly blank ({inked} pixels not white)");
    let documented = ["check", "migrate", "verify", "listen", "headers"].contains(&kind);
    if documented && std::env::var_os("SEGLINT_UPDATE_DOCS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(&shot, docs.join(format!("{kind}.png"))).unwrap();
    }
}

/// The screenshot's size and how many of its pixels are not white.
fn ink(path: &Path) -> (u32, u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let inked = buf[..info.buffer_size()].chunks(channels).filter(|px| px.iter().take(3).any(|c| *c < 240)).count();
    (info.width, info.height, inked as u32)
}

/// Writes a report to a file of the test's directory, for the browser.
pub fn save(dir: &Path, kind: &str, page: &str) -> std::path::PathBuf {
    let path = dir.join(format!("{kind}.html"));
    std::fs::write(&path, page).unwrap();
    path
}

/// Prints `page` to PDF as the browser's print does (the print stylesheet applies); the PDF's
/// bytes.
pub fn print_to_pdf(page: &Path) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("page.pdf");
    let out = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .output()
        .expect("start chromium");
    std::fs::read(&pdf).unwrap_or_else(|e| panic!("no PDF ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

/// The page's DOM after its script ran in headless Chromium.
pub fn dom_after_script(page: &Path) -> Html {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--dump-dom"])
        .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .output()
        .expect("start chromium");
    Html::parse_document(&String::from_utf8_lossy(&out.stdout))
}
