//! TLS cipher suites as seglint names and rates them: the IANA code and name (from
//! tls-parser's copy of the IANA registry), OpenSSL's name, key bits as OpenSSL rates them, and
//! the SEG203 weak classes. Shared by what a sender offers (`listen`) and what a `Received:`
//! field shows was negotiated (`headers`). It knows no arrays.

use crate::cipher_string::WeakClass;
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::sync::OnceLock;
use tls_parser::{TlsCipherAu, TlsCipherEnc, TlsCipherKx, TlsCipherMac, TlsCipherSuite};

/// One offered suite, as the sender listed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferedSuite {
    /// `0x002F`; an SSLv2 cipher kind has three bytes (`0x010080`).
    pub id: String,
    /// The IANA (or SSLv2 specification) name; null for a code no registry names.
    pub name: Option<&'static str>,
    /// OpenSSL's name (1.1 and later, as `openssl ciphers` prints it), where one exists.
    pub openssl: Option<String>,
    /// The cipher's key bits as OpenSSL rates them (3DES: 112); null for signalling values.
    pub bits: Option<u16>,
    #[serde(serialize_with = "class_names")]
    pub weak: Vec<WeakClass>,
    /// A signalling value (renegotiation SCSV, fallback SCSV, GREASE): listed, not a suite.
    pub signalling: bool,
}

pub fn class_names<S: Serializer>(classes: &[WeakClass], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(classes.iter().map(|c| c.name()))
}

/// GREASE (RFC 8701): 0x0A0A, 0x1A1A, … 0xFAFA.
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

/// One TLS suite code, with what the IANA registry says of it.
pub fn suite(id: u16) -> OfferedSuite {
    let signalling = id == 0x00ff || id == 0x5600 || is_grease(id);
    let known = TlsCipherSuite::from_id(id);
    let name = match id {
        0x00ff => Some("TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
        0x5600 => Some("TLS_FALLBACK_SCSV"),
        _ => known.map(|s| s.name),
    };
    let (bits, weak) = match known.filter(|_| !signalling) {
        Some(s) => (Some(openssl_bits(s)), weak_classes(s)),
        None => (None, Vec::new()),
    };
    OfferedSuite {
        id: format!("0x{id:04X}"),
        name,
        openssl: name.filter(|_| !signalling).and_then(openssl_name),
        bits,
        weak,
        signalling,
    }
}

/// Key bits as OpenSSL's strength: 3DES's 168-bit key gives 112 bits; ChaCha20's key has 256
/// (tls-parser's table says 128).
fn openssl_bits(s: &TlsCipherSuite) -> u16 {
    match s.enc {
        TlsCipherEnc::TripleDes => 112,
        TlsCipherEnc::Chacha20_Poly1305 => 256,
        TlsCipherEnc::Null => 0,
        _ => s.enc_size,
    }
}

/// The SEG203 classes of a suite, from its cipher, MAC and authentication.
fn weak_classes(s: &TlsCipherSuite) -> Vec<WeakClass> {
    let export = s.name.contains("_EXPORT");
    let low = !export && s.enc != TlsCipherEnc::Null && s.enc != TlsCipherEnc::TripleDes && s.enc_size < 128;
    let anonymous = s.au == TlsCipherAu::Null && s.kx != TlsCipherKx::Null;
    let classes = [
        (WeakClass::Null, s.enc == TlsCipherEnc::Null),
        (WeakClass::Export, export),
        (WeakClass::Low, low),
        (WeakClass::Des, s.enc == TlsCipherEnc::Des),
        (WeakClass::Rc4, s.enc == TlsCipherEnc::Rc4),
        (WeakClass::Md5, s.mac == TlsCipherMac::HmacMd5),
        (WeakClass::ANull, anonymous),
    ];
    classes.into_iter().filter(|(_, is)| *is).map(|(c, _)| c).collect()
}

/// OpenSSL's name for an IANA suite name, by OpenSSL's own naming scheme; `None` for families
/// it names irregularly (PSK, SRP, Kerberos, GOST, …) or does not implement.
pub fn openssl_name(iana: &str) -> Option<String> {
    if ["TLS_AES_", "TLS_CHACHA20_"].iter().any(|p| iana.starts_with(p)) {
        return Some(iana.to_string());
    }
    let (kx, body) = iana.strip_prefix("TLS_")?.split_once("_WITH_")?;
    let single_des = body.starts_with("DES_") || body.starts_with("DES40_");
    let prefix = match kx {
        "RSA" => "",
        "RSA_EXPORT" => "EXP-",
        "DHE_RSA" | "DHE_DSS" if single_des => return Some(format!("EDH-{}-{}", &kx[4..], cipher_and_mac(body)?)),
        "DHE_RSA" => "DHE-RSA-",
        "DHE_DSS" => "DHE-DSS-",
        "DHE_RSA_EXPORT" => "EXP-EDH-RSA-",
        "DHE_DSS_EXPORT" => "EXP-EDH-DSS-",
        "DH_RSA" => "DH-RSA-",
        "DH_DSS" => "DH-DSS-",
        "DH_anon" => "ADH-",
        "DH_anon_EXPORT" => "EXP-ADH-",
        // OpenSSL drops the RSA of its ECDHE ARIA names (`ECDHE-ARIA128-GCM-SHA256`).
        "ECDHE_RSA" if body.starts_with("ARIA_") => "ECDHE-",
        "ECDHE_RSA" => "ECDHE-RSA-",
        "ECDHE_ECDSA" => "ECDHE-ECDSA-",
        "ECDH_RSA" => "ECDH-RSA-",
        "ECDH_ECDSA" => "ECDH-ECDSA-",
        "ECDH_anon" => "AECDH-",
        _ => return None,
    };
    Some(format!("{prefix}{}", cipher_and_mac(body)?))
}

/// `AES_128_GCM_SHA256` → `AES128-GCM-SHA256`, `3DES_EDE_CBC_SHA` → `DES-CBC3-SHA`, …
fn cipher_and_mac(body: &str) -> Option<String> {
    const CIPHERS: [(&str, &str); 20] = [
        ("AES_128_CBC", "AES128"),
        ("AES_256_CBC", "AES256"),
        ("AES_128_GCM", "AES128-GCM"),
        ("AES_256_GCM", "AES256-GCM"),
        ("AES_128_CCM_8", "AES128-CCM8"),
        ("AES_256_CCM_8", "AES256-CCM8"),
        ("AES_128_CCM", "AES128-CCM"),
        ("AES_256_CCM", "AES256-CCM"),
        ("CAMELLIA_128_CBC", "CAMELLIA128"),
        ("CAMELLIA_256_CBC", "CAMELLIA256"),
        ("ARIA_128_GCM", "ARIA128-GCM"),
        ("ARIA_256_GCM", "ARIA256-GCM"),
        ("CHACHA20_POLY1305", "CHACHA20-POLY1305"),
        ("3DES_EDE_CBC", "DES-CBC3"),
        ("DES40_CBC", "DES-CBC"),
        ("DES_CBC", "DES-CBC"),
        ("RC4_128", "RC4"),
        ("RC4_40", "RC4"),
        ("RC2_CBC_40", "RC2-CBC"),
        ("SEED_CBC", "SEED"),
    ];
    let extra = [("IDEA_CBC", "IDEA-CBC"), ("NULL", "NULL")];
    let (cipher, name) = CIPHERS.iter().chain(extra.iter()).find(|(c, _)| body.starts_with(c))?;
    let mac = body[cipher.len()..].trim_start_matches('_');
    let aead_only = cipher.contains("CCM") || cipher.starts_with("CHACHA20");
    // OpenSSL leaves the hash out of CCM and ChaCha20 names (`AES128-CCM`, `…-CHACHA20-POLY1305`).
    if aead_only {
        return Some(name.to_string());
    }
    ["SHA", "SHA256", "SHA384", "MD5"].contains(&mac).then(|| format!("{name}-{mac}"))
}

/// The suite OpenSSL calls `name` (`AES256-GCM-SHA384`, `TLS_AES_128_GCM_SHA256`), if the
/// IANA registry has it.
pub fn by_openssl_name(name: &str) -> Option<OfferedSuite> {
    static BY_NAME: OnceLock<HashMap<String, u16>> = OnceLock::new();
    let map = BY_NAME
        .get_or_init(|| tls_parser::CIPHERS.values().filter_map(|s| Some((openssl_name(s.name)?, s.id.0))).collect());
    map.get(name).map(|&id| suite(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_names_follow_openssls_scheme() {
        let cases = [
            ("TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"),
            ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"),
            ("TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5"),
            ("TLS_RSA_EXPORT_WITH_RC4_40_MD5", "EXP-RC4-MD5"),
            ("TLS_DHE_RSA_WITH_DES_CBC_SHA", "EDH-RSA-DES-CBC-SHA"),
            ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"),
            ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"),
            ("TLS_DH_anon_WITH_AES_128_CBC_SHA", "ADH-AES128-SHA"),
            ("TLS_RSA_WITH_NULL_SHA", "NULL-SHA"),
            ("TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"),
        ];
        for (iana, openssl) in cases {
            assert_eq!(openssl_name(iana).as_deref(), Some(openssl), "{iana}");
        }
        assert_eq!(openssl_name("TLS_PSK_WITH_AES_128_CBC_SHA"), None);
    }

    #[test]
    fn suites_carry_bits_and_weak_classes() {
        let s = suite(0x0004); // TLS_RSA_WITH_RC4_128_MD5
        assert_eq!((s.bits, s.weak.clone()), (Some(128), vec![WeakClass::Rc4, WeakClass::Md5]));
        assert_eq!(suite(0x000a).bits, Some(112), "3DES as OpenSSL rates it");
        assert_eq!((suite(0xcca8).bits, suite(0x1303).bits), (Some(256), Some(256)), "ChaCha20");
        assert_eq!(suite(0x0009).weak, vec![WeakClass::Low, WeakClass::Des]);
        assert_eq!(suite(0x0003).weak, vec![WeakClass::Export, WeakClass::Rc4, WeakClass::Md5]);
        assert_eq!(suite(0x0018).weak, vec![WeakClass::Rc4, WeakClass::Md5, WeakClass::ANull], "ADH-RC4-MD5");
        assert!(suite(0xc02f).weak.is_empty());
        assert!(suite(0x00ff).signalling && suite(0x5600).signalling && suite(0x3a3a).signalling);
        assert_eq!(suite(0x00ff).bits, None);
    }

    #[test]
    fn openssl_names_lead_back_to_their_suite() {
        assert_eq!(by_openssl_name("AES256-GCM-SHA384").map(|s| s.id), Some("0x009D".into()));
        assert_eq!(by_openssl_name("RC4-MD5").map(|s| s.weak), Some(vec![WeakClass::Rc4, WeakClass::Md5]));
        assert_eq!(by_openssl_name("TLS_AES_256_GCM_SHA384").and_then(|s| s.bits), Some(256));
        assert!(by_openssl_name("NO-SUCH-SUITE").is_none());
    }
}
