//! The commands: one thin file each (parse → run → report), and what they share: loading the
//! policy and the rules data, rendering diagnostics, the one `ExitStatus` mapped to the frozen
//! exit codes, and atomic output files. Commands compute nothing of their own; they call the
//! layers below and hand the result to a reporter. Only `main` writes to the terminal.

mod check;
mod diff;
mod explain;
mod headers;
mod init;
mod listen;
mod migrate;
mod probe;
mod rules;
mod verify;

pub use check::check_array;

use crate::cli::{ColorChoice, Command, Common};
use crate::input::{self, InputDiagnostic, InputError};
use crate::knowledge::Knowledge;
use crate::policy::{Config, Overrides, Policy};
use crate::vocab::FailOn;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The frozen exit codes; when several apply, the highest wins.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// No finding at or above `--fail-on`.
    #[default]
    Clean,
    /// Findings at or above `--fail-on`.
    Findings,
    /// Usage or configuration error: bad flags, bad `--config` / `--rules` data, or an output
    /// file (`-o`, `--write-baseline`, `--emit-settings`) that cannot be written.
    Usage,
    /// An input could not be read or is invalid.
    Input,
}

impl ExitStatus {
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Input => 3,
        }
    }
}

/// What a command produced: the text for stdout (or `-o FILE`), text for stderr, the status.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub output: Option<PathBuf>,
    pub exit: ExitStatus,
}

impl Outcome {
    fn usage(stderr: String) -> Outcome {
        Outcome { stderr, exit: ExitStatus::Usage, ..Outcome::default() }
    }

    fn text(stdout: String) -> Outcome {
        Outcome { stdout, ..Outcome::default() }
    }
}

/// Runs one command.
pub fn run(command: &Command) -> Outcome {
    match command {
        Command::Check(a) => check::run(a),
        Command::Migrate(a) => migrate::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Probe(a) => probe::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Listen(a) => listen::run(a),
        Command::Headers(a) => headers::run(a),
        Command::Init(a) => init::run(a),
        Command::Completions(a) => init::completions(a),
    }
}

/// Renders any diagnostic for stderr.
fn render(d: &dyn miette::Diagnostic, color: bool) -> String {
    let mut s = String::new();
    let theme = if color { miette::GraphicalTheme::unicode() } else { miette::GraphicalTheme::unicode_nocolor() };
    let _ = miette::GraphicalReportHandler::new_themed(theme).with_width(width()).render_report(&mut s, d);
    s
}

/// Writes what a command computed through the one reporter seam; a format its document has
/// no renderer for is a usage error (the command line offers only those it has).
fn report(
    doc: &crate::report::Document<'_>,
    format: impl Into<crate::report::Format>,
    k: &Knowledge,
    rendering: &crate::report::Rendering,
) -> Result<String, Outcome> {
    crate::report::render(doc, format.into(), k, rendering).map_err(|e| Outcome::usage(format!("error: {e}\n")))
}

pub fn render_input_error(e: &InputError, color: bool) -> String {
    render(&InputDiagnostic::new(e), color)
}

pub fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}

/// The width to wrap diagnostics at: `COLUMNS`, else the terminal's (stdout, then stderr),
/// else 100; never under 40.
fn width() -> usize {
    let env = std::env::var("COLUMNS").ok().and_then(|c| c.parse::<usize>().ok());
    let terminal = || {
        terminal_size::terminal_size_of(std::io::stdout())
            .or_else(|| terminal_size::terminal_size_of(std::io::stderr()))
            .map(|(w, _)| usize::from(w.0))
    };
    env.or_else(terminal).filter(|&w| w >= 40).unwrap_or(100)
}

/// What every command that reads arrays runs with: seglint.toml, the rules data, colour, the
/// day certificates are judged at, and how arrays are loaded.
struct Setup {
    config: Config,
    /// Loaded once and kept until the process exits: freeing its tables one by one at the end
    /// took 4% of a small check.
    k: &'static Knowledge,
    color: bool,
    now: time::OffsetDateTime,
    load: input::LoadOptions,
    /// `--no-ignore`: `--recursive` also walks hidden and ignored directories.
    no_ignore: bool,
}

impl Setup {
    /// A usage error if seglint.toml or the rules data is bad.
    fn new(c: &Common, output: Option<&Path>) -> Result<Setup, Outcome> {
        let color = use_color(c.color, output.is_some());
        let config = match crate::policy::find_config(c.config.as_deref()) {
            Some(path) => crate::policy::load_config(&path).map_err(|e| Outcome::usage(render(&e, color)))?,
            None => Config::default(),
        };
        let k = Knowledge::load(c.rules.as_deref()).map_err(|e| Outcome::usage(render(&e, color)))?;
        let k = Box::leak(Box::new(k));
        let fallback_version = match &c.seg_version_from {
            Some(path) => Some(version_from_message(path, c.max_input_size, color)?),
            None => None,
        };
        let load = input::LoadOptions {
            seg_version: c.seg_version.clone().or(config.seg_version.clone()),
            fallback_version,
            max_input_size: c.max_input_size,
        };
        let now = c.now.unwrap_or_else(time::OffsetDateTime::now_utc);
        Ok(Setup { config, k, color, now, load, no_ignore: c.no_ignore })
    }

    /// How readable text is written, from the common options.
    fn style(&self, c: &Common) -> crate::report::Rendering {
        let style = crate::report::Style { color: self.color, width: width(), quiet: c.quiet, verbose: c.verbose };
        let cwd = std::env::current_dir().unwrap_or_default();
        let sarif_root = c.sarif_root.as_ref().map_or(cwd.clone(), |r| cwd.join(r));
        crate::report::Rendering { style, sarif_root, max_bytes: c.max_bytes, max_annotations: c.max_annotations }
    }

    /// The policy sink of the run: levels, `--fail-on`, and a baseline.
    fn policy(
        &self,
        overrides: &Overrides<'_>,
        fail_on: Option<FailOn>,
        baseline: Option<&Path>,
    ) -> Result<Policy, Outcome> {
        let baseline = match baseline {
            Some(path) => Some((
                path.display().to_string(),
                crate::policy::Baseline::read(path).map_err(|e| {
                    Outcome::usage(format!(
                        "error: cannot use the baseline {}: {e}\n  help: write one with --write-baseline FILE\n",
                        path.display()
                    ))
                })?,
            )),
            None => None,
        };
        Policy::new(&self.config, overrides, fail_on, baseline).map_err(|e| {
            let hint = e.suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
            Outcome::usage(format!("error: {e}{hint}\n  help: `seglint rules` lists every code and name\n"))
        })
    }
}

/// Reads a message file (or `-`, standard input) within the size bound.
fn read_message(path: &Path, max: u64) -> Result<(String, Vec<u8>), InputError> {
    if path == Path::new("-") {
        return input::read_bounded(std::io::stdin().lock(), "standard input", max).map(|b| ("-".to_string(), b));
    }
    let display = path.display().to_string();
    input::read_file_bounded(path, &display, max).map(|b| (display, b))
}

/// `--seg-version-from FILE`: the version of the newest SEG hop of the message.
fn version_from_message(path: &Path, max: u64, color: bool) -> Result<semver::Version, Outcome> {
    let failed = |e: InputError| Outcome {
        stderr: render_input_error(&e, color),
        exit: ExitStatus::Input,
        ..Outcome::default()
    };
    let (display, bytes) = read_message(path, max).map_err(failed)?;
    let messages = crate::headers::read(&display, &bytes).map_err(failed)?;
    crate::headers::newest_version(&messages).ok_or_else(|| {
        failed(InputError::new(format!("{display}: no SEG hop in it names a product version"))
            .help("give a message that passed the array (its Received fields show `with Trustwave SEG (v8,2,6,11305)`), or the version with --seg-version"))
    })
}

/// Writes `text` to `path` atomically: a temporary file beside it, then a rename.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    write_bytes_atomically(path, text.as_bytes(), true)
}

/// A temporary file created as an ordinary file would be: mode 0666 less the umask.
/// The temporary files being written now: removed if SIGINT or SIGTERM comes mid-write.
static IN_FLIGHT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Temporary files are named `.seglint-PID-XXXXXX.tmp`, so a later run can tell its own.
const TEMP_PREFIX: &str = ".seglint-";
const TEMP_SUFFIX: &str = ".tmp";

/// On the first write: a handler that removes the files in flight, then exits as interrupted.
fn clean_up_on_signals() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if let Ok(files) = IN_FLIGHT.lock() {
                files.iter().for_each(|f| drop(std::fs::remove_file(f)));
            }
            std::process::exit(130);
        });
    });
}

/// Removes the temporary files a killed run of seglint left in `dir` (SIGKILL leaves no
/// chance to): ours by name, of a process that is no longer running (Linux: no /proc/PID;
/// elsewhere, older than a day).
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(TEMP_PREFIX).filter(|_| name.ends_with(TEMP_SUFFIX)) else { continue };
        let Some(pid) = pid.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        let stale = if cfg!(target_os = "linux") {
            pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(86_400))
        };
        if stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn temp_file_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    clean_up_on_signals();
    remove_stale_temp_files(dir);
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir)?;
    if let Ok(mut files) = IN_FLIGHT.lock() {
        files.push(tmp.path().to_path_buf());
    }
    Ok(tmp)
}

/// Where a report for `path` is written: through a symbolic link to its target (the link
/// stays); a device, FIFO or directory is refused, never replaced by a regular file.
fn write_target(path: &Path) -> std::io::Result<PathBuf> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            let link = std::fs::read_link(path)?;
            let dir = path.parent().unwrap_or(Path::new("."));
            // A link to a link: follow it too, as far as the links go.
            return write_target(&dir.join(link));
        }
        _ => path.to_path_buf(),
    };
    match std::fs::metadata(&target) {
        Ok(m) if !m.is_file() => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a device, FIFO or directory): name a file to write",
        )),
        _ => Ok(target),
    }
}

/// Writes atomically; without `replace`, an existing file is never overwritten.
pub fn write_bytes_atomically(path: &Path, bytes: &[u8], replace: bool) -> std::io::Result<()> {
    write_atomically_with(path, replace, |w| w.write_all(bytes))
}

/// `write_bytes_atomically`, the content written by `write` into a buffered writer (a fleet's
/// report goes to the file as it is made, never held whole in memory).
pub fn write_atomically_with(
    path: &Path,
    replace: bool,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let path = &write_target(path)?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = temp_file_in(dir)?;
    let written = tmp.path().to_path_buf();
    let result = (|| {
        // A replaced file keeps its mode; a new one gets what the umask gives (not 0600).
        if let Ok(meta) = std::fs::metadata(path) {
            tmp.as_file().set_permissions(meta.permissions())?;
        }
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
        drop(buffered);
        tmp.as_file().sync_all()?;
        if replace { tmp.persist(path).map(drop) } else { tmp.persist_noclobber(path).map(drop) }.map_err(|e| e.error)
    })();
    if let Ok(mut files) = IN_FLIGHT.lock() {
        files.retain(|f| *f != written);
    }
    result
}

/// Writes a report onto standard output as it is made (buffered), not held whole first. A
/// failed write ends the writing, not the run: the rest is dropped, so that the exit status is
/// still that of the whole run. A closed pipe (`seglint … | head`) is no error; any other
/// failure (a full disk) is returned, to be told.
pub fn write_to_stdout(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), (String, ExitStatus)> {
    use std::io::Write as _;
    let stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut out = Lenient { inner: stdout, failed: None };
    let _ = write(&mut out).and_then(|()| out.flush());
    match out.failed {
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(cannot_write(Path::new("standard output"), &e)),
        _ => Ok(()),
    }
}

/// A writer that, after its first failed write, keeps the error and drops everything after.
struct Lenient<W> {
    inner: W,
    failed: Option<std::io::Error>,
}

impl<W: std::io::Write> std::io::Write for Lenient<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed.is_none() {
            self.failed = self.inner.write_all(buf).err();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed.is_none() {
            self.failed = self.inner.flush().err();
        }
        Ok(())
    }
}

/// `--write-baseline FILE`: what to tell on stderr, and the status (a failed write is usage).
fn write_baseline<'f>(
    path: &Path,
    findings: impl Iterator<Item = &'f crate::finding::Finding>,
) -> (String, ExitStatus) {
    let b = crate::policy::Baseline::of(findings);
    match serde_json::to_string_pretty(&b)
        .map_err(std::io::Error::other)
        .and_then(|t| write_atomically(path, &format!("{t}\n")))
    {
        Ok(()) => (format!("wrote baseline {} ({} findings)\n", path.display(), b.findings.len()), ExitStatus::Clean),
        Err(e) => cannot_write(path, &e),
    }
}

/// A failed write of a file the user named: the same status and words everywhere.
fn cannot_write(path: &Path, e: &std::io::Error) -> (String, ExitStatus) {
    (format!("error: cannot write {}: {e}\n", path.display()), ExitStatus::Usage)
}
