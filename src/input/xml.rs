//! Reads the seglint XML export in one pass with quick-xml, keeping the byte span of
//! every element, attribute and value. It checks the export's own value spaces (input errors)
//! but never the values of product settings: those are findings, judged later.

use super::InputError;
use crate::model::{
    At, Certificate, Comment, Covers, FileId, Inbound, Loc, Outbound, Role, Server, Setting, SettingOrigin,
    SettingValue,
};
use crate::source::Span;
use crate::vocab::Strength;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::borrow::Cow;
use std::path::Path;
use time::OffsetDateTime;

/// What the XML export states, before other files of the array are merged in.
#[derive(Debug, Default)]
pub struct XmlExport {
    pub array_name: Option<String>,
    pub version: Option<At<String>>,
    pub outbound: Outbound,
    pub servers: Vec<Server>,
    pub settings: Vec<Setting>,
    pub unknown: Vec<At<String>>,
    pub comments: Vec<Comment>,
    /// Paths of certificate files read (for diagnostics).
    pub certificate_files: Vec<String>,
}

struct Attr<'t> {
    name: &'t str,
    name_span: Span,
    value: Cow<'t, str>,
    value_span: Span,
}

#[derive(Debug, Clone)]
enum Ctx {
    Root,
    Sender,
    Servers,
    Server(usize),
    Inbound(usize),
    Advanced,
    Registry,
    Key(String),
    Value {
        name: String,
        name_loc: Loc,
        declared: Option<String>,
        start: usize,
        content: usize,
    },
    /// A known element that has no known children, or an unknown one: its subtree is skipped.
    Leaf,
    Skip,
}

struct Parser<'t> {
    text: &'t str,
    file: FileId,
    display: &'t str,
    base_dir: &'t Path,
    out: XmlExport,
    /// The open elements, innermost last.
    stack: Vec<Ctx>,
    /// Where each open element's name starts and its length, to name one left unclosed.
    open: Vec<(usize, usize)>,
    saw_root: bool,
    /// Suppression comments waiting for the element they cover.
    pending: Vec<usize>,
    /// Suppression comments whose element is open: comment, depth, where the element starts.
    covering: Vec<(usize, usize, usize)>,
    /// Each server's name, lower-cased, and its index: a name listed twice is found in one step.
    server_names: std::collections::HashMap<String, usize>,
}

pub fn parse(text: &str, file: FileId, display: &str, base_dir: &Path) -> Result<XmlExport, InputError> {
    let mut p = Parser {
        text,
        file,
        display,
        base_dir,
        out: XmlExport::default(),
        stack: Vec::new(),
        open: Vec::new(),
        saw_root: false,
        pending: Vec::new(),
        covering: Vec::new(),
        server_names: Default::default(),
    };
    p.run()?;
    Ok(p.out)
}

const BOOL_HELP: &str = "use `true` or `false` (also `1` or `0`)";

impl<'t> Parser<'t> {
    fn loc(&self, span: Span) -> Loc {
        Loc { file: self.file, span }
    }

    fn err(&self, span: Span, message: impl Into<String>) -> InputError {
        InputError::in_file(self.display, self.text, Some(span), message)
    }

    fn run(&mut self) -> Result<(), InputError> {
        // quick-xml skips a leading byte-order mark without counting it in its positions: it
        // reads the text after any, and their length is added back (decode drops them, but
        // this function takes any text).
        let bom = self.text.len() - self.text.trim_start_matches('\u{feff}').len();
        let mut reader = Reader::from_str(&self.text[bom..]);
        reader.config_mut().check_end_names = true;
        loop {
            let start = bom + reader.buffer_position() as usize;
            let event = reader.read_event().map_err(|e| {
                let at = bom + reader.error_position() as usize;
                self.err(crate::source::char_span(self.text, at), format!("the XML is malformed: {e}")).help(
                    "the export must be well-formed XML; check that every element is closed and every attribute quoted",
                )
            })?;
            let end = bom + reader.buffer_position() as usize;
            match event {
                Event::Start(_) => self.on_open(start, end, false)?,
                Event::Empty(_) => self.on_open(start, end, true)?,
                Event::End(_) => self.on_close(start, end)?,
                Event::Comment(_) => self.on_comment(start, end),
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some(&(at, len)) = self.open.last() {
            let name = &self.text[at..at + len];
            return Err(self
                .err(Span::new(at, len), format!("<{name}> is never closed"))
                .help(format!("add </{name}> where the element ends; the file may be cut short")));
        }
        if !self.saw_root {
            return Err(InputError::in_file(self.display, self.text, None, "the file holds no XML element")
                .help("an export starts with <SegConfiguration productVersion=\"…\">"));
        }
        Ok(())
    }

    /// An element opens (or is empty): read it in its context, and give it to the
    /// suppression comments that wait for it.
    fn on_open(&mut self, start: usize, end: usize, empty: bool) -> Result<(), InputError> {
        let raw = &self.text[start..end];
        let name = element_name(raw);
        let ctx = match self.stack.last() {
            None if self.saw_root => {
                return Err(self
                    .err(Span::new(start, raw.len()), "a second root element")
                    .help("an export has one <SegConfiguration> root"));
            }
            None => {
                self.saw_root = true;
                if name != "SegConfiguration" {
                    return Err(self.err(Span::new(start + 1, name.len()), format!("the root element is <{name}>, not <SegConfiguration>")).help("seglint reads its own XML export format: <SegConfiguration productVersion=\"…\"> (see the README)"));
                }
                self.root(raw, start)?;
                Ctx::Root
            }
            Some(parent) => self.open(parent.clone(), name, raw, start, end)?,
        };
        let depth = self.stack.len();
        for i in std::mem::take(&mut self.pending) {
            self.out.comments[i].covers = match (depth, empty) {
                (0, _) => Covers::Array,
                (_, true) => Covers::Bytes(self.loc(Span::between(start, end))),
                (_, false) => {
                    self.covering.push((i, depth, start));
                    continue;
                }
            };
        }
        if !empty {
            self.stack.push(ctx);
            self.open.push((start + 1, name.len()));
        }
        Ok(())
    }

    /// An element closes: the comments covering it learn its end; a registry value is read.
    fn on_close(&mut self, start: usize, end: usize) -> Result<(), InputError> {
        self.open.pop();
        let closing = self.stack.len().saturating_sub(1);
        while let Some(&(i, _, from)) = self.covering.last().filter(|c| c.1 == closing) {
            self.out.comments[i].covers = Covers::Bytes(self.loc(Span::between(from, end)));
            self.covering.pop();
        }
        if let Some(Ctx::Value { name, name_loc, declared, start: vstart, content }) = self.stack.pop() {
            let key = match self.stack.last() {
                Some(Ctx::Key(k)) => k.clone(),
                _ => String::new(),
            };
            self.value(key, name, name_loc, declared, vstart, content, start, end)?;
        }
        Ok(())
    }

    /// Only `seglint-allow` comments are kept; each waits for the element it covers.
    fn on_comment(&mut self, start: usize, end: usize) {
        let raw = &self.text[start..end];
        let inner = raw.strip_prefix("<!--").and_then(|r| r.strip_suffix("-->")).unwrap_or(raw);
        if crate::model::is_suppression(inner) {
            let loc = self.loc(Span::new(start, raw.len()));
            self.pending.push(self.out.comments.len());
            self.out.comments.push(Comment { text: inner.trim().to_string(), loc, covers: Covers::Nothing });
        }
    }

    fn attrs(&self, raw: &'t str, start: usize) -> Result<Vec<Attr<'t>>, InputError> {
        let bytes = raw.as_bytes();
        let mut i = 1 + element_name(raw).len();
        let mut out: Vec<Attr<'t>> = Vec::new();
        // The names seen, for the "given twice" check in one pass (an element can have 100k).
        let mut seen = std::collections::HashSet::new();
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'/' || bytes[i] == b'>' {
                return Ok(out);
            }
            let name_start = i;
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && bytes[i] != b'='
                && bytes[i] != b'>'
                && bytes[i] != b'/'
            {
                i += 1;
            }
            let name = &raw[name_start..i];
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let quote = if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                bytes.get(i).copied().filter(|&q| q == b'"' || q == b'\'')
            } else {
                None
            };
            let Some(quote) = quote else {
                return Err(self
                    .err(
                        Span::new(start + name_start, name.len().max(1)),
                        format!("the attribute `{name}` has no quoted value"),
                    )
                    .help("write attributes as name=\"value\""));
            };
            let value_start = i + 1;
            let Some(len) = raw[value_start..].bytes().position(|b| b == quote) else {
                return Err(self.err(
                    Span::new(start + name_start, raw.len() - name_start),
                    format!("the value of `{name}` is not closed"),
                ));
            };
            let value_raw = &raw[value_start..value_start + len];
            let value_span = Span::new(start + value_start, len);
            let value = quick_xml::escape::unescape(value_raw).map_err(|e| {
                self.err(value_span, format!("the value of `{name}` has a bad character reference: {e}"))
                    .help("use &amp; &lt; &gt; &quot; &apos; or &#NN;")
            })?;
            if !seen.insert(name) {
                return Err(self
                    .err(Span::new(start + name_start, name.len()), format!("the attribute `{name}` is given twice")));
            }
            out.push(Attr { name, name_span: Span::new(start + name_start, name.len()), value, value_span });
            i = value_start + len + 1;
        }
    }

    fn unknown_attrs(&mut self, element: &str, attrs: &[Attr<'t>], known: &[&str]) {
        for a in attrs.iter().filter(|a| !known.contains(&a.name) && !a.name.starts_with("xmlns")) {
            let loc = self.loc(a.name_span);
            self.out.unknown.push(At { value: format!("attribute `{}` on <{element}>", a.name), loc });
        }
    }

    fn root(&mut self, raw: &'t str, start: usize) -> Result<(), InputError> {
        let attrs = self.attrs(raw, start)?;
        for a in &attrs {
            match a.name {
                "productVersion" => {
                    self.out.version = Some(At { value: a.value.to_string(), loc: self.loc(a.value_span) })
                }
                "arrayName" => self.out.array_name = Some(a.value.to_string()),
                _ => {}
            }
        }
        self.unknown_attrs("SegConfiguration", &attrs, &["productVersion", "arrayName"]);
        Ok(())
    }

    fn open(&mut self, parent: Ctx, name: &'t str, raw: &'t str, start: usize, end: usize) -> Result<Ctx, InputError> {
        if matches!(parent, Ctx::Skip) {
            return Ok(Ctx::Skip);
        }
        let attrs = self.attrs(raw, start)?;
        let ctx = match (&parent, name) {
            (Ctx::Root, "SenderProperties" | "Servers" | "AdvancedSettings" | "Registry") => {
                self.unknown_attrs(name, &attrs, &[]);
                match name {
                    "SenderProperties" => Ctx::Sender,
                    "Servers" => Ctx::Servers,
                    "AdvancedSettings" => Ctx::Advanced,
                    _ => Ctx::Registry,
                }
            }
            (Ctx::Sender, "OutboundSecurity") => {
                self.outbound(name, &attrs, Span::new(start, raw.len()))?;
                Ctx::Leaf
            }
            (Ctx::Servers, "Server") => self.server(&attrs, Span::new(start, raw.len()))?,
            (Ctx::Server(i), "InboundSecurity") => {
                let i = *i;
                self.inbound(i, &attrs, Span::new(start, raw.len()))?;
                Ctx::Inbound(i)
            }
            (Ctx::Inbound(i), "Certificate") => {
                let i = *i;
                let cert = self.certificate(&attrs, Span::new(start, raw.len()))?;
                self.out.servers[i].inbound.certificate = Some(cert);
                Ctx::Leaf
            }
            (Ctx::Advanced, "Setting") => {
                self.setting(&attrs, Span::new(start, raw.len()))?;
                Ctx::Leaf
            }
            (Ctx::Registry, "Key") => {
                self.unknown_attrs(name, &attrs, &["path"]);
                let path = attrs.iter().find(|a| a.name == "path").ok_or_else(|| {
                    self.err(Span::new(start, raw.len()), "<Key> has no `path`").help("write the full key path, e.g. path=\"HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave\\Secure Email Gateway\\Default\\Sender\"")
                })?;
                Ctx::Key(path.value.to_string())
            }
            (Ctx::Key(_), "Value") => {
                self.unknown_attrs(name, &attrs, &["name", "type"]);
                let (vname, name_loc) = match attrs.iter().find(|a| a.name == "name") {
                    Some(a) => (a.value.to_string(), self.loc(a.value_span)),
                    None => (String::new(), self.loc(Span::new(start, raw.len()))),
                };
                let declared = match attrs.iter().find(|a| a.name == "type") {
                    Some(a) if ["REG_DWORD", "REG_SZ", "REG_MULTI_SZ", "REG_QWORD"].contains(&a.value.as_ref()) => {
                        Some(a.value.to_string())
                    }
                    Some(a) => {
                        return Err(self
                            .err(a.value_span, format!("`{}` is not a registry value type", a.value))
                            .help("Value/@type is one of REG_DWORD, REG_SZ, REG_MULTI_SZ, REG_QWORD"));
                    }
                    None => None,
                };
                Ctx::Value { name: vname, name_loc, declared, start, content: end }
            }
            _ => {
                let path = format!("<{name}>");
                let loc = self.loc(Span::new(start + 1, name.len()));
                self.out.unknown.push(At { value: format!("element {path}"), loc });
                Ctx::Skip
            }
        };
        Ok(ctx)
    }

    fn bool_attr(&self, a: &Attr<'t>) -> Result<At<bool>, InputError> {
        let value = match a.value.as_ref() {
            "true" | "1" => true,
            "false" | "0" => false,
            other => {
                return Err(self
                    .err(a.value_span, format!("`{other}` is not a value of `{}`", a.name))
                    .help(BOOL_HELP));
            }
        };
        Ok(At { value, loc: self.loc(a.value_span) })
    }

    fn strength_attr(&self, a: &Attr<'t>) -> Result<At<Strength>, InputError> {
        let value = Strength::parse(&a.value).ok_or_else(|| {
            self.err(a.value_span, format!("`{}` is not a minimum cipher strength", a.value))
                .help("use High, Medium, Low or InsecureCompatibility (also `Insecure Compatibility`)")
        })?;
        Ok(At { value, loc: self.loc(a.value_span) })
    }

    fn outbound(&mut self, name: &str, attrs: &[Attr<'t>], span: Span) -> Result<(), InputError> {
        let mut o = Outbound { loc: Some(self.loc(span)), ..Outbound::default() };
        for a in attrs {
            match a.name {
                "tlsEnabled" => o.tls_enabled = Some(self.bool_attr(a)?),
                "minimumCipherStrength" => o.min_strength = Some(self.strength_attr(a)?),
                "offerClientCertificate" => o.offer_client_certificate = Some(self.bool_attr(a)?),
                _ => {}
            }
        }
        self.unknown_attrs(name, attrs, &["tlsEnabled", "minimumCipherStrength", "offerClientCertificate"]);
        self.out.outbound = o;
        Ok(())
    }

    fn server(&mut self, attrs: &[Attr<'t>], span: Span) -> Result<Ctx, InputError> {
        self.unknown_attrs("Server", attrs, &["name", "role", "address"]);
        let name = attrs.iter().find(|a| a.name == "name").ok_or_else(|| {
            self.err(span, "<Server> has no `name`").help("every server needs its name, e.g. <Server name=\"MAIL01\">")
        })?;
        if name.value.trim().is_empty() {
            return Err(self
                .err(name.value_span, "the server name is empty")
                .help("write the processing server's name, e.g. name=\"MAIL01\""));
        }
        let first = self.server_names.get(&name.value.to_ascii_lowercase()).map(|&i| &self.out.servers[i]);
        if let Some(other) = first {
            let (line, _) = line_of(self.text, other.name_loc.span.offset);
            return Err(self
                .err(name.value_span, format!("the server `{}` is listed twice (first on line {line})", name.value))
                .help("server names are unique, compared without regard to case"));
        }
        let role = match attrs.iter().find(|a| a.name == "role") {
            Some(a) => match a.value.as_ref() {
                "ArrayManager" => Some(Role::ArrayManager),
                "Processing" => Some(Role::Processing),
                other => {
                    return Err(self
                        .err(a.value_span, format!("`{other}` is not a server role"))
                        .help("role is ArrayManager or Processing"));
                }
            },
            None => None,
        };
        let address = match attrs.iter().find(|a| a.name == "address") {
            Some(a) => match crate::target::parse_target(&a.value) {
                Ok(t) => Some(At { value: t, loc: self.loc(a.value_span) }),
                Err(e) => {
                    return Err(self
                        .err(a.value_span, e.to_string())
                        .help("address is HOST or HOST:PORT ([IPv6]:PORT for an IPv6 address), where verify reaches this server"));
                }
            },
            None => None,
        };
        self.server_names.insert(name.value.to_ascii_lowercase(), self.out.servers.len());
        self.out.servers.push(Server {
            name: name.value.to_string(),
            name_loc: self.loc(name.value_span),
            role,
            address,
            inbound: Inbound::default(),
        });
        Ok(Ctx::Server(self.out.servers.len() - 1))
    }

    fn inbound(&mut self, i: usize, attrs: &[Attr<'t>], span: Span) -> Result<(), InputError> {
        self.unknown_attrs("InboundSecurity", attrs, &["tlsEnabled", "minimumCipherStrength"]);
        let mut inbound = Inbound { loc: Some(self.loc(span)), ..Inbound::default() };
        for a in attrs {
            match a.name {
                "tlsEnabled" => inbound.tls_enabled = Some(self.bool_attr(a)?),
                "minimumCipherStrength" => inbound.min_strength = Some(self.strength_attr(a)?),
                _ => {}
            }
        }
        self.out.servers[i].inbound = inbound;
        Ok(())
    }

    fn date_attr(&self, a: &Attr<'t>, end_of_day: bool) -> Result<At<OffsetDateTime>, InputError> {
        let value = parse_date(&a.value, end_of_day).ok_or_else(|| {
            self.err(a.value_span, format!("`{}` is not a date", a.value))
                .help("use an ISO date YYYY-MM-DD or an RFC 3339 date-time such as 2027-06-01T12:00:00Z")
        })?;
        Ok(At { value, loc: self.loc(a.value_span) })
    }

    fn certificate(&mut self, attrs: &[Attr<'t>], span: Span) -> Result<Certificate, InputError> {
        const KNOWN: &[&str] =
            &["subject", "issuer", "selfSigned", "notBefore", "notAfter", "enhancedKeyUsage", "thumbprint", "file"];
        self.unknown_attrs("Certificate", attrs, KNOWN);
        let mut c = Certificate { loc: Some(self.loc(span)), ..Certificate::default() };
        for a in attrs {
            match a.name {
                "subject" => c.subject = Some(a.value.to_string()),
                "issuer" => c.issuer = Some(a.value.to_string()),
                "selfSigned" => c.self_signed = Some(self.bool_attr(a)?),
                "notBefore" => c.not_before = Some(self.date_attr(a, false)?),
                "notAfter" => c.not_after = Some(self.date_attr(a, true)?),
                "enhancedKeyUsage" => {
                    let list = a.value.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect();
                    c.eku = Some(At { value: list, loc: self.loc(a.value_span) });
                }
                "thumbprint" => c.thumbprint = Some(a.value.to_string()),
                _ => {}
            }
        }
        if let Some(a) = attrs.iter().find(|a| a.name == "file") {
            self.certificate_file(&mut c, a)?;
        }
        Ok(c)
    }

    fn certificate_file(&mut self, c: &mut Certificate, a: &Attr<'t>) -> Result<(), InputError> {
        let path = self.base_dir.join(a.value.as_ref());
        let bytes = crate::source::read_regular_file(&path, crate::source::MAX_SIDE_FILE).map_err(|e| {
            self.err(a.value_span, format!("cannot read the certificate file {}: {e}", path.display()))
                .help("`file` is relative to the export's directory and names a PEM or DER certificate")
        })?;
        // Regression: the parser's own words ("Parsing Error: NomError(Eof)") told a user nothing.
        let shown = path.display().to_string();
        let resolved = if shown == a.value.as_ref() { String::new() } else { format!(" ({shown})") };
        let bad = |what: String| {
            self.err(
                a.value_span,
                format!("the certificate file {}{resolved} is not a PEM or DER X.509 certificate: {what}", a.value),
            )
            .help("Certificate/@file names a PEM file (text with -----BEGIN CERTIFICATE-----) or a DER file (binary X.509, as exported from Windows as .cer); export the server's certificate again, or remove the attribute")
        };
        let der = if let Some(start) = bytes.windows(10).position(|w| w == b"-----BEGIN") {
            let (_, pem) = x509_parser::pem::parse_x509_pem(&bytes[start..]).map_err(|e| bad(pem_problem(&e)))?;
            if pem.label != "CERTIFICATE" {
                return Err(bad(format!(
                    "its PEM block is `-----BEGIN {}-----`, expected `-----BEGIN CERTIFICATE-----`",
                    pem.label
                )));
            }
            pem.contents
        } else {
            bytes
        };
        let cert = super::certificate::fields(&der).map_err(|e| bad(der_problem(&der, &e)))?;
        let loc = self.loc(a.value_span);
        c.subject = Some(cert.subject);
        c.issuer = Some(cert.issuer);
        c.self_signed = Some(At { value: cert.self_signed, loc });
        c.not_before = Some(At { value: cert.not_before, loc });
        c.not_after = Some(At { value: cert.not_after, loc });
        c.eku = cert.eku.map(|value| At { value, loc });
        c.thumbprint = Some(cert.sha1);
        c.file = Some(a.value.to_string());
        self.out.certificate_files.push(path.display().to_string());
        Ok(())
    }

    fn setting(&mut self, attrs: &[Attr<'t>], span: Span) -> Result<(), InputError> {
        self.unknown_attrs("Setting", attrs, &["name", "type", "value"]);
        let name = attrs.iter().find(|a| a.name == "name").ok_or_else(|| {
            self.err(span, "<Setting> has no `name`")
                .help("write the Advanced Settings name, e.g. name=\"Receiver.SSLMethodTLSv1_0\"")
        })?;
        let (text, value_span) = match attrs.iter().find(|a| a.name == "value") {
            Some(a) => (a.value.to_string(), a.value_span),
            None => (String::new(), span),
        };
        let value = match attrs.iter().find(|a| a.name == "type") {
            Some(a) if a.value == "Integer" => match text.trim().parse::<i64>() {
                Ok(n) => SettingValue::Integer(n),
                Err(_) => SettingValue::Invalid { declared: "Integer".into(), text },
            },
            Some(a) if a.value == "String" => SettingValue::Str(text),
            Some(a) if a.value == "Boolean" => match crate::model::parse_bool(&text) {
                Some(b) => SettingValue::Boolean(b),
                None => SettingValue::Invalid { declared: "Boolean".into(), text },
            },
            Some(a) => {
                return Err(self
                    .err(a.value_span, format!("`{}` is not a setting type", a.value))
                    .help("Setting/@type is Integer, String or Boolean"));
            }
            // No type: read as a .settings line is.
            None => match text.trim().parse::<i64>() {
                Ok(n) => SettingValue::Integer(n),
                Err(_) if text.trim().eq_ignore_ascii_case("true") => SettingValue::Boolean(true),
                Err(_) if text.trim().eq_ignore_ascii_case("false") => SettingValue::Boolean(false),
                Err(_) => SettingValue::Str(text),
            },
        };
        self.out.settings.push(Setting {
            origin: SettingOrigin::Advanced,
            name: name.value.to_string(),
            value,
            loc: self.loc(span),
            name_loc: self.loc(name.value_span),
            value_loc: self.loc(value_span),
        });
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn value(
        &mut self,
        key: String,
        name: String,
        name_loc: Loc,
        declared: Option<String>,
        start: usize,
        content: usize,
        end_tag: usize,
        end: usize,
    ) -> Result<(), InputError> {
        let raw = &self.text[content..end_tag];
        let text = element_text(raw).map_err(|e| {
            self.err(Span::between(content, end_tag), format!("the value text has a bad character reference: {e}"))
        })?;
        let number = || parse_number(text.trim());
        let value = match declared.as_deref() {
            Some("REG_DWORD") => match number().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => SettingValue::Dword(n),
                None => SettingValue::Invalid { declared: "REG_DWORD".into(), text },
            },
            Some("REG_QWORD") => match number() {
                Some(n) => SettingValue::Qword(n),
                None => SettingValue::Invalid { declared: "REG_QWORD".into(), text },
            },
            Some("REG_MULTI_SZ") => SettingValue::MultiStr(text.lines().map(str::to_string).collect()),
            Some(_) => SettingValue::Str(text),
            // No type: a whole number is read as a DWORD, anything else as a string.
            None => match number().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => SettingValue::Dword(n),
                None => SettingValue::Str(text),
            },
        };
        self.out.settings.push(Setting {
            origin: SettingOrigin::Registry { key },
            name,
            value,
            loc: self.loc(Span::between(start, end)),
            name_loc,
            value_loc: self.loc(Span::between(content, end_tag)),
        });
        Ok(())
    }
}

/// Why a PEM file could not be read, in words.
fn pem_problem(e: &x509_parser::nom::Err<x509_parser::error::PEMError>) -> String {
    use x509_parser::error::PEMError;
    use x509_parser::nom::Err;
    let (Err::Error(e) | Err::Failure(e)) = e else {
        return "its PEM block is cut off (no `-----END CERTIFICATE-----` line)".into();
    };
    match e {
        PEMError::Base64DecodeError => "the base64 text inside its PEM block does not decode".into(),
        PEMError::IncompletePEM => "its PEM block is cut off (no `-----END CERTIFICATE-----` line)".into(),
        PEMError::MissingHeader => "it has no `-----BEGIN CERTIFICATE-----` line".into(),
        PEMError::InvalidHeader => "its `-----BEGIN …-----` line is malformed".into(),
        PEMError::IOError(e) => format!("it cannot be read: {e}"),
    }
}

/// Why DER bytes are not a certificate, in words: empty, not DER at all, cut off, or malformed.
fn der_problem(der: &[u8], e: &x509_parser::nom::Err<x509_parser::error::X509Error>) -> String {
    use x509_parser::nom::Err;
    if der.is_empty() {
        return "the file is empty".into();
    }
    if der[0] != 0x30 {
        let start: String =
            der.iter().take(16).map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' }).collect();
        return format!(
            "it is neither PEM text nor DER (a DER certificate starts with the byte 0x30; this file starts with `{start}`)"
        );
    }
    match e {
        Err::Incomplete(_) => {
            format!("the DER data ends early: {} bytes, cut off before the certificate ends", der.len())
        }
        Err::Error(x) | Err::Failure(x) => {
            let text = x.to_string();
            if text.contains("Eof") || text.contains("Incomplete") {
                format!("the DER data ends early: {} bytes, cut off before the certificate ends", der.len())
            } else {
                // The parser's own words (tags, BER errors) tell an administrator nothing.
                "it is DER data but not an X.509 certificate (a private key or another kind of file?)".to_string()
            }
        }
    }
}

fn element_name(raw: &str) -> &str {
    let rest = raw.strip_prefix('<').unwrap_or(raw);
    let end = rest.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(rest.len());
    &rest[..end]
}

/// The text of an element's content: character data unescaped, CDATA kept as is.
fn element_text(raw: &str) -> Result<String, quick_xml::escape::EscapeError> {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(i) = rest.find("<![CDATA[") {
        out.push_str(&quick_xml::escape::unescape(&rest[..i])?);
        let after = &rest[i + 9..];
        let j = after.find("]]>").unwrap_or(after.len());
        out.push_str(&after[..j]);
        rest = after.get(j + 3..).unwrap_or("");
    }
    out.push_str(&quick_xml::escape::unescape(rest)?);
    Ok(out)
}

fn parse_number(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

fn line_of(text: &str, offset: usize) -> (usize, usize) {
    crate::source::line_col(text, offset)
}

/// `YYYY-MM-DD` (start or end of that day, UTC) or an RFC 3339 date-time.
pub fn parse_date(s: &str, end_of_day: bool) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let s = s.trim();
    if let Ok(dt) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(dt);
    }
    let date = time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    let t = if end_of_day { time::Time::from_hms(23, 59, 59).ok()? } else { time::Time::MIDNIGHT };
    Some(date.with_time(t).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<SegConfiguration productVersion="8.2.1.5620" arrayName="Contoso &amp; Co" extra="x">
  <!-- seglint-allow SEG102: test -->
  <SenderProperties>
    <OutboundSecurity tlsEnabled="true" minimumCipherStrength="Insecure Compatibility" offerClientCertificate="0"/>
  </SenderProperties>
  <Servers>
    <Server name="MAIL01" role="ArrayManager">
      <InboundSecurity tlsEnabled="1" minimumCipherStrength="High">
        <Certificate subject="CN=mail01" issuer="CN=CA" selfSigned="false" notBefore="2025-06-01" notAfter="2027-06-01" enhancedKeyUsage="serverAuth, clientAuth"/>
      </InboundSecurity>
      <Mystery/>
    </Server>
  </Servers>
  <AdvancedSettings>
    <Setting name="Servers.MAIL01.SSLMethodTLSv1_0" type="Integer" value="0"/>
    <Setting name="Sender.TLSCipherList" value="ALL"/>
  </AdvancedSettings>
  <Registry>
    <Key path="HKLM\SOFTWARE\Trustwave\Secure Email Gateway\Default\Sender">
      <Value name="TLSCipherList" type="REG_SZ">ALL:!aNULL<![CDATA[:@STRENGTH]]></Value>
      <Value name="SSLMethodSSLv3" type="REG_DWORD">abc</Value>
    </Key>
  </Registry>
</SegConfiguration>"#;

    /// Regression (found by tests/properties.rs): quick-xml skips a leading byte-order mark
    /// without counting it, so every place was 3 bytes early and cutting one panicked.
    #[test]
    fn a_byte_order_mark_in_the_text_keeps_places_right() {
        let text = "\u{feff}\n<SegConfiguration productVersion=\"10.1.0\"><AdvancedSettings><Setting name=\"Sender.SSLMethodSSLv3\" type=\"Integer\" value=\"1\"/></AdvancedSettings></SegConfiguration>";
        let x = parse(text, 0, "bom.xml", Path::new("/nonexistent")).unwrap();
        assert_eq!(at(text, x.settings[0].name_loc), "Sender.SSLMethodSSLv3");
        let unclosed = parse("\u{feff}<SegConfiguration>", 0, "bom.xml", Path::new("/nonexistent")).unwrap_err();
        assert_eq!(unclosed.span.map(|s| &"\u{feff}<SegConfiguration>"[s.offset..s.end()]), Some("SegConfiguration"));
    }

    fn at(text: &str, loc: Loc) -> &str {
        &text[loc.span.offset..loc.span.end()]
    }

    #[test]
    fn reads_every_element_with_exact_spans() {
        let x = parse(SAMPLE, 0, "t.xml", Path::new(".")).unwrap();
        assert_eq!(x.array_name.as_deref(), Some("Contoso & Co"));
        let v = x.version.unwrap();
        assert_eq!(at(SAMPLE, v.loc), "8.2.1.5620");
        let o = &x.outbound;
        assert_eq!(o.min_strength.as_ref().unwrap().value, Strength::InsecureCompatibility);
        assert_eq!(at(SAMPLE, o.min_strength.as_ref().unwrap().loc), "Insecure Compatibility");
        assert!(!o.offer_client_certificate.as_ref().unwrap().value);
        let s = &x.servers[0];
        assert_eq!(at(SAMPLE, s.name_loc), "MAIL01");
        let cert = s.inbound.certificate.as_ref().unwrap();
        assert_eq!(cert.eku.as_ref().unwrap().value, ["serverAuth", "clientAuth"]);
        assert_eq!(cert.not_after.as_ref().unwrap().value.hour(), 23);
        assert_eq!(x.settings.len(), 4);
        assert_eq!(x.settings[0].value, SettingValue::Integer(0));
        assert_eq!(at(SAMPLE, x.settings[0].name_loc), "Servers.MAIL01.SSLMethodTLSv1_0");
        assert_eq!(x.settings[1].value, SettingValue::Str("ALL".into()));
        assert_eq!(x.settings[2].value, SettingValue::Str("ALL:!aNULL:@STRENGTH".into()));
        assert_eq!(x.settings[3].value, SettingValue::Invalid { declared: "REG_DWORD".into(), text: "abc".into() });
        assert_eq!(at(SAMPLE, x.settings[3].value_loc), "abc");
        let unknown: Vec<_> = x.unknown.iter().map(|u| u.value.as_str()).collect();
        assert_eq!(unknown, ["attribute `extra` on <SegConfiguration>", "element <Mystery>"]);
        assert_eq!(x.comments[0].text, "seglint-allow SEG102: test");
    }

    #[test]
    fn value_space_errors_point_at_the_attribute() {
        let cases = [
            (
                r#"<SegConfiguration><SenderProperties><OutboundSecurity tlsEnabled="yes"/></SenderProperties></SegConfiguration>"#,
                "yes",
            ),
            (
                r#"<SegConfiguration><Servers><Server name="A"><InboundSecurity minimumCipherStrength="Strong"/></Server></Servers></SegConfiguration>"#,
                "Strong",
            ),
            (r#"<SegConfiguration><Servers><Server name="A" role="Boss"/></Servers></SegConfiguration>"#, "Boss"),
            (r#"<SegConfiguration><Servers><Server name="A"/><Server name="a"/></Servers></SegConfiguration>"#, "a"),
            (
                r#"<SegConfiguration><Servers><Server name="A"><InboundSecurity><Certificate notAfter="June"/></InboundSecurity></Server></Servers></SegConfiguration>"#,
                "June",
            ),
            (
                r#"<SegConfiguration><AdvancedSettings><Setting name="x" type="Bool" value="1"/></AdvancedSettings></SegConfiguration>"#,
                "Bool",
            ),
            (
                r#"<SegConfiguration><Registry><Key path="k"><Value name="x" type="REG_BINARY">1</Value></Key></Registry></SegConfiguration>"#,
                "REG_BINARY",
            ),
        ];
        for (xml, bad) in cases {
            let e = parse(xml, 0, "t.xml", Path::new(".")).unwrap_err();
            let span = e.span.unwrap();
            assert_eq!(&xml[span.offset..span.end()], bad, "{}", e.message);
            assert!(e.help.is_some());
        }
    }

    #[test]
    fn malformed_xml_is_an_error_not_a_panic() {
        for xml in [
            "",
            "<SegConfiguration>",
            "<SegConfiguration></Other>",
            "<Other/>",
            "<SegConfiguration a=1/>",
            "<SegConfiguration a=\"1/>",
            "<SegConfiguration/><x/>",
            "<SegConfiguration><Registry><Key path=\"k\"><Value>&bogus;</Value></Key></Registry></SegConfiguration>",
        ] {
            assert!(parse(xml, 0, "t.xml", Path::new(".")).is_err(), "{xml}");
        }
    }

    #[test]
    fn never_panics_on_random_or_mutated_input() {
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"<>/=\"' SegConfigurationServerNameValueKey!-[]&;#x\xc3\xa9\n";
        for round in 0..3000 {
            let text = if round % 2 == 0 {
                let mut bytes = SAMPLE.as_bytes().to_vec();
                for _ in 0..(1 + next() % 4) {
                    let i = (next() as usize) % bytes.len();
                    bytes[i] = alphabet[(next() as usize) % alphabet.len()];
                }
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                let len = (next() % 300) as usize;
                let bytes: Vec<u8> = (0..len).map(|_| alphabet[(next() as usize) % alphabet.len()]).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            };
            let _ = parse(&text, 0, "t.xml", Path::new("."));
        }
    }
}
