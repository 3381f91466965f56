//! Renders migration reports: a before → after table and the items (human), the
//! `seglint/migration/v1` object (JSON; an array of them for several arrays), and Markdown
//! ready to paste into a change ticket. It computes nothing: it reads the plans and renders them.

use super::Style;
use crate::migrate::{EmittedForm, Migration, PostureRow, Side, Way};
use crate::vocab::Protocol;
use crate::vocab::Severity;
use serde::Serialize;
use std::fmt::Write;

fn base(v: &semver::Version) -> String {
    crate::version::without_build(v).to_string()
}

fn protocols(p: &[Protocol]) -> String {
    if p.is_empty() { "none".into() } else { p.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ") }
}

fn side(s: &Side) -> String {
    format!("{} | floor {}", protocols(&s.protocols), s.cipher_floor.map_or("unknown".to_string(), |f| f.to_string()))
}

fn scope(r: &PostureRow) -> String {
    match &r.server {
        None => "outbound (every server)".into(),
        Some(s) => format!("inbound {s}"),
    }
}

fn headline(m: &Migration) -> String {
    let way = match m.way {
        Way::Upgrade => "upgrade",
        Way::Downgrade => "downgrade",
        Way::None => "same version: nothing changes",
    };
    let crossing = if m.crossed.is_empty() {
        String::new()
    } else {
        format!(", crosses {}", m.crossed.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))
    };
    format!("SEG {} → {} ({way}{crossing}); goal: {}", base(&m.from), base(&m.to), m.goal.name())
}

fn severity(s: Severity, color: bool) -> String {
    let word = format!("{:<7}", s.name());
    let code = match s {
        Severity::Error => "31",
        Severity::Warning => "33",
        Severity::Info => "36",
    };
    if color { format!("\x1b[{code}m{word}\x1b[0m") } else { word }
}

pub fn human(plans: &[Migration], style: Style) -> String {
    let mut out = String::new();
    for m in plans {
        if style.quiet {
            items(&mut out, m, style);
            continue;
        }
        let _ = writeln!(out, "── {}{} ──", m.array, m.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default());
        let _ = writeln!(out, "{}\n", headline(m));
        let w = m.postures.iter().map(|r| scope(r).len()).max().unwrap_or(10).max(10);
        let bw = m.postures.iter().map(|r| side(&r.before).len()).max().unwrap_or(10).max(8);
        let _ = writeln!(out, "  {:<w$}  {:<bw$}  after ({})", "", format!("before ({})", base(&m.from)), base(&m.to));
        for r in &m.postures {
            let mark = if r.before != r.after { "→" } else { "=" };
            let _ = writeln!(out, "  {:<w$}  {:<bw$}  {mark} {}", scope(r), side(&r.before), side(&r.after));
        }
        if m.items.is_empty() {
            let _ = writeln!(out, "\n  no changes");
        } else {
            let _ = writeln!(out);
        }
        items(&mut out, m, style);
        if style.verbose && !m.emitted.lines.is_empty() {
            let _ = writeln!(out, "\n  the settings file (--emit-settings FILE):");
            for line in m.emitted.text.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        out.push('\n');
    }
    out
}

fn items(out: &mut String, m: &Migration, style: Style) {
    for i in &m.items {
        let at = i.boundary.as_deref().map(|b| format!("[{b}] ")).unwrap_or_default();
        let inferred = if i.confidence == crate::vocab::Confidence::Inferred { " (inferred)" } else { "" };
        let _ = writeln!(out, "  {} {at}{}{inferred}", severity(i.severity, style.color), i.message);
        for s in &i.settings {
            let _ = writeln!(out, "            {s}");
        }
        if !i.sources.is_empty() {
            let _ = writeln!(out, "            sources: {}", i.sources.join(", "));
        }
    }
}

#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
    array: &'a str,
    name: Option<&'a str>,
    from: String,
    to: String,
    direction: Way,
    goal: &'static str,
    crossed: Vec<String>,
    postures: &'a [PostureRow],
    items: &'a [crate::migrate::Item],
    settings: &'a crate::migrate::Emitted,
}

fn json_of(m: &Migration) -> Json<'_> {
    Json {
        schema: "seglint/migration/v1",
        array: &m.array,
        name: m.name.as_deref(),
        from: base(&m.from),
        to: base(&m.to),
        direction: m.way,
        goal: m.goal.name(),
        crossed: m.crossed.iter().map(|v| v.to_string()).collect(),
        postures: &m.postures,
        items: &m.items,
        settings: &m.emitted,
    }
}

/// One array: the documented object; several asked for (`many`): a JSON array of them, even when
/// fewer could be read.
pub fn json(plans: &[Migration], many: bool) -> String {
    let text = match plans {
        [one] if !many => serde_json::to_string_pretty(&json_of(one)),
        all => serde_json::to_string_pretty(&all.iter().map(json_of).collect::<Vec<_>>()),
    };
    format!("{}\n", text.unwrap_or_default())
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

pub fn markdown(plans: &[Migration]) -> String {
    let mut out = String::new();
    for m in plans {
        let _ = writeln!(
            out,
            "## TLS impact of SEG {} → {}: {}\n",
            base(&m.from),
            base(&m.to),
            md_escape(m.name.as_deref().unwrap_or(&m.array))
        );
        let _ = writeln!(out, "{} (source: `{}`)\n", md_escape(&headline(m)), m.array);
        let _ = writeln!(
            out,
            "| scope | before ({}) | after ({}) | changed |\n|---|---|---|---|",
            base(&m.from),
            base(&m.to)
        );
        for r in &m.postures {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                scope(r),
                md_escape(&side(&r.before)),
                md_escape(&side(&r.after)),
                if r.before != r.after { "yes" } else { "no" }
            );
        }
        if m.items.is_empty() {
            let _ = writeln!(out, "\nNo changes.\n");
            continue;
        }
        let _ = writeln!(out, "\n| severity | boundary | kind | change | sources |\n|---|---|---|---|---|");
        for i in &m.items {
            let inferred = if i.confidence == crate::vocab::Confidence::Inferred { " *(inferred)*" } else { "" };
            let settings: String = i.settings.iter().map(|s| format!("<br>`{}`", md_escape(s))).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {}{inferred}{settings} | {} |",
                i.severity.name(),
                i.boundary.as_deref().unwrap_or(""),
                i.kind.name(),
                md_escape(&i.message),
                i.sources.join(", ")
            );
        }
        if !m.emitted.lines.is_empty() {
            let lang = if m.emitted.form == EmittedForm::Registry { "reg" } else { "ini" };
            let _ = writeln!(out, "\n### Settings to apply on {}\n\n```{lang}\n{}```\n", base(&m.to), m.emitted.text);
        }
        out.push('\n');
    }
    out
}
