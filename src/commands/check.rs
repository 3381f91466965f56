//! `seglint check`: lint arrays; the exit code gates CI.
//! It holds no logic of its own: `lint` checks, the sink applies policy, a reporter renders.

use super::{ExitStatus, Outcome, Setup, render_input_error};
use crate::cli::{CheckArgs, Format};
use crate::input::{self, ArraySpec};
use crate::knowledge::Knowledge;
use crate::policy::Policy;
use crate::registry::{Origin, Rule};
use crate::report::{ArrayReport, CheckReport, Document, json};
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Loads one array and runs every lint rule on it (no policy applied yet); `keep_posture` for
/// the formats that show the posture beside the findings.
pub fn check_array(
    k: &Knowledge,
    spec: &ArraySpec,
    opts: &input::LoadOptions,
    now: time::OffsetDateTime,
    keep_posture: bool,
) -> ArrayReport {
    match input::load(spec, opts) {
        Ok(array) => {
            let posture = crate::posture::resolve(k, &array, &array.version);
            let findings = crate::lint::run(&crate::lint::Ctx { k, array: &array, posture: &posture, now });
            let kept = keep_posture.then(|| posture.resolved());
            let mut r = ArrayReport::checked(array, findings, kept);
            r.source = spec.source.clone();
            r
        }
        Err(e) => ArrayReport::unreadable(spec.source.clone(), e),
    }
}

/// The arrays the arguments name, less those seglint.toml's `ignore` skips.
pub(super) fn arrays(setup: &Setup, paths: &[PathBuf], recursive: bool) -> Vec<ArraySpec> {
    let config = &setup.config;
    let base_dir = config.path.as_ref().and_then(|p| p.parent()).map(Path::to_path_buf).unwrap_or_default();
    input::discover(paths, recursive, setup.no_ignore)
        .into_iter()
        .filter(|s| {
            let rel = s.path.strip_prefix(&base_dir).unwrap_or(&s.path).to_string_lossy().into_owned();
            !crate::policy::ignored(config, &rel)
        })
        .collect()
}

/// The array names more than one array of the run has.
fn shared_names<'a>(names: impl Iterator<Item = &'a str>) -> HashSet<String> {
    let mut seen = HashMap::<&str, usize>::new();
    for name in names {
        *seen.entry(name).or_default() += 1;
    }
    seen.into_iter().filter(|(_, n)| *n > 1).map(|(name, _)| name.to_string()).collect()
}

fn name_of(r: &ArrayReport) -> Option<&str> {
    r.array.as_ref()?.name.as_deref()
}

/// A progress bar over `len` arrays, on a terminal and when there is more than one.
fn progress(len: usize, quiet: bool) -> Option<indicatif::ProgressBar> {
    (len > 1 && !quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(len as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} arrays {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    })
}

/// Checks every array of `specs` in parallel (no policy applied yet).
fn check_all(
    setup: &Setup,
    specs: &[ArraySpec],
    keep_posture: bool,
    bar: Option<&indicatif::ProgressBar>,
) -> Vec<ArrayReport> {
    crate::parallel::map(specs, |s| {
        let r = check_array(setup.k, s, &setup.load, setup.now, keep_posture);
        bar.inspect(|b| b.inc(1));
        r
    })
}

/// Applies the policy to checked arrays; `shared`: the names several arrays of the run have.
fn judge(policy: &Policy, arrays: &mut [ArrayReport], shared: &HashSet<String>) {
    crate::parallel::for_each_mut(arrays, |r| {
        if let Some(name) = name_of(r).filter(|n| shared.contains(*n)) {
            // Two arrays of one run share a name: the baseline identity takes the path too.
            let identity = format!("{name} ({})", r.source);
            r.findings.iter_mut().for_each(|f| f.array_name = identity.clone());
        }
        r.findings = policy.apply(r.array.as_ref(), std::mem::take(&mut r.findings));
    });
}

/// Checks every array (in parallel, with a progress bar on a terminal) through the policy.
fn run_all(setup: &Setup, policy: &Policy, specs: &[ArraySpec], quiet: bool, keep_posture: bool) -> CheckReport {
    let bar = progress(specs.len(), quiet);
    let mut arrays = check_all(setup, specs, keep_posture, bar.as_ref());
    let shared = shared_names(arrays.iter().filter_map(name_of));
    judge(policy, &mut arrays, &shared);
    bar.inspect(indicatif::ProgressBar::finish_and_clear);
    let baseline = policy.fixed(arrays.iter().flat_map(|a| &a.findings));
    CheckReport { arrays, baseline }
}

/// Arrays checked and written at once by the JSON stream: enough to keep every core busy
/// between writes, few enough that a fleet's findings are never all held.
const CHUNK: usize = 512;

/// What a streamed check found, for the exit status and stderr.
struct Streamed {
    fails: bool,
    errors: String,
    input_errors: usize,
}

/// `check --format json` over many arrays, into -o FILE or onto standard output: the report
/// written chunk by chunk as the arrays are checked. A first pass reads every array for the
/// `arrays` entries and the names several share (the findings' identities need them, and the
/// entries come first); the second checks CHUNK arrays at a time and writes their findings.
/// Memory is the entries and one chunk.
fn stream_json(
    setup: &Setup,
    policy: &Policy,
    specs: &[ArraySpec],
    quiet: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<Streamed> {
    let bar = progress(specs.len(), quiet);
    bar.as_ref().inspect(|b| b.set_message("read"));
    let read: Vec<(Vec<u8>, Option<String>, Option<String>)> = crate::parallel::map(specs, |s| {
        let r = match input::load(s, &setup.load) {
            Ok(array) => ArrayReport::checked(array, vec![], None),
            Err(e) => ArrayReport::unreadable(s.source.clone(), e),
        };
        bar.as_ref().inspect(|b| b.inc(1));
        let error = r.error.as_ref().map(|e| render_input_error(e, false));
        (json::array_json(&r), name_of(&r).map(str::to_string), error)
    });
    let shared = shared_names(read.iter().filter_map(|(_, name, _)| name.as_deref()));
    let mut streamed = Streamed { fails: false, errors: String::new(), input_errors: 0 };
    for (_, _, error) in &read {
        streamed.errors.extend(error.as_deref());
        streamed.input_errors += usize::from(error.is_some());
    }
    let mut stream = json::Stream::begin(w, read.into_iter().map(|(entry, _, _)| entry))?;
    bar.as_ref().inspect(|b| {
        b.set_position(0);
        b.set_message("checked");
    });
    let mut tally = json::Tally::default();
    let (mut new, mut known, mut seen) = (0, 0, HashSet::new());
    for chunk in specs.chunks(CHUNK) {
        let mut arrays = check_all(setup, chunk, false, bar.as_ref());
        judge(policy, &mut arrays, &shared);
        for f in arrays.iter().flat_map(|a| &a.findings) {
            tally.summary.add(f);
            tally.suppressed += usize::from(f.suppressed.is_some());
            new += usize::from(f.in_baseline == Some(false));
            known += usize::from(f.in_baseline == Some(true));
            streamed.fails |= policy.fails(f);
            if policy.has_baseline() {
                seen.insert(f.fingerprint());
            }
        }
        stream.findings(&arrays, setup.k)?;
    }
    tally.baseline = policy.fixed_among(&seen).map(|(file, fixed)| (file, new, known, fixed));
    bar.inspect(indicatif::ProgressBar::finish_and_clear);
    stream.end(&tally)?;
    Ok(streamed)
}

/// The outcome of `stream_json` into `path` (atomic: a failed run leaves the old file), or
/// onto standard output. A failed write is told after the input errors; the status is the
/// greater of the run's and the write's (an input error still wins).
fn streamed(setup: &Setup, policy: &Policy, specs: &[ArraySpec], quiet: bool, path: Option<&Path>) -> Outcome {
    let mut result = None;
    // The bar would be drawn across the report on a terminal that shows both.
    let quiet = quiet || (path.is_none() && std::io::stdout().is_terminal());
    let mut stream = |w: &mut dyn std::io::Write| {
        result = Some(stream_json(setup, policy, specs, quiet, w)?);
        Ok(())
    };
    let written = match path {
        Some(path) => super::write_atomically_with(path, true, &mut stream).map_err(|e| super::cannot_write(path, &e)),
        None => super::write_to_stdout(&mut stream),
    };
    let (mut stderr, mut exit) = match result {
        Some(s) if s.input_errors > 0 => (s.errors, ExitStatus::Input),
        Some(s) => (s.errors, if s.fails { ExitStatus::Findings } else { ExitStatus::Clean }),
        // The file failed before the stream was done: nothing was judged.
        None => (String::new(), ExitStatus::Clean),
    };
    if let Err((message, status)) = written {
        stderr.push_str(&message);
        exit = exit.max(status);
    }
    Outcome { stdout: String::new(), stderr, output: None, exit }
}

/// `--emit-fix FILE`: the fix of the one array, written when it clears findings and brings none
/// in; what it did, and the status (a usage error for a wrong FILE or several arrays).
fn emit_fix(setup: &Setup, report: &CheckReport, path: &Path) -> (String, ExitStatus) {
    let usage = |m: String| (format!("error: {m}\n"), ExitStatus::Usage);
    let [one] = report.arrays.as_slice() else {
        return usage("--emit-fix writes the settings of one array; give one ARRAY".into());
    };
    let Some(array) = &one.array else { return (String::new(), ExitStatus::Input) };
    let form = crate::migrate::EmittedForm::of(setup.k.row_for(&array.version).row.store);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if form != crate::migrate::EmittedForm::None && ext != form.extension() {
        return usage(format!(
            "SEG {} takes .{} settings: name the file *.{}",
            crate::version::without_build(&array.version),
            form.extension(),
            form.extension()
        ));
    }
    let fix = match crate::fix::fix(setup.k, array, setup.now, &path.display().to_string()) {
        Ok(f) => f,
        Err(e) => return (super::render_input_error(&e, setup.color), ExitStatus::Input),
    };
    let list = |fs: &[crate::finding::Finding]| {
        fs.iter()
            .map(|f| format!("{}{}", f.rule.code(), f.server.as_deref().map(|s| format!(" ({s})")).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let not_fixed = if fix.remaining.is_empty() {
        String::new()
    } else {
        format!("\n  not fixed by a setting: {}", list(&fix.remaining))
    };
    if !fix.introduced.is_empty() {
        return (
            format!("error: the fix would bring in {}; nothing written{not_fixed}\n", list(&fix.introduced)),
            ExitStatus::Usage,
        );
    }
    if fix.cleared.is_empty() {
        return (
            format!("no setting clears today's findings; {} not written{not_fixed}\n", path.display()),
            ExitStatus::Clean,
        );
    }
    let bytes = match fix.emitted.form {
        crate::migrate::EmittedForm::Registry => crate::migrate::reg_bytes(&fix.emitted.text),
        _ => fix.emitted.text.clone().into_bytes(),
    };
    match super::write_bytes_atomically(path, &bytes, false) {
        Ok(()) => (
            format!(
                "wrote {} ({} settings): clears {} of {} findings ({}){not_fixed}\n",
                path.display(),
                fix.emitted.lines.len(),
                fix.cleared.len(),
                fix.cleared.len() + fix.remaining.len(),
                list(&fix.cleared)
            ),
            ExitStatus::Clean,
        ),
        Err(e) => super::cannot_write(path, &e),
    }
}

pub(super) fn run(args: &CheckArgs) -> Outcome {
    let setup = match Setup::new(&args.common, args.output.as_deref()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let policy = match setup.policy(&args.levels.overrides(), args.fail_on, args.baseline.as_deref()) {
        Ok(p) => p,
        Err(o) => return o,
    };
    // HTML shows the posture beside the findings; the other formats need not keep it.
    let html = args.format == Format::Html || args.output_formats.iter().any(|(f, _)| *f == Format::Html);
    let specs = arrays(&setup, &args.arrays, args.recursive);
    let alone = args.output_formats.is_empty() && args.emit_fix.is_none() && args.write_baseline.is_none();
    // A fleet's JSON is written a chunk of arrays at a time (its report never held whole); up to
    // a chunk, the arrays are read once and the report written as it is made (below).
    // Standard input can be read only once: a fleet with `-` among it is held whole.
    let rereadable = specs.iter().all(|s| s.path != Path::new("-"));
    if args.format == Format::Json && !args.statistics && alone && rereadable && specs.len() > CHUNK {
        return streamed(&setup, &policy, &specs, args.common.quiet, args.output.as_deref());
    }
    let report = run_all(&setup, &policy, &specs, args.common.quiet, html);
    let judged = |r: Rule| r.origin() != Origin::Observe;
    let doc = Document::Check { report: &report, judged, fails: &|f| policy.fails(f) };
    let rendering = setup.style(&args.common);
    // JSON is written as it is made, into -o FILE or onto standard output: never a copy held.
    let json = |w: &mut dyn std::io::Write| crate::report::json::write(&report, setup.k, w);
    let written = match &args.output {
        _ if args.format != Format::Json || args.statistics => None,
        Some(path) => Some(super::write_atomically_with(path, true, json).map_err(|e| super::cannot_write(path, &e))),
        None => Some(super::write_to_stdout(json)),
    };
    let stdout = if args.statistics {
        crate::report::concise::statistics(&report)
    } else if written.is_some() {
        String::new()
    } else {
        match super::report(&doc, args.format, setup.k, &rendering) {
            Ok(text) => text,
            Err(o) => return o,
        }
    };
    let mut exit = if report.findings().any(|f| policy.fails(f)) { ExitStatus::Findings } else { ExitStatus::Clean };
    if report.input_errors() > 0 {
        exit = ExitStatus::Input;
    }
    let mut stderr = String::new();
    if let Some(Err((message, status))) = &written {
        stderr.push_str(message);
        exit = exit.max(*status);
    }
    if args.format != Format::Human {
        // Machine formats keep stdout parseable; input errors are also told on stderr.
        for e in report.arrays.iter().filter_map(|a| a.error.as_ref()) {
            stderr.push_str(&render_input_error(e, false));
        }
    }
    // --output-format FORMAT=FILE: the same report in more formats, each file atomic.
    for (format, path) in &args.output_formats {
        let mut plain = rendering.clone();
        plain.style.color = false;
        let written = super::report(&doc, *format, setup.k, &plain)
            .map_err(|o| o.stderr)
            .and_then(|text| super::write_atomically(path, &text).map_err(|e| super::cannot_write(path, &e).0));
        if let Err(message) = written {
            stderr.push_str(&message);
            exit = exit.max(ExitStatus::Usage);
        }
    }
    if let Some(path) = &args.emit_fix {
        let (message, status) = emit_fix(&setup, &report, path);
        stderr.push_str(&message);
        exit = exit.max(status);
    }
    if let Some(path) = &args.write_baseline {
        let (message, status) = super::write_baseline(path, report.findings());
        stderr.push_str(&message);
        exit = exit.max(status);
    }
    let output = if written.is_some() { None } else { args.output.clone() };
    Outcome { stdout, stderr, output, exit }
}
