//! SEG106, SEG401 – SEG404, SEG501: the version itself, and each raw setting the version
//! ignores, does not know, cannot read, or that names a server the array lacks.

use super::Ctx;
use crate::finding::Finding;
use crate::posture::{Class, Classified};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let p = ctx.posture;
    let v = ctx.version();
    if !p.row.covered {
        let loc = if p.version == ctx.array.version { ctx.array.version_loc } else { None };
        let mut f = ctx
            .finding("SEG401", format!("SEG {v} falls in no row of seglint's version table; the row for {} is applied, its mechanisms included", p.row.row.label))
            .at(loc, format!("{v} is not covered"))
            .help("check the version; if it is right, confirm its TLS defaults with Trustwave and record them in rules/versions.toml (run with --rules DIR)")
            .note(format!("inferred: every default seglint reports for {v} is borrowed from {}", p.row.row.label));
        f.data = Some((p.row.row.sending_at, format!("nearest lower row: {}", p.row.row.label)));
        f.setting = Some("productVersion".into());
        out.push(f.sources(&p.row.row.sources));
    }
    let injection = ctx.k.fact("starttls-command-injection");
    if ctx.k.holds("starttls-command-injection", &p.version) {
        let loc = if p.version == ctx.array.version { ctx.array.version_loc } else { None };
        let mut f = ctx
            .finding("SEG107", format!("SEG {v} is below 7.2.0: its STARTTLS lets an attacker on the network path inject plaintext SMTP commands that are then run inside the TLS session (CVE-2014-2727)"))
            .at(loc, format!("{v} is below 7.2.0"))
            .help("upgrade to 7.2.0 or later: no setting fixes it (7.3.5 or later also turns SSLv2 and SSLv3 off by default)")
            .note(injection.text.clone())
            .sources(&injection.sources);
        f.data = Some((injection.at, "versions with the STARTTLS injection".into()));
        f.setting = Some("productVersion".into());
        out.push(f);
    }
    for c in &p.settings {
        if let Some(f) = setting(ctx, c) {
            out.push(f);
        }
    }
}

fn setting(ctx: &Ctx<'_>, c: &Classified) -> Option<Finding> {
    let s = &ctx.array.settings[c.index];
    let v = ctx.version();
    let name = &c.display;
    let (code, message, label, help) = match &c.class {
        Class::NotTls | Class::Effective(_) => return None,
        Class::Ineffective { reason, fix, .. } => (
            "SEG402",
            format!("{name} has no effect on SEG {v}: {reason}"),
            "ignored by this version".to_string(),
            fix.clone(),
        ),
        Class::UnknownServer { written, suggestion } => (
            "SEG501",
            format!("{name} names the server `{written}`, which this export does not have"),
            format!("no server `{written}`"),
            match suggestion {
                Some(sug) => format!("did you mean `{sug}`? Servers in this export: {}", server_list(ctx)),
                None => format!("servers in this export: {}", server_list(ctx)),
            },
        ),
        Class::Unknown { suggestion, reason } => (
            "SEG403",
            format!("{name} looks like a TLS setting but is not one that SEG reads: {reason}"),
            "unknown TLS setting".to_string(),
            match suggestion {
                Some(sug) => format!("did you mean `{sug}`?"),
                None => "check the name against `seglint rules SEG403` and the knowledge-base article for your version"
                    .to_string(),
            },
        ),
        Class::Invalid { expected } => (
            "SEG404",
            format!("{name} has the value {}, which SEG cannot use: the setting is ignored", s.value.describe()),
            "value outside the setting's space".to_string(),
            format!("set it to {expected}"),
        ),
        Class::Unsupported(p) => (
            "SEG106",
            format!("{name} switches {} on or off, but SEG {v} has no such switch", p.name()),
            format!("no {} switch on this version", p.name()),
            format!("remove it; {} arrives with 10.0 (10.0.1 and later have a switch for it)", p.name()),
        ),
    };
    let mut f = ctx
        .finding(code, message)
        .place(c.server.as_deref(), c.direction)
        .at(ctx.at(s.loc), label)
        .help(help)
        .sources(&c.sources);
    if code == "SEG106" {
        let fact = ctx.k.fact("tls13");
        f = f.sources(&fact.sources);
        f.data = Some((ctx.posture.row.row.switches_at, format!("switches of {}", ctx.posture.row.row.label)));
    }
    if matches!(c.class, Class::Ineffective { by_row: true, .. }) {
        f.data = Some((ctx.posture.row.row.control_at, format!("how {} changes protocols", ctx.posture.row.row.label)));
        f = f.sources(&ctx.posture.row.row.sources);
    }
    f.setting = Some(s.name.clone());
    Some(f)
}

fn server_list(ctx: &Ctx<'_>) -> String {
    if ctx.array.servers.is_empty() {
        return "none".into();
    }
    ctx.array.servers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
}
