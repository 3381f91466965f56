//! rustls speaks nothing older than TLSv1.2, so for SSLv3, TLSv1.0 and TLSv1.1 the probe sends a
//! minimal hand-built ClientHello offering only that version and reads just the answer: a
//! ServerHello of that version means the peer accepts it; an alert, a close or anything else
//! means it does not. No handshake is completed.

use crate::vocab::Protocol;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// Legacy suites a peer of that era may pick: ECDHE/DHE/RSA with AES-CBC, 3DES and RC4.
const SUITES: &[u16] = &[
    0xc014, 0xc00a, 0xc013, 0xc009, 0x0039, 0x0033, 0x0035, 0x002f, 0xc012, 0x0016, 0x000a, 0x0005, 0x0004,
    0x00ff, // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
];

pub fn wire_version(p: Protocol) -> Option<u16> {
    match p {
        Protocol::Ssl3 => Some(0x0300),
        Protocol::Tls10 => Some(0x0301),
        Protocol::Tls11 => Some(0x0302),
        _ => None,
    }
}

/// A ClientHello record offering only `version`; `sni` is sent when it is a host name.
pub fn client_hello(version: u16, sni: Option<&str>, random: [u8; 32]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&version.to_be_bytes());
    body.extend_from_slice(&random);
    body.push(0); // no session id
    body.extend_from_slice(&((SUITES.len() * 2) as u16).to_be_bytes());
    for s in SUITES {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null only
    if version > 0x0300 {
        let mut ext = Vec::new();
        if let Some(name) = sni {
            let n = name.as_bytes();
            let list_len = n.len() + 3;
            ext.extend_from_slice(&[0x00, 0x00]);
            ext.extend_from_slice(&((list_len + 2) as u16).to_be_bytes());
            ext.extend_from_slice(&(list_len as u16).to_be_bytes());
            ext.push(0); // host_name
            ext.extend_from_slice(&(n.len() as u16).to_be_bytes());
            ext.extend_from_slice(n);
        }
        // supported_groups: secp256r1, secp384r1, x25519; ec_point_formats: uncompressed.
        ext.extend_from_slice(&[0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x17, 0x00, 0x18, 0x00, 0x1d]);
        ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
        ext.extend_from_slice(&[0xff, 0x01, 0x00, 0x01, 0x00]); // renegotiation_info
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(&ext);
    }
    let mut handshake = vec![0x01];
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let record_version: u16 = if version == 0x0300 { 0x0300 } else { 0x0301 };
    let mut record = vec![0x16];
    record.extend_from_slice(&record_version.to_be_bytes());
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

/// What the peer answered to a ClientHello offering `version`.
pub fn accepted(answer: &[u8], version: u16) -> bool {
    // Record: type 22 (handshake), version, length; handshake type 2 (ServerHello), length,
    // then the server's version.
    answer.len() >= 11
        && answer[0] == 0x16
        && answer[5] == 0x02
        && u16::from_be_bytes([answer[9], answer[10]]) == version
}

/// Sends the hello on an upgraded-to-be connection and reads the first 11 bytes of the answer.
pub fn ask<S: Read + Write>(stream: &mut S, version: u16, sni: Option<&str>, timeout: Duration) -> bool {
    let mut random = [0u8; 32];
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    for (i, b) in random.iter_mut().enumerate() {
        *b = (seed >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(151);
    }
    if stream.write_all(&client_hello(version, sni, random)).and_then(|()| stream.flush()).is_err() {
        return false;
    }
    let deadline = Instant::now() + timeout;
    let mut answer = Vec::new();
    let mut chunk = [0u8; 64];
    while answer.len() < 11 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
        }
        // An alert (21) or a non-TLS answer decides at once.
        if answer[0] != 0x16 {
            return false;
        }
    }
    accepted(&answer, version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hello_lengths_are_consistent() {
        for (version, sni) in [(0x0300, None), (0x0301, Some("mx.example.org")), (0x0302, Some("a"))] {
            let r = client_hello(version, sni, [7; 32]);
            assert_eq!(r[0], 0x16);
            assert_eq!(usize::from(u16::from_be_bytes([r[3], r[4]])), r.len() - 5, "record length");
            assert_eq!(r[5], 0x01, "ClientHello");
            let hs_len = (usize::from(r[6]) << 16) | (usize::from(r[7]) << 8) | usize::from(r[8]);
            assert_eq!(hs_len, r.len() - 9, "handshake length");
            assert_eq!(u16::from_be_bytes([r[9], r[10]]), version);
            let suites_at = 9 + 2 + 32 + 1;
            let suites_len = usize::from(u16::from_be_bytes([r[suites_at], r[suites_at + 1]]));
            assert_eq!(suites_len, SUITES.len() * 2);
            let after_compression = suites_at + 2 + suites_len + 2;
            if version == 0x0300 {
                assert_eq!(after_compression, r.len(), "SSLv3 hello has no extensions");
            } else {
                let ext_len = usize::from(u16::from_be_bytes([r[after_compression], r[after_compression + 1]]));
                assert_eq!(after_compression + 2 + ext_len, r.len(), "extensions length");
            }
        }
    }

    #[test]
    fn server_hello_and_alerts_are_read() {
        let hello = |v: u16| {
            let mut a = vec![0x16, 0x03, 0x01, 0x00, 0x30, 0x02, 0x00, 0x00, 0x2c];
            a.extend_from_slice(&v.to_be_bytes());
            a
        };
        assert!(accepted(&hello(0x0301), 0x0301));
        assert!(!accepted(&hello(0x0303), 0x0301), "a higher version is a refusal of ours");
        assert!(!accepted(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46], 0x0301), "protocol_version alert");
        assert!(!accepted(b"454 4.7.0 TLS not available", 0x0301));
        assert!(!accepted(&[0x16, 0x03], 0x0301));
    }
}
