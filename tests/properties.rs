//! The fuzz targets' properties (fuzz/README.md) as property tests on the stable toolchain:
//! proptest draws inputs from each format's own tokens mixed with any characters, and shrinks a
//! failing one to a small case. Every span a reader gives lies inside its text on character
//! boundaries; a version written parses back; an SMTP reply is read within its bounds; the
//! highest protocol a hello proves is one it offers; and the settings file `migrate` emits,
//! read back as seglint reads `.reg` and `.settings` files, holds exactly what the plan lists.

use proptest::prelude::*;
use seglint::input::{decode, reg, settings, xml};
use seglint::knowledge::Knowledge;
use std::sync::OnceLock;

fn knowledge() -> &'static Knowledge {
    static K: OnceLock<Knowledge> = OnceLock::new();
    K.get_or_init(|| Knowledge::embedded().expect("the built-in rules load"))
}

/// Text made of `tokens` and of any characters, up to `len` pieces.
fn text_of(tokens: &'static [&'static str], len: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(tokens).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        1 => proptest::sample::select(&["\r\n", "\n", "é", "€", "\u{feff}", "\0", "\\"][..]).prop_map(str::to_string),
    ];
    proptest::collection::vec(piece, 0..len).prop_map(|p| p.concat())
}

fn inside(text: &str, offset: usize, len: usize) -> bool {
    offset + len <= text.len() && text.is_char_boundary(offset) && text.is_char_boundary(offset + len)
}

const XML: &[&str] = &[
    "<?xml version=\"1.0\"?>",
    "<SegConfiguration productVersion=\"10.1.0\" arrayName=\"A\">",
    "</SegConfiguration>",
    "<Servers>",
    "</Servers>",
    "<Server name=\"S1\">",
    "</Server>",
    "<InboundSecurity tlsEnabled=\"true\" minimumCipherStrength=\"Low\">",
    "</InboundSecurity>",
    "<OutboundSecurity tlsEnabled=\"false\"/>",
    "<Certificate subject=\"CN=a\" notAfter=\"2027-01-01\"/>",
    "<AdvancedSettings>",
    "</AdvancedSettings>",
    "<Setting name=\"Receiver.SSLMethodTLSv1_0\" type=\"Integer\" value=\"1\"/>",
    "<Registry>",
    "<Key path=\"HKLM\\SOFTWARE\\Marshal\\MailMarshal\\Default\\Sender\">",
    "<Value name=\"SSLMethodSSLv3\" type=\"REG_DWORD\">1</Value>",
    "</Key>",
    "</Registry>",
    "<!-- seglint-allow SEG102 -->",
    "<![CDATA[x]]>",
    "&amp;",
    "&#233;",
    "\"",
    "=",
    "<",
    ">",
    "/>",
];

const REG: &[&str] = &[
    "Windows Registry Editor Version 5.00",
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave\\Secure Email Gateway\\Default\\Receiver]",
    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave\\Secure Email Gateway\\Servers]",
    "\"SSLMethodSSLv3\"=",
    "\"TLSCipherList\"=",
    "dword:00000001",
    "hex:01,02",
    "hex(7):41,00,00,00",
    "=-",
    "@=",
    "\\\r\n  ",
    "; seglint-allow SEG102",
    "\"",
    ",",
];

const SETTINGS: &[&str] = &[
    "Receiver.SSLMethodTLSv1_0",
    "Sender.SSLMethodSSLv3",
    "Servers.MAIL01.SSLMethodTLSv1_1",
    " = ",
    "0",
    "1",
    "true",
    "\"ALL:!aNULL\"",
    "# seglint-allow SEG103",
    "#",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn xml_spans_lie_inside_the_text(text in text_of(XML, 40)) {
        if let Ok(x) = xml::parse(&text, 0, "p.xml", std::path::Path::new("/nonexistent")) {
            for s in &x.settings {
                for span in [s.loc.span, s.name_loc.span, s.value_loc.span] {
                    prop_assert!(inside(&text, span.offset, span.len), "{span:?}");
                }
            }
        }
    }

    #[test]
    fn reg_spans_lie_inside_the_text(text in text_of(REG, 40)) {
        match reg::parse(&text) {
            Ok(f) => {
                for v in f.keys.iter().flat_map(|k| &k.values) {
                    for s in [v.span, v.name_span, v.data_span] {
                        prop_assert!(inside(&text, s.offset, s.len), "{s:?}");
                    }
                }
            }
            Err(e) => prop_assert!(inside(&text, e.span.offset(), e.span.len()), "{:?}", e.span),
        }
    }

    #[test]
    fn any_bytes_decode_or_say_where_they_do_not(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(text) = decode::decode(&bytes) {
            let _ = reg::parse(&text);
        }
    }

    #[test]
    fn settings_error_spans_lie_inside_the_text(text in text_of(SETTINGS, 30)) {
        if let Err(e) = settings::parse(&text) {
            prop_assert!(inside(&text, e.span.offset(), e.span.len()), "{:?}", e.span);
        }
    }

    #[test]
    fn a_version_written_parses_back(parts in proptest::collection::vec(0u64..100_000, 1..5), text in text_of(&["8", ".", "10", ",", "v", "-", "+"], 8)) {
        let written = parts.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
        for input in [written, text] {
            if let Ok(v) = seglint::version::parse(&input) {
                prop_assert_eq!(seglint::version::parse(&v.to_string()).expect("a written version parses"), v);
            }
        }
    }

    #[test]
    fn smtp_replies_are_read_within_their_bounds(text in text_of(&["220 ", "220-", "250-", "250 ", "STARTTLS", "\r\n"], 60)) {
        use seglint::probe::smtp::{Conversation, MAX_LINE, MAX_LINES, Stage};
        let mut c = Conversation::new(Peer(text.as_bytes()), "within 1s".into());
        while let Ok(reply) = c.reply(Stage::Banner) {
            prop_assert!(reply.lines.len() <= MAX_LINES && reply.lines.iter().all(|l| l.len() <= MAX_LINE));
        }
    }

    #[test]
    fn the_highest_protocol_a_hello_proves_is_offered(body in proptest::collection::vec(any::<u8>(), 0..200), version in 0u16..0x0305) {
        let mut record = vec![0x16, 0x03, 0x01];
        record.extend((body.len() as u16 + 4).to_be_bytes());
        record.extend([0x01, 0x00]);
        record.extend((body.len() as u16).to_be_bytes());
        record.extend(version.to_be_bytes());
        record.extend(&body);
        if let Ok(h) = seglint::listen::hello::parse(&record) {
            let offered = h.offered_protocols();
            prop_assert!(h.highest().is_none_or(|top| offered.contains(&top)));
        }
    }

    #[test]
    fn received_fields_are_read_without_panic(text in text_of(&["Received: from a ", "by b ", "with ESMTPS ", "(version=TLS1_2 cipher=AES256-SHA)", "; ", "\n\t"], 30)) {
        if let Ok(messages) = seglint::headers::read("p.eml", text.as_bytes()) {
            let _ = seglint::headers::newest_version(&messages);
        }
        let _ = seglint::headers::received::read(&seglint::headers::received::unfold(&text));
        let _ = seglint::cipher_string::read(&text);
    }
}

/// An export built from parts: a version, outbound TLS and floor, servers (their names drawn
/// from any characters), and protocol switches, per array or per server.
fn export() -> impl Strategy<Value = String> {
    let version = proptest::sample::select(&["7.2.3", "7.3.5", "8.2.1", "10.0.0", "10.1.0", "10.2.0", "11.0.0"][..]);
    let name = text_of(&["MAIL01", "SEG-", "é", " ", "#", "=", "\"", "<", "&", "."], 6);
    let switch = (
        proptest::sample::select(&["Receiver", "Sender"][..]),
        proptest::sample::select(&["SSLv3", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"][..]),
        0u8..2,
        any::<bool>(),
    );
    (
        version,
        any::<bool>(),
        proptest::sample::select(&["Low", "Medium", "High", "Insecure Compatibility"][..]),
        proptest::collection::vec(name, 1..4),
        proptest::collection::vec(switch, 0..6),
    )
        .prop_map(|(version, tls, floor, names, switches)| {
            let esc = |s: &str| s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
            // Each name is unique and starts with a letter; the rest is drawn from anything.
            let names: Vec<String> = names.iter().enumerate().map(|(i, n)| format!("S{i}{n}")).collect();
            let servers: String = names
                .iter()
                .map(|n| format!("<Server name=\"{}\" role=\"Processing\"><InboundSecurity tlsEnabled=\"true\"/></Server>", esc(n)))
                .collect();
            let settings: String = switches
                .iter()
                .map(|(side, p, on, per_server)| {
                    let scope = if *per_server { format!("Servers.{}.", esc(&names[0])) } else { format!("{side}.") };
                    format!("<Setting name=\"{scope}SSLMethod{p}\" type=\"Integer\" value=\"{on}\"/>")
                })
                .collect();
            format!(
                "<SegConfiguration productVersion=\"{version}\" arrayName=\"P\"><SenderProperties><OutboundSecurity tlsEnabled=\"{tls}\" minimumCipherStrength=\"{floor}\"/></SenderProperties><Servers>{servers}</Servers><AdvancedSettings>{settings}</AdvancedSettings></SegConfiguration>"
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_file_migrate_emits_holds_what_the_plan_lists(text in export(), to in proptest::sample::select(&["7.3.5", "8.2.1", "10.0.0", "10.1.0", "11.0.0"][..]), keep in any::<bool>()) {
        use seglint::migrate::{Goal, Request};
        let opts = seglint::input::LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
        let array = seglint::input::load_text("p.xml", &text, &opts).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let to = semver::Version::parse(to).unwrap();
        let goal = if keep { Goal::Keep } else { Goal::Recommended };
        let plan = seglint::migrate::plan(knowledge(), &array, &Request { from: &array.version, to: &to, goal });
        let mut listed = plan.emitted.lines.clone();
        listed.sort();
        prop_assert_eq!(plan.emitted.read_back(), Ok(listed), "{}", plan.emitted.text);
    }

    #[test]
    fn every_location_of_a_check_lies_inside_its_file(text in export()) {
        let opts = seglint::input::LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
        let array = seglint::input::load_text("p.xml", &text, &opts).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let k = knowledge();
        let now = time::macros::datetime!(2026-11-28 0:00 UTC);
        let posture = seglint::posture::resolve(k, &array, &array.version);
        let findings = seglint::lint::run(&seglint::lint::Ctx { k, array: &array, posture: &posture, now });
        for loc in findings.iter().filter_map(|f| f.location) {
            let file = &array.files[loc.file].text;
            prop_assert!(inside(file, loc.span.offset, loc.span.len), "{loc:?}");
        }
    }
}

/// A peer that sends `0` and takes whatever is written.
struct Peer<'a>(&'a [u8]);

impl std::io::Read for Peer<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(buf.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

impl std::io::Write for Peer<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
