//! What an upgrade (or downgrade) does to the explicit settings, boundary by boundary, as
//! `rules/migrate.toml` says: dropped switches, SSLv3 turned off, the hive renamed, registry
//! values left behind at 10.0 (with the Advanced Settings that would re-create those in force).
//! It prints nothing and applies no policy.

use super::Way;
use crate::knowledge::{Boundary, CarryAction, Knowledge, SettingKind};
use crate::model::{Array, At, SettingOrigin, SettingValue};
use crate::posture::{self, Class, Place};
use crate::vocab::{Protocol, Strength};
use semver::Version;

fn is_one(v: &SettingValue) -> bool {
    matches!(v, SettingValue::Dword(1) | SettingValue::Integer(1))
}

/// The array as the change leaves it, and the Advanced Settings lines that would re-create the
/// registry values in force at `from` that the change leaves behind.
pub(super) fn carry(
    k: &Knowledge,
    array: &Array,
    from: &Version,
    to: &Version,
    way: Way,
    boundaries: &[&Boundary],
) -> (Array, Vec<String>) {
    let mut a = array.clone();
    let mut recreate = Vec::new();
    // The version whose reading of the settings `a` holds so far: `from`, then each boundary.
    let mut reads_as = from.clone();
    for b in boundaries {
        for &action in &b.carry {
            match (action, way) {
                (CarryAction::DropForceTlsv1, Way::Upgrade) => {
                    a.settings.retain(|s| posture::identify(k, s).2 != Some(SettingKind::ForceTlsv1))
                }
                (CarryAction::Sslv3Off, Way::Upgrade) => {
                    a.settings.retain(|s| !(posture::identify(k, s).3 == Some(Protocol::Ssl3) && is_one(&s.value)))
                }
                (CarryAction::RenameHive, _) => rename_hive(k, &mut a, b, way),
                (CarryAction::DropRegistry, Way::Upgrade) => {
                    recreate = in_force_registry_values(k, &a, &reads_as);
                    a.settings.retain(|s| !matches!(s.origin, SettingOrigin::Registry { .. }));
                }
                (CarryAction::DropRegistry, Way::Downgrade) => {
                    a.settings.retain(|s| !matches!(s.origin, SettingOrigin::Advanced))
                }
                _ => {}
            }
        }
        reads_as = b.version.clone();
    }
    if way != Way::None {
        relabel(k, &mut a, to);
    }
    (a, recreate)
}

/// Moves registry values between the hive before the boundary and the one from it on.
fn rename_hive(k: &Knowledge, a: &mut Array, b: &Boundary, way: Way) {
    // Hives are listed oldest first: the one in force from the boundary, and the one before it.
    let Some(new) = k.hives.iter().position(|h| h.applies.matches(&b.version)) else { return };
    let Some(old) = new.checked_sub(1) else { return };
    let (from_root, to_root) = match way {
        Way::Upgrade => (&k.hives[old].root, &k.hives[new].root),
        _ => (&k.hives[new].root, &k.hives[old].root),
    };
    for s in &mut a.settings {
        if let SettingOrigin::Registry { key } = &s.origin {
            if let Some(new_key) = rekey(k, key, from_root, to_root) {
                s.origin = SettingOrigin::Registry { key: new_key };
            }
        }
    }
}

fn rekey(k: &Knowledge, key: &str, from_root: &str, to_root: &str) -> Option<String> {
    let (_, place) = posture::registry_place(k, key)?;
    let lower = key.to_ascii_lowercase();
    lower.contains(&from_root.to_ascii_lowercase()).then_some(())?;
    let wow = if lower.contains("\\wow6432node\\") { "Wow6432Node\\" } else { "" };
    let base = format!("HKEY_LOCAL_MACHINE\\SOFTWARE\\{wow}{to_root}");
    Some(match place {
        Place::ArrayInbound => format!("{base}\\Default\\Receiver"),
        Place::ArrayOutbound => format!("{base}\\Default\\Sender"),
        Place::ServerInbound(s) => format!("{base}\\Servers\\{s}\\Receiver"),
        Place::Other => return None,
    })
}

/// The Advanced Settings that would re-create the registry values in force at `version`.
/// Regression: values the version ignored (another hive, an unknown server, a switch it lacks)
/// were offered too, and re-creating them would have changed the posture instead of keeping it.
fn in_force_registry_values(k: &Knowledge, a: &Array, version: &Version) -> Vec<String> {
    let (_, classified) = posture::classify_all(k, a, version);
    classified
        .iter()
        .filter(|c| matches!(c.class, Class::Effective(_)) && c.store == crate::knowledge::Store::Registry)
        .filter_map(|c| {
            let s = c.setting;
            let (place, leaf, kind, _) = posture::identify(k, s);
            matches!(kind, Some(SettingKind::ProtocolSwitch | SettingKind::CipherList)).then(|| {
                format!(
                    "{} = {}",
                    posture::advanced_equivalent(&place, leaf),
                    posture::value_text(&s.value).trim_matches('"')
                )
            })
        })
        .collect()
}

/// The cipher strength label of the target: `Low` is `InsecureCompatibility` from 8.0 on.
fn relabel(k: &Knowledge, a: &mut Array, to: &Version) {
    let (from, into) = if k.holds("insecure-compatibility-label", to) {
        (Strength::Low, Strength::InsecureCompatibility)
    } else {
        (Strength::InsecureCompatibility, Strength::Low)
    };
    let relabel = |s: &mut Option<At<Strength>>| {
        if let Some(at) = s.as_mut().filter(|at| at.value == from) {
            at.value = into;
        }
    };
    relabel(&mut a.outbound.min_strength);
    for server in &mut a.servers {
        relabel(&mut server.inbound.min_strength);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        crate::version::parse(s).unwrap()
    }

    fn array(version: &str, registry: &str) -> Array {
        let xml = format!(
            r#"<SegConfiguration productVersion="{version}"><SenderProperties><OutboundSecurity minimumCipherStrength="Low"/></SenderProperties><Servers><Server name="MAIL01"/></Servers><Registry>{registry}</Registry></SegConfiguration>"#
        );
        let opts = crate::input::LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
        crate::input::load_text("t.xml", &xml, &opts).unwrap()
    }

    fn carried(a: &Array, to: &str) -> (Array, Vec<String>) {
        let k = Knowledge::embedded().unwrap();
        let (way, boundaries) = super::super::crossed(&k, &a.version, &v(to));
        carry(&k, a, &a.version, &v(to), way, &boundaries)
    }

    const SENDER7: &str = r"HKLM\SOFTWARE\Wow6432Node\Marshal\MailMarshal\Default\Sender";

    fn value(key: &str, name: &str, v: u32) -> String {
        format!(r#"<Key path="{key}"><Value name="{name}" type="REG_DWORD">{v}</Value></Key>"#)
    }

    #[test]
    fn upgrades_drop_force_tlsv1_and_sslv3_and_rename_the_hive() {
        let a = array(
            "7.2.3",
            &[
                value(SENDER7, "ForceTLSv1", 1),
                value(SENDER7, "SSLMethodSSLv3", 1),
                value(SENDER7, "SSLMethodTLSv1_0", 0),
            ]
            .concat(),
        );
        let (after, recreate) = carried(&a, "8.2.1");
        let names: Vec<&str> = after.settings.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["SSLMethodTLSv1_0"], "ForceTLSv1 dropped at 7.3.0, SSLv3 = 1 at 7.3.5");
        let SettingOrigin::Registry { key } = &after.settings[0].origin else { panic!("a registry value") };
        assert_eq!(key, r"HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Trustwave\Secure Email Gateway\Default\Sender");
        assert!(recreate.is_empty(), "8.x still reads the registry");
        assert_eq!(after.outbound.min_strength.as_ref().map(|s| s.value), Some(Strength::InsecureCompatibility));
    }

    #[test]
    fn a_downgrade_renames_back_and_relabels() {
        let sender8 = r"HKLM\SOFTWARE\Trustwave\Secure Email Gateway\Default\Sender";
        let a = array("8.2.1", &value(sender8, "SSLMethodSSLv3", 1));
        let (after, _) = carried(&a, "7.5.7");
        let SettingOrigin::Registry { key } = &after.settings[0].origin else { panic!("a registry value") };
        assert!(key.contains(r"\Marshal\MailMarshal\Default\Sender"), "{key}");
        assert_eq!(after.settings.len(), 1, "a downgrade turns nothing off");
        assert_eq!(after.outbound.min_strength.as_ref().map(|s| s.value), Some(Strength::Low));
    }

    #[test]
    fn the_move_to_10_x_recreates_only_values_in_force() {
        let sender8 = r"HKLM\SOFTWARE\Trustwave\Secure Email Gateway\Default\Sender";
        let receiver7 = r"HKLM\SOFTWARE\Marshal\MailMarshal\Default\Receiver";
        let a = array(
            "8.2.1",
            &[
                value(sender8, "SSLMethodTLSv1_0", 0),
                value(sender8, "SSLMethodTLSv1_3", 1),
                value(receiver7, "SSLMethodTLSv1_1", 0),
            ]
            .concat(),
        );
        let (after, recreate) = carried(&a, "10.2.0");
        assert!(after.settings.is_empty(), "10.x reads no registry values");
        // TLSv1_3 has no switch on 8.x (SEG106) and the 7.x-hive value is ignored (SEG402).
        assert_eq!(recreate, ["Sender.SSLMethodTLSv1_0 = 0"]);
    }
}
