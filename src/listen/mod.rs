//! `listen`: a receiving SMTP server that an array sends a test message to, recording for each
//! connection what the sender really offers and does (spec 8.3): its EHLO name, its raw
//! ClientHello read before any handshake (`hello`), the handshake rustls completes with it, the
//! client certificate it presents when asked, and the envelope of what it sends, which is
//! answered and discarded, never relayed or stored. `judge` holds the records to the array's
//! predicted outbound posture. Nothing here prints or applies policy.
//!
//! Every read has a deadline (`--timeout`), every connection at most ten of them in all, every
//! line and message a size bound, and at most `--max-clients` connections are served at once:
//! a sender that stalls or floods costs one thread for a bounded time and a bounded buffer.

pub mod hello;
pub mod judge;

use crate::vocab::{Protocol, Strength, now_rfc3339, rfc3339};
use hello::ClientHello;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use serde::Serialize;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The largest message accepted after DATA; more gets `552` and the connection is closed.
pub const MAX_MESSAGE: usize = 10 * 1024 * 1024;
/// A command line longer than this is refused (RFC 5321 allows 512 octets).
const MAX_COMMAND: usize = 4096;
/// A text line inside DATA (RFC 5321 allows 1000 octets; some senders write longer ones).
const MAX_DATA_LINE: usize = 1024 * 1024;
const MAX_COMMANDS: usize = 200;
const MAX_RECIPIENTS: usize = 100;

/// Whether the listener asks a sender for a client certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientCertMode {
    /// Never ask.
    None,
    /// Ask, and accept a sender that has none.
    Request,
    /// Ask, and refuse the handshake without one: the seed article's failing peer.
    Require,
}

/// How the listener behaves: the remote peer it stands in for (spec 8.3).
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub client_cert: ClientCertMode,
    pub tls_versions: Vec<Protocol>,
    pub strong_only: bool,
    pub starttls: bool,
    pub hostname: String,
}

pub struct Options {
    pub profile: Profile,
    /// The listener's certificates and keys (`--cert/--key`, or an RSA and an ECDSA one made
    /// at start); each handshake gets the one its suites can use.
    pub identities: Vec<Arc<rustls::sign::CertifiedKey>>,
    pub count: usize,
    pub duration: Option<Duration>,
    pub timeout: Duration,
    pub max_clients: usize,
}

/// Where a connection stopped short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The SMTP dialogue before or after TLS.
    Smtp,
    /// Reading the ClientHello after STARTTLS.
    ClientHello,
    Handshake,
    /// The message after DATA.
    Data,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageError {
    pub stage: Stage,
    pub message: String,
}

/// What the handshake agreed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Negotiated {
    pub protocol: Protocol,
    pub cipher_suite: String,
}

/// One certificate of the chain a sender presented: recorded, never trusted or refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainCertificate {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub sha1: String,
    pub eku: Option<Vec<String>>,
    pub self_signed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientCertificate {
    pub requested: bool,
    pub presented: bool,
    pub chain: Vec<ChainCertificate>,
    /// The presented end-entity certificate's fields, for the judge.
    #[serde(skip)]
    pub leaf: Option<crate::input::certificate::CertFields>,
}

/// The envelope of a message, which is discarded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Mail {
    pub from: String,
    pub rcpt: Vec<String>,
    pub bytes: usize,
}

/// Everything one connection showed.
#[derive(Debug, Clone, Serialize)]
pub struct Connection {
    /// The client address, `IP:PORT`.
    pub peer: String,
    /// When the connection came (RFC 3339, UTC).
    pub at: String,
    pub ehlo: Option<String>,
    /// The server of `--array` it is, once `judge` identified it.
    pub server: Option<String>,
    /// Whether the session switched to TLS with STARTTLS.
    pub starttls: bool,
    /// Whether the listener offered STARTTLS to this sender (an EHLO reply listed it).
    pub starttls_offered: bool,
    pub client_hello: Option<ClientHello>,
    pub offered_protocols: Vec<Protocol>,
    pub offered_floor: Option<Strength>,
    pub tls: Option<Negotiated>,
    pub client_certificate: Option<ClientCertificate>,
    pub mail: Option<Mail>,
    pub error: Option<StageError>,
    #[serde(skip)]
    pub peer_ip: Option<std::net::IpAddr>,
}

impl Connection {
    fn new(peer: SocketAddr) -> Connection {
        Connection {
            peer: crate::target::Target { host: peer.ip().to_string(), port: peer.port() }.to_string(),
            at: now_rfc3339(),
            ehlo: None,
            server: None,
            starttls: false,
            starttls_offered: false,
            client_hello: None,
            offered_protocols: vec![],
            offered_floor: None,
            tls: None,
            client_certificate: None,
            mail: None,
            error: None,
            peer_ip: Some(peer.ip()),
        }
    }

    fn fail(&mut self, stage: Stage, message: impl Into<String>) {
        self.error.get_or_insert(StageError { stage, message: message.into() });
    }
}

/// Serves connections until `count` have come or `duration` has passed, at most `max_clients`
/// at once; calls `seen` as each one ends. Returns them in the order they came.
pub fn serve(
    listener: &TcpListener,
    opts: &Options,
    seen: &(dyn Fn(&Connection) + Sync),
) -> io::Result<Vec<Connection>> {
    let config = server_config(&opts.profile, opts.identities.clone()).map_err(io::Error::other)?;
    listener.set_nonblocking(true)?;
    let deadline = opts.duration.map(|d| Instant::now() + d);
    let active = AtomicUsize::new(0);
    let done = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        let mut accepted = 0;
        while accepted < opts.count && deadline.is_none_or(|d| Instant::now() < d) {
            // Beyond `max_clients`, new connections wait in the kernel's backlog.
            if active.load(Ordering::Acquire) >= opts.max_clients {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
            match listener.accept() {
                Ok((stream, peer)) => {
                    accepted += 1;
                    active.fetch_add(1, Ordering::AcqRel);
                    let (config, active, done) = (config.clone(), &active, &done);
                    scope.spawn(move || {
                        let c = session(stream, peer, opts, config);
                        seen(&c);
                        if let Ok(mut d) = done.lock() {
                            d.push((accepted, c));
                        }
                        active.fetch_sub(1, Ordering::AcqRel);
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(10)),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // A client that reset before accept, or a descriptor limit: wait, do not spin.
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    });
    let mut done = done.into_inner().unwrap_or_default();
    done.sort_by_key(|(n, _)| *n);
    Ok(done.into_iter().map(|(_, c)| c).collect())
}

/// The TLS server the profile describes: its versions, suites and client-certificate request.
pub fn server_config(
    profile: &Profile,
    identities: Vec<Arc<rustls::sign::CertifiedKey>>,
) -> Result<Arc<rustls::ServerConfig>, rustls::Error> {
    let mut provider = rustls::crypto::ring::default_provider();
    if profile.strong_only {
        provider.cipher_suites.retain(|s| strong(s.suite()));
    }
    let provider = Arc::new(provider);
    let versions: Vec<&'static rustls::SupportedProtocolVersion> = profile
        .tls_versions
        .iter()
        .filter_map(|p| match p {
            Protocol::Tls12 => Some(&rustls::version::TLS12),
            Protocol::Tls13 => Some(&rustls::version::TLS13),
            _ => None,
        })
        .collect();
    let verifier = Arc::new(AnyClientCertificate { mode: profile.client_cert, provider: provider.clone() });
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&versions)?
        .with_client_cert_verifier(verifier)
        .with_cert_resolver(Arc::new(ByKeyType(identities)));
    config.ignore_client_order = false;
    Ok(Arc::new(config))
}

/// Picks the certificate a sender's suites can use: RSA for TLSv1.3 and ECDHE-RSA suites, ECDSA
/// for ECDHE-ECDSA ones, so a sender is not refused for the listener's key type.
#[derive(Debug)]
struct ByKeyType(Vec<Arc<rustls::sign::CertifiedKey>>);

impl rustls::server::ResolvesServerCert for ByKeyType {
    fn resolve(&self, hello: rustls::server::ClientHello<'_>) -> Option<Arc<rustls::sign::CertifiedKey>> {
        use rustls::SignatureAlgorithm::{ECDSA, RSA};
        let suites = hello.cipher_suites().iter().map(|s| crate::suites::suite(u16::from(*s)));
        let names: Vec<&str> = suites.filter(|s| !s.signalling).filter_map(|s| s.name).collect();
        let of = |alg| self.0.iter().find(|k| k.key.algorithm() == alg).cloned();
        let tls13 = names.iter().any(|n| n.starts_with("TLS_") && !n.contains("_WITH_"));
        let rsa = tls13 || names.iter().any(|n| n.contains("ECDHE_RSA"));
        let ecdsa = names.iter().any(|n| n.contains("ECDHE_ECDSA"));
        rsa.then(|| of(RSA))
            .flatten()
            .or_else(|| ecdsa.then(|| of(ECDSA)).flatten())
            .or_else(|| self.0.first().cloned())
    }
}

/// A 256-bit suite (`--strong-only`), as OpenSSL rates it.
fn strong(s: rustls::CipherSuite) -> bool {
    crate::suites::suite(u16::from(s)).bits.is_some_and(|b| b >= 256)
}

/// Records any client certificate: never trusted or refused for its issuer, but the handshake
/// signature is still checked, so the sender proves it holds the key.
#[derive(Debug)]
struct AnyClientCertificate {
    mode: ClientCertMode,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ClientCertVerifier for AnyClientCertificate {
    fn offer_client_auth(&self) -> bool {
        self.mode != ClientCertMode::None
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mode == ClientCertMode::Require
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// The socket, with bytes already read in front of it (the ClientHello, handed to rustls
/// unchanged) and a deadline every read is held to.
struct Socket {
    sock: TcpStream,
    prefix: Vec<u8>,
    at: usize,
    deadline: Instant,
    /// The connection's end: no deadline goes past it.
    end: Instant,
}

impl Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at < self.prefix.len() {
            let n = buf.len().min(self.prefix.len() - self.at);
            buf[..n].copy_from_slice(&self.prefix[self.at..self.at + n]);
            self.at += n;
            return Ok(n);
        }
        let limit = || {
            io::Error::new(io::ErrorKind::TimedOut, "the connection reached its limit of ten times --timeout in all")
        };
        let now = Instant::now();
        if now >= self.end {
            return Err(limit());
        }
        let left = self.deadline.min(self.end).saturating_duration_since(now);
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "nothing complete came within --timeout"));
        }
        self.sock.set_read_timeout(Some(left))?;
        match self.sock.read(buf) {
            Err(e) if timed_out(&e) && Instant::now() >= self.end => Err(limit()),
            other => other,
        }
    }
}

impl Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.sock.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sock.flush()
    }
}

/// The socket before or after STARTTLS, with the deadline of the next read.
trait Io: Read + Write {
    fn socket(&mut self) -> &mut Socket;
}

impl Io for Socket {
    fn socket(&mut self) -> &mut Socket {
        self
    }
}

impl Io for rustls::StreamOwned<rustls::ServerConnection, Socket> {
    fn socket(&mut self) -> &mut Socket {
        &mut self.sock
    }
}

/// Line reading over either, each line within one `--timeout` and a size bound.
struct Lines<S> {
    io: S,
    buf: Vec<u8>,
    timeout: Duration,
}

fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

/// What a failed read means: `silent` for the socket's own timeout, else the error's words
/// (the connection's overall limit, a drip that missed its deadline, a reset).
fn failed_read(e: &io::Error, silent: &str) -> String {
    if timed_out(e) && e.get_ref().is_none() { silent.to_string() } else { e.to_string() }
}

impl<S: Io> Lines<S> {
    /// The next line without its CRLF; `None` when the sender closed.
    fn line(&mut self, max: usize) -> io::Result<Option<Vec<u8>>> {
        self.io.socket().deadline = Instant::now() + self.timeout;
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=i).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Some(line));
            }
            if self.buf.len() > max {
                return Err(io::Error::new(io::ErrorKind::InvalidData, format!("a line longer than {max} bytes")));
            }
            let mut chunk = [0u8; 8192];
            match self.io.read(&mut chunk) {
                Ok(0) => return Ok(None),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn send(&mut self, text: &str) -> io::Result<()> {
        self.io.write_all(text.as_bytes())?;
        self.io.flush()
    }
}

/// What the SMTP dialogue ended with.
enum Next {
    /// The sender asked for STARTTLS and was told to go ahead.
    Tls,
    Done,
}

/// One connection, from the banner to QUIT.
fn session(stream: TcpStream, peer: SocketAddr, opts: &Options, config: Arc<rustls::ServerConfig>) -> Connection {
    let mut c = Connection::new(peer);
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_write_timeout(Some(opts.timeout));
    let now = Instant::now();
    let socket = Socket { sock: stream, prefix: vec![], at: 0, deadline: now, end: now + opts.timeout * 10 };
    let mut plain = Lines { io: socket, buf: Vec::new(), timeout: opts.timeout };
    let banner = format!("220 {} ESMTP seglint listen: a sender test; mail is discarded\r\n", opts.profile.hostname);
    if let Err(e) = plain.send(&banner) {
        c.fail(Stage::Smtp, format!("cannot send the banner: {e}"));
        return c;
    }
    match dialogue(&mut plain, &mut c, opts, false) {
        Next::Done => return c,
        Next::Tls => c.starttls = true,
    }
    // Bytes sent after STARTTLS before our 220 are an injection attempt (CVE-2011-0411): dropped.
    let Lines { io: mut socket, .. } = plain;
    let Some(bytes) = read_hello(&mut socket, &mut c, opts.timeout) else { return c };
    socket.prefix = bytes;
    if c.client_hello.as_ref().is_some_and(|h| h.sslv2_compatible) {
        c.fail(
            Stage::Handshake,
            "an SSLv2-compatible hello: recorded, and the connection closed (no current peer answers one)",
        );
        return c;
    }
    if c.client_hello.as_ref().is_some_and(|h| !h.offers_any(&opts.profile.tls_versions)) {
        // What a current peer answers a hello with no protocol it serves (RFC 8446 §4.1.3).
        let _ = socket.write_all(&[21, 3, 1, 0, 2, 2, 70]);
        let served = opts.profile.tls_versions.iter().map(|p| p.name()).collect::<Vec<_>>().join(" and ");
        let offered = c.offered_protocols.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ");
        c.fail(Stage::Handshake, format!("the sender offers only {offered}; the listener serves {served} and answered with a protocol_version alert, as a current peer does"));
        return c;
    }
    let Some(tls) = handshake(socket, config, opts, &mut c) else { return c };
    let mut secure = Lines { io: tls, buf: Vec::new(), timeout: opts.timeout };
    let _ = dialogue(&mut secure, &mut c, opts, true);
    secure.io.conn.send_close_notify();
    let _ = secure.io.flush();
    c
}

/// Reads the ClientHello whole (bounded), parses it, and records it with what it proves.
fn read_hello(socket: &mut Socket, c: &mut Connection, timeout: Duration) -> Option<Vec<u8>> {
    // The whole hello within one --timeout, however it is dripped.
    socket.deadline = Instant::now() + timeout;
    let mut bytes = Vec::new();
    loop {
        match hello::wanted(&bytes) {
            Ok(Some(n)) if n <= bytes.len() => break,
            Ok(Some(n)) if n > hello::MAX_HELLO => {
                c.fail(
                    Stage::ClientHello,
                    format!("a ClientHello of {n} bytes, more than the {} accepted", hello::MAX_HELLO),
                );
                return None;
            }
            Ok(_) => {}
            Err(e) => {
                c.fail(Stage::ClientHello, e.to_string());
                return None;
            }
        }
        if bytes.len() > hello::MAX_HELLO {
            c.fail(Stage::ClientHello, format!("a ClientHello longer than {} bytes", hello::MAX_HELLO));
            return None;
        }
        let mut chunk = [0u8; 4096];
        match socket.read(&mut chunk) {
            Ok(0) => {
                c.fail(Stage::ClientHello, "the sender closed the connection after STARTTLS without a ClientHello");
                return None;
            }
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                let what = failed_read(&e, "no complete ClientHello within --timeout");
                c.fail(Stage::ClientHello, what);
                return None;
            }
        }
    }
    match hello::parse(&bytes) {
        Ok(h) => {
            c.offered_protocols = h.offered_protocols();
            c.offered_floor = h.offered_floor();
            c.client_hello = Some(h);
            Some(bytes)
        }
        Err(e) => {
            c.fail(Stage::ClientHello, e.to_string());
            None
        }
    }
}

/// The rustls handshake over the hello already read; records what was agreed and presented.
fn handshake(
    socket: Socket,
    config: Arc<rustls::ServerConfig>,
    opts: &Options,
    c: &mut Connection,
) -> Option<rustls::StreamOwned<rustls::ServerConnection, Socket>> {
    let requested = opts.profile.client_cert != ClientCertMode::None;
    let conn = match rustls::ServerConnection::new(config) {
        Ok(conn) => conn,
        Err(e) => {
            c.fail(Stage::Handshake, e.to_string());
            return None;
        }
    };
    let mut tls = rustls::StreamOwned::new(conn, socket);
    // The whole handshake within one --timeout.
    tls.sock.deadline = Instant::now() + opts.timeout;
    let result = loop {
        if !tls.conn.is_handshaking() {
            break Ok(());
        }
        if let Err(e) = tls.conn.complete_io(&mut tls.sock) {
            break Err(e);
        }
    };
    let chain: Vec<ChainCertificate> =
        tls.conn.peer_certificates().unwrap_or_default().iter().filter_map(|d| chain_entry(d)).collect();
    let leaf =
        tls.conn.peer_certificates().and_then(|c| c.first()).and_then(|d| crate::input::certificate::fields(d).ok());
    if let Err(e) = result {
        let _ = tls.conn.write_tls(&mut tls.sock);
        // Only a refusal for want of a certificate proves the request reached the sender.
        let refused = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>())
            == Some(&rustls::Error::NoCertificatesPresented);
        if requested && (refused || !chain.is_empty()) {
            c.client_certificate = Some(ClientCertificate { requested, presented: !chain.is_empty(), chain, leaf });
        }
        c.fail(Stage::Handshake, why_no_handshake(&e, c.client_hello.as_ref(), &opts.profile));
        return None;
    }
    c.client_certificate = Some(ClientCertificate { requested, presented: !chain.is_empty(), chain, leaf });
    let protocol = match tls.conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => Protocol::Tls13,
        _ => Protocol::Tls12,
    };
    // The IANA name, as the hello's suites are named.
    let cipher_suite = tls
        .conn
        .negotiated_cipher_suite()
        .map(|s| crate::suites::suite(u16::from(s.suite())))
        .map(|s| s.name.map_or(s.id, String::from))
        .unwrap_or_default();
    c.tls = Some(Negotiated { protocol, cipher_suite });
    Some(tls)
}

fn chain_entry(der: &rustls::pki_types::CertificateDer<'_>) -> Option<ChainCertificate> {
    let f = crate::input::certificate::fields(der).ok()?;
    Some(ChainCertificate {
        subject: f.subject,
        issuer: f.issuer,
        // RFC 3339, as `probe` writes a peer's chain.
        not_before: rfc3339(f.not_before),
        not_after: rfc3339(f.not_after),
        sha1: f.sha1,
        eku: f.eku,
        self_signed: f.self_signed,
    })
}

/// The handshake's failure in the words of what it means for the sender.
fn why_no_handshake(e: &io::Error, hello: Option<&ClientHello>, profile: &Profile) -> String {
    use rustls::{Error, PeerIncompatible};
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<Error>());
    let offered = hello.map(|h| h.offered_protocols().iter().map(|p| p.name()).collect::<Vec<_>>().join(", "));
    let offers_256 = hello.is_some_and(|h| h.cipher_suites.iter().any(|s| !s.signalling && s.bits >= Some(256)));
    match inner {
        Some(Error::NoCertificatesPresented) => "the sender presented no client certificate, which this profile (--client-cert require) demands: this is the failure of the seed article, reproduced: a peer that requires a client certificate refuses this server's mail".into(),
        Some(Error::PeerIncompatible(
            PeerIncompatible::Tls12NotOffered | PeerIncompatible::Tls12NotOfferedOrEnabled | PeerIncompatible::Tls13RequiredForQuic | PeerIncompatible::SupportedVersionsExtensionRequired,
        )) => format!(
            "the sender offers only {}; the listener serves {} and answered with a protocol_version alert, as a current peer does",
            offered.unwrap_or_default(),
            profile.tls_versions.iter().map(|p| p.name()).collect::<Vec<_>>().join(" and ")
        ),
        Some(Error::PeerIncompatible(PeerIncompatible::NoCipherSuitesInCommon)) if profile.strong_only && !offers_256 => {
            "the sender offers no 256-bit suite, which this profile (--strong-only) demands: a peer that requires them refuses this server's mail".into()
        }
        Some(Error::PeerIncompatible(PeerIncompatible::NoCipherSuitesInCommon | PeerIncompatible::NoKxGroupsInCommon)) => {
            "the sender offers only suites or key exchanges the listener cannot serve (rustls has ECDHE with AES-GCM or ChaCha20, and TLSv1.3): a real peer may accept them, so this is not a delivery failure".into()
        }
        _ if timed_out(e) => failed_read(e, "the sender stopped in the handshake: nothing came within --timeout"),
        _ => e.to_string(),
    }
}

/// The SMTP commands until STARTTLS is agreed, QUIT, or the end; records EHLO and the envelope.
fn dialogue<S: Io>(l: &mut Lines<S>, c: &mut Connection, opts: &Options, tls: bool) -> Next {
    let host = &opts.profile.hostname;
    let mut envelope: Option<Mail> = None;
    for _ in 0..MAX_COMMANDS {
        let line = match l.line(MAX_COMMAND) {
            Ok(Some(line)) => line,
            Ok(None) => return Next::Done,
            Err(e) => {
                let what = failed_read(&e, "the sender sent no command within --timeout");
                if e.kind() == io::ErrorKind::InvalidData {
                    let _ = l.send("500 5.5.2 line too long\r\n");
                }
                c.fail(Stage::Smtp, what);
                return Next::Done;
            }
        };
        let text = String::from_utf8_lossy(&line);
        let (verb, arg) = text.split_once(' ').unwrap_or((&text, ""));
        let reply = match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" => {
                c.ehlo = Some(arg.trim().chars().take(255).collect());
                envelope = None;
                if verb.eq_ignore_ascii_case("HELO") {
                    format!("250 {host}\r\n")
                } else {
                    let offer = opts.profile.starttls && !tls;
                    c.starttls_offered |= offer;
                    let starttls = if offer { "250-STARTTLS\r\n" } else { "" };
                    format!("250-{host}\r\n250-SIZE {MAX_MESSAGE}\r\n250-8BITMIME\r\n{starttls}250 HELP\r\n")
                }
            }
            "STARTTLS" if opts.profile.starttls && !tls => {
                if l.send("220 2.0.0 Ready to start TLS\r\n").is_err() {
                    return Next::Done;
                }
                return Next::Tls;
            }
            "STARTTLS" => "454 4.7.0 TLS not available\r\n".into(),
            "MAIL" => {
                envelope = Some(Mail { from: address(arg), ..Mail::default() });
                "250 2.1.0 OK\r\n".into()
            }
            "RCPT" => match &mut envelope {
                None => "503 5.5.1 MAIL first\r\n".into(),
                Some(m) if m.rcpt.len() >= MAX_RECIPIENTS => "452 4.5.3 too many recipients\r\n".into(),
                Some(m) => {
                    m.rcpt.push(address(arg));
                    "250 2.1.5 OK\r\n".into()
                }
            },
            "DATA" => match envelope.take() {
                Some(m) if !m.rcpt.is_empty() => match data(l, c, m) {
                    Some(reply) => reply,
                    None => return Next::Done,
                },
                other => {
                    envelope = other;
                    "503 5.5.1 RCPT first\r\n".into()
                }
            },
            "RSET" => {
                envelope = None;
                "250 2.0.0 OK\r\n".into()
            }
            "NOOP" => "250 2.0.0 OK\r\n".into(),
            "VRFY" => "252 2.5.2 cannot verify\r\n".into(),
            "QUIT" => {
                let _ = l.send("221 2.0.0 Bye\r\n");
                return Next::Done;
            }
            _ => "500 5.5.2 command not recognised\r\n".into(),
        };
        if l.send(&reply).is_err() {
            return Next::Done;
        }
    }
    let _ = l.send("421 4.7.0 too many commands\r\n");
    c.fail(Stage::Smtp, format!("more than {MAX_COMMANDS} commands in one session"));
    Next::Done
}

/// `FROM:<a@b> SIZE=10` → `a@b`.
fn address(arg: &str) -> String {
    let after = arg.split_once(':').map_or(arg, |(_, a)| a).trim();
    let inner = after.strip_prefix('<').and_then(|a| a.split_once('>')).map_or(after, |(a, _)| a);
    inner.chars().take(320).collect()
}

/// The message after DATA, counted and discarded; the reply, or `None` when the session ends.
fn data<S: Io>(l: &mut Lines<S>, c: &mut Connection, mut m: Mail) -> Option<String> {
    l.send("354 End data with <CR><LF>.<CR><LF>\r\n").ok()?;
    loop {
        match l.line(MAX_DATA_LINE) {
            Ok(Some(line)) if line == b"." => break,
            Ok(Some(line)) => {
                m.bytes += line.len() + 2;
                if m.bytes > MAX_MESSAGE {
                    let _ = l.send("552 5.3.4 message larger than 10 MiB\r\n");
                    c.fail(Stage::Data, "a message larger than 10 MiB: refused with 552, and the connection closed");
                    c.mail.get_or_insert(m);
                    return None;
                }
            }
            Ok(None) => {
                c.fail(Stage::Data, "the sender closed the connection inside DATA");
                return None;
            }
            Err(e) => {
                let what = failed_read(&e, "the message stopped: nothing came within --timeout");
                c.fail(Stage::Data, what);
                return None;
            }
        }
    }
    c.mail.get_or_insert(m);
    Some("250 2.0.0 OK: discarded by seglint listen\r\n".into())
}

/// The certificates for `hostname`, made at start when no `--cert/--key` is given: an RSA one
/// (what most senders' ECDHE-RSA suites need) and an ECDSA one, both self-signed.
pub fn generated_identities(hostname: &str) -> Result<Vec<Arc<rustls::sign::CertifiedKey>>, rustls::Error> {
    use rsa::pkcs8::EncodePrivateKey;
    let made =
        |e: &dyn std::fmt::Display| rustls::Error::General(format!("cannot make a certificate for {hostname}: {e}"));
    let rsa = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(|e| made(&e))?;
    let rsa_der = rsa.to_pkcs8_der().map_err(|e| made(&e))?;
    let rsa_pair = rcgen::KeyPair::try_from(rsa_der.as_bytes()).map_err(|e| made(&e))?;
    let ecdsa_pair = rcgen::KeyPair::generate().map_err(|e| made(&e))?;
    [rsa_pair, ecdsa_pair]
        .into_iter()
        .map(|pair| {
            let params = rcgen::CertificateParams::new(vec![hostname.to_string()]).map_err(|e| made(&e))?;
            let cert = params.self_signed(&pair).map_err(|e| made(&e))?;
            let key = rustls::pki_types::PrivateKeyDer::Pkcs8(pair.serialize_der().into());
            let signing = rustls::crypto::ring::sign::any_supported_type(&key)?;
            Ok(Arc::new(rustls::sign::CertifiedKey::new(vec![cert.der().clone()], signing)))
        })
        .collect()
}
