//! The ClientHello a sender opens TLS with, read before any handshake: record and client
//! version, `supported_versions`, every offered suite (IANA code and name, OpenSSL name, key
//! bits, the SEG203 weak classes), SNI, and whether it is an SSLv2-compatible hello (what
//! OpenSSL's SSLv23 method sends while SSLv2 is on, 7.2.x and older). From it, what the hello
//! proves (`offered_protocols`) and the floor its suites imply (`offered_floor`), spec 8.3.
//!
//! TLS records and handshake messages are parsed by `tls-parser`; it has no SSLv2 parser, so
//! the fixed SSLv2 CLIENT-HELLO layout (RFC 6101 appendix E) is read here. Suite facts are
//! `suites`'.

use crate::cipher_string::WeakClass;
use crate::suites::{OfferedSuite, is_grease, suite};
use crate::vocab::{Protocol, Strength};
use serde::{Serialize, Serializer};

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
