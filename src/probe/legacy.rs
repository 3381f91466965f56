//! rustls speaks nothing older than TLSv1.2, so for SSLv3, TLSv1.0 and TLSv1.1 the probe sends a
//! minimal hand-built ClientHello offering only that version and reads just the answer: a
//! ServerHello of that version means the peer accepts it; an alert, a close or anything else
//! means it does not. No handshake is completed. `ask_with_chain` reads on to the server's
//! Certificate message (with tls-parser), for a server that speaks nothing newer.
//! It prints nothing and applies no policy.

use crate::vocab::Protocol;
use std::io::{Read, Write};

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
        Protocol::Tls12 => Some(0x0303),
        _ => None,
    }
}

/// AES-GCM suites, offered only in a TLSv1.2 hello (older versions cannot use them): with the
/// CBC and static-RSA ones above, a TLSv1.2 peer that rustls cannot agree with still answers.
const TLS12_SUITES: &[u16] = &[0xc02f, 0xc030, 0xc02b, 0xc02c, 0x009c, 0x009d];

/// A ClientHello record offering only `version`; `sni` is sent when it is a host name.
pub fn client_hello(version: u16, sni: Option<&str>, random: [u8; 32]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&version.to_be_bytes());
    body.extend_from_slice(&random);
    body.push(0); // no session id
    let extra = if version >= 0x0303 { TLS12_SUITES } else { &[] };
    body.extend_from_slice(&(((SUITES.len() + extra.len()) * 2) as u16).to_be_bytes());
    for s in extra.iter().chain(SUITES) {
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
        if version >= 0x0303 {
            // signature_algorithms (needed from TLSv1.2 on): RSA and ECDSA with SHA-256/384,
            // RSA-PSS, then SHA-1 for old peers.
            let algs: [u16; 7] = [0x0401, 0x0501, 0x0403, 0x0503, 0x0804, 0x0201, 0x0203];
            ext.extend_from_slice(&[0x00, 0x0d]);
            ext.extend_from_slice(&((algs.len() * 2 + 2) as u16).to_be_bytes());
            ext.extend_from_slice(&((algs.len() * 2) as u16).to_be_bytes());
            for a in algs {
                ext.extend_from_slice(&a.to_be_bytes());
            }
        }
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

/// Sends the hello on an upgraded-to-be connection and reads the first 11 bytes of the answer;
/// the stream bounds the time (the probe's `smtp::Timed`).
pub fn ask<S: Read + Write>(stream: &mut S, version: u16, sni: Option<&str>) -> bool {
    let mut random = [0u8; 32];
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    for (i, b) in random.iter_mut().enumerate() {
        *b = (seed >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(151);
    }
    if stream.write_all(&client_hello(version, sni, random)).and_then(|()| stream.flush()).is_err() {
        return false;
    }
    let mut answer = Vec::new();
    let mut chunk = [0u8; 64];
    while answer.len() < 11 {
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

/// What the peer answered to a legacy hello, read up to its Certificate message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pub accepted: bool,
    /// The certificate chain the peer sent (DER), leaf first; empty when none was read.
    pub chain: Vec<Vec<u8>>,
}

/// The most of a server's first flight read for its certificate chain.
const MAX_FLIGHT: usize = 64 * 1024;

/// The handshake messages in `payload` (the concatenated handshake records) so far: whether a
/// ServerHello of `version` came, the chain once the Certificate message is complete, and
/// whether the flight is over (ServerHelloDone, or anything that is not a handshake).
fn read_flight(payload: &[u8], version: u16) -> (Option<bool>, Option<Vec<Vec<u8>>>, bool) {
    use tls_parser::{TlsMessage, TlsMessageHandshake, parse_tls_message_handshake};
    let (mut rest, mut hello, mut chain, mut done) = (payload, None, None, false);
    while let Ok((next, msg)) = parse_tls_message_handshake(rest) {
        rest = next;
        match msg {
            TlsMessage::Handshake(TlsMessageHandshake::ServerHello(sh)) => hello = Some(sh.version.0 == version),
            TlsMessage::Handshake(TlsMessageHandshake::Certificate(c)) => {
                chain = Some(c.cert_chain.iter().map(|r| r.data.to_vec()).collect());
            }
            TlsMessage::Handshake(TlsMessageHandshake::ServerDone(_)) => done = true,
            _ => {}
        }
    }
    (hello, chain, done)
}

/// Like `ask`, but reads on to the server's Certificate message, at most 64 KiB of it.
pub fn ask_with_chain<S: Read + Write>(stream: &mut S, version: u16, sni: Option<&str>) -> Answer {
    let random = [0x5e; 32];
    if stream.write_all(&client_hello(version, sni, random)).and_then(|()| stream.flush()).is_err() {
        return Answer::default();
    }
    let (mut raw, mut payload) = (Vec::new(), Vec::new());
    let mut chunk = [0u8; 4096];
    let mut answer = Answer::default();
    // The answer's first bytes: a ServerHello of our version there is an acceptance even when
    // the rest of the flight never comes (as `ask` judges it).
    let mut head = Vec::with_capacity(11);
    while raw.len() < MAX_FLIGHT {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                raw.extend_from_slice(&chunk[..n]);
                let want = 11usize.saturating_sub(head.len()).min(n);
                head.extend_from_slice(&chunk[..want]);
            }
        }
        // Whole records only: handshake payloads are concatenated, anything else ends the flight.
        while let Ok((rest, record)) = tls_parser::parse_tls_raw_record(&raw) {
            if record.hdr.record_type != tls_parser::TlsRecordType::Handshake {
                return answer;
            }
            payload.extend_from_slice(record.data);
            let used = raw.len() - rest.len();
            raw.drain(..used);
        }
        let (hello, chain, done) = read_flight(&payload, version);
        answer.accepted = hello.unwrap_or(false);
        if hello == Some(false) {
            return answer;
        }
        if let Some(chain) = chain {
            answer.chain = chain;
            return answer;
        }
        if done || (raw.first().is_some_and(|&b| b != 0x16)) {
            return answer;
        }
    }
    answer.accepted = answer.accepted || accepted(&head, version);
    answer
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

    #[test]
    fn the_flight_is_read_to_its_certificate() {
        // ServerHello (TLSv1.0), Certificate with one 3-byte "certificate", ServerHelloDone.
        let hello = [0x02, 0, 0, 0x26, 0x03, 0x01]
            .iter()
            .copied()
            .chain([0u8; 32])
            .chain([0, 0x00, 0x2f, 0])
            .collect::<Vec<u8>>();
        let cert = [0x0b, 0, 0, 0x09, 0, 0, 0x06, 0, 0, 0x03, 0xaa, 0xbb, 0xcc];
        let done = [0x0e, 0, 0, 0];
        let payload: Vec<u8> = hello.iter().chain(&cert).chain(&done).copied().collect();
        let (h, chain, finished) = read_flight(&payload, 0x0301);
        assert_eq!((h, chain, finished), (Some(true), Some(vec![vec![0xaa, 0xbb, 0xcc]]), true));
        assert_eq!(read_flight(&payload, 0x0302).0, Some(false), "another version is a refusal");
        assert_eq!(read_flight(&payload[..10], 0x0301), (None, None, false), "a cut message waits for more");
    }
}
