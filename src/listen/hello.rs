//! The ClientHello a sender opens TLS with, read before any handshake: record and client
//! version, `supported_versions`, every offered suite (IANA code and name, OpenSSL name, key
//! bits, the SEG203 weak classes), SNI, and whether it is an SSLv2-compatible hello (what
//! OpenSSL's SSLv23 method sends while SSLv2 is on, 7.2.x and older). From it, what the hello
//! proves (`offered_protocols`) and the floor its suites imply (`offered_floor`), spec 8.3.
//!
//! TLS records and handshake messages are parsed by `tls-parser`; it has no SSLv2 parser, so
//! the fixed SSLv2 CLIENT-HELLO layout (RFC 6101 appendix E) is read here. Suite facts (cipher,
//! key size, MAC, authentication) come from tls-parser's copy of the IANA registry.

use crate::cipher_string::WeakClass;
use crate::vocab::{Protocol, Strength};
use serde::{Serialize, Serializer};
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

fn class_names<S: Serializer>(classes: &[WeakClass], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(classes.iter().map(|c| c.name()))
}

/// A protocol version field: its name, or `0x7F1C` for one seglint does not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(pub u16);

impl Version {
    pub fn protocol(self) -> Option<Protocol> {
        Some(match self.0 {
            0x0002 => Protocol::Ssl2,
            0x0300 => Protocol::Ssl3,
            0x0301 => Protocol::Tls10,
            0x0302 => Protocol::Tls11,
            0x0303 => Protocol::Tls12,
            0x0304 => Protocol::Tls13,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.protocol() {
            Some(p) => f.write_str(p.name()),
            None => write!(f, "0x{:04X}", self.0),
        }
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientHello {
    pub record_version: Version,
    pub client_version: Version,
    /// The `supported_versions` extension (TLSv1.3 senders), GREASE left out; null without it.
    pub supported_versions: Option<Vec<Version>>,
    pub cipher_suites: Vec<OfferedSuite>,
    pub sni: Option<String>,
    pub sslv2_compatible: bool,
}

/// Why the bytes are not a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelloError {
    #[error("the first TLS record is not a handshake record (content type {0}): not a TLS ClientHello")]
    NotHandshake(u8),
    #[error("the first handshake message is not a ClientHello")]
    NotClientHello,
    #[error("the ClientHello is malformed: {0}")]
    Malformed(&'static str),
}

/// How many bytes a hello beginning with `head` takes: `None` until enough is read to tell.
/// `Err` when the bytes cannot begin a hello. Callers read at most `MAX_HELLO` bytes.
pub fn wanted(head: &[u8]) -> Result<Option<usize>, HelloError> {
    if head.len() < 5 {
        return Ok(None);
    }
    if is_sslv2(head) {
        return Ok(Some(2 + (usize::from(head[0] & 0x7f) << 8 | usize::from(head[1]))));
    }
    if head[0] != 22 {
        return Err(HelloError::NotHandshake(head[0]));
    }
    // The handshake message may span records: walk them until its length is covered.
    let (mut at, mut handshake) = (0, Vec::new());
    while head.len() >= at + 5 {
        if head[at] != 22 {
            return Err(HelloError::Malformed("a record inside the ClientHello is not a handshake record"));
        }
        let len = usize::from(u16::from_be_bytes([head[at + 3], head[at + 4]]));
        let end = at + 5 + len;
        if head.len() < end {
            return Ok(None);
        }
        handshake.extend_from_slice(&head[at + 5..end]);
        at = end;
        if handshake.len() >= 4 {
            let message =
                4 + (usize::from(handshake[1]) << 16 | usize::from(handshake[2]) << 8 | usize::from(handshake[3]));
            if handshake.len() >= message {
                return Ok(Some(at));
            }
        }
    }
    Ok(None)
}

/// The most a ClientHello may take; a larger one is refused, not buffered.
pub const MAX_HELLO: usize = 64 * 1024;

fn is_sslv2(b: &[u8]) -> bool {
    b.len() >= 3 && b[0] & 0x80 != 0 && b[2] == 1
}

/// Parses a complete hello (`wanted` said how long).
pub fn parse(bytes: &[u8]) -> Result<ClientHello, HelloError> {
    if is_sslv2(bytes) {
        return parse_sslv2(bytes);
    }
    use tls_parser::{TlsExtension, TlsMessage, TlsMessageHandshake};
    let mut handshake = Vec::new();
    let mut rest = bytes;
    let mut record_version = None;
    while !rest.is_empty() {
        let (r, record) = tls_parser::parse_tls_raw_record(rest).map_err(|_| HelloError::Malformed("a bad record"))?;
        record_version.get_or_insert(record.hdr.version.0);
        handshake.extend_from_slice(record.data);
        rest = r;
    }
    let (_, message) = tls_parser::parse_tls_message_handshake(&handshake)
        .map_err(|_| HelloError::Malformed("the handshake message does not parse"))?;
    let TlsMessage::Handshake(TlsMessageHandshake::ClientHello(hello)) = message else {
        return Err(HelloError::NotClientHello);
    };
    let extensions = match hello.ext {
        Some(raw) => {
            tls_parser::parse_tls_extensions(raw).map_err(|_| HelloError::Malformed("the extensions do not parse"))?.1
        }
        None => Vec::new(),
    };
    let (mut supported_versions, mut sni) = (None, None);
    for e in extensions {
        match e {
            TlsExtension::SupportedVersions(v) => {
                supported_versions = Some(v.iter().filter(|v| !is_grease(v.0)).map(|v| Version(v.0)).collect());
            }
            TlsExtension::SNI(names) => {
                sni = names.iter().find(|(kind, _)| kind.0 == 0).map(|(_, n)| String::from_utf8_lossy(n).into_owned());
            }
            _ => {}
        }
    }
    Ok(ClientHello {
        record_version: Version(record_version.unwrap_or_default()),
        client_version: Version(hello.version.0),
        supported_versions,
        cipher_suites: hello.ciphers.iter().map(|c| suite(c.0)).collect(),
        sni,
        sslv2_compatible: false,
    })
}

/// The SSLv2 CLIENT-HELLO: length (2), type 1, version (2), cipher-specs length, session-id
/// length, challenge length (2 each), then 3-byte cipher specs.
fn parse_sslv2(b: &[u8]) -> Result<ClientHello, HelloError> {
    let short = HelloError::Malformed("the SSLv2 hello is cut short");
    let u16_at = |i: usize| b.get(i..i + 2).map(|s| u16::from_be_bytes([s[0], s[1]]));
    let (version, specs_len) = (u16_at(3).ok_or(short.clone())?, usize::from(u16_at(5).ok_or(short.clone())?));
    let specs = b.get(11..11 + specs_len).ok_or(short)?;
    if specs_len % 3 != 0 {
        return Err(HelloError::Malformed("the SSLv2 cipher specs are not 3 bytes each"));
    }
    let cipher_suites = specs
        .chunks(3)
        .map(|c| match c {
            [0, hi, lo] => suite(u16::from_be_bytes([*hi, *lo])),
            _ => sslv2_kind(u32::from_be_bytes([0, c[0], c[1], c[2]])),
        })
        .collect();
    Ok(ClientHello {
        record_version: Version(0x0002),
        client_version: Version(version),
        supported_versions: None,
        cipher_suites,
        sni: None,
        sslv2_compatible: true,
    })
}

/// The SSLv2 cipher kinds (RFC 6101 appendix E), with OpenSSL's names.
const SSLV2_KINDS: [(u32, &str, &str, u16, &[WeakClass]); 7] = [
    (0x010080, "SSL_CK_RC4_128_WITH_MD5", "RC4-MD5", 128, &[WeakClass::Rc4, WeakClass::Md5]),
    (
        0x020080,
        "SSL_CK_RC4_128_EXPORT40_WITH_MD5",
        "EXP-RC4-MD5",
        40,
        &[WeakClass::Export, WeakClass::Rc4, WeakClass::Md5],
    ),
    (0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5", "RC2-CBC-MD5", 128, &[WeakClass::Md5]),
    (0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5", "EXP-RC2-CBC-MD5", 40, &[WeakClass::Export, WeakClass::Md5]),
    (0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5", "IDEA-CBC-MD5", 128, &[WeakClass::Md5]),
    (0x060040, "SSL_CK_DES_64_CBC_WITH_MD5", "DES-CBC-MD5", 56, &[WeakClass::Low, WeakClass::Des, WeakClass::Md5]),
    (0x0700C0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5", "DES-CBC3-MD5", 112, &[WeakClass::Md5]),
];

fn sslv2_kind(id: u32) -> OfferedSuite {
    let known = SSLV2_KINDS.iter().find(|k| k.0 == id);
    OfferedSuite {
        id: format!("0x{id:06X}"),
        name: known.map(|k| k.1),
        openssl: known.map(|k| k.2.to_string()),
        bits: known.map(|k| k.3),
        weak: known.map(|k| k.4.to_vec()).unwrap_or_default(),
        signalling: false,
    }
}

/// GREASE (RFC 8701): 0x0A0A, 0x1A1A, … 0xFAFA.
fn is_grease(v: u16) -> bool {
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

impl ClientHello {
    /// What the hello proves the sender accepts, oldest first (spec 8.3): `supported_versions`
    /// when present, else `client_version` alone (lower ones are unknown); SSLv2 for an
    /// SSLv2-compatible hello.
    pub fn offered_protocols(&self) -> Vec<Protocol> {
        let mut out: Vec<Protocol> = match &self.supported_versions {
            Some(v) => v.iter().filter_map(|v| v.protocol()).collect(),
            None => self.client_version.protocol().into_iter().collect(),
        };
        if self.sslv2_compatible {
            out.push(Protocol::Ssl2);
        }
        out.sort();
        out.dedup();
        out
    }

    /// The highest protocol the hello proves: protocols above it are not offered, those below
    /// it are unknown unless `supported_versions` lists them.
    pub fn highest(&self) -> Option<Protocol> {
        self.offered_protocols().into_iter().filter(|p| *p != Protocol::Ssl2).max()
    }

    /// `Low` when a suite has fewer than 128 bits or a weak class, `High` when every suite has
    /// 256, else `Medium`; signalling values and codes no registry names do not count.
    pub fn offered_floor(&self) -> Option<Strength> {
        let suites: Vec<&OfferedSuite> =
            self.cipher_suites.iter().filter(|s| !s.signalling && s.bits.is_some()).collect();
        if suites.is_empty() {
            return None;
        }
        let bits = |s: &OfferedSuite| s.bits.unwrap_or(0);
        Some(if suites.iter().any(|s| bits(s) < 128 || !s.weak.is_empty()) {
            Strength::Low
        } else if suites.iter().all(|s| bits(s) >= 256) {
            Strength::High
        } else {
            Strength::Medium
        })
    }

    /// Whether the hello offers a protocol among `served` (TLSv1.3 only with
    /// `supported_versions`, as RFC 8446 negotiates it).
    pub fn offers_any(&self, served: &[Protocol]) -> bool {
        match &self.supported_versions {
            Some(v) => v.iter().filter_map(|v| v.protocol()).any(|p| served.contains(&p)),
            None => self.client_version.0 >= 0x0303 && served.contains(&Protocol::Tls12),
        }
    }

    /// The offered suites of a weak class.
    pub fn weak_suites(&self) -> impl Iterator<Item = &OfferedSuite> {
        self.cipher_suites.iter().filter(|s| !s.weak.is_empty())
    }
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

    fn hello(versions: Option<Vec<u16>>, client: u16, suites: &[u16]) -> ClientHello {
        ClientHello {
            record_version: Version(0x0301),
            client_version: Version(client),
            supported_versions: versions.map(|v| v.into_iter().map(Version).collect()),
            cipher_suites: suites.iter().map(|&s| suite(s)).collect(),
            sni: None,
            sslv2_compatible: false,
        }
    }

    #[test]
    fn a_hello_proves_only_what_it_lists() {
        let h = hello(None, 0x0302, &[0x002f]);
        assert_eq!(h.offered_protocols(), vec![Protocol::Tls11], "lower ones are unknown");
        let h = hello(Some(vec![0x0304, 0x0303]), 0x0303, &[0x1301]);
        assert_eq!(h.offered_protocols(), vec![Protocol::Tls12, Protocol::Tls13]);
        assert_eq!(h.highest(), Some(Protocol::Tls13));
    }

    #[test]
    fn the_floor_is_the_weakest_suite_signalling_left_out() {
        assert_eq!(hello(None, 0x0303, &[0x1302, 0xc030, 0x00ff]).offered_floor(), Some(Strength::High));
        assert_eq!(hello(None, 0x0303, &[0x1302, 0x1301]).offered_floor(), Some(Strength::Medium));
        assert_eq!(hello(None, 0x0303, &[0xc030, 0x000a]).offered_floor(), Some(Strength::Low), "3DES");
        assert_eq!(hello(None, 0x0303, &[0x00ff]).offered_floor(), None);
    }

    #[test]
    fn an_sslv2_compatible_hello_offers_sslv2_and_its_client_version() {
        // OpenSSL 0.9.8/1.0's SSLv23 hello: version TLSv1.0, kinds RC4-MD5 and AES128-SHA.
        let body =
            [&[1u8, 0x03, 0x01, 0, 6, 0, 0, 0, 16][..], &[0x01, 0x00, 0x80, 0x00, 0x00, 0x2f], &[7; 16]].concat();
        let bytes = [&[0x80 | (body.len() >> 8) as u8, body.len() as u8][..], &body].concat();
        assert_eq!(wanted(&bytes).unwrap(), Some(bytes.len()));
        let h = parse(&bytes).unwrap();
        assert!(h.sslv2_compatible);
        assert_eq!(h.offered_protocols(), vec![Protocol::Ssl2, Protocol::Tls10]);
        assert_eq!(h.cipher_suites[0].openssl.as_deref(), Some("RC4-MD5"));
        assert_eq!(h.cipher_suites[1].openssl.as_deref(), Some("AES128-SHA"));
    }

    #[test]
    fn what_is_not_a_hello_is_refused_early() {
        assert_eq!(wanted(b"EHLO x\r\n"), Err(HelloError::NotHandshake(b'E')));
        assert_eq!(wanted(&[22, 3, 1, 0]), Ok(None));
    }
}
