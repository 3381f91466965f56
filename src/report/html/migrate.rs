//! `migrate --format html`: per array, the protocols before and after side by side with the
//! changed cells marked, the items, and the settings to apply in a block to copy.

use super::{page, plural};
use crate::migrate::{Migration, PostureRow, Side, Way};
use crate::vocab::{Confidence, Protocol};
use maud::{Markup, html};

fn base(v: &semver::Version) -> String {
    crate::version::without_build(v).to_string()
}

fn scope(r: &PostureRow) -> String {
    match &r.server {
        None => "outbound (every server)".into(),
        Some(s) => format!("inbound {s}"),
    }
}

/// One side's cells; a cell that differs from the other side is marked (outline and a word).
fn side_cells(this: &Side, other: &Side) -> Markup {
    html! {
        @for p in Protocol::ALL {
            @let on = this.protocols.contains(&p);
            @let changed = on != other.protocols.contains(&p);
            @let class = if on { super::risk(p) } else { "off" };
            td class={ (class) @if changed { " changed" } } data-protocol=(p.name()) {
                (if on { "allowed" } else { "off" })
                @if changed { span.ev { "changed" } }
            }
        }
        @let floor_changed = this.cipher_floor != other.cipher_floor;
        td.changed[floor_changed] {
            (this.cipher_floor.map_or("unknown".to_string(), |f| f.to_string()))
            @if floor_changed { span.ev { "changed" } }
        }
    }
}

fn matrix(m: &Migration, caption: String, before: bool) -> Markup {
    html! {
        div.scroll { table.matrix {
            caption { (caption) }
            thead { tr {
                th scope="col" { "Scope" }
                @for p in Protocol::ALL { th scope="col" { (p.name()) } }
                th scope="col" { "Cipher floor" }
            } }
            tbody {
                @for r in &m.postures {
                    @let (this, other) = if before { (&r.before, &r.after) } else { (&r.after, &r.before) };
                    tr data-direction=(r.direction.name()) data-server=[r.server.as_deref()] {
                        th scope="row" { (scope(r)) } (side_cells(this, other))
                    }
                }
            }
        } }
    }
}

fn items(m: &Migration) -> Markup {
    html! {
        @if m.items.is_empty() {
            p.muted { "No changes." }
        } @else {
            table.sortable {
                thead { tr {
                    th scope="col" { "Severity" } th scope="col" { "Boundary" } th scope="col" { "Kind" }
                    th scope="col" { "Change" } th scope="col" { "Sources" }
                } }
                tbody {
                    @for i in &m.items {
                        tr {
                            (super::findings::severity_cell(i.severity))
                            td { (i.boundary.as_deref().unwrap_or("—")) }
                            td { (i.kind.name()) }
                            td {
                                (i.message)
                                @if i.confidence == Confidence::Inferred { " " em { "(inferred)" } }
                                @if !i.servers.is_empty() { br; span.muted { "servers: " (i.servers.join(", ")) } }
                                @for s in &i.settings { br; code { (s) } }
                            }
                            td { (i.sources.join(", ")) }
                        }
                    }
                }
            }
        }
    }
}

fn plan(n: usize, m: &Migration) -> Markup {
    let way = match m.way {
        Way::Upgrade => "upgrade",
        Way::Downgrade => "downgrade",
        Way::None => "same version: nothing changes",
    };
    let crossed: Vec<String> = m.crossed.iter().map(|v| v.to_string()).collect();
    let block = format!("settings-{n}");
    html! {
        section.array id={ "array-" (n) } {
            h2 { (m.name.as_deref().unwrap_or(&m.array)) ": SEG " (base(&m.from)) " → " (base(&m.to)) }
            p.meta {
                code { (m.array) } " · " (way)
                @if !crossed.is_empty() { " · crosses " (crossed.join(", ")) }
                " · goal: " (m.goal.name())
            }
            div.side-by-side {
                (matrix(m, format!("Before (SEG {})", base(&m.from)), true))
                (matrix(m, format!("After (SEG {})", base(&m.to)), false))
            }
            h3 { "Items" }
            (items(m))
            @if !m.emitted.lines.is_empty() {
                h3 { "Settings to apply on SEG " (base(&m.to)) }
                button.copy type="button" data-copy=(block) { "Copy" }
                pre id=(block) { (m.emitted.text) }
            }
        }
    }
}

pub fn render(plans: &[Migration], errors: &[crate::input::InputError]) -> String {
    let title = match plans {
        [one] => format!("seglint migrate: {}", one.name.as_deref().unwrap_or(&one.array)),
        all => format!("seglint migrate: {}", plural(all.len(), "array")),
    };
    let changed = plans.iter().filter(|m| m.postures.iter().any(|r| r.before != r.after)).count();
    let body = html! {
        header {
            h1 { (title) }
            p.meta {
                (plural(plans.len(), "array")) " · " (changed) " with protocol or floor changes"
                @if !errors.is_empty() { " · " strong { (plural(errors.len(), "input error")) } }
            }
        }
        @for e in errors { (super::input_error(e)) }
        @for (i, m) in plans.iter().enumerate() { (plan(i, m)) }
    };
    page(&title, body)
}
