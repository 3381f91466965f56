//! The TLS side of a probe, with rustls (ring provider): a handshake that completes even with an
//! untrusted peer (a diagnostic tool must see it) while recording whether the chain is trusted
//! by the Mozilla roots and valid for the host name, and whether the peer requested a client
//! certificate and which CA names it accepts. It prints nothing and applies no policy.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use std::sync::{Arc, Mutex};

/// The verdict of the real verifier, kept while the handshake goes on.
#[derive(Debug, Default)]
pub struct Recorder {
    pub verdict: Mutex<Option<Result<(), rustls::Error>>>,
    /// The host-name check alone: a private CA's peer can still be valid for its name.
    pub name_valid: Mutex<Option<bool>>,
    pub requested: Mutex<Option<Vec<String>>>,
}

#[derive(Debug)]
struct Verifier {
    inner: Arc<WebPkiServerVerifier>,
    record: Arc<Recorder>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now).map(|_| ());
        let name_valid = webpki::EndEntityCert::try_from(end_entity)
            .is_ok_and(|leaf| leaf.verify_is_valid_for_subject_name(server_name).is_ok());
        if let Ok(mut v) = self.record.verdict.lock() {
            *v = Some(verdict);
        }
        if let Ok(mut v) = self.record.name_valid.lock() {
            *v = Some(name_valid);
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[derive(Debug)]
struct ClientCert {
    key: Option<Arc<rustls::sign::CertifiedKey>>,
    record: Arc<Recorder>,
}

impl ResolvesClientCert for ClientCert {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        _schemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        let names = root_hint_subjects.iter().map(|der| distinguished_name(der)).collect();
        if let Ok(mut r) = self.record.requested.lock() {
            *r = Some(names);
        }
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// A DER-encoded distinguished name as text (`CN=Example Root CA`), as a hint from the peer.
fn distinguished_name(der: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    // rustls passes the inner Name; wrap it in a SEQUENCE when the tag is missing.
    let parsed = x509_parser::x509::X509Name::from_der(der).map(|(_, n)| n.to_string()).or_else(|_| {
        let mut wrapped = vec![0x30];
        wrapped.extend(der_length(der.len()));
        wrapped.extend_from_slice(der);
        x509_parser::x509::X509Name::from_der(&wrapped).map(|(_, n)| n.to_string())
    });
    parsed.unwrap_or_else(|_| format!("(undecodable name, {} bytes)", der.len()))
}

fn der_length(n: usize) -> Vec<u8> {
    match n {
        0..=0x7f => vec![n as u8],
        0x80..=0xff => vec![0x81, n as u8],
        _ => vec![0x82, (n >> 8) as u8, n as u8],
    }
}

/// Which protocol versions and suites a handshake may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// TLSv1.2 and TLSv1.3, every default suite.
    All,
    Tls12Only,
    /// Only 256-bit suites (AES-256-GCM, ChaCha20-Poly1305), both versions.
    Strong256,
}

pub fn provider(offer: Offer) -> CryptoProvider {
    let mut p = rustls::crypto::ring::default_provider();
    if offer == Offer::Strong256 {
        p.cipher_suites.retain(|s| cipher_bits(s.suite()) == 256);
    }
    p
}

pub fn cipher_bits(suite: rustls::CipherSuite) -> u16 {
    let name = format!("{suite:?}");
    if name.contains("AES_256") || name.contains("CHACHA20") { 256 } else { 128 }
}

pub struct Identity {
    pub certified: Arc<rustls::sign::CertifiedKey>,
}

/// Why `--client-cert` / `--client-key` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("cannot read {0}: {1}")]
    Read(String, rustls::pki_types::pem::Error),
    #[error("{0} is not a PEM certificate chain: {1}")]
    NotAChain(String, rustls::pki_types::pem::Error),
    #[error("{0} holds no certificate")]
    Empty(String),
    #[error("{0} is not a PEM private key: {1}")]
    NotAKey(String, rustls::pki_types::pem::Error),
    #[error("unsupported private key: {0}")]
    Unsupported(rustls::Error),
}

/// Loads `--client-cert` / `--client-key` (PEM).
pub fn load_identity(cert: &std::path::Path, key: &std::path::Path) -> Result<Identity, IdentityError> {
    use rustls::pki_types::PrivateKeyDer;
    use rustls::pki_types::pem::PemObject;
    let shown = cert.display().to_string();
    // Read bounded, and never from a FIFO or device (the PEM readers would read it to its end).
    let read = |p: &std::path::Path| crate::source::read_regular_file(p, crate::source::MAX_SIDE_FILE);
    let bytes = read(cert).map_err(|e| IdentityError::Read(shown.clone(), rustls::pki_types::pem::Error::Io(e)))?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| IdentityError::NotAChain(shown.clone(), e))?;
    if chain.is_empty() {
        return Err(IdentityError::Empty(shown));
    }
    let shown_key = key.display().to_string();
    let bytes =
        read(key).map_err(|e| IdentityError::NotAKey(shown_key.clone(), rustls::pki_types::pem::Error::Io(e)))?;
    let key = PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| IdentityError::NotAKey(shown_key, e))?;
    let signing = rustls::crypto::ring::sign::any_supported_type(&key).map_err(IdentityError::Unsupported)?;
    Ok(Identity { certified: Arc::new(rustls::sign::CertifiedKey::new(chain, signing)) })
}

/// A client configuration that records what it sees.
pub fn client_config(
    offer: Offer,
    identity: Option<&Identity>,
    record: Arc<Recorder>,
) -> Result<Arc<rustls::ClientConfig>, rustls::Error> {
    let provider = Arc::new(provider(offer));
    let versions: &[&rustls::SupportedProtocolVersion] = match offer {
        Offer::Tls12Only => &[&rustls::version::TLS12],
        _ => rustls::ALL_VERSIONS,
    };
    let roots = Arc::new(rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() });
    let inner = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
        .build()
        .map_err(|e| rustls::Error::General(e.to_string()))?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Verifier { inner, record: record.clone() }))
        .with_client_cert_resolver(Arc::new(ClientCert { key: identity.map(|i| i.certified.clone()), record }));
    Ok(Arc::new(config))
}

/// The chain check in words: trusted by the Mozilla roots, valid for the host name, and what
/// is wrong when either is not.
pub fn describe_verdict(
    v: &Option<Result<(), rustls::Error>>,
    name_valid: Option<bool>,
) -> (bool, bool, Option<String>) {
    let name_valid = name_valid.unwrap_or(false);
    let name_problem = "the certificate is not valid for the host name";
    match v {
        Some(Ok(())) => (true, true, None),
        Some(Err(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ))) => (true, false, Some(name_problem.into())),
        Some(Err(e)) if name_valid => (false, true, Some(e.to_string())),
        Some(Err(e)) => (false, false, Some(format!("{e}; {name_problem}"))),
        None => (false, false, Some("no certificate was checked".into())),
    }
}
