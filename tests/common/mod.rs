//! Shared helpers for the integration tests: run the real binary, read its JSON.
#![allow(dead_code)]

pub mod html;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub const NOW: &str = "2026-11-28";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn seglint() -> Command {
    let mut c = Command::cargo_bin("seglint").expect("binary");
    c.current_dir(root()).env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

/// Runs `check --format json` on one path; returns the exit code and the parsed report.
pub fn check_json(path: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = seglint().args(["check", "--format", "json", "--now", NOW]).args(extra).arg(path).output().expect("run");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), json)
}

pub fn codes(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|f| f.iter().map(|x| x["code"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

pub fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

/// A fixture of `testdata/` with one text replaced, written as `name` into a fresh temporary
/// directory (kept alive by the returned guard); also returns the new text.
pub fn variant(fixture: &str, from: &str, to: &str, name: &str) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(fixture)).unwrap().replace(from, to);
    let path = dir.path().join(name);
    std::fs::write(&path, &text).unwrap();
    (dir, path, text)
}
