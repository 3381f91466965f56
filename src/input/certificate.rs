//! The fields seglint reads from an X.509 certificate (DER): subject, issuer, validity, EKU,
//! self-signed, SHA-1 thumbprint. Shared by `Certificate/@file` and by what a live server
//! serves (`verify`) or presents as a client (`listen`), and how an exported certificate and a
//! seen one differ; it judges nothing.

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

/// How the export's certificate and the served one differ: the thumbprint when the export has
/// one, else subject, issuer or end of validity.
pub fn difference(c: &crate::model::Certificate, served: &CertFields) -> Option<String> {
    let norm = |t: &str| t.chars().filter(char::is_ascii_hexdigit).collect::<String>().to_ascii_uppercase();
    // `CN = x, O = y` (OpenSSL's print) and `CN=x, O=y` (Windows') are one name.
    let dn = |n: &str| {
        n.split(',')
            .map(|rdn| rdn.split('=').map(str::trim).collect::<Vec<_>>().join("="))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(t) = &c.thumbprint {
        return (norm(t) != served.sha1)
            .then(|| format!("the export's thumbprint is {t}, the server's {}", served.sha1));
    }
    if let Some(s) = c.subject.as_ref().filter(|s| dn(s) != dn(&served.subject)) {
        return Some(format!("the export's subject is {s}, the server's {}", served.subject));
    }
    if let Some(i) = c.issuer.as_ref().filter(|i| dn(i) != dn(&served.issuer)) {
        return Some(format!("the export's issuer is {i}, the server's {}", served.issuer));
    }
    let ends = c.not_after.as_ref().map(|na| na.value.date());
    ends.filter(|d| *d != served.not_after.date())
        .map(|d| format!("the export's certificate ends on {d}, the server's on {}", served.not_after.date()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served() -> CertFields {
        let day = ::time::macros::datetime!(2027-06-01 0:00 UTC);
        CertFields {
            subject: "CN=mail01.test, O=Contoso".into(),
            issuer: "CN=Contoso CA".into(),
            not_before: day,
            not_after: day,
            eku: None,
            self_signed: false,
            sha1: "AB12CD".into(),
        }
    }

    #[test]
    fn certificates_differ_by_thumbprint_first_then_by_name_and_end() {
        let export = |subject: &str, thumbprint: Option<&str>| crate::model::Certificate {
            loc: None,
            subject: Some(subject.into()),
            issuer: None,
            self_signed: None,
            not_before: None,
            not_after: None,
            eku: None,
            thumbprint: thumbprint.map(Into::into),
            file: None,
        };
        assert_eq!(difference(&export("CN = mail01.test, O = Contoso", None), &served()), None, "OpenSSL's spacing");
        assert!(difference(&export("CN=mail02.test", None), &served()).is_some());
        assert_eq!(difference(&export("CN=other", Some("ab:12:cd")), &served()), None, "the thumbprint decides");
        assert!(difference(&export("CN=mail01.test, O=Contoso", Some("FFFF")), &served()).is_some());
    }
}
