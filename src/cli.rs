//! The command line, declared with clap derive. Help text is written for the
//! mail administrator reading it; parsing of values happens here, behaviour elsewhere.

use crate::vocab::FailOn;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "seglint",
    version,
    about = "Version-aware TLS linter for Trustwave MailMarshal / SEG configuration exports",
    long_about = "seglint reads exported Trustwave MailMarshal / SEG (Secure Email Gateway) configurations, \
works out which TLS protocols, cipher floors and client certificates are really in force on each \
server and direction once that product version's defaults are applied, and reports what is wrong.\n\n\
Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage or configuration \
error; 3 an input could not be read or is invalid. When several apply, the highest wins.",
    after_help = "Examples:\n  seglint check exports/contoso.xml\n  seglint check -r exports/ --format json -o report.json\n  seglint explain exports/contoso/\n  seglint rules SEG102"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint arrays; the exit code gates CI.
    Check(CheckArgs),
    /// Report what an upgrade (or downgrade) changes, and the settings to apply on the target.
    Migrate(MigrateArgs),
    /// Show the effective posture of one array: each value, its evidence and where it came from.
    Explain(ExplainArgs),
    /// List the rules, or print one rule's documentation.
    Rules(RulesArgs),
    /// Check live SMTP peers over STARTTLS, and whether outbound TLS from an array will work with them.
    Probe(ProbeArgs),
    /// Probe the arrays' own servers over STARTTLS and hold each server's predicted inbound
    /// posture to what it does.
    Verify(VerifyArgs),
    /// Receive test mail from the array's servers and show what they really send with: the
    /// ClientHello, the handshake, the client certificate, held to the predicted outbound posture.
    Listen(ListenArgs),
    /// Read what delivered mail shows of the SEG hops it passed (Received fields: product,
    /// version, TLS), and hold the array's servers to it.
    Headers(HeadersArgs),
    /// Compare two versions of one array: posture changes, findings introduced and resolved.
    Diff(DiffArgs),
    /// Write a commented starter seglint.toml in the current directory.
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Replace an existing seglint.toml.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Example (in a pull request):\n  git show origin/main:exports/contoso.xml > /tmp/base.xml\n  seglint diff /tmp/base.xml exports/contoso.xml --format markdown"
)]
pub struct DiffArgs {
    /// The array before the change (an XML export or an array directory).
    #[arg(value_name = "BASE")]
    pub base: PathBuf,

    /// The array after the change.
    #[arg(value_name = "HEAD")]
    pub head: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = MigrateFormat::Human)]
    pub format: MigrateFormat,

    /// Write to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding the change introduces is at or above this severity.
    /// Default: seglint.toml's fail-on, else error.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    #[command(flatten)]
    pub levels: RuleLevels,

    /// Findings this baseline records do not fail the run, even when the change introduces them.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Read policy from FILE instead of the nearest seglint.toml (current directory or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Product version to assume, overriding the export's productVersion (e.g. 8.2.1, v7.3.5, 10.0.1.77).
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub seg_version: Option<semver::Version>,

    /// Read the version table, settings, rule catalog and upgrade boundaries from DIR
    /// (versions.toml, settings.toml, catalog.toml, migrate.toml; a file DIR lacks keeps the
    /// built-in one, which `seglint rules --data NAME` prints).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Take the product version from the newest SEG hop of this message (.eml, mbox or header
    /// block) when an export has no productVersion; --seg-version still wins.
    #[arg(long, value_name = "FILE")]
    pub seg_version_from: Option<PathBuf>,

    /// Markdown output stops listing findings past this many bytes (GitHub step summaries stop
    /// at 1 MiB); the summary still counts them all.
    #[arg(long, value_name = "BYTES", default_value_t = crate::report::MAX_MARKDOWN_BYTES)]
    pub max_bytes: usize,

    /// GitHub output annotates at most this many findings, the most severe first; a notice
    /// says how many were left out.
    #[arg(long, value_name = "N", default_value_t = crate::report::MAX_ANNOTATIONS)]
    pub max_annotations: usize,

    /// With --recursive, also walk hidden directories and those .gitignore or .ignore exclude.
    #[arg(long)]
    pub no_ignore: bool,

    /// SARIF artifact URIs are relative to DIR (`%SRCROOT%`); default: the current directory.
    #[arg(long, value_name = "DIR")]
    pub sarif_root: Option<PathBuf>,

    /// Judge certificate dates at this day instead of today (YYYY-MM-DD), for reproducible runs.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_now)]
    pub now: Option<time::OffsetDateTime>,

    /// When to colour the output. NO_COLOR in the environment means never, unless `always`.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print less: check, verify, listen and headers print only input errors and the summary
    /// line; probe only the verdict lines; migrate only the items.
    #[arg(short, long)]
    pub quiet: bool,

    /// Say more: the elements and attributes of the export that seglint ignored, known baseline
    /// findings, and for probe the peer's EHLO capabilities.
    #[arg(short, long)]
    pub verbose: bool,

    /// Refuse input files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024 * 1024)]
    pub max_input_size: u64,
}

/// `--deny/--warn/--allow RULE`: the levels given on the command line, which win over seglint.toml.
#[derive(Args, Debug, Default)]
pub struct RuleLevels {
    /// Report this rule (code or name) as an error. Wins over seglint.toml.
    #[arg(long, value_name = "RULE")]
    pub deny: Vec<String>,

    /// Report this rule as a warning. Wins over seglint.toml.
    #[arg(long, value_name = "RULE")]
    pub warn: Vec<String>,

    /// Do not report this rule. Wins over seglint.toml.
    #[arg(long, value_name = "RULE")]
    pub allow: Vec<String>,
}

impl RuleLevels {
    pub fn overrides(&self) -> crate::policy::Overrides<'_> {
        crate::policy::Overrides { deny: &self.deny, warn: &self.warn, allow: &self.allow }
    }
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Arrays to check: an XML export, or a directory holding one XML export plus its .reg and
    /// .settings files.
    #[arg(required = true, value_name = "ARRAY")]
    pub arrays: Vec<PathBuf>,

    /// Search each directory argument for array directories at any depth (a directory holding
    /// an *.xml file is an array), to audit a fleet.
    #[arg(short, long)]
    pub recursive: bool,

    /// Output format: human diagnostics, JSON (seglint/report/v1), SARIF 2.1.0, GitHub
    /// workflow annotations, JUnit XML, a Markdown summary, one line per finding (concise), or
    /// GitLab Code Quality. Default: SEGLINT_FORMAT from the environment, else human.
    #[arg(long, value_enum, default_value_t = Format::Human, env = "SEGLINT_FORMAT")]
    pub format: Format,

    /// Write the report to FILE (atomically: a crash never leaves half a report) instead of
    /// standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write the report in FORMAT to FILE (repeatable), e.g. --output-format sarif=seglint.sarif
    /// --output-format junit=seglint.xml: several outputs from one run.
    #[arg(long = "output-format", value_name = "FORMAT=FILE", value_parser = parse_format_file)]
    pub output_formats: Vec<(Format, PathBuf)>,

    /// Print how many findings each rule has, most first, instead of the report.
    #[arg(long)]
    pub statistics: bool,

    /// Write the settings that clear today's fixable findings to FILE, in the version's own form
    /// (FILE.reg for 7.x/8.x, FILE.settings for 10.x), checked by running the rules again with
    /// them; findings no setting fixes are listed. One array; an existing FILE is not replaced.
    #[arg(long, value_name = "FILE")]
    pub emit_fix: Option<PathBuf>,

    /// Exit 1 when a finding is at or above this severity; `never` always exits 0 on findings.
    /// Default: seglint.toml's fail-on, else error.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    #[command(flatten)]
    pub levels: RuleLevels,

    /// Only findings not recorded in this baseline fail; fixed ones are listed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record today's findings in FILE as a baseline (the report is still printed).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  seglint migrate --to 10.1.0 testdata/versions/7.2.3\n  seglint migrate --to 8.2.1 --goal recommended --emit-settings upgrade.reg exports/contoso/\n  seglint migrate --from 7.3.0 --to 7.3.5 --format markdown -o ticket.md exports/contoso.xml"
)]
pub struct MigrateArgs {
    /// Arrays to report on: an XML export, or a directory holding one plus its .reg and .settings files.
    #[arg(required = true, value_name = "ARRAY")]
    pub arrays: Vec<PathBuf>,

    /// Search each directory argument for array directories at any depth (a directory holding
    /// an *.xml file is an array), to report on a fleet.
    #[arg(short, long)]
    pub recursive: bool,

    /// The version to upgrade (or downgrade) to, e.g. 10.1.0 or 8.2.1.5620.
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub to: semver::Version,

    /// The version the array runs now; default: the export's productVersion (or --seg-version).
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub from: Option<semver::Version>,

    /// What the settings to apply aim at: keep today's effective protocols, or reach the
    /// recommended posture (TLSv1.2 and later only, at least Medium, no stale TLSCipherList,
    /// a CA-issued certificate offered by every server).
    #[arg(long, value_enum, default_value_t = GoalArg::Keep)]
    pub goal: GoalArg,

    /// Write the settings to apply to FILE, ready to import: a .reg file as regedit writes it
    /// (7.x / 8.x targets) or an Advanced Settings list (10.x targets). One array only.
    #[arg(long, value_name = "FILE")]
    pub emit_settings: Option<PathBuf>,

    /// Let --emit-settings replace an existing file.
    #[arg(long)]
    pub force: bool,

    /// Output format: a before/after table and items, JSON (seglint/migration/v1), or Markdown
    /// for a change ticket.
    #[arg(long, value_enum, default_value_t = MigrateFormat::Human)]
    pub format: MigrateFormat,

    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when an item is at or above this severity; `never` always exits 0 on items.
    /// Default: seglint.toml's fail-on, else error.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    #[command(flatten)]
    pub common: Common,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalArg {
    Keep,
    Recommended,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrateFormat {
    Human,
    Json,
    Markdown,
    /// One self-contained HTML page: before/after matrices, items, settings to copy.
    Html,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The array: an XML export, or a directory holding one plus its .reg and .settings files.
    #[arg(value_name = "ARRAY")]
    pub array: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
    pub format: ExplainFormat,

    /// Write to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  seglint rules\n  seglint rules sslv3-enabled\n  seglint rules --data versions   (the version table a finding's `built-in rules/versions.toml:N` points at)"
)]
pub struct RulesArgs {
    /// A rule code (SEG102) or name (sslv3-enabled) to document; omit to list every rule.
    #[arg(value_name = "CODE|NAME", conflicts_with = "data")]
    pub rule: Option<String>,

    /// Print one of seglint's data files with line numbers instead: versions (the version
    /// table and facts), settings (setting names and places), catalog (rule documentation) or
    /// migrate (upgrade boundaries). Findings decided by a default point at these lines.
    #[arg(long, value_name = "FILE", value_parser = ["versions", "settings", "catalog", "migrate"])]
    pub data: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
    pub format: ExplainFormat,

    /// Read the rule catalog from DIR/catalog.toml.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Markdown,
    /// One line per finding: `path:line:col: severity CODE message`.
    Concise,
    /// A GitLab Code Quality report.
    Gitlab,
    /// One self-contained HTML page: summary, protocol matrices per server, findings.
    Html,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  seglint probe mx1.example.org\n  seglint probe mx1.example.org:587 --array exports/contoso/ --format json\n  seglint probe --targets peers.txt --array exports/contoso.xml --jobs 8"
)]
pub struct ProbeArgs {
    /// Peers to probe: HOST, HOST:PORT, or [IPv6]:PORT (port 25 by default).
    #[arg(value_name = "HOST[:PORT]")]
    pub targets: Vec<String>,

    /// Read more peers from FILE, one per line (# starts a comment).
    #[arg(long = "targets", value_name = "FILE")]
    pub targets_file: Option<PathBuf>,

    /// Say whether outbound TLS from each server of this array would work with the peer
    /// (an XML export or an array directory; repeatable).
    #[arg(long, value_name = "EXPORT")]
    pub array: Vec<PathBuf>,

    /// The name to send with EHLO (default: this machine's host name).
    #[arg(long, value_name = "NAME")]
    pub helo: Option<String>,

    /// Time for the whole probe of one peer, every connection and step included: seconds (10,
    /// 2.5) or with a unit (500ms, 10s). Tests it leaves no time for are reported not tested.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Present this client certificate (PEM) when the peer requests one; needs --client-key.
    #[arg(long, value_name = "PEM", requires = "client_key")]
    pub client_cert: Option<PathBuf>,

    /// The private key (PEM) of --client-cert.
    #[arg(long, value_name = "PEM", requires = "client_cert")]
    pub client_key: Option<PathBuf>,

    /// Skip the SSLv3 / TLSv1.0 / TLSv1.1 tests (three extra connections per peer).
    #[arg(long)]
    pub no_legacy: bool,

    /// How many peers to probe at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,

    /// Output format: a readable verdict first, or JSON (seglint/probe/v1).
    #[arg(long, value_enum, default_value_t = ProbeFormat::Human)]
    pub format: ProbeFormat,

    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a verdict reason is at or above this severity (reasons that fail a verdict
    /// are errors); `never` exits 0 on failed verdicts. Default: seglint.toml's fail-on, else error.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    #[command(flatten)]
    pub levels: RuleLevels,

    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Where each server is reached: --server NAME=HOST[:PORT], else the export's Server/@address, else the \
server's name as a host name; port 25 unless given.\n\n\
Exit codes: 0 every server agrees with the export (nothing at or above --fail-on); 1 mismatches; 3 a server \
could not be probed (the others are still reported).\n\n\
Examples:\n  seglint verify exports/contoso/\n  seglint verify exports/contoso.xml --server MAIL01=10.0.0.11 --server MAIL02=10.0.0.12:2525\n  \
seglint verify -r exports/ --format json -o nightly-verify.json"
)]
pub struct VerifyArgs {
    /// Arrays whose servers to verify: an XML export, or a directory holding one plus its .reg
    /// and .settings files.
    #[arg(required = true, value_name = "ARRAY")]
    pub arrays: Vec<PathBuf>,

    /// Search each directory argument for array directories at any depth, to verify a fleet.
    #[arg(short, long)]
    pub recursive: bool,

    /// Reach server NAME at HOST[:PORT] (repeatable); wins over the export's Server/@address.
    #[arg(long = "server", value_name = "NAME=HOST[:PORT]", value_parser = parse_server_target)]
    pub servers: Vec<(String, crate::target::Target)>,

    /// The name to send with EHLO (default: this machine's host name).
    #[arg(long, value_name = "NAME")]
    pub helo: Option<String>,

    /// Time for the whole probe of one peer, every connection and step included: seconds (10,
    /// 2.5) or with a unit (500ms, 10s). Tests it leaves no time for are reported not tested.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Skip the SSLv3 / TLSv1.0 / TLSv1.1 tests (those protocols are then not compared).
    #[arg(long)]
    pub no_legacy: bool,

    /// How many servers to probe at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,

    /// Output format: per-server tables and diagnostics, JSON (seglint/verify/v1), SARIF 2.1.0,
    /// GitHub workflow annotations, JUnit XML, or a Markdown summary.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding is at or above this severity; `never` always exits 0 on findings.
    /// Default: seglint.toml's fail-on, else error.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    #[command(flatten)]
    pub levels: RuleLevels,

    /// Only findings not recorded in this baseline fail; fixed ones are listed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record today's findings in FILE as a baseline (the report is still printed).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
#[command(after_help = "Send a test message from the array to this machine (e.g. a route for a test domain pointing \
here, port 25 or the one given), then read what each server offered. Mail is answered and discarded, never \
relayed or stored.\n\n\
Which server a connection is: --server NAME=IP, else the EHLO name's first label equal to a server name.\n\n\
Exit codes: 0 done, nothing at or above --fail-on; 1 findings; 2 usage (e.g. the address cannot be bound); \
3 no connection came before the time ran out, or the array cannot be read.\n\n\
Examples:\n  seglint listen --bind 0.0.0.0:25 --array exports/contoso/\n  \
seglint listen --bind 0.0.0.0:2525 --client-cert require --array exports/contoso/ --server MAIL01=10.0.0.11\n  \
seglint listen --bind [::]:25 --count 4 --duration 30m --format json -o sender-test.json")]
pub struct ListenArgs {
    /// The address and port to receive on: 0.0.0.0:25, [::]:2525, 127.0.0.1:0 (any free port).
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: std::net::SocketAddr,

    /// The array whose outbound posture the senders are held to: an XML export, or a directory
    /// holding one plus its .reg and .settings files.
    #[arg(long, value_name = "ARRAY")]
    pub array: Option<PathBuf>,

    /// Server NAME sends from IP (repeatable; a host name is resolved at start); wins over the
    /// EHLO name.
    #[arg(long = "server", value_name = "NAME=IP", value_parser = parse_server_target)]
    pub servers: Vec<(String, crate::target::Target)>,

    /// Stop after this many connections.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub count: u32,

    /// Stop after this long even if fewer connections came: 90s, 30m, 8h (at most 7 days).
    #[arg(long, value_name = "DURATION", value_parser = parse_long_duration)]
    pub duration: Option<Duration>,

    /// The longest wait for each read (a connection gets ten of them in all).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// At most this many connections at once; more wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_clients: u16,

    /// Whether to ask senders for a client certificate: none, request (accept without one), or
    /// require (refuse the handshake without one, as the failing peers of Q19438 do).
    #[arg(long, value_enum, value_name = "MODE", default_value_t = ClientCertArg::Request)]
    pub client_cert: ClientCertArg,

    /// Serve only these protocols (comma-separated; rustls serves TLSv1.2 and TLSv1.3).
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "TLSv1.2,TLSv1.3", value_parser = parse_served_protocol)]
    pub tls_versions: Vec<crate::vocab::Protocol>,

    /// Serve only 256-bit suites, as a strict peer does.
    #[arg(long)]
    pub strong_only: bool,

    /// Do not offer STARTTLS: senders that require TLS will not deliver.
    #[arg(long)]
    pub no_starttls: bool,

    /// The listener's certificate chain (PEM); default: a self-signed one made for --hostname.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// The private key of --cert (PEM).
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// The name in the banner, EHLO reply and generated certificate (default: this machine's name).
    #[arg(long, value_name = "NAME")]
    pub hostname: Option<String>,

    /// Output format: per-connection blocks and diagnostics, JSON (seglint/listen/v1), SARIF
    /// 2.1.0, GitHub workflow annotations, JUnit XML, or a Markdown summary.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding is at or above this severity; `never` always exits 0 on findings.
    /// Default: seglint.toml's fail-on, else error.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    #[command(flatten)]
    pub levels: RuleLevels,

    /// Only findings not recorded in this baseline fail; fixed ones are listed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record this run's findings in FILE as a baseline (the report is still printed).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Reads .eml files, mbox files and pasted header blocks (`-` for standard input). No network.\n\n\
Which server wrote a hop: --server NAME=HOST (the hop's by-host), else the by-host's first label equal to a \
server name.\n\n\
Exit codes: 0 nothing at or above --fail-on; 1 findings; 3 a file is not a message or mbox, or an SEG field \
cannot be read (the other files are still reported).\n\n\
Examples:\n  seglint headers message.eml\n  seglint headers --array exports/contoso/ Inbox.mbox\n  \
pbpaste | seglint headers - --format json"
)]
pub struct HeadersArgs {
    /// Message files: .eml, mbox, or a header block; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The array whose servers' inbound posture the hops are held to.
    #[arg(long, value_name = "ARRAY")]
    pub array: Option<PathBuf>,

    /// Server NAME is the by-host HOST of a hop (repeatable); wins over the by-host's first label.
    #[arg(long = "server", value_name = "NAME=HOST", value_parser = parse_server_host)]
    pub servers: Vec<(String, String)>,

    /// Output format: a table of hops per message and diagnostics, JSON (seglint/headers/v1),
    /// SARIF 2.1.0, GitHub workflow annotations, JUnit XML, or a Markdown summary.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding is at or above this severity; `never` always exits 0 on findings.
    /// Default: seglint.toml's fail-on, else error.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    #[command(flatten)]
    pub levels: RuleLevels,

    /// Only findings not recorded in this baseline fail; fixed ones are listed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    #[command(flatten)]
    pub common: Common,
}

/// `FORMAT=FILE` for `--output-format`.
fn parse_format_file(s: &str) -> Result<(Format, PathBuf), ValueError> {
    let (format, file) =
        s.split_once('=').filter(|(_, f)| !f.trim().is_empty()).ok_or_else(|| ValueError::FormatFile(s.to_string()))?;
    let format = Format::from_str(format.trim(), true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect();
        ValueError::FormatName(format.to_string(), names.join(", "))
    })?;
    Ok((format, PathBuf::from(file)))
}

/// `NAME=HOST` for `headers`: the by-host as the hop names it.
fn parse_server_host(s: &str) -> Result<(String, String), ValueError> {
    match s.split_once('=') {
        Some((name, host)) if !name.trim().is_empty() && !host.trim().is_empty() => {
            Ok((name.trim().to_string(), host.trim().to_string()))
        }
        _ => Err(ValueError::ServerHost(s.to_string())),
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientCertArg {
    None,
    Request,
    Require,
}

/// `TLSv1.2` or `TLSv1.3`: what rustls can serve.
fn parse_served_protocol(s: &str) -> Result<crate::vocab::Protocol, ValueError> {
    use crate::vocab::Protocol;
    match s.trim().to_ascii_lowercase().trim_start_matches("tlsv").trim_start_matches("tls") {
        "1.2" => Ok(Protocol::Tls12),
        "1.3" => Ok(Protocol::Tls13),
        _ => Err(ValueError::ServedProtocol(s.to_string())),
    }
}

/// `NAME=HOST[:PORT]`.
fn parse_server_target(s: &str) -> Result<(String, crate::target::Target), ValueError> {
    let (name, at) = s.split_once('=').ok_or_else(|| ValueError::ServerTarget(s.to_string()))?;
    if name.trim().is_empty() {
        return Err(ValueError::ServerTarget(s.to_string()));
    }
    let target = crate::target::parse_target(at).map_err(|_| ValueError::ServerTarget(s.to_string()))?;
    Ok((name.trim().to_string(), target))
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeFormat {
    Human,
    Json,
}

fn parse_duration(s: &str) -> Result<Duration, ValueError> {
    let s = s.trim();
    let (number, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else {
        (s, 1.0)
    };
    match number.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v * scale <= 3600.0 => Ok(Duration::from_secs_f64(v * scale)),
        _ => Err(ValueError::Duration(s.to_string())),
    }
}

/// A longer duration: seconds, or with a unit (90s, 30m, 8h), at most 7 days.
fn parse_long_duration(s: &str) -> Result<Duration, ValueError> {
    let t = s.trim();
    let (number, scale) = match t.char_indices().last() {
        Some((i, 'h')) => (&t[..i], 3600.0),
        Some((i, 'm')) => (&t[..i], 60.0),
        Some((i, 's')) if !t.ends_with("ms") => (&t[..i], 1.0),
        _ => (t, 1.0),
    };
    match number.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v * scale <= 7.0 * 86400.0 => Ok(Duration::from_secs_f64(v * scale)),
        _ => Err(ValueError::LongDuration(s.to_string())),
    }
}

/// A command-line value that does not parse, with what would be accepted.
#[derive(Debug, thiserror::Error)]
pub enum ValueError {
    #[error("{0}; {forms}", forms = crate::version::ACCEPTED_FORMS)]
    Version(#[from] crate::version::VersionError),
    #[error("`{0}` is not a date; write YYYY-MM-DD, e.g. 2026-11-28")]
    Date(String),
    #[error("`{0}` is not a duration; write seconds (10, 2.5) or 500ms, 10s (at most an hour)")]
    Duration(String),
    #[error("`{0}` is not a duration; write seconds (90) or with a unit: 90s, 30m, 8h (at most 7 days)")]
    LongDuration(String),
    #[error(
        "`{0}` cannot be served: the listener (rustls) serves TLSv1.2 and TLSv1.3; a sender offering only older protocols gets a protocol_version alert, and its hello is still recorded"
    )]
    ServedProtocol(String),
    #[error("`{0}` is not FORMAT=FILE, e.g. sarif=seglint.sarif")]
    FormatFile(String),
    #[error("`{0}` is not a format; one of {1}")]
    FormatName(String, String),
    #[error("`{0}` is not NAME=HOST; e.g. SEG01=seg01.contoso.com")]
    ServerHost(String),
    #[error("`{0}` is not NAME=HOST[:PORT]; e.g. MAIL01=10.0.0.11 or MAIL02=[2001:db8::12]:2525")]
    ServerTarget(String),
}

fn parse_version(s: &str) -> Result<semver::Version, ValueError> {
    Ok(crate::version::parse(s)?)
}

fn parse_now(s: &str) -> Result<time::OffsetDateTime, ValueError> {
    let date = time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| ValueError::Date(s.to_string()))?;
    Ok(date.midnight().assume_utc())
}

/// Each command's formats, as the one list the reporters know.
macro_rules! to_report_format {
    ($($cli:ident { $($variant:ident),+ })+) => {$(
        impl From<$cli> for crate::report::Format {
            fn from(f: $cli) -> Self {
                match f {
                    $($cli::$variant => crate::report::Format::$variant,)+
                }
            }
        }
    )+};
}

to_report_format! {
    Format { Human, Json, Sarif, Github, Junit, Markdown, Concise, Gitlab, Html }
    MigrateFormat { Human, Json, Markdown, Html }
    ExplainFormat { Human, Json }
    ProbeFormat { Human, Json }
}
