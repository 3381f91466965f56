//! The version itself (SEG107, SEG401), and each raw setting the version ignores (SEG402), does
//! not know (SEG403), cannot read (SEG404), that names a server the array lacks (SEG501), or
//! that switches a protocol the version does not have (SEG106).
//! It prints nothing and applies no policy.

use super::Ctx;
use crate::finding::Finding;
use crate::posture::{Class, Classified};
use crate::registry::Rule;

pub(crate) fn version_not_covered(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let p = ctx.posture;
    if p.row.covered {
        return vec![];
    }
    let v = ctx.version();
    let row = p.row.row;
    let loc = if p.version == ctx.array.version { ctx.array.version_loc } else { None };
    let message = format!(
        "SEG {v} falls in no row of seglint's version table; the row for {} is applied, its mechanisms included",
        row.label
    );
    let f = ctx
        .finding(rule, message)
        .at(loc, format!("{v} is not covered"))
        .help("check the version; if it is right, confirm its TLS defaults with Trustwave and record them in rules/versions.toml (run with --rules DIR)")
        .note(format!("inferred: every default seglint reports for {v} is borrowed from {}", row.label))
        .data(row.sending_at, format!("nearest lower row: {}", row.label))
        .setting("productVersion");
    vec![f.sources(&row.sources)]
}

pub(crate) fn starttls_command_injection(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let p = ctx.posture;
    if !ctx.k.holds("starttls-command-injection", &p.version) {
        return vec![];
    }
    let fact = ctx.k.fact("starttls-command-injection");
    let since = fact.until().map_or_else(|| "the fixed version".to_string(), |v| v.to_string());
    let v = ctx.version();
    let loc = if p.version == ctx.array.version { ctx.array.version_loc } else { None };
    let message = format!(
        "SEG {v} is below {since}: its STARTTLS lets an attacker on the network path inject plaintext SMTP commands that are then run inside the TLS session ({})",
        fact.sources.join(", ")
    );
    let f = ctx
        .finding(rule, message)
        .at(loc, format!("{v} is below {since}"))
        .help(match ctx.k.fact("sslv3-off-on-upgrade").since() {
            Some(off) => format!(
                "upgrade to {since} or later: no setting fixes it ({off} or later also turns SSLv2 and SSLv3 off by default)"
            ),
            None => format!("upgrade to {since} or later: no setting fixes it"),
        })
        .note(fact.text.clone())
        .sources(&fact.sources)
        .data(fact.at, "versions with the STARTTLS injection")
        .setting("productVersion");
    vec![f]
}

/// SEG106, SEG402, SEG403, SEG404, SEG501: one finding per setting of the rule's class.
pub(crate) fn per_setting(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    ctx.posture
        .settings
        .iter()
        .filter(|c| rule_of(&c.class) == Some(rule))
        .filter_map(|c| setting(ctx, rule, c))
        .collect()
}

fn rule_of(class: &Class) -> Option<Rule> {
    Some(match class {
        Class::NotTls | Class::Effective(_) => return None,
        Class::Ineffective { .. } => Rule::IneffectiveSetting,
        Class::UnknownServer { .. } => Rule::UnknownServer,
        Class::Unknown { .. } => Rule::UnknownSetting,
        Class::Invalid { .. } => Rule::InvalidSettingValue,
        Class::Unsupported(_) => Rule::UnsupportedProtocolSetting,
    })
}

fn setting(ctx: &Ctx<'_>, rule: Rule, c: &Classified) -> Option<Finding> {
    let s = c.setting;
    let v = ctx.version();
    let row = ctx.posture.row.row;
    let name = &c.display;
    let base = |message: String, label: &str| {
        ctx.finding(rule, message)
            .place(c.server.as_deref(), c.direction)
            .at(Some(s.loc), label)
            .sources(&c.sources)
            .setting(s.name.clone())
    };
    Some(match &c.class {
        Class::NotTls | Class::Effective(_) => return None,
        Class::Ineffective { reason, fix, by_row } => {
            let f =
                base(format!("{name} has no effect on SEG {v}: {reason}"), "ignored by this version").fix(fix.clone());
            if *by_row {
                f.data(row.control_at, format!("how {} changes protocols", row.label)).sources(&row.sources)
            } else {
                f
            }
        }
        Class::UnknownServer { written, suggestion } => {
            let servers = server_list(ctx);
            let help = match suggestion {
                Some(sug) => format!("did you mean `{sug}`? Servers in this export: {servers}"),
                None => format!("servers in this export: {servers}"),
            };
            base(
                format!("{name} names the server `{written}`, which this export does not have"),
                &format!("no server `{written}`"),
            )
            .help(help)
        }
        Class::Unknown { suggestion, reason } => {
            let help = match suggestion {
                Some(sug) => format!("did you mean `{sug}`?"),
                None => format!(
                    "check the name against `seglint rules {rule}` and the knowledge-base article for your version"
                ),
            };
            base(
                format!("{name} looks like a TLS setting but is not one that SEG reads: {reason}"),
                "unknown TLS setting",
            )
            .help(help)
        }
        Class::Invalid { expected } => {
            let message =
                format!("{name} has the value {}, which SEG cannot use: the setting is ignored", s.value.describe());
            base(message, "value outside the setting's space").help(format!("set it to {expected}"))
        }
        Class::Unsupported(p) => {
            let fact = ctx.k.fact("tls13");
            let since =
                fact.since().map_or_else(|| "a later version".to_string(), |v| crate::version::release_line(&v));
            base(
                format!("{name} switches {} on or off, but SEG {v} has no such switch", p.name()),
                &format!("no {} switch on this version", p.name()),
            )
            .help(format!("remove it; {} arrives with {since}{}", p.name(), switchable_from(ctx, *p)))
            .sources(&fact.sources)
            .data(row.switches_at, format!("switches of {}", row.label))
        }
    })
}

/// " (10.0.1 and later have a switch for it)": the first row whose switches include `p`.
fn switchable_from(ctx: &Ctx<'_>, p: crate::vocab::Protocol) -> String {
    let switches = crate::knowledge::ProtocolControl::Switches;
    let row = ctx.k.rows.iter().find(|r| r.protocol_control == switches && r.switches.contains(&p));
    row.map(|r| format!(" ({} and later have a switch for it)", r.from)).unwrap_or_default()
}

fn server_list(ctx: &Ctx<'_>) -> String {
    if ctx.array.servers.is_empty() {
        return "none".into();
    }
    ctx.array.servers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
}
