//! Hostile inputs through the real binary (issue 17): each ends with a diagnostic and its exit
//! code, never a panic, a hang or an unbounded read, and the other arrays of the run are still
//! reported. Each test is named after what broke.

use crate::common::*;
use std::path::Path;
use std::time::{Duration, Instant};

const EXPORT: &str = "testdata/versions/8.2.1/export.xml";

/// Runs seglint with a deadline; its exit code, stdout and stderr.
fn run(args: &[&str]) -> (i32, String, String) {
    let started = Instant::now();
    let out = seglint().args(args).timeout(Duration::from_secs(20)).output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(20), "{args:?} did not end");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    (out.status.code().unwrap_or(-1), stdout.into_owned(), stderr.into_owned())
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_doubled_byte_order_mark_is_read_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(root().join(EXPORT)).unwrap();
    let utf8 = write(dir.path(), "utf8.xml", &[&[0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF][..], &text].concat());
    let utf16: Vec<u8> = [0xFF, 0xFE, 0xFF, 0xFE]
        .into_iter()
        .chain(String::from_utf8(text).unwrap().encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let utf16 = write(dir.path(), "utf16.xml", &utf16);
    let (_, plain) = check_json(EXPORT, &[]);
    for file in [utf8, utf16] {
        let (code, report) = check_json(&file, &[]);
        assert_eq!(code, 1, "{report}");
        assert_eq!(codes(&report), codes(&plain), "the same findings as without the second mark");
        let lines = |r: &serde_json::Value| -> Vec<serde_json::Value> {
            r["findings"].as_array().unwrap().iter().map(|f| f["location"]["line"].clone()).collect()
        };
        assert_eq!(lines(&report), lines(&plain), "and at the same lines");
    }
    // The 8-byte reproducer: two marks and `<>`.
    let tiny = write(dir.path(), "tiny.xml", &[0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, b'<', b'>']);
    let (code, _, stderr) = run(&["check", &tiny]);
    assert_eq!(code, 3, "{stderr}");
}

#[test]
fn a_label_past_column_65535_is_drawn_and_the_other_arrays_are_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let pad = "\t".repeat(17_000);
    // An input error at the end of a long line (a bad role), and a finding there (no certificate).
    let error = write(
        dir.path(),
        "error.xml",
        format!(r#"<SegConfiguration productVersion="8.2.1">{pad}<Servers><Server name="A" role="Boss"/></Servers></SegConfiguration>"#)
            .as_bytes(),
    );
    let finding = write(
        dir.path(),
        "finding.xml",
        format!(r#"<SegConfiguration productVersion="8.2.1">{pad}<Servers><Server name="MAIL01"><InboundSecurity tlsEnabled="true"/></Server></Servers></SegConfiguration>"#)
            .as_bytes(),
    );
    let (code, stdout, _) = run(&["check", "--now", NOW, &error, &finding, "testdata/versions/8.2.1"]);
    assert_eq!(code, 3);
    assert!(stdout.contains("`Boss` is not a server role"), "{stdout}");
    assert!(stdout.contains("error.xml:1:17"), "the real column in the header: {stdout}");
    assert!(stdout.contains("has no certificate"), "{stdout}");
    assert!(stdout.contains("SSLv3 is allowed when receiving on MAIL01"), "the other array: {stdout}");
    assert!(stdout.lines().all(|l| l.chars().count() < 400), "a window of the long line, not the line");
    // The machine formats tell the input error on stderr through the same renderer.
    let (code, _, stderr) = run(&["check", "--format", "json", &error]);
    assert_eq!(code, 3);
    assert!(stderr.contains("`Boss` is not a server role"), "{stderr}");
}

#[test]
fn a_hundred_thousand_unclosed_elements_are_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let deep = write(
        dir.path(),
        "deep.xml",
        format!("<SegConfiguration productVersion=\"8.2.1\">{}", "<X>".repeat(100_000)).as_bytes(),
    );
    let (code, stdout, _) = run(&["check", &deep]);
    assert_eq!(code, 3);
    assert!(stdout.contains("is never closed"), "{stdout}");
}

#[cfg(unix)]
fn fifo(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    let made = std::process::Command::new("mkfifo").arg(&path).status().expect("mkfifo");
    assert!(made.success());
    path.to_str().unwrap().to_string()
}

#[cfg(unix)]
#[test]
fn devices_and_fifos_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = fifo(dir.path(), "pipe");
    let array = "testdata/versions/8.2.1";
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["check", "/dev/zero"], 3),
        (vec!["check", &pipe], 3),
        (vec!["check", "--baseline", "/dev/zero", array], 2),
        (vec!["check", "--config", &pipe, array], 2),
        (vec!["probe", "--targets", &pipe], 2),
        (vec!["probe", "--array", "/dev/zero", "127.0.0.1:9"], 3),
        (vec!["probe", "--client-cert", &pipe, "--client-key", &pipe, "127.0.0.1:9"], 2),
        (vec!["check", "--rules", dir.path().to_str().unwrap(), array], 2),
    ];
    // A rules directory whose versions.toml is a FIFO.
    fifo(dir.path(), "versions.toml");
    for (args, want) in cases {
        let (code, stdout, stderr) = run(&args);
        let said = format!("{stdout}{stderr}");
        assert_eq!(code, want, "{args:?}: {said}");
        assert!(said.contains("regular file"), "{args:?}: {said}");
    }
    // A Certificate/@file naming a device or a FIFO.
    for target in ["/dev/zero", &fifo(dir.path(), "c.pem")] {
        let site = tempfile::tempdir().unwrap();
        let xml = format!(
            r#"<SegConfiguration productVersion="8.2.1"><Servers><Server name="A"><InboundSecurity><Certificate file="{target}"/></InboundSecurity></Server></Servers></SegConfiguration>"#
        );
        write(site.path(), "export.xml", xml.as_bytes());
        let (code, stdout, _) = run(&["check", site.path().to_str().unwrap()]);
        assert_eq!(code, 3, "{stdout}");
        assert!(stdout.contains("regular file"), "{stdout}");
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_reg_file_of_an_array_is_an_input_error_not_left_out() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["export.xml", "tls.reg"] {
        std::fs::copy(root().join("testdata/versions/8.2.1").join(f), dir.path().join(f)).unwrap();
    }
    std::os::unix::fs::symlink("/nonexistent/extra.reg", dir.path().join("extra.reg")).unwrap();
    let (code, stdout, _) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout.contains("extra.reg: cannot read it"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn a_link_to_a_directory_in_an_array_is_a_directory_not_a_second_export() {
    let dir = tempfile::tempdir().unwrap();
    let array = dir.path().join("array");
    std::fs::create_dir_all(dir.path().join("old.xml")).unwrap();
    std::fs::create_dir_all(&array).unwrap();
    std::fs::copy(root().join("testdata/versions/8.2.1/export.xml"), array.join("export.xml")).unwrap();
    std::os::unix::fs::symlink("../old.xml", array.join("snapshot.xml")).unwrap();
    let (code, stdout, _) = run(&["check", array.to_str().unwrap()]);
    assert_eq!(code, 1, "checked, with findings: {stdout}");
    assert!(!stdout.contains("XML exports in one directory"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_onto_a_fifo_and_beside_stale_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // -o onto a symbolic link writes its target, and the link stays a link.
    std::fs::write(d.join("target.json"), "old").unwrap();
    std::os::unix::fs::symlink("target.json", d.join("link.json")).unwrap();
    let link = d.join("link.json");
    let (code, _, stderr) =
        run(&["check", "--format", "json", "-o", link.to_str().unwrap(), "testdata/versions/10.1.0"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
    assert!(std::fs::read_to_string(d.join("target.json")).unwrap().contains("seglint/report/v1"));
    // -o onto a FIFO is refused; the FIFO stays.
    let pipe = fifo(d, "pipe");
    let (code, _, stderr) = run(&["check", "--format", "json", "-o", &pipe, "testdata/versions/10.1.0"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&pipe).unwrap().file_type().is_fifo());
    // A temporary file a killed run left (its process is gone) is removed by the next write;
    // another program's file of a similar name is not.
    std::fs::write(d.join(".seglint-4000000-abcdef.tmp"), "half").unwrap();
    std::fs::write(d.join(".seglint-notes.tmp"), "mine").unwrap();
    let out = d.join("report.json");
    let (code, _, _) = run(&["check", "--format", "json", "-o", out.to_str().unwrap(), "testdata/versions/10.1.0"]);
    assert_eq!(code, 1);
    let left: Vec<String> =
        std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert!(!left.iter().any(|n| n.starts_with(".seglint-4000000")), "{left:?}");
    assert!(left.iter().any(|n| n == ".seglint-notes.tmp"), "{left:?}");
    assert!(!left.iter().any(|n| n.starts_with(&format!(".seglint-{}", std::process::id()))), "{left:?}");
}

#[test]
fn a_huge_bad_value_is_told_in_a_line_not_repeated_whole() {
    let dir = tempfile::tempdir().unwrap();
    let xml = write(
        dir.path(),
        "v.xml",
        format!("<SegConfiguration productVersion=\"{}x\"/>\n", "9".repeat(5_000_000)).as_bytes(),
    );
    std::fs::create_dir(dir.path().join("reg")).unwrap();
    write(&dir.path().join("reg"), "export.xml", b"<SegConfiguration productVersion=\"8.2.1\"/>\n");
    let reg = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"A\"=dword:{}\r\n",
        "z".repeat(5_000_000)
    );
    write(&dir.path().join("reg"), "tls.reg", reg.as_bytes());
    for array in [xml, dir.path().join("reg").to_str().unwrap().to_string()] {
        for format in ["human", "json"] {
            let (code, stdout, _) = run(&["check", "--format", format, &array]);
            assert_eq!(code, 3);
            assert!(stdout.len() < 20_000, "{format}: {} bytes of output", stdout.len());
            assert!(stdout.contains("(5000001 characters)") || stdout.contains("(5000000 characters)"), "{stdout}");
        }
    }
}

#[test]
fn a_utf16_file_cut_short_or_with_a_lone_surrogate_has_a_location() {
    let dir = tempfile::tempdir().unwrap();
    let odd = write(dir.path(), "odd.xml", b"\xff\xfe<\x00S\x00\n\x00a");
    let lone = write(dir.path(), "lone.xml", b"\xff\xfe<\x00\n\x00\n\x00x\x00\x00\xd8");
    for (file, line, column) in [(odd, 2, 1), (lone, 3, 2)] {
        let (code, report) = check_json(&file, &[]);
        assert_eq!(code, 3);
        let location = &report["arrays"][0]["error"]["location"];
        assert_eq!((location["line"].as_u64(), location["column"].as_u64()), (Some(line), Some(column)), "{report}");
    }
}

/// `check --format json -o FILE` writes the report as it makes it (a fleet's report is never
/// held whole): the file is byte for byte what stdout gets, and a file that cannot be written is
/// a usage error that names it.
#[test]
fn json_into_a_file_is_written_as_made_and_equals_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let args = ["check", "--now", "2026-11-28", "--format", "json", "--recursive", "testdata/versions"];
    let (code, stdout, _) = run(&args);
    let mut to_file = args.to_vec();
    to_file.extend(["-o", file.to_str().unwrap()]);
    let (code_file, printed, _) = run(&to_file);
    assert_eq!((code_file, printed.as_str()), (code, ""));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout);
    let missing = dir.path().join("no/such/dir/report.json");
    let mut bad = args.to_vec();
    bad.extend(["-o", missing.to_str().unwrap()]);
    let (code_bad, _, stderr) = run(&bad);
    assert_eq!(code_bad, 2, "{stderr}");
    assert!(stderr.contains("cannot write") && stderr.contains("report.json"), "{stderr}");
}

/// A fleet of `n` arrays `a0000`, `a0001`, …: the 8.2.1 export, as `edit` makes it for each.
fn fleet_of(n: usize, edit: impl Fn(usize, String) -> String) -> tempfile::TempDir {
    let fleet = tempfile::tempdir().unwrap();
    let export = std::fs::read_to_string("testdata/versions/8.2.1/export.xml").unwrap();
    for i in 0..n {
        let dir = fleet.path().join(format!("a{i:04}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("export.xml"), edit(i, export.clone())).unwrap();
    }
    fleet
}

/// The export of `fleet_of` with a product version that does not parse (an input error).
fn unreadable(text: String) -> String {
    text.replacen("productVersion=\"", "productVersion=\"x", 1)
}

/// More arrays than one chunk of the JSON stream (512): the file written chunk by chunk is
/// byte for byte what stdout gets from the report held whole, with names shared across
/// chunks, an unreadable array among them, and a baseline some entries of which are fixed.
#[test]
fn a_fleet_in_json_is_written_chunk_by_chunk_as_the_whole_report_writes_it() {
    let fleet = fleet_of(1100, |i, text| {
        // Arrays 7 and 1000 (in different chunks) share a name; the others have their own.
        let name = if i == 1000 { "array 7".to_string() } else { format!("array {i}") };
        let text = text.replacen("arrayName=\"", &format!("arrayName=\"{name} "), 1);
        if i == 600 { unreadable(text) } else { text }
    });
    let root = fleet.path().to_str().unwrap();
    let baseline = fleet.path().join("baseline.json");
    let (code, _, stderr) =
        run(&["check", "--now", "2026-11-28", "--recursive", root, "--write-baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 3, "one array is unreadable: {stderr}");
    std::fs::remove_dir_all(fleet.path().join("a0003")).unwrap(); // its entries are now fixed
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.json");
    let whole_file = out.path().join("whole.json");
    let also_whole = format!("json={}", whole_file.display());
    for extra in [None, Some(baseline.to_str().unwrap())] {
        let mut args = vec!["check", "--now", "2026-11-28", "--format", "json", "--recursive", root];
        args.extend(extra.iter().flat_map(|b| ["--baseline", *b]));
        // With a second output format the report is made whole first: the oracle.
        let (code, whole, stderr) = run(&[args.as_slice(), &["--output-format", &also_whole]].concat());
        assert!(std::fs::read_to_string(&whole_file).unwrap() == whole, "{extra:?}: the two whole reports differ");
        let (code_stdout, stdout, stderr_stdout) = run(&args);
        assert_eq!((code_stdout, stderr_stdout.as_str()), (code, stderr.as_str()));
        assert!(stdout == whole, "{extra:?}: the fleet streamed onto stdout differs from the whole report");
        args.extend(["-o", file.to_str().unwrap()]);
        let (code_file, printed, stderr_file) = run(&args);
        assert_eq!((code_file, printed.as_str(), stderr_file.as_str()), (code, "", stderr.as_str()));
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written == whole, "{extra:?}: the fleet streamed into the file differs from the whole report");
        let doc: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(doc["arrays"].as_array().unwrap().len(), 1099);
        let shared = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["array"].as_str().is_some_and(|a| a.ends_with("a1000")));
        assert!(shared.count() > 0);
        if extra.is_some() {
            assert!(!doc["baseline"]["fixed"].as_array().unwrap().is_empty(), "a0003's entries are fixed");
        }
    }
}

#[test]
fn a_closed_pipe_ends_the_json_on_stdout_not_the_run_nor_its_exit_status() {
    use std::io::Read as _;
    // More arrays than one chunk (the fleet is streamed); the last one is unreadable, so only a
    // run that went on to the end exits 3.
    let fleet = fleet_of(600, |i, text| if i == 599 { unreadable(text) } else { text });
    for (args, status) in [
        (vec!["-r", fleet.path().to_str().unwrap()], 3),
        (vec!["testdata/versions/8.2.1"], 1),
        (vec!["testdata/versions/8.2.1", fleet.path().join("a0599").to_str().unwrap()], 3),
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_seglint"))
            .current_dir(root())
            .args(["check", "--now", "2026-11-28", "--format", "json"])
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut head = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        assert_eq!(&head[..], b"{\n  \"schema\": \"s", "{args:?}");
        // The pipe is closed here, with most of the report unread.
        let started = Instant::now();
        let code = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s.code();
            }
            assert!(started.elapsed() < Duration::from_secs(30), "{args:?}: did not end after the pipe closed");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(code, Some(status), "{args:?}");
    }
}

#[test]
fn a_directory_whose_exports_are_apart_in_path_order_is_one_array() {
    let dir = tempfile::tempdir().unwrap();
    let export = std::fs::read_to_string("testdata/versions/8.2.1/export.xml").unwrap();
    std::fs::create_dir_all(dir.path().join("d/sub")).unwrap();
    for f in ["d/a.xml", "d/sub/x.xml", "d/z.xml"] {
        std::fs::write(dir.path().join(f), &export).unwrap();
    }
    let out = seglint()
        .current_dir(dir.path())
        .args(["check", "-r", "--format", "json", "--now", "2026-11-28", "d"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources: Vec<&str> = json["arrays"].as_array().unwrap().iter().map(|a| a["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["d", "d/sub"], "d's two exports make one (unreadable) array, not two");
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn standard_input_among_a_streamed_fleet_is_read_once_and_checked() {
    let fleet = fleet_of(600, |_, text| text);
    let export = std::fs::read("testdata/versions/8.2.1/export.xml").unwrap();
    let out = seglint()
        .args(["check", "--now", "2026-11-28", "--format", "json", "-r"])
        .arg(fleet.path())
        .arg("-")
        .write_stdin(export)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let from_stdin = json["findings"].as_array().unwrap().iter().filter(|f| f["array"] == "-").count();
    assert!(from_stdin > 0, "the export on standard input has its findings");
    assert_eq!(json["arrays"].as_array().unwrap().len(), 601);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_onto_a_full_standard_output_is_a_write_error_after_the_input_errors() {
    let fleet = fleet_of(600, |i, text| if i == 3 { unreadable(text) } else { text });
    let fleet = fleet.path().to_str().unwrap();
    let cases: [(&[&str], i32); 3] = [
        (&["json", "testdata/versions/8.2.1"], 2),
        (&["json", "-r", fleet], 3),
        (&["human", "testdata/versions/8.2.1"], 2),
    ];
    for (args, status) in cases {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_seglint"))
            .current_dir(root())
            .args(["check", "--now", "2026-11-28", "--format"])
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error: cannot write standard output: No space left on device"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(status), "{args:?}: an input error still wins: {stderr}");
    }
}
