//! The rule registry: every rule seglint has, declared once, below every other layer. A declaration
//! gives the stable code, the kebab-case name, the default severity, and who raises the rule: a
//! lint check (the path of its function in `lint`), the policy sink (suppressions), or the observe
//! commands (`verify`). `Rule` is generated from it; `lint` generates its dispatch from the same
//! table, so adding a rule is one line here plus its documentation in `rules/catalog.toml`
//! (validated against this table when the data loads). Nothing here runs a check.

use crate::vocab::Severity;

/// The one table of rules, handed to a macro that generates code from it. Check paths are
/// tokens here; they resolve only where `lint` expands the table, so this layer imports nothing.
macro_rules! for_each_rule {
    ($then:ident) => {
        $then! {
            SEG101 Sslv2Enabled "sslv2-enabled" Error lint protocols::sslv2_enabled;
            SEG102 Sslv3Enabled "sslv3-enabled" Error lint protocols::sslv3_enabled;
            SEG103 LegacyTlsEnabled "legacy-tls-enabled" Warning lint protocols::legacy_tls_enabled;
            SEG104 NoProtocolEnabled "no-protocol-enabled" Error lint protocols::no_protocol_enabled;
            SEG105 NoModernTls "no-modern-tls" Warning lint protocols::no_modern_tls;
            SEG106 UnsupportedProtocolSetting "unsupported-protocol-setting" Warning lint settings::per_setting;
            SEG107 StarttlsCommandInjection "starttls-command-injection" Error lint settings::starttls_command_injection;
            SEG201 InsecureCipherFloor "insecure-cipher-floor" Error lint ciphers::insecure_cipher_floor;
            SEG202 StaleCipherList "stale-cipher-list" Warning lint ciphers::stale_cipher_list;
            SEG203 WeakCipherList "weak-cipher-list" Error lint ciphers::weak_cipher_list;
            SEG204 CipherStrengthLabel "cipher-strength-label" Info lint ciphers::cipher_strength_label;
            SEG205 StrictOutboundCipherFloor "strict-outbound-cipher-floor" Info lint ciphers::strict_outbound_cipher_floor;
            SEG209 CipherFloorUnknown "cipher-floor-unknown" Info lint ciphers::cipher_floor_unknown;
            SEG301 MissingClientCertificate "missing-client-certificate" Warning lint certificates::missing_client_certificate;
            SEG302 ClientCertificateNotOffered "client-certificate-not-offered" Warning lint certificates::client_certificate_not_offered;
            SEG303 SelfSignedClientCertificate "self-signed-client-certificate" Warning lint certificates::self_signed_client_certificate;
            SEG304 CertificateExpired "certificate-expired" Error lint certificates::certificate_expired;
            SEG305 CertificateExpiring "certificate-expiring" Warning lint certificates::certificate_expiring;
            SEG306 CertificateLacksClientAuth "certificate-lacks-client-auth" Warning lint certificates::certificate_lacks_client_auth;
            SEG307 InboundTlsWithoutCertificate "inbound-tls-without-certificate" Error lint certificates::inbound_tls_without_certificate;
            SEG310 DaneWithoutOutboundTls "dane-without-outbound-tls" Error lint certificates::dane_without_outbound_tls;
            SEG401 VersionNotCovered "version-not-covered" Warning lint settings::version_not_covered;
            SEG402 IneffectiveSetting "ineffective-setting" Warning lint settings::per_setting;
            SEG403 UnknownSetting "unknown-setting" Warning lint settings::per_setting;
            SEG404 InvalidSettingValue "invalid-setting-value" Error lint settings::per_setting;
            SEG501 UnknownServer "unknown-server" Error lint settings::per_setting;
            SEG502 ProtocolDrift "protocol-drift" Warning lint drift::protocol_drift;
            SEG503 CipherFloorDrift "cipher-floor-drift" Info lint drift::cipher_floor_drift;
            SEG601 ObservedProtocolBeyondPosture "observed-protocol-beyond-posture" Error observe;
            SEG602 ObservedProtocolMissing "observed-protocol-missing" Warning observe;
            SEG603 ObservedCertificateMismatch "observed-certificate-mismatch" Warning observe;
            SEG604 ObservedTlsStateMismatch "observed-tls-state-mismatch" Warning observe;
            SEG605 ObservedCipherFloorMismatch "observed-cipher-floor-mismatch" Warning observe;
            SEG606 ObservedWeakSuites "observed-weak-suites" Error observe;
            SEG607 ObservedClientCertificateMismatch "observed-client-certificate-mismatch" Warning observe;
            SEG608 ObservedVersionMismatch "observed-version-mismatch" Warning observe;
            SEG901 SuppressionWithoutReason "suppression-without-reason" Warning sink;
            SEG902 UnusedSuppression "unused-suppression" Warning sink;
        }
    };
}
pub(crate) use for_each_rule;

/// Who raises a rule's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A check over an array's posture (`lint`).
    Lint,
    /// The policy sink, while it applies inline suppressions.
    Sink,
    /// A command that observes live servers (`verify`); never `check` on files alone.
    Observe,
}

macro_rules! define_rules {
    ($($code:ident $variant:ident $name:literal $severity:ident $origin:ident $($check:path)?;)*) => {
        /// A rule seglint implements. Codes and names are stable forever.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable code, e.g. `SEG102`.
            pub fn code(self) -> &'static str {
                match self {
                    $(Rule::$variant => stringify!($code),)*
                }
            }

            /// The kebab-case name, e.g. `sslv3-enabled`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)*
                }
            }

            /// The severity before any policy changes it.
            pub fn default_severity(self) -> Severity {
                match self {
                    $(Rule::$variant => Severity::$severity,)*
                }
            }

            pub fn origin(self) -> Origin {
                match self {
                    $(Rule::$variant => origin!($origin),)*
                }
            }
        }
    };
}

macro_rules! origin {
    (lint) => {
        Origin::Lint
    };
    (sink) => {
        Origin::Sink
    };
    (observe) => {
        Origin::Observe
    };
}

for_each_rule!(define_rules);

impl Rule {
    /// A rule by code (`SEG102`) or name (`sslv3-enabled`), case-insensitively.
    pub fn lookup(code_or_name: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(code_or_name) || r.name().eq_ignore_ascii_case(code_or_name))
    }

    /// The closest code or name to a mistyped one, for "did you mean".
    pub fn suggest(written: &str) -> Option<String> {
        crate::vocab::suggest(written, Rule::ALL.iter().flat_map(|r| [r.code(), r.name()]))
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
        let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "declared in code order: {codes:?}");
        codes.dedup();
        names.sort();
        names.dedup();
        assert_eq!((codes.len(), names.len()), (Rule::ALL.len(), Rule::ALL.len()));
        for r in Rule::ALL {
            assert!(r.code().len() == 6 && r.code().starts_with("SEG"), "{r}");
            assert!(r.name().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{r}");
        }
    }

    #[test]
    fn lookup_by_code_or_name() {
        assert_eq!(Rule::lookup("seg102"), Some(Rule::Sslv3Enabled));
        assert_eq!(Rule::lookup("Sslv3-Enabled"), Some(Rule::Sslv3Enabled));
        assert_eq!(Rule::lookup("SEG999"), None);
        assert_eq!(Rule::suggest("sslv3-enabeld").as_deref(), Some("sslv3-enabled"));
    }
}
