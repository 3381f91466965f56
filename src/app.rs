//! Runs each command: loads the knowledge and the arrays, resolves postures, runs the rules and
//! hands the result to a reporter. Returns text and an exit code; only `main` writes.

use crate::cli::{
    CheckArgs, ColorChoice, Common, CompletionsArgs, DiffArgs, ExplainArgs, ExplainFormat, FailOn, Format, GoalArg,
    InitArgs, MigrateArgs, MigrateFormat, RulesArgs,
};
use crate::finding::Evidence;
use crate::input::{self, InputDiagnostic, InputError};
use crate::knowledge::{Knowledge, KnowledgeError};
use crate::model::Array;
use crate::posture::{Class, DirectionPosture, Evidenced, Posture};
use crate::report::{self, ArrayReport, CheckReport};
use std::fmt::Write;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INPUT: i32 = 3;

/// What a command produced: the text for stdout (or `-o FILE`), text for stderr, the exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub output: Option<PathBuf>,
    pub exit: i32,
}

impl Outcome {
    fn usage(stderr: String) -> Outcome {
        Outcome { stderr, exit: EXIT_USAGE, ..Outcome::default() }
    }
}

/// Renders any diagnostic for stderr.
fn render(d: &dyn miette::Diagnostic, color: bool) -> String {
    let mut s = String::new();
    let theme = if color { miette::GraphicalTheme::unicode() } else { miette::GraphicalTheme::unicode_nocolor() };
    let _ = miette::GraphicalReportHandler::new_themed(theme).with_width(width()).render_report(&mut s, d);
    s
}

fn knowledge_error(e: &KnowledgeError, color: bool) -> String {
    render(e, color)
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

fn width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w| w >= 40).unwrap_or(100)
}

fn now(common: &Common) -> time::OffsetDateTime {
    common.now.unwrap_or_else(time::OffsetDateTime::now_utc)
}

/// Loads one array and runs every rule on it, with the inline suppressions applied.
pub fn check_array(
    k: &Knowledge,
    spec: &input::ArraySpec,
    opts: &input::LoadOptions,
    now: time::OffsetDateTime,
) -> ArrayReport {
    match input::load(spec, opts) {
        Ok(array) => {
            let posture = crate::posture::resolve(k, &array, &array.version);
            let mut findings = crate::lint::run(&crate::lint::Ctx { k, array: &array, posture: &posture, now });
            crate::policy::apply_suppressions(k, &array, &mut findings);
            ArrayReport { source: spec.source.clone(), array: Some(array), error: None, findings }
        }
        Err(e) => ArrayReport { source: spec.source.clone(), array: None, error: Some(e), findings: vec![] },
    }
}

/// The policy (seglint.toml) and the rules data a command runs with; a usage error if either
/// is bad.
fn setup(c: &Common, color: bool) -> Result<(crate::policy::Config, Knowledge), Outcome> {
    let config = match crate::policy::find_config(c.config.as_deref()) {
        Some(path) => crate::policy::load_config(&path).map_err(|e| Outcome::usage(render(&e, color)))?,
        None => crate::policy::Config::default(),
    };
    let k = Knowledge::load(c.rules.as_deref()).map_err(|e| Outcome::usage(knowledge_error(&e, color)))?;
    Ok((config, k))
}

fn fail_threshold(cli: Option<FailOn>, config: &crate::policy::Config) -> Option<crate::finding::Severity> {
    let from_config = config.fail_on.as_deref().map(|s| match s {
        "warning" => FailOn::Warning,
        "info" => FailOn::Info,
        "never" => FailOn::Never,
        _ => FailOn::Error,
    });
    cli.or(from_config).unwrap_or(FailOn::Error).threshold()
}

pub fn check(args: &CheckArgs) -> Outcome {
    use crate::policy::Level;
    use rayon::prelude::*;
    let c = &args.common;
    let color = use_color(c.color, args.output.is_some());
    let (config, k) = match setup(c, color) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let mut levels = config.levels.clone();
    for (list, level) in [
        (&args.warn, Level::Severity(crate::finding::Severity::Warning)),
        (&args.deny, Level::Severity(crate::finding::Severity::Error)),
        (&args.allow, Level::Allow),
    ] {
        for rule in list {
            match crate::lint::lookup(rule) {
                Some((code, _)) => {
                    levels.insert(code, level);
                }
                None => {
                    return Outcome::usage(format!(
                        "error: `{rule}` is not a rule\n  help: `seglint rules` lists every code and name\n"
                    ));
                }
            }
        }
    }
    let baseline = match &args.baseline {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<crate::policy::Baseline>(&t).map_err(|e| e.to_string()))
        {
            Ok(b) => Some(b),
            Err(e) => {
                return Outcome::usage(format!(
                    "error: cannot use the baseline {}: {e}\n  help: write one with --write-baseline FILE\n",
                    path.display()
                ));
            }
        },
        None => None,
    };
    let opts = input::LoadOptions {
        seg_version: c.seg_version.clone().or(config.seg_version.clone()),
        max_input_size: c.max_input_size,
    };
    let now = now(c);
    let base_dir = config.path.as_ref().and_then(|p| p.parent()).map(Path::to_path_buf).unwrap_or_default();
    let specs: Vec<_> = input::discover(&args.arrays, args.recursive)
        .into_iter()
        .filter(|s| {
            let rel = s.path.strip_prefix(&base_dir).unwrap_or(&s.path).to_string_lossy().into_owned();
            !config.ignore.iter().any(|pat| crate::policy::glob_match(pat, &rel))
        })
        .collect();
    let progress = (specs.len() > 1 && !c.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(specs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} arrays {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut arrays: Vec<ArrayReport> = specs
        .par_iter()
        .map(|s| {
            let r = check_array(&k, s, &opts, now);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            r
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    for a in &mut arrays {
        a.findings = crate::policy::apply_levels(std::mem::take(&mut a.findings), &levels);
    }
    let mut report = CheckReport { arrays, baseline: None };
    if let Some(b) = &baseline {
        let mut matched = std::collections::HashSet::new();
        for f in report.arrays.iter_mut().flat_map(|a| a.findings.iter_mut()) {
            let fp = f.fingerprint();
            let known = b.findings.iter().any(|e| e.fingerprint == fp);
            if known {
                matched.insert(fp);
            }
            f.in_baseline = Some(known);
        }
        let fixed = b.findings.iter().filter(|e| !matched.contains(&e.fingerprint)).cloned().collect();
        report.baseline = Some((args.baseline.as_ref().map(|p| p.display().to_string()).unwrap_or_default(), fixed));
    }
    let threshold = fail_threshold(args.fail_on, &config);
    let text = match args.format {
        Format::Human => report::human::render(
            &report,
            &k,
            report::human::Style { color, width: width(), quiet: c.quiet, verbose: c.verbose },
        ),
        Format::Json => report::json::render(&report, &k),
        Format::Sarif => report::sarif::render(&report, &k),
        Format::Github => report::github::render(&report),
        Format::Junit => {
            report::junit::render(&report, &k, |f| f.counts() && threshold.is_some_and(|t| f.severity >= t))
        }
        Format::Markdown => report::markdown::render(&report),
    };
    let mut exit = EXIT_OK;
    if let Some(threshold) = threshold {
        if report.findings().any(|f| f.counts() && f.severity >= threshold) {
            exit = EXIT_FINDINGS;
        }
    }
    if report.input_errors() > 0 {
        exit = EXIT_INPUT;
    }
    let mut stderr = String::new();
    if args.format != Format::Human {
        // Machine formats keep stdout parseable; input errors are also told on stderr.
        for a in report.arrays.iter().filter_map(|a| a.error.as_ref()) {
            stderr.push_str(&render_input_error(a, false));
        }
    }
    if let Some(path) = &args.write_baseline {
        let findings: Vec<&crate::finding::Finding> = report.findings().collect();
        let b = crate::policy::Baseline::of(&findings);
        match serde_json::to_string_pretty(&b)
            .map_err(std::io::Error::other)
            .and_then(|t| write_atomically(path, &format!("{t}\n")))
        {
            Ok(()) => stderr.push_str(&format!("wrote baseline {} ({} findings)\n", path.display(), b.findings.len())),
            Err(e) => {
                stderr.push_str(&format!("error: cannot write {}: {e}\n", path.display()));
                exit = exit.max(EXIT_USAGE);
            }
        }
    }
    Outcome { stdout: text, stderr, output: args.output.clone(), exit }
}

pub fn migrate(args: &MigrateArgs) -> Outcome {
    use crate::migrate::{self, Goal};
    let c = &args.common;
    let color = use_color(c.color, args.output.is_some());
    let (config, k) = match setup(c, color) {
        Ok(x) => x,
        Err(o) => return o,
    };
    if args.emit_settings.is_some() && args.arrays.len() > 1 {
        return Outcome::usage("error: --emit-settings writes the settings of one array; give one ARRAY\n".into());
    }
    if let Some(path) = &args.emit_settings {
        if path.exists() && !args.force {
            return Outcome::usage(format!("error: {} exists; pass --force to replace it\n", path.display()));
        }
        let row = k.row_for(&args.to).row;
        let want = match row.store {
            crate::knowledge::Store::Registry => "reg",
            crate::knowledge::Store::Advanced => "settings",
        };
        if let Some(ext) =
            path.extension().and_then(|e| e.to_str()).filter(|e| ["reg", "settings"].contains(e) && *e != want)
        {
            return Outcome::usage(format!(
                "error: SEG {} takes {} settings, but {} ends in .{ext}\n  help: name the file *.{want}\n",
                crate::version::without_build(&args.to),
                if want == "reg" { "registry (.reg)" } else { "Advanced Settings (.settings)" },
                path.display()
            ));
        }
    }
    let goal = match args.goal {
        GoalArg::Keep => Goal::Keep,
        GoalArg::Recommended => Goal::Recommended,
    };
    let opts = input::LoadOptions {
        seg_version: c.seg_version.clone().or(config.seg_version.clone()),
        max_input_size: c.max_input_size,
    };
    let mut plans = Vec::new();
    let mut stderr = String::new();
    let mut exit = EXIT_OK;
    for spec in input::discover(&args.arrays, args.recursive) {
        match input::load(&spec, &opts) {
            Ok(array) => {
                let from = args.from.clone().unwrap_or_else(|| array.version.clone());
                let plan = migrate::plan(&k, &array, &migrate::Request { from: &from, to: &args.to, goal });
                plans.push(plan);
            }
            Err(e) => {
                stderr.push_str(&render_input_error(&e, color));
                exit = EXIT_INPUT;
            }
        }
    }
    if let Some(threshold) = fail_threshold(args.fail_on, &config) {
        if plans.iter().any(|p| p.worst().is_some_and(|w| w >= threshold)) {
            exit = exit.max(EXIT_FINDINGS);
        }
    }
    if let (Some(path), Some(plan)) = (&args.emit_settings, plans.first()) {
        let bytes = if plan.emitted.form == "registry" {
            migrate::reg_bytes(&plan.emitted.text)
        } else {
            plan.emitted.text.clone().into_bytes()
        };
        if let Err(e) = write_bytes_atomically(path, &bytes, args.force) {
            stderr.push_str(&format!("error: cannot write {}: {e}\n", path.display()));
            exit = exit.max(EXIT_USAGE);
        } else {
            stderr.push_str(&format!(
                "wrote {} ({} setting{})\n",
                path.display(),
                plan.emitted.lines.len(),
                if plan.emitted.lines.len() == 1 { "" } else { "s" }
            ));
        }
    }
    let stdout = match args.format {
        MigrateFormat::Human => report::migration::human(&plans),
        MigrateFormat::Json => report::migration::json(&plans),
        MigrateFormat::Markdown => report::migration::markdown(&plans),
    };
    Outcome { stdout, stderr, output: args.output.clone(), exit }
}

pub fn diff(args: &DiffArgs) -> Outcome {
    let c = &args.common;
    let color = use_color(c.color, args.output.is_some());
    let (config, k) = match setup(c, color) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let opts = input::LoadOptions {
        seg_version: c.seg_version.clone().or(config.seg_version.clone()),
        max_input_size: c.max_input_size,
    };
    let now = now(c);
    let load = |p: &PathBuf| check_array(&k, &input::ArraySpec::new(p), &opts, now);
    let (mut base, mut head) = (load(&args.base), load(&args.head));
    let mut stderr = String::new();
    for r in [&base, &head] {
        if let Some(e) = &r.error {
            stderr.push_str(&render_input_error(e, color));
        }
    }
    let (Some(ba), Some(ha)) = (&base.array, &head.array) else {
        return Outcome { stderr, exit: EXIT_INPUT, ..Outcome::default() };
    };
    base.findings = crate::policy::apply_levels(std::mem::take(&mut base.findings), &config.levels);
    head.findings = crate::policy::apply_levels(std::mem::take(&mut head.findings), &config.levels);
    let bp = crate::posture::resolve(&k, ba, &ba.version);
    let hp = crate::posture::resolve(&k, ha, &ha.version);
    let d = crate::diff::diff((ba, &bp, &base.findings), (ha, &hp, &head.findings));
    let (bs, hs) = (args.base.display().to_string(), args.head.display().to_string());
    let stdout = match args.format {
        MigrateFormat::Human => crate::diff::human(&d, &bs, &hs),
        MigrateFormat::Markdown => crate::diff::markdown(&d, &bs, &hs),
        MigrateFormat::Json => crate::diff::json(&d, (&bs, ba), (&hs, ha), &k),
    };
    let threshold = fail_threshold(args.fail_on, &config);
    let exit = if threshold.is_some_and(|t| d.introduced.iter().any(|(f, _)| f.severity >= t)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    Outcome { stdout, stderr, output: args.output.clone(), exit }
}

pub fn probe(args: &crate::probe::ProbeArgs) -> Outcome {
    use crate::probe::verdict::{ArrayOutbound, ServerOutbound};
    let c = &args.common;
    let color = use_color(c.color, args.output.is_some());
    let (config, k) = match setup(c, color) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let opts = input::LoadOptions {
        seg_version: c.seg_version.clone().or(config.seg_version.clone()),
        max_input_size: c.max_input_size,
    };
    let now = now(c);
    let load = |path: &Path| {
        let spec = input::ArraySpec::new(path);
        let array = input::load(&spec, &opts).map_err(|e| render_input_error(&e, color))?;
        let p = crate::posture::resolve(&k, &array, &array.version);
        let expired = |s: &crate::model::Server| {
            s.inbound.certificate.as_ref().is_some_and(|cert| {
                cert.not_after.as_ref().is_some_and(|na| na.value < now)
                    || cert.not_before.as_ref().is_some_and(|nb| nb.value > now)
            })
        };
        Ok(ArrayOutbound {
            array: spec.source.clone(),
            tls_enabled: p.outbound.tls_enabled.value,
            protocols: p.outbound.effective(),
            cipher_floor: p.outbound.cipher_floor.as_ref().map(|f| f.value),
            offer_client_certificate: p.outbound.offer_client_certificate.as_ref().is_none_or(|o| o.value),
            servers: array
                .servers
                .iter()
                .map(|s| ServerOutbound {
                    name: s.name.clone(),
                    has_certificate: s.inbound.certificate.is_some(),
                    certificate_expired: expired(s),
                })
                .collect(),
        })
    };
    let style = crate::probe::Style { color, quiet: c.quiet, verbose: c.verbose };
    let out = crate::probe::run(args, fail_threshold(args.fail_on, &config), style, &load);
    Outcome { stdout: out.rendered, stderr: out.stderr, output: args.output.clone(), exit: out.exit_code }
}

pub fn init(args: &InitArgs) -> Outcome {
    let path = Path::new(crate::policy::CONFIG_FILE);
    match write_bytes_atomically(path, crate::policy::STARTER.as_bytes(), args.force) {
        Ok(()) => Outcome {
            stderr: format!("wrote {} (edit it, then run `seglint check`)\n", path.display()),
            ..Outcome::default()
        },
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Outcome::usage(format!("error: {} exists; pass --force to replace it\n", path.display()))
        }
        Err(e) => Outcome::usage(format!("error: cannot write {}: {e}\n", path.display())),
    }
}

pub fn completions(args: &CompletionsArgs) -> Outcome {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "seglint", &mut buf);
    Outcome { stdout: String::from_utf8_lossy(&buf).into_owned(), ..Outcome::default() }
}

pub fn render_input_error(e: &InputError, color: bool) -> String {
    render(&InputDiagnostic::new(e), color)
}

pub fn rules(args: &RulesArgs) -> Outcome {
    let k = match Knowledge::load(args.rules.as_deref()) {
        Ok(k) => k,
        Err(e) => return Outcome::usage(knowledge_error(&e, false)),
    };
    let json = args.format == ExplainFormat::Json;
    if let Some(name) = &args.data {
        let Some(file) = k.data_file(name) else {
            return Outcome::usage(format!("error: no data file `{name}`\n"));
        };
        if json {
            let value = serde_json::json!({"file": file.display, "text": file.text});
            return Outcome {
                stdout: format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default()),
                ..Outcome::default()
            };
        }
        let mut out = format!("# {}\n", file.display);
        let width = file.text.lines().count().to_string().len();
        for (i, line) in file.text.lines().enumerate() {
            let _ = writeln!(out, "{:>width$} │ {line}", i + 1);
        }
        return Outcome { stdout: out, ..Outcome::default() };
    }
    let Some(wanted) = &args.rule else {
        if json {
            let list: Vec<_> = k.rules.iter().map(|r| serde_json::json!({"code": r.code, "name": r.name, "severity": r.severity, "reported_per": r.reported_per, "summary": r.summary, "sources": r.sources})).collect();
            return Outcome {
                stdout: format!("{}\n", serde_json::to_string_pretty(&list).unwrap_or_default()),
                ..Outcome::default()
            };
        }
        let mut out = String::new();
        for r in &k.rules {
            let _ = writeln!(out, "{}  {:<32} {:<8} {}", r.code, r.name, r.severity.name(), r.summary);
        }
        return Outcome { stdout: out, ..Outcome::default() };
    };
    let Some((code, _)) = crate::lint::lookup(wanted) else {
        let names: Vec<&str> = crate::lint::RULES.iter().flat_map(|(c, n)| [*c, *n]).collect();
        let hint =
            crate::posture::closest(wanted, names).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
        return Outcome::usage(format!(
            "error: no rule `{wanted}`{hint}\n  help: `seglint rules` lists every code and name\n"
        ));
    };
    let Some(r) = k.rule(code) else { return Outcome::usage(format!("error: {code} has no documentation\n")) };
    if json {
        return Outcome { stdout: format!("{}\n", serde_json::to_string_pretty(&serde_json::json!({"code": r.code, "name": r.name, "severity": r.severity, "reported_per": r.reported_per, "summary": r.summary, "what": r.what, "why": r.why, "example": r.example, "fix": r.fix, "sources": r.sources})).unwrap_or_default()), ..Outcome::default() };
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({})\n\n{}\nReported per: {}\n",
        r.code,
        r.name,
        r.severity.name(),
        r.summary,
        r.reported_per
    );
    for (title, body) in
        [("What it checks", &r.what), ("Why it matters", &r.why), ("Example", &r.example), ("How to fix it", &r.fix)]
    {
        let _ = writeln!(out, "## {title}\n\n{}\n", body.trim_end());
    }
    let _ = writeln!(out, "## Sources\n\n{}", r.sources.join(", "));
    Outcome { stdout: out, ..Outcome::default() }
}

pub fn explain(args: &ExplainArgs) -> Outcome {
    let c = &args.common;
    let color = use_color(c.color, args.output.is_some());
    let (config, k) = match setup(c, color) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let opts = input::LoadOptions {
        seg_version: c.seg_version.clone().or(config.seg_version),
        max_input_size: c.max_input_size,
    };
    let spec = input::ArraySpec::new(&args.array);
    let array = match input::load(&spec, &opts) {
        Ok(a) => a,
        Err(e) => return Outcome { stderr: render_input_error(&e, color), exit: EXIT_INPUT, ..Outcome::default() },
    };
    let posture = crate::posture::resolve(&k, &array, &array.version);
    let stdout = match args.format {
        ExplainFormat::Human => explain_human(&k, &array, &posture),
        ExplainFormat::Json => explain_json(&k, &array, &posture),
    };
    Outcome { stdout, output: args.output.clone(), ..Outcome::default() }
}

fn where_from<T>(k: &Knowledge, array: &Array, v: &Evidenced<T>) -> String {
    let place = match (v.loc, v.data) {
        (Some(loc), _) => array.files.get(loc.file).map(|f| {
            let (l, c) = f.line_col(loc.span.offset);
            format!("{}:{l}:{c}", f.display)
        }),
        (None, Some(d)) => k.data_place(d).map(|(file, line, _)| format!("{file}:{line}")),
        _ => None,
    };
    match place {
        Some(p) => format!("{}  [{p}]", v.via),
        None => v.via.clone(),
    }
}

fn explain_direction(out: &mut String, k: &Knowledge, array: &Array, d: &DirectionPosture) {
    let title = match &d.server {
        Some(s) => format!("inbound on {s} (Receiver)"),
        None => "outbound (Sender, array-wide: every server)".to_string(),
    };
    let _ = writeln!(out, "\n{title}");
    let row = |out: &mut String,
               what: &str,
               value: String,
               evidence: Evidence,
               confidence: crate::finding::Confidence,
               from: String| {
        let mark =
            if confidence == crate::finding::Confidence::Inferred && evidence == Evidence::Explicit { "*" } else { "" };
        let _ = writeln!(out, "  {what:<24} {value:<24} {:<9} {from}", format!("{}{mark}", evidence.name()));
    };
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    row(
        out,
        "TLS enabled",
        yes(d.tls_enabled.value),
        d.tls_enabled.evidence,
        d.tls_enabled.confidence,
        where_from(k, array, &d.tls_enabled),
    );
    for s in &d.protocols {
        let value = match (s.allowed.value, s.effective) {
            (true, true) => "allowed".to_string(),
            (true, false) => "allowed, cannot work (no certificate)".to_string(),
            (false, _) => "off".to_string(),
        };
        row(out, s.protocol.name(), value, s.allowed.evidence, s.allowed.confidence, where_from(k, array, &s.allowed));
    }
    match &d.cipher_floor {
        Some(f) => {
            row(out, "minimum cipher strength", f.value.to_string(), f.evidence, f.confidence, where_from(k, array, f))
        }
        None => {
            let _ = writeln!(
                out,
                "  {:<24} {:<24} {:<9} not stated in the export",
                "minimum cipher strength", "unknown", "-"
            );
        }
    }
    if let Some(l) = &d.cipher_list {
        row(out, "TLSCipherList", l.value.clone(), l.evidence, l.confidence, where_from(k, array, l));
    }
    if let Some(o) = &d.offer_client_certificate {
        row(out, "offer client cert", yes(o.value), o.evidence, o.confidence, where_from(k, array, o));
    }
    match &d.dane {
        Some(v) => {
            let value = if v.value { "on" } else { "off" }.to_string();
            row(out, "DANE validation", value, v.evidence, v.confidence, where_from(k, array, v));
        }
        None if d.direction == crate::finding::Direction::Outbound => {
            let _ = writeln!(out, "  {:<24} {:<24} {:<9} 10.1.0 and later", "DANE validation", "not available", "-");
        }
        None => {}
    }
    let certs: Vec<String> = match &d.server {
        Some(s) => array.server(s).into_iter().map(cert_line).collect(),
        None => array.servers.iter().map(|s| format!("{}: {}", s.name, cert_line(s))).collect(),
    };
    for (i, c) in certs.iter().enumerate() {
        let _ = writeln!(out, "  {:<24} {c}", if i == 0 { "certificate" } else { "" });
    }
}

fn cert_line(s: &crate::model::Server) -> String {
    match &s.inbound.certificate {
        None => "none".into(),
        Some(c) => {
            let mut parts = vec![c.subject.clone().unwrap_or_else(|| "(no subject)".into())];
            if c.self_signed.as_ref().is_some_and(|s| s.value) {
                parts.push("self-signed".into());
            }
            if let Some(na) = &c.not_after {
                parts.push(format!("until {}", na.value.date()));
            }
            parts.join(", ")
        }
    }
}

fn explain_human(k: &Knowledge, array: &Array, p: &Posture<'_>) -> String {
    let mut out = String::new();
    let v = crate::version::without_build(&p.version);
    let _ = writeln!(out, "{} — {}", array.source, array.name.as_deref().unwrap_or("(unnamed array)"));
    let _ = writeln!(
        out,
        "SEG {v}: version-table row {}{}; TLS settings are {}",
        p.row.row.label,
        if p.row.covered { "" } else { " (nearest lower row: this version is not covered, SEG401)" },
        p.row.row.store.describe()
    );
    if let Some(assumed) = &p.row.row.assumed {
        let _ = writeln!(out, "inferred: {assumed} [{}]", p.row.row.sources.join(", "));
    }
    let _ = writeln!(
        out,
        "evidence: explicit = set in an input file (explicit* = the setting's name or place is assumed, no article states it);\n          default = a version default a source states; inferred = a default no source states"
    );
    explain_direction(&mut out, k, array, &p.outbound);
    for d in &p.inbound {
        explain_direction(&mut out, k, array, d);
    }
    let tls: Vec<_> = p.settings.iter().filter(|c| c.class != Class::NotTls).collect();
    if !tls.is_empty() {
        let _ = writeln!(out, "\nTLS settings in the input");
        for c in tls {
            let s = &array.settings[c.index];
            let f = &array.files[s.loc.file];
            let (l, col) = f.line_col(s.loc.span.offset);
            let verdict = match &c.class {
                Class::Effective(_) => "in effect".to_string(),
                Class::Ineffective { reason, .. } => format!("no effect (SEG402): {reason}"),
                Class::UnknownServer { written, .. } => format!("no effect (SEG501): no server `{written}`"),
                Class::Unknown { .. } => "no effect (SEG403): not a TLS setting SEG reads".to_string(),
                Class::Invalid { expected } => format!("no effect (SEG404): expected {expected}"),
                Class::Unsupported(p) => format!("no effect (SEG106): no {} switch on this version", p.name()),
                Class::NotTls => String::new(),
            };
            let _ = writeln!(
                out,
                "  {} = {}  [{}:{l}:{col}]\n      {verdict}",
                c.display,
                crate::posture::value_text(&s.value),
                f.display
            );
        }
    }
    out
}

fn evidenced_json<T: serde::Serialize>(k: &Knowledge, array: &Array, v: &Evidenced<T>) -> serde_json::Value {
    serde_json::json!({
        "value": v.value, "evidence": v.evidence, "confidence": v.confidence, "via": v.via,
        "location": report::locate(Some(array), v.loc),
        "caveat": v.caveat,
        "rules_data": v.data.and_then(|d| k.data_place(d).map(|(file, line, _)| format!("{file}:{line}"))),
        "sources": v.sources,
    })
}

fn explain_json(k: &Knowledge, array: &Array, p: &Posture<'_>) -> String {
    let direction = |d: &DirectionPosture| {
        serde_json::json!({
            "server": d.server, "direction": d.direction,
            "tls_enabled": evidenced_json(k, array, &d.tls_enabled),
            "protocols": d.effective(),
            "protocol_states": d.protocols.iter().map(|s| serde_json::json!({"protocol": s.protocol, "allowed": evidenced_json(k, array, &s.allowed), "effective": s.effective})).collect::<Vec<_>>(),
            "cipher_floor": d.cipher_floor.as_ref().map(|f| evidenced_json(k, array, f)),
            "cipher_list": d.cipher_list.as_ref().map(|l| evidenced_json(k, array, l)),
            "offer_client_certificate": d.offer_client_certificate.as_ref().map(|o| evidenced_json(k, array, o)),
            "dane": d.dane.as_ref().map(|v| evidenced_json(k, array, v)),
        })
    };
    let mut postures = vec![direction(&p.outbound)];
    postures.extend(p.inbound.iter().map(direction));
    let out = serde_json::json!({
        "schema": "seglint/explain/v1",
        "array": array.source, "name": array.name, "product_version": array.version.to_string(),
        "row": p.row.row.label, "covered": p.row.covered, "assumed": p.row.row.assumed,
        "postures": postures,
    });
    format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default())
}

/// Writes `text` to `path` atomically: a temporary file beside it, then a rename.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    write_bytes_atomically(path, text.as_bytes(), true)
}

/// Writes atomically; without `replace`, an existing file is never overwritten.
pub fn write_bytes_atomically(path: &Path, bytes: &[u8], replace: bool) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if replace {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}
