//! One `Received:` field read as an SEG hop (spec 8.4), or as another hop: the by-host, the
//! from-host and its IP (`Not Verified[…]`, IPv6 too), the product (`MailMarshal` 6.x–7.2.x,
//! `Trustwave SEG` 7.3–8.x, `Trustwave MailMarshal` 10.x), the version `(v8,2,6,11305)`, the TLS
//! part `(using TLS: TLSv1.2, AES256-GCM-SHA384)` or `(using TLS: SSLv23)`, the `id <B…>` and the
//! date. mail-parser finds the fields; the SEG forms inside one are read here, since no
//! general Received parser keeps them.

use crate::cipher_string::WeakClass;
use crate::vocab::Protocol;
use serde::Serialize;

/// The products SEG has stamped, longest first so `Trustwave MailMarshal` wins over `MailMarshal`.
const PRODUCTS: [&str; 3] = ["Trustwave MailMarshal", "Trustwave SEG", "MailMarshal"];

/// The TLS a hop used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HopTls {
    /// Null for `SSLv23` (7.2.x and below: TLS used, version not written) or a name seglint
    /// does not know.
    pub protocol: Option<Protocol>,
    /// As written: `TLSv1.2`, `TLSv1`, `SSLv23`.
    pub protocol_text: String,
    /// OpenSSL's name, as SEG writes it.
    pub cipher: Option<String>,
    pub bits: Option<u16>,
    #[serde(serialize_with = "crate::suites::class_names")]
    pub weak: Vec<WeakClass>,
}

/// What one `Received:` field says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fields {
    pub by: Option<String>,
    pub from: Option<String>,
    pub from_ip: Option<String>,
    /// Null on an SEG hop whose product part is missing or a site's own text.
    pub product: Option<String>,
    /// `8.2.6`, without the build.
    pub version: Option<String>,
    pub build: Option<String>,
    pub tls: Option<HopTls>,
    /// An SEG hop without a TLS part.
    pub plaintext: bool,
    pub id: Option<String>,
    pub date: Option<String>,
}

/// Why a field that is an SEG hop cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HopError {
    #[error("the version `(v{0})` is out of shape: SEG writes major,minor,patch,build, e.g. (v8,2,6,11305)")]
    Version(String),
    #[error("the field ends inside `{0}`: a folded line is cut off")]
    Truncated(char),
    #[error("the field ends before its `; date`: a folded line is cut off")]
    NoDate,
}

/// Collapses folding and runs of white space: `(v10, 2, 5,\r\n 6043)` → `(v10, 2, 5, 6043)`.
pub fn unfold(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text after `word ` at a word boundary, up to the next space or `(`.
fn token_after<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    let at = if lower.starts_with(word) { 0 } else { lower.find(&format!(" {word}")).map(|i| i + 1)? };
    let rest = text[at + word.len()..].trim_start();
    let end = rest.find([' ', '(', ';']).unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// The text between `open` (any case) and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: char) -> Option<&'a str> {
    // ASCII lower-casing keeps every byte offset.
    let start = text.to_ascii_lowercase().find(&open.to_ascii_lowercase())? + open.len();
    let end = start + text[start..].find(close)?;
    Some(text[start..end].trim())
}

/// Without the white space a fold put inside a token (`TLSv1.␠0`, `2001:db8:␠25::1`).
fn joined(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The inside of the version comment: `(` then `v` then a digit, spaces allowed between, so
/// `(vps1.example …)` is not taken for one.
fn version_comment(text: &str) -> Option<&str> {
    text.match_indices('(').find_map(|(i, _)| {
        let rest = text[i + 1..].trim_start();
        let after_v = rest.strip_prefix(['v', 'V'])?.trim_start();
        after_v.starts_with(|c: char| c.is_ascii_digit()).then(|| {
            let start = text.len() - after_v.len();
            let end = text[start..].find(')').map_or(text.len(), |e| start + e);
            &text[start..end]
        })
    })
}

/// Whether `text` closes every `(`, `[` and `<` it opens; the first one left open.
fn unclosed(text: &str) -> Option<char> {
    let mut stack = Vec::new();
    for c in text.chars() {
        match c {
            '(' | '[' | '<' => stack.push(c),
            ')' | ']' | '>' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.first().copied()
}

/// The version part: `(v8,2,6,11305)` → (`8.2.6`, `11305`); `None` without one.
fn version(text: &str) -> Result<Option<(String, Option<String>)>, HopError> {
    let Some(inner) = version_comment(text) else { return Ok(None) };
    let compact: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
    let parts: Vec<&str> = compact.split([',', '.']).collect();
    let numeric = parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !numeric || !(3..=4).contains(&parts.len()) {
        return Err(HopError::Version(inner.to_string()));
    }
    Ok(Some((parts[..3].join("."), parts.get(3).map(|b| b.to_string()))))
}

/// `(using TLS: TLSv1.2, AES256-GCM-SHA384)` → protocol and cipher, with the cipher's facts.
fn tls(text: &str) -> Option<HopTls> {
    let inner = joined(between(text, "(using TLS:", ')')?);
    let (protocol_text, cipher) = match inner.split_once(',') {
        Some((p, c)) => (p, Some(c.to_string()).filter(|c| !c.is_empty())),
        None => (inner.as_str(), None),
    };
    let protocol = match protocol_text.to_ascii_lowercase().as_str() {
        "sslv2" => Some(Protocol::Ssl2),
        "sslv3" => Some(Protocol::Ssl3),
        "tlsv1" | "tlsv1.0" => Some(Protocol::Tls10),
        "tlsv1.1" => Some(Protocol::Tls11),
        "tlsv1.2" => Some(Protocol::Tls12),
        "tlsv1.3" => Some(Protocol::Tls13),
        _ => None,
    };
    // OpenSSL names are upper case but for the TLSv1.3 ones; a lower-cased paste still matches.
    let cipher = cipher.map(|c| c.to_ascii_uppercase());
    let facts = cipher.as_deref().and_then(crate::suites::by_openssl_name);
    // A name no registry entry has still brings in the classes its words name (SEG203's reading).
    let weak = match (&facts, &cipher) {
        (Some(s), _) => s.weak.clone(),
        (None, Some(c)) => crate::cipher_string::read(c).weak.iter().map(|h| h.class).collect(),
        (None, None) => vec![],
    };
    Some(HopTls { protocol, protocol_text: protocol_text.to_string(), cipher, bits: facts.and_then(|s| s.bits), weak })
}

/// Reads one unfolded field; `Ok(None)` when it is not an SEG hop.
pub fn read(text: &str) -> Result<Option<Fields>, HopError> {
    let (body, date) = match text.rsplit_once(';') {
        Some((b, d)) => (b, Some(d.trim().to_string()).filter(|d| !d.is_empty())),
        None => (text, None),
    };
    let with = token_with(body);
    let product = with
        .and_then(|w| PRODUCTS.iter().find(|p| w.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))))
        .map(|p| p.to_string());
    let id = between(body, " id <", '>').map(joined);
    let verified_ip = between(body, "Verified[", ']').map(joined);
    let seg_forms = verified_ip.is_some() && id.as_deref().is_some_and(|i| i.starts_with('B'));
    if product.is_none() && !seg_forms {
        return Ok(None);
    }
    if let Some(open) = unclosed(text) {
        return Err(HopError::Truncated(open));
    }
    // Every SEG hop ends in `; date`: without one, the paste stopped inside the field.
    if date.is_none() {
        return Err(HopError::NoDate);
    }
    let (version, build) = match &product {
        Some(_) => version(body)?.map_or((None, None), |(v, b)| (Some(v), b)),
        None => (None, None),
    };
    let tls = tls(body);
    let from_ip = verified_ip.or_else(|| between(body, "[", ']').map(joined));
    Ok(Some(Fields {
        by: token_after(body, "by ").map(String::from),
        from: token_after(body, "from ").map(String::from),
        from_ip: from_ip.map(|ip| {
            if ip.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("ipv6:")) { ip[5..].to_string() } else { ip }
        }),
        product,
        version,
        build,
        plaintext: tls.is_none(),
        tls,
        id,
        date,
    }))
}

/// The product part after ` with `.
fn token_with(body: &str) -> Option<&str> {
    let at = body.to_ascii_lowercase().find(" with ")? + " with ".len();
    Some(body[at..].trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_example_is_read_field_by_field() {
        let f = read(&unfold(
            "from mail.partner.example (Not Verified[192.0.2.7]) by mx1.contoso.example\r\n with Trustwave SEG (v8,2,6,11305) (using TLS: TLSv1.2, AES256-GCM-SHA384)\r\n id <B66ed67a00000>; Fri, 20 Sep 2024 14:16:32 +0200",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(f.from.as_deref(), Some("mail.partner.example"));
        assert_eq!(f.from_ip.as_deref(), Some("192.0.2.7"));
        assert_eq!(f.by.as_deref(), Some("mx1.contoso.example"));
        assert_eq!(f.product.as_deref(), Some("Trustwave SEG"));
        assert_eq!((f.version.as_deref(), f.build.as_deref()), (Some("8.2.6"), Some("11305")));
        let tls = f.tls.unwrap();
        assert_eq!(
            (tls.protocol, tls.cipher.as_deref(), tls.bits),
            (Some(Protocol::Tls12), Some("AES256-GCM-SHA384"), Some(256))
        );
        assert_eq!(f.id.as_deref(), Some("B66ed67a00000"));
        assert_eq!(f.date.as_deref(), Some("Fri, 20 Sep 2024 14:16:32 +0200"));
    }

    #[test]
    fn every_product_and_tls_form() {
        let hop = |t: &str| read(&unfold(t)).unwrap().unwrap();
        let old = hop(
            "from a.example (Not Verified[192.0.2.1]) by mm.example with MailMarshal (v6,2,2,3503) (using TLS: SSLv23) id <B0001>; Mon, 1 Jan 2018 10:00:00 +0000",
        );
        assert_eq!((old.product.as_deref(), old.version.as_deref()), (Some("MailMarshal"), Some("6.2.2")));
        let t = old.tls.unwrap();
        assert_eq!((t.protocol, t.protocol_text.as_str(), t.cipher), (None, "SSLv23", None));
        let ten = hop(
            "from a.example (Not Verified[2001:db8::7]) by seg01.contoso.com with Trustwave MailMarshal (v10, 2, 5,\r\n 6043) id <B0002>; Tue, 2 Jan 2024 10:00:00 +0000",
        );
        assert_eq!(
            (ten.product.as_deref(), ten.version.as_deref(), ten.build.as_deref()),
            (Some("Trustwave MailMarshal"), Some("10.2.5"), Some("6043"))
        );
        assert!(ten.plaintext && ten.tls.is_none());
        assert_eq!(ten.from_ip.as_deref(), Some("2001:db8::7"));
        let rc4 = hop(
            "from a (Not Verified[192.0.2.9]) by mx with Trustwave SEG (v7,3,5,1000) (using TLS: TLSv1, RC4-SHA) id <B3>; Wed, 3 Jan 2018 10:00:00 +0000",
        );
        let t = rc4.tls.unwrap();
        assert_eq!((t.protocol, t.weak), (Some(Protocol::Tls10), vec![WeakClass::Rc4]));
    }

    #[test]
    fn a_site_text_in_place_of_the_product_is_an_unknown_seg_hop() {
        let f = read("from a (Not Verified[192.0.2.5]) by mx.example with Example Mail Filter ESMTP (using TLS: TLSv1.2, ECDHE-RSA-AES128-GCM-SHA256) id <B77>; Thu, 4 Jan 2024 10:00:00 +0000").unwrap().unwrap();
        assert_eq!((f.product, f.version), (None, None));
        assert_eq!(f.tls.unwrap().bits, Some(128));
    }

    #[test]
    fn other_hops_are_not_seg_hops_and_bad_ones_are_errors() {
        assert_eq!(
            read(
                "from mail-wr1.google.com (mail-wr1.google.com [209.85.221.41]) by mx.example (Postfix) with ESMTPS id 4XyZ; Fri, 20 Sep 2024 14:16:30 +0200"
            ),
            Ok(None)
        );
        assert_eq!(
            read(
                "from a (Not Verified[192.0.2.1]) by mx with Trustwave SEG (v8,x,6) id <B1>; Fri, 20 Sep 2024 14:16:30 +0200"
            ),
            Err(HopError::Version("8,x,6".into()))
        );
        assert_eq!(
            read("from a (Not Verified[192.0.2.1]) by mx with Trustwave SEG (v10, 2, 5,"),
            Err(HopError::Truncated('('))
        );
        assert_eq!(
            read("from a (Not Verified[192.0.2.1]) by mx with Trustwave SEG (v8,2,6,11305)"),
            Err(HopError::NoDate)
        );
    }

    #[test]
    fn folds_inside_tokens_and_other_cases_are_read() {
        let hop = |t: &str| read(&unfold(t)).unwrap().unwrap();
        let f = hop(
            "from vps1.example (vps1.example [192.0.2.7]) by seg01 with trustwave seg ( v8,2,6,11305) (using tls: tlsv1.\r\n 0, ecdhe-rsa-aes256-gcm-\r\n sha384) id <B66ed\r\n 67a>; Fri, 20 Sep 2024 14:16:32 +0200",
        );
        assert_eq!((f.product.as_deref(), f.version.as_deref()), (Some("Trustwave SEG"), Some("8.2.6")));
        let t = f.tls.unwrap();
        assert_eq!(
            (t.protocol, t.cipher.as_deref(), t.bits),
            (Some(Protocol::Tls10), Some("ECDHE-RSA-AES256-GCM-SHA384"), Some(256))
        );
        assert_eq!(f.id.as_deref(), Some("B66ed67a"));
        let v6 = hop(
            "from a (Not Verified[ipv6:2001:db8:\r\n 25::1]) by mx with MailMarshal (v7,2,3,1) (using TLS: SSLv2, DES-CBC-MD5) id <B1>; Mon, 1 Jan 2018 10:00:00 +0000",
        );
        assert_eq!(v6.from_ip.as_deref(), Some("2001:db8:25::1"));
        assert_eq!(v6.tls.unwrap().protocol, Some(Protocol::Ssl2));
    }
}
