//! The fields seglint reads from an X.509 certificate (DER): subject, issuer, validity, EKU,
//! self-signed, SHA-1 thumbprint. Shared by `Certificate/@file` and by what a live server
//! serves (`verify`); it judges nothing.

use ::time::OffsetDateTime;
use x509_parser::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFields {
    pub subject: String,
    pub issuer: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    /// Enhanced key usages; `None` when the certificate has no EKU extension.
    pub eku: Option<Vec<String>>,
    pub self_signed: bool,
    /// Upper-case hex, as Windows shows a thumbprint.
    pub sha1: String,
}

/// The fields of a DER certificate, or the parser's error.
pub fn fields(der: &[u8]) -> Result<CertFields, x509_parser::nom::Err<x509_parser::error::X509Error>> {
    let (_, cert) = X509Certificate::from_der(der)?;
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der);
    Ok(CertFields {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: cert.validity().not_before.to_datetime(),
        not_after: cert.validity().not_after.to_datetime(),
        eku: eku(&cert),
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
        sha1: digest.as_ref().iter().map(|b| format!("{b:02X}")).collect(),
    })
}

fn eku(cert: &X509Certificate<'_>) -> Option<Vec<String>> {
    let Ok(Some(ext)) = cert.extended_key_usage() else { return None };
    let e = ext.value;
    let named = [
        (e.server_auth, "serverAuth"),
        (e.client_auth, "clientAuth"),
        (e.code_signing, "codeSigning"),
        (e.email_protection, "emailProtection"),
        (e.time_stamping, "timeStamping"),
        (e.ocsp_signing, "OCSPSigning"),
        (e.any, "anyExtendedKeyUsage"),
    ];
    let mut list: Vec<String> = named.iter().filter(|(on, _)| *on).map(|(_, n)| n.to_string()).collect();
    list.extend(e.other.iter().map(|o| o.to_id_string()));
    Some(list)
}
