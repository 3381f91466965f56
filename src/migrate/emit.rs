//! The settings to apply, as the file an administrator imports: a `.reg` file as regedit writes
//! it for registry versions, an Advanced Settings list for 10.x.
//! It prints and writes nothing: the `migrate` command writes the file.

use super::Goal;
use crate::knowledge::{Knowledge, ProtocolControl, Store};
use crate::remedy::SettingLine;
use semver::Version;
use serde::Serialize;

/// The form of the emitted settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EmittedForm {
    /// Registry values (`.reg`), 7.x / 8.x.
    Registry,
    /// Advanced Settings (`.settings`), 10.x and later.
    Advanced,
    /// The target takes no protocol settings at all (10.0.0) and none are needed.
    None,
}

impl EmittedForm {
    pub fn of(store: Store) -> EmittedForm {
        match store {
            Store::Registry => EmittedForm::Registry,
            Store::Advanced => EmittedForm::Advanced,
        }
    }

    /// The file extension `--emit-settings` expects for this form.
    pub fn extension(self) -> &'static str {
        match self {
            EmittedForm::Registry => "reg",
            EmittedForm::Advanced | EmittedForm::None => "settings",
        }
    }
}

/// The text of the file for the target version's store.
pub(super) fn text(
    k: &Knowledge,
    lines: &[SettingLine],
    deletions: &[(String, String)],
    to: &Version,
    goal: Goal,
) -> String {
    let row = k.row_for(to).row;
    match row.store {
        Store::Registry => reg_text(lines, deletions, to, goal),
        Store::Advanced => settings_text(k, lines, to, goal),
    }
}

fn reg_text(lines: &[SettingLine], deletions: &[(String, String)], to: &Version, goal: Goal) -> String {
    let mut keys: Vec<&str> =
        lines.iter().filter_map(|l| l.key.as_deref()).chain(deletions.iter().map(|(k, _)| k.as_str())).collect();
    keys.dedup();
    let mut seen = std::collections::BTreeSet::new();
    keys.retain(|k| seen.insert(k.to_ascii_lowercase()));
    let mut out = format!(
        "Windows Registry Editor Version 5.00\n\n; seglint migrate: settings for SEG {} (goal: {}). Import on the Array Manager,\n; then commit configuration and restart the services on each processing server.\n",
        super::base(to),
        goal.name()
    );
    // regedit's quoting: a backslash and a quote inside a name are escaped.
    let quoted = |name: &str| format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""));
    for key in keys {
        out.push_str(&format!("\n[{key}]\n"));
        // Registry keys are not case-sensitive: the lines of `A` and `a` go under the one key.
        for l in lines.iter().filter(|l| l.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(key))) {
            out.push_str(&format!("{}=dword:{:08x}\n", quoted(&l.name), l.value));
        }
        for (_, name) in deletions.iter().filter(|(k, _)| k.eq_ignore_ascii_case(key)) {
            out.push_str(&format!("{}=-\n", quoted(name)));
        }
    }
    out
}

/// What in a setting's name or key the target's file cannot hold, when something does: the
/// file would read another setting there (a server name with `=` in a `.settings` line, a line
/// break anywhere, `]` in a registry key). A `#` is a comment only at the start of a line, and
/// every name starts with its prefix.
pub(super) fn unwritable(store: Store, key: Option<&str>, name: &str) -> Option<&'static str> {
    if key.into_iter().chain([name]).any(|s| s.chars().any(char::is_control)) {
        return Some("a control character or line break");
    }
    match store {
        Store::Advanced if name.contains('=') => Some("`=`"),
        Store::Advanced if name.trim() != name => Some("spaces at an end"),
        Store::Advanced => None,
        Store::Registry => key.filter(|k| k.contains(']')).map(|_| "`]` in the key"),
    }
}

fn settings_text(k: &Knowledge, lines: &[SettingLine], to: &Version, goal: Goal) -> String {
    let row = k.row_for(to).row;
    let mut out = format!(
        "# seglint migrate: Advanced Settings for SEG {} (goal: {}).\n# Enter each in the Management Console, Advanced Settings (Integer values).\n",
        super::base(to),
        goal.name()
    );
    if row.protocol_control == ProtocolControl::None {
        let upgrade =
            row.upgrade_for_control.as_ref().map_or_else(|| "a later version".into(), |v| format!("{v} or later"));
        out.push_str(&format!("# {} ignores every protocol setting: upgrade to {upgrade} first.\n", row.label));
    }
    if let Some(assumed) = &row.assumed {
        out.push_str(&format!("# inferred: {assumed}.\n"));
    }
    for l in lines {
        out.push_str(&format!("{} = {}\n", l.name, l.value));
    }
    out
}

/// A `.reg` file as regedit writes it: UTF-16LE with a byte-order mark and CRLF line ends.
pub fn reg_bytes(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.replace('\n', "\r\n").encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

impl super::Emitted {
    /// The settings of the file, read back as seglint reads `.reg` and `.settings` files and
    /// described as `lines` describes them, sorted: a file that holds what it lists gives
    /// `lines` sorted (the property tests and the fuzz target hold it to that).
    pub fn read_back(&self) -> Result<Vec<String>, String> {
        use crate::input::{decode, reg, settings};
        let mut got = vec![];
        match self.form {
            EmittedForm::None => {}
            EmittedForm::Registry => {
                let text = decode::decode(&reg_bytes(&self.text)).map_err(|e| e.to_string())?;
                let file = reg::parse(&text).map_err(|e| e.message)?;
                for key in &file.keys {
                    for v in &key.values {
                        got.push(match &v.data {
                            reg::RegData::Dword(x) => format!("{} = {x} (DWORD) under {}", v.name, key.path),
                            reg::RegData::Delete => format!("delete {} under {}", v.name, key.path),
                            other => return Err(format!("emitted {other:?}")),
                        });
                    }
                }
            }
            EmittedForm::Advanced => {
                for l in settings::parse(&self.text).map_err(|e| e.message)?.entries {
                    match l.value {
                        settings::SettingsValue::Integer(x) => got.push(format!("{} = {x}", l.name)),
                        other => return Err(format!("emitted {other:?}")),
                    }
                }
            }
        }
        got.sort();
        Ok(got)
    }
}
