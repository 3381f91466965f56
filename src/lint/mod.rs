//! The rules of the catalog (spec section 4), one file per family, run over an array's
//! effective posture. Rules fill `Finding`s and never print; the sink here sorts them.

mod certificates;
mod ciphers;
mod drift;
mod protocols;
mod settings;

use crate::finding::{Confidence, Direction, Evidence, Finding, Severity};
use crate::knowledge::Knowledge;
use crate::model::{Array, Loc};
use crate::posture::{Evidenced, Posture};
use time::OffsetDateTime;

/// Every rule seglint implements: code and name, stable forever.
pub const RULES: &[(&str, &str)] = &[
    ("SEG101", "sslv2-enabled"),
    ("SEG102", "sslv3-enabled"),
    ("SEG103", "legacy-tls-enabled"),
    ("SEG104", "no-protocol-enabled"),
    ("SEG105", "no-modern-tls"),
    ("SEG106", "unsupported-protocol-setting"),
    ("SEG107", "starttls-command-injection"),
    ("SEG201", "insecure-cipher-floor"),
    ("SEG202", "stale-cipher-list"),
    ("SEG203", "weak-cipher-list"),
    ("SEG204", "cipher-strength-label"),
    ("SEG205", "strict-outbound-cipher-floor"),
    ("SEG209", "cipher-floor-unknown"),
    ("SEG301", "missing-client-certificate"),
    ("SEG302", "client-certificate-not-offered"),
    ("SEG303", "self-signed-client-certificate"),
    ("SEG304", "certificate-expired"),
    ("SEG305", "certificate-expiring"),
    ("SEG306", "certificate-lacks-client-auth"),
    ("SEG307", "inbound-tls-without-certificate"),
    ("SEG310", "dane-without-outbound-tls"),
    ("SEG401", "version-not-covered"),
    ("SEG402", "ineffective-setting"),
    ("SEG403", "unknown-setting"),
    ("SEG404", "invalid-setting-value"),
    ("SEG501", "unknown-server"),
    ("SEG502", "protocol-drift"),
    ("SEG503", "cipher-floor-drift"),
    ("SEG901", "suppression-without-reason"),
    ("SEG902", "unused-suppression"),
];

/// Finds a rule by code (`SEG102`) or name (`sslv3-enabled`), case-insensitively.
pub fn lookup(code_or_name: &str) -> Option<(&'static str, &'static str)> {
    RULES.iter().copied().find(|(c, n)| c.eq_ignore_ascii_case(code_or_name) || n.eq_ignore_ascii_case(code_or_name))
}

pub struct Ctx<'a> {
    pub k: &'a Knowledge,
    pub array: &'a Array,
    pub posture: &'a Posture<'a>,
    pub now: OffsetDateTime,
}

impl Ctx<'_> {
    /// A finding of `code` with the catalog's severity, to be filled in by the rule.
    fn finding(&self, code: &'static str, message: String) -> Finding {
        let (_, name) = lookup(code).unwrap_or((code, ""));
        let doc = self.k.rule(code);
        Finding {
            code,
            name,
            severity: doc.map_or(Severity::Warning, |d| d.severity),
            message,
            array: self.array.source.clone(),
            array_name: self.array.name.clone().unwrap_or_else(|| self.array.source.clone()),
            server: None,
            direction: None,
            setting: None,
            evidence: Evidence::Explicit,
            confidence: Confidence::Certain,
            location: None,
            label: String::new(),
            data: None,
            help: String::new(),
            notes: Vec::new(),
            // Only the articles of the facts that decide this finding; the rule's own list of
            // sources is its documentation (`seglint rules CODE`).
            sources: Vec::new(),
            suppressed: None,
            in_baseline: None,
        }
    }

    /// The product version as a mail administrator reads it (no build).
    fn version(&self) -> String {
        crate::version::without_build(&self.posture.version).to_string()
    }

    fn at(&self, loc: Loc) -> Option<Loc> {
        Some(loc)
    }

    /// The registry layout the array's own files use, for fixes that name key paths.
    fn layout(&self) -> crate::remedy::Layout {
        crate::remedy::Layout::of(self.k, self.array, &self.posture.version)
    }
}

impl Finding {
    fn place(mut self, server: Option<&str>, direction: Option<Direction>) -> Self {
        self.server = server.map(str::to_string);
        self.direction = direction;
        self
    }

    /// Takes evidence, location, rules-data label and sources from the value that decided.
    fn decided_by<T>(mut self, v: &Evidenced<T>, label: impl Into<String>) -> Self {
        self.evidence = v.evidence;
        self.confidence = self.confidence.max(v.confidence);
        let label = label.into();
        match v.loc {
            Some(loc) => {
                self.location = Some(loc);
                self.label = label;
            }
            None => {
                if let Some(data) = v.data {
                    self.data = Some((data, format!("{} ({})", label, v.via)));
                }
            }
        }
        for s in &v.sources {
            if !self.sources.contains(s) {
                self.sources.push(s.clone());
            }
        }
        if v.confidence == Confidence::Inferred {
            let what = v.caveat.clone().unwrap_or_else(|| format!("no knowledge-base article states {}", v.via));
            self.notes.push(format!("inferred: {what}"));
        }
        self
    }

    fn at(mut self, loc: Option<Loc>, label: impl Into<String>) -> Self {
        self.location = loc;
        self.label = label.into();
        self
    }

    fn evidence_if_unlocated(mut self, evidence: Evidence) -> Self {
        if self.location.is_none() {
            self.evidence = evidence;
        }
        self
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    fn sources(mut self, sources: &[String]) -> Self {
        for s in sources {
            if !self.sources.contains(s) {
                self.sources.push(s.clone());
            }
        }
        self
    }
}

/// Runs every rule over one array at its posture; findings come out sorted.
pub fn run(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    settings::check(ctx, &mut out);
    protocols::check(ctx, &mut out);
    ciphers::check(ctx, &mut out);
    certificates::check(ctx, &mut out);
    drift::check(ctx, &mut out);
    // A fix that names an inferred registry hive says so.
    let wow = ctx.layout().wow6432;
    for hive in ctx.k.hives.iter().filter(|h| h.confidence == Confidence::Inferred) {
        let path = format!("\\{}\\", hive.root);
        for f in out.iter_mut().filter(|f| f.help.contains(&path)) {
            let layout = if wow {
                "Wow6432Node follows this array's own .reg files"
            } else {
                "on 64-bit Windows it may sit under SOFTWARE\\Wow6432Node"
            };
            f.notes.push(format!("inferred: the {} registry path HKEY_LOCAL_MACHINE\\SOFTWARE\\{} is assumed from the layout of the sister product ({layout})", hive.generation, hive.root));
            for s in &hive.sources {
                if !f.sources.contains(s) {
                    f.sources.push(s.clone());
                }
            }
        }
    }
    out.sort_by(|a, b| {
        (a.code, &a.server, a.direction, a.location.map(|l| (l.file, l.span.offset)), &a.message).cmp(&(
            b.code,
            &b.server,
            b.direction,
            b.location.map(|l| (l.file, l.span.offset)),
            &b.message,
        ))
    });
    out
}

/// "when receiving on MAIL01" / "when sending (array-wide)".
fn where_(direction: Direction, server: Option<&str>) -> String {
    match (direction, server) {
        (Direction::Inbound, Some(s)) => format!("when receiving on {s}"),
        (Direction::Inbound, None) => "when receiving".to_string(),
        (Direction::Outbound, _) => "when sending from every server".to_string(),
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
