//! Reading an OpenSSL 1.0.x cipher string (the `TLSCipherList` value) into the weak classes that
//! end up in the final cipher set, each with the term that let it in (SEG203). It owns the term
//! syntax and the keyword table; it must not build findings or pick severities, and it never
//! fails: a term it cannot place is listed in `unknown_terms`, never rejected.
//!
//! The model follows SEG203's documented classes (`seglint rules SEG203`): membership is tracked
//! per class, not per suite. Where those are silent, these rules follow OpenSSL 1.0.x, and where
//! the class model has to approximate, they lean towards reporting a class rather than hiding one:
//!
//! - Terms are split on `:`, `;`, `,` and space, as OpenSSL 1.0.x's `ITEM_SEP` does. Keywords and
//!   suite names are case-sensitive (`aDH` is not `ADH`).
//! - A term whose parts include one OpenSSL does not know does nothing (OpenSSL skips it too);
//!   each unknown part is listed.
//! - aNULL is tracked as two halves, ADH and AECDH, because each keyword names only half of the
//!   anonymous suites: `ALL:!ADH` still lets the AECDH suites in. `!aNULL` removes both.
//! - A suite name adds or removes only that suite: `ALL:!RC4-MD5` still holds RC4 and MD5
//!   (RC4-SHA, EXP-RC4-MD5, … remain), while `RC4-SHA:-RC4-SHA` holds nothing.
//! - Combined terms (`A+B`, the suites in both) follow `combined` (adding) and `covered`
//!   (removing).
//! - Known selectors that name no weak class (key exchange, authentication, cipher, MAC,
//!   protocol: `kEDH`, `aRSA`, `AESGCM`, `SHA1`, `TLSv1.2`, …) bring in nothing.

use crate::source::Span;
use std::fmt;

/// A class of suites SEG203 reports when it is in the final set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WeakClass {
    Null,
    Export,
    Low,
    Des,
    Rc4,
    Md5,
    ANull,
}

impl WeakClass {
    pub const ALL: [WeakClass; 7] = [
        WeakClass::Null,
        WeakClass::Export,
        WeakClass::Low,
        WeakClass::Des,
        WeakClass::Rc4,
        WeakClass::Md5,
        WeakClass::ANull,
    ];

    /// The OpenSSL keyword for the class, as messages show it.
    pub fn name(self) -> &'static str {
        match self {
            WeakClass::Null => "NULL",
            WeakClass::Export => "EXPORT",
            WeakClass::Low => "LOW",
            WeakClass::Des => "DES",
            WeakClass::Rc4 => "RC4",
            WeakClass::Md5 => "MD5",
            WeakClass::ANull => "aNULL",
        }
    }

    /// What the class means, in words a mail administrator can act on.
    pub fn describe(self) -> &'static str {
        match self {
            WeakClass::Null => "no encryption at all",
            WeakClass::Export => "40/56-bit export-grade suites",
            WeakClass::Low => "low-strength 56/64-bit suites",
            WeakClass::Des => "single DES, a 56-bit key that can be brute-forced",
            WeakClass::Rc4 => "the broken RC4 stream cipher (prohibited by RFC 7465)",
            WeakClass::Md5 => "suites that protect records with MD5",
            WeakClass::ANull => "anonymous suites with no server authentication",
        }
    }

    fn bits(self) -> Bits {
        match self {
            WeakClass::Null => Bits::NULL,
            WeakClass::Export => Bits::EXPORT,
            WeakClass::Low => Bits::LOW,
            WeakClass::Des => Bits::DES,
            WeakClass::Rc4 => Bits::RC4,
            WeakClass::Md5 => Bits::MD5,
            WeakClass::ANull => Bits::ANULL,
        }
    }
}

impl fmt::Display for WeakClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A weak class in the final set, with the last term that (re)added it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeakHit {
    pub class: WeakClass,
    /// The term as written, e.g. `ALL` or `RC4-SHA`.
    pub term: String,
    /// Where that term sits in the cipher string (byte offsets).
    pub span: Span,
}

/// What a cipher string lets in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CipherListReading {
    /// The weak classes in the final set, sorted by class, one per class.
    pub weak: Vec<WeakHit>,
    /// Every term as written, prefix included (`!RC4`, `@STRENGTH`).
    pub terms: Vec<(String, Span)>,
    /// Words OpenSSL 1.0.x would not know; the term holding one changes nothing.
    pub unknown_terms: Vec<(String, Span)>,
}

impl CipherListReading {
    /// The hit for `class`, if that class is in the final set.
    pub fn hit(&self, class: WeakClass) -> Option<&WeakHit> {
        self.weak.iter().find(|h| h.class == class)
    }
}

/// Members of the weak classes, one bit each; aNULL is two members (ADH, AECDH).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bits(u8);

impl Bits {
    const NONE: Bits = Bits(0);
    const NULL: Bits = Bits(1);
    const EXPORT: Bits = Bits(1 << 1);
    const LOW: Bits = Bits(1 << 2);
    const DES: Bits = Bits(1 << 3);
    const RC4: Bits = Bits(1 << 4);
    const MD5: Bits = Bits(1 << 5);
    const ADH: Bits = Bits(1 << 6);
    const AECDH: Bits = Bits(1 << 7);
    const ANULL: Bits = Bits::ADH.or(Bits::AECDH);
    const EVERY: Bits = Bits(u8::MAX);
    const ALL_BUT_NULL: Bits = Bits(!Bits::NULL.0);

    const fn or(self, other: Bits) -> Bits {
        Bits(self.0 | other.0)
    }

    fn and(self, other: Bits) -> Bits {
        Bits(self.0 & other.0)
    }

    fn contains(self, other: Bits) -> bool {
        self.0 & other.0 == other.0
    }

    /// Member indexes (0..8) of the set bits.
    fn members(self) -> impl Iterator<Item = usize> {
        (0..8).filter(move |i| self.0 & (1 << i) != 0)
    }
}

/// What one word of a term stands for.
#[derive(Debug, Clone, Copy)]
enum Meaning {
    /// Every suite the keyword selects is in these classes (`RC4`, `EXPORT`, `aNULL`, `LOW`).
    Trait(Bits),
    /// The keyword selects a mix; these are the weak classes SEG203 says it brings in
    /// (`ALL`, `DEFAULT`, `MEDIUM`, and `HIGH` with none).
    Mix(Bits),
    /// One suite, with the classes its name shows.
    Suite(Bits),
    /// A selector that names no weak class.
    Selector,
}

use Meaning::{Mix, Selector, Suite, Trait};

/// OpenSSL 1.0.1/1.0.2 cipher-string keywords. Weak ones as SEG203 maps them; `EXPORT40`,
/// `EXPORT56` and `COMPLEMENTOFDEFAULT` (ADH and AECDH in 1.0.x) are the same classes by
/// OpenSSL's definition.
const KEYWORDS: &[(&str, Meaning)] = &[
    ("ALL", Mix(Bits::ALL_BUT_NULL)),
    ("DEFAULT", Mix(Bits::RC4.or(Bits::MD5))),
    ("MEDIUM", Mix(Bits::RC4.or(Bits::MD5))),
    ("HIGH", Mix(Bits::NONE)),
    ("COMPLEMENTOFALL", Trait(Bits::NULL)),
    ("eNULL", Trait(Bits::NULL)),
    ("NULL", Trait(Bits::NULL)),
    ("LOW", Trait(Bits::LOW.or(Bits::DES))),
    ("EXPORT", Trait(Bits::EXPORT)),
    ("EXP", Trait(Bits::EXPORT)),
    ("EXPORT40", Trait(Bits::EXPORT)),
    ("EXPORT56", Trait(Bits::EXPORT)),
    ("aNULL", Trait(Bits::ANULL)),
    ("COMPLEMENTOFDEFAULT", Trait(Bits::ANULL)),
    ("ADH", Trait(Bits::ADH)),
    ("AECDH", Trait(Bits::AECDH)),
    ("RC4", Trait(Bits::RC4)),
    ("DES", Trait(Bits::DES)),
    ("MD5", Trait(Bits::MD5)),
];

/// OpenSSL 1.0.1/1.0.2 keywords that name no weak class, by what they select.
const SELECTORS: &str = "\
    kRSA kDHr kDHd kDH kEDH kDHE kKRB5 kECDHr kECDHe kECDH kEECDH kECDHE kPSK kGOST kSRP \
    aRSA aDSS aDH aECDH aKRB5 aECDSA aPSK aGOST94 aGOST01 aGOST aSRP \
    RSA DSS DH EDH DHE ECDH EECDH ECDHE ECDSA KRB5 PSK SRP \
    3DES RC2 IDEA SEED AES AES128 AES256 AESGCM CAMELLIA CAMELLIA128 CAMELLIA256 GOST89 \
    SHA1 SHA SHA256 SHA384 GOST94 GOST89MAC \
    SSLv2 SSLv3 TLSv1 TLSv1.1 TLSv1.2 FIPS SUITEB128 SUITEB128ONLY SUITEB128C2 SUITEB192";

/// The words OpenSSL 1.0.x suite names are built from (`ECDHE-RSA-AES128-GCM-SHA256`).
const SUITE_WORDS: &str = "\
    EXP EXP1024 ADH AECDH NULL RC4 MD5 DES CBC CBC3 EDE 3DES SHA SHA256 SHA384 \
    RSA DSS ECDSA DH EDH DHE ECDH ECDHE PSK SRP KRB5 \
    AES AES128 AES256 128 256 GCM CAMELLIA128 CAMELLIA256 SEED IDEA RC2 GOST94 GOST89 GOST2001";

fn listed(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

fn meaning(word: &str) -> Option<Meaning> {
    if let Some((_, m)) = KEYWORDS.iter().find(|(k, _)| *k == word) {
        return Some(*m);
    }
    if listed(SELECTORS, word) {
        return Some(Selector);
    }
    suite_classes(word).map(Suite)
}

/// The classes a suite name shows, or `None` when the word is not shaped like a suite name.
/// `DES-CBC3-…` is triple DES and not weak; single DES is `DES` without `CBC3`.
fn suite_classes(name: &str) -> Option<Bits> {
    let words: Vec<&str> = name.split('-').collect();
    if words.len() < 2 || !words.iter().all(|w| listed(SUITE_WORDS, w)) {
        return None;
    }
    let has = |w: &str| words.contains(&w);
    let mut bits = Bits::NONE;
    for (word, class) in [
        ("EXP", Bits::EXPORT),
        ("EXP1024", Bits::EXPORT),
        ("ADH", Bits::ADH),
        ("AECDH", Bits::AECDH),
        ("NULL", Bits::NULL),
        ("RC4", Bits::RC4),
        ("MD5", Bits::MD5),
    ] {
        if has(word) {
            bits = bits.or(class);
        }
    }
    if has("DES") && !has("CBC3") {
        bits = bits.or(Bits::DES);
    }
    Some(bits)
}

/// The classes an adding term brings in. One word: its classes (a selector: none). `A+B` selects
/// the suites in both, so: selectors restrict nothing; trait parts add up (`RC4+MD5` is RC4-MD5,
/// in both classes); a mix or suite part only passes the classes it holds, so the traits must all
/// fall inside it or the term brings nothing (`HIGH+RC4`); with no trait, the mixes intersect.
fn combined(parts: &[Meaning]) -> Bits {
    let (mut traits, mut mix, mut any) = (Bits::NONE, Bits::EVERY, false);
    for part in parts {
        match *part {
            Trait(b) => (traits, any) = (traits.or(b), true),
            Mix(b) | Suite(b) => (mix, any) = (mix.and(b), true),
            Selector => {}
        }
    }
    match (any, traits == Bits::NONE) {
        (false, _) => Bits::NONE,
        (true, true) => mix,
        (true, false) if mix.contains(traits) => traits,
        (true, false) => Bits::NONE,
    }
}

/// The classes a removing term takes out whole: those every part covers entirely. A selector or
/// a suite name covers no class, so `!RSA+RC4` (only the RSA-key-exchange RC4 suites) and
/// `!RC4-MD5` take out no class.
fn covered(parts: &[Meaning]) -> Bits {
    parts.iter().fold(Bits::EVERY, |acc, part| match *part {
        Trait(b) | Mix(b) => acc.and(b),
        Suite(_) | Selector => Bits::NONE,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Remove,
    Ban,
    Move,
}

/// Where one member stands after the terms read so far. Hits are indexes into `terms`.
#[derive(Debug, Default)]
struct Member {
    banned: bool,
    /// Added as a whole by a keyword.
    whole: Option<usize>,
    /// Added one suite at a time, by name.
    suites: Vec<(String, usize)>,
}

/// The members `bits` selects.
fn pick(members: &mut [Member; 8], bits: Bits) -> impl Iterator<Item = &mut Member> {
    members.iter_mut().enumerate().filter(move |(i, _)| bits.0 & (1 << i) != 0).map(|(_, m)| m)
}

fn is_separator(c: char) -> bool {
    matches!(c, ':' | ';' | ',' | ' ')
}

/// Split `list` into terms with their byte spans.
fn split_terms(list: &str) -> Vec<(&str, Span)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in list.char_indices().chain([(list.len(), ':')]) {
        match (is_separator(c), start) {
            (true, Some(s)) => {
                out.push((&list[s..i], Span::between(s, i)));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

fn is_known_command(cmd: &str) -> bool {
    cmd == "@STRENGTH"
        || cmd.strip_prefix("@SECLEVEL=").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The membership state while a string is read: per class, and the suites banned by name.
#[derive(Default)]
struct Members {
    classes: [Member; 8],
    banned_suites: Vec<String>,
}

impl Members {
    /// Applies one term (`index` into the reading's terms) whose words all mean something.
    fn apply(&mut self, op: Op, body: &str, parts: &[Meaning], index: usize) {
        // A plain suite name is tracked by name, so removing it leaves the rest of its classes.
        let suite = match parts {
            [Suite(bits)] => Some((body, *bits)),
            _ => None,
        };
        match (op, suite) {
            (Op::Move, _) => {}
            (Op::Add, Some((name, bits))) => {
                if self.banned_suites.iter().any(|b| b == name) {
                    return;
                }
                for m in pick(&mut self.classes, bits) {
                    if !m.banned {
                        m.suites.retain(|(n, _)| n != name);
                        m.suites.push((name.to_owned(), index));
                    }
                }
            }
            (Op::Add, None) => {
                for m in pick(&mut self.classes, combined(parts)) {
                    if !m.banned {
                        m.whole = Some(index);
                    }
                }
            }
            (Op::Remove | Op::Ban, Some((name, bits))) => {
                for m in pick(&mut self.classes, bits) {
                    m.suites.retain(|(n, _)| n != name);
                }
                if op == Op::Ban {
                    self.banned_suites.push(name.to_owned());
                }
            }
            (Op::Remove | Op::Ban, None) => {
                for m in pick(&mut self.classes, covered(parts)) {
                    m.whole = None;
                    m.suites.clear();
                    m.banned |= op == Op::Ban;
                }
            }
        }
    }

    /// For each weak class still in, the last term that let it in.
    fn weak(&self, terms: &[(String, Span)]) -> Vec<WeakHit> {
        WeakClass::ALL
            .into_iter()
            .filter_map(|class| {
                let last = class
                    .bits()
                    .members()
                    .flat_map(|i| {
                        let m = &self.classes[i];
                        m.whole.into_iter().chain(m.suites.iter().map(|(_, at)| *at))
                    })
                    .max()?;
                let (term, span) = terms.get(last)?;
                Some(WeakHit { class, term: term.clone(), span: *span })
            })
            .collect()
    }
}

/// Read a cipher string. Never fails; see the module documentation for the rules.
pub fn read(list: &str) -> CipherListReading {
    let mut reading = CipherListReading::default();
    let mut members = Members::default();
    for (index, (text, span)) in split_terms(list).into_iter().enumerate() {
        reading.terms.push((text.to_owned(), span));
        let (op, body) = [('!', Op::Ban), ('-', Op::Remove), ('+', Op::Move)]
            .into_iter()
            .find_map(|(c, op)| text.strip_prefix(c).map(|rest| (op, rest)))
            .unwrap_or((Op::Add, text));
        if body.starts_with('@') {
            if op != Op::Add || !is_known_command(body) {
                reading.unknown_terms.push((text.to_owned(), span));
            }
            continue;
        }
        if body.is_empty() || body.split('+').any(str::is_empty) {
            reading.unknown_terms.push((text.to_owned(), span));
            continue;
        }
        let mut parts = Vec::new();
        let mut at = span.end() - body.len();
        for word in body.split('+') {
            match meaning(word) {
                Some(m) => parts.push(m),
                None => reading.unknown_terms.push((word.to_owned(), Span::new(at, word.len()))),
            }
            at += word.len() + 1;
        }
        if parts.len() == body.split('+').count() {
            members.apply(op, body, &parts, index);
        }
    }
    reading.weak = members.weak(&reading.terms);
    reading
}

#[cfg(test)]
mod tests {
    use super::*;
    use WeakClass::*;

    /// The weak classes of `list`, each with the term that let it in.
    fn weak(list: &str) -> Vec<(WeakClass, String)> {
        read(list).weak.into_iter().map(|h| (h.class, h.term)).collect()
    }

    fn classes(list: &str) -> Vec<WeakClass> {
        read(list).weak.into_iter().map(|h| h.class).collect()
    }

    fn via(term: &str, cs: &[WeakClass]) -> Vec<(WeakClass, String)> {
        cs.iter().map(|c| (*c, term.to_owned())).collect()
    }

    #[test]
    fn each_keyword_brings_in_the_classes_the_spec_gives_it() {
        let table: &[(&str, &[WeakClass])] = &[
            ("ALL", &[Export, Low, Des, Rc4, Md5, ANull]),
            ("DEFAULT", &[Rc4, Md5]),
            ("COMPLEMENTOFALL", &[Null]),
            ("eNULL", &[Null]),
            ("NULL", &[Null]),
            ("HIGH", &[]),
            ("MEDIUM", &[Rc4, Md5]),
            ("LOW", &[Low, Des]),
            ("EXPORT", &[Export]),
            ("EXP", &[Export]),
            ("EXPORT40", &[Export]),
            ("EXPORT56", &[Export]),
            ("aNULL", &[ANull]),
            ("ADH", &[ANull]),
            ("AECDH", &[ANull]),
            ("COMPLEMENTOFDEFAULT", &[ANull]),
            ("RC4", &[Rc4]),
            ("DES", &[Des]),
            ("MD5", &[Md5]),
            ("AESGCM", &[]),
            ("kEDH", &[]),
            ("aDH", &[]),
            ("3DES", &[]),
            ("TLSv1.2", &[]),
        ];
        for (keyword, want) in table {
            assert_eq!(weak(keyword), via(keyword, want), "{keyword}");
            assert!(read(keyword).unknown_terms.is_empty(), "{keyword}");
        }
    }

    #[test]
    fn suite_names_bring_in_the_classes_in_their_names() {
        let table: &[(&str, &[WeakClass])] = &[
            ("RC4-SHA", &[Rc4]),
            ("RC4-MD5", &[Rc4, Md5]),
            ("EXP-RC4-MD5", &[Export, Rc4, Md5]),
            ("EXP-DES-CBC-SHA", &[Export, Des]),
            ("EXP1024-RC4-SHA", &[Export, Rc4]),
            ("DES-CBC-SHA", &[Des]),
            ("EDH-RSA-DES-CBC-SHA", &[Des]),
            ("DES-CBC3-SHA", &[]),
            ("EDH-RSA-DES-CBC3-SHA", &[]),
            ("ADH-AES256-SHA", &[ANull]),
            ("ADH-RC4-MD5", &[Rc4, Md5, ANull]),
            ("AECDH-NULL-SHA", &[Null, ANull]),
            ("NULL-SHA", &[Null]),
            ("NULL-MD5", &[Null, Md5]),
            ("ECDHE-RSA-NULL-SHA", &[Null]),
            ("ECDHE-RSA-AES128-GCM-SHA256", &[]),
        ];
        for (suite, want) in table {
            assert_eq!(weak(suite), via(suite, want), "{suite}");
            assert!(read(suite).unknown_terms.is_empty(), "{suite}");
        }
    }

    #[test]
    fn q20741_exchange_2003_string_still_lets_in_low_and_des() {
        // ALL brings LOW and DES; none of the removals names them.
        let list = "ALL:!aDH:!ADH:!aNULL:!RC4:!IDEA:!MD5:!EXPORT:@STRENGTH";
        assert_eq!(weak(list), via("ALL", &[Low, Des]));
        assert!(read(list).unknown_terms.is_empty());
    }

    #[test]
    fn q20741_sendmail_string_still_lets_in_low_and_des() {
        let list = "ALL:!DH:!aNULL:!RC4:!IDEA:!MD5:!EXPORT:@STRENGTH";
        assert_eq!(weak(list), via("ALL", &[Low, Des]));
        assert!(read(list).unknown_terms.is_empty());
    }

    #[test]
    fn default_lets_in_rc4_and_md5() {
        assert_eq!(weak("DEFAULT"), via("DEFAULT", &[Rc4, Md5]));
    }

    #[test]
    fn high_without_anonymous_or_md5_is_clean() {
        assert_eq!(weak("HIGH:!aNULL:!MD5"), vec![]);
    }

    #[test]
    fn medium_lets_in_rc4_and_md5() {
        assert_eq!(weak("HIGH:MEDIUM:!aNULL"), via("MEDIUM", &[Rc4, Md5]));
    }

    #[test]
    fn bang_removes_every_class_the_term_stands_for() {
        assert_eq!(classes("ALL:!LOW"), vec![Export, Rc4, Md5, ANull]);
        assert_eq!(classes("ALL:!DES"), vec![Export, Low, Rc4, Md5, ANull]);
        assert_eq!(classes("ALL:!EXP"), vec![Low, Des, Rc4, Md5, ANull]);
        assert_eq!(classes("ALL:!MEDIUM"), vec![Export, Low, Des, ANull]);
        assert_eq!(classes("eNULL:!NULL"), vec![]);
        assert_eq!(classes("NULL:!eNULL"), vec![]);
        assert_eq!(classes("ALL:!ALL"), vec![]);
    }

    #[test]
    fn bang_removes_for_good_but_minus_lets_a_later_term_add_back() {
        assert_eq!(weak("ALL:!RC4:RC4"), via("ALL", &[Export, Low, Des, Md5, ANull]));
        assert_eq!(classes("ALL:!RC4:RC4-SHA"), vec![Export, Low, Des, Md5, ANull]);
        let back = weak("ALL:-RC4:RC4");
        assert!(back.contains(&(Rc4, "RC4".to_owned())), "{back:?}");
        assert_eq!(classes("RC4:-RC4"), vec![]);
    }

    #[test]
    fn the_hit_names_the_last_term_that_added_the_class() {
        let hits = weak("ALL:-RC4:RC4-SHA");
        assert!(hits.contains(&(Rc4, "RC4-SHA".to_owned())), "{hits:?}");
        assert!(hits.contains(&(Md5, "ALL".to_owned())), "{hits:?}");
        assert_eq!(weak("RC4-SHA:MEDIUM"), via("MEDIUM", &[Rc4, Md5]));
    }

    #[test]
    fn removing_half_of_anonymous_keeps_the_other_half() {
        // ADH and AECDH each name only half of the anonymous suites.
        assert_eq!(weak("ALL:!ADH:!LOW:!EXP:!MEDIUM"), via("ALL", &[ANull]));
        assert_eq!(weak("ALL:!AECDH:!LOW:!EXP:!MEDIUM"), via("ALL", &[ANull]));
        assert_eq!(weak("ALL:!ADH:!AECDH:!LOW:!EXP:!MEDIUM"), vec![]);
        assert_eq!(weak("aNULL:-aNULL"), vec![]);
    }

    #[test]
    fn removing_a_suite_removes_that_suite_only() {
        assert_eq!(classes("ALL:!RC4-MD5"), vec![Export, Low, Des, Rc4, Md5, ANull]);
        assert_eq!(classes("RC4-SHA:RC4-MD5:-RC4-MD5"), vec![Rc4]);
        assert_eq!(classes("RC4-SHA:-RC4-SHA"), vec![]);
        assert_eq!(classes("!RC4-SHA:RC4-SHA"), vec![]);
        assert_eq!(classes("-RC4-SHA:RC4-SHA"), vec![Rc4]);
        assert_eq!(weak("!RC4-SHA:RC4"), via("RC4", &[Rc4]));
        assert_eq!(classes("RC4-SHA:!RC4"), vec![]);
    }

    #[test]
    fn plus_prefix_and_at_commands_change_no_membership() {
        assert_eq!(classes("HIGH:+RC4"), vec![]);
        assert_eq!(classes("RC4:+RC4"), vec![Rc4]);
        assert_eq!(weak("HIGH:@STRENGTH"), vec![]);
        let r = read("ALL:!aNULL:@SECLEVEL=0");
        assert_eq!(r.weak.len(), 5);
        assert!(r.unknown_terms.is_empty());
        assert_eq!(r.terms.last().map(|t| t.0.as_str()), Some("@SECLEVEL=0"));
    }

    #[test]
    fn combined_terms_bring_in_what_the_suites_in_both_parts_share() {
        assert_eq!(weak("RSA+RC4"), via("RSA+RC4", &[Rc4]));
        assert_eq!(weak("kEDH+AESGCM"), vec![]);
        assert_eq!(weak("HIGH+RC4"), vec![]);
        assert_eq!(weak("RC4+MD5"), via("RC4+MD5", &[Rc4, Md5]));
        assert_eq!(weak("EXP+RC4"), via("EXP+RC4", &[Export, Rc4]));
        assert_eq!(weak("ALL+RC4"), via("ALL+RC4", &[Rc4]));
        assert_eq!(weak("MEDIUM+LOW"), vec![]);
        assert_eq!(weak("ALL+MEDIUM"), via("ALL+MEDIUM", &[Rc4, Md5]));
        // Removing a combination takes out only classes it covers whole.
        assert_eq!(classes("RC4:!RSA+RC4"), vec![Rc4]);
        assert_eq!(classes("RC4:!ALL+RC4"), vec![]);
    }

    #[test]
    fn unknown_words_are_listed_and_their_term_does_nothing() {
        let r = read("HIGH:rc4:RC4+FOO:CHACHA20:!WHAT");
        assert!(r.weak.is_empty());
        let unknown: Vec<(&str, Span)> = r.unknown_terms.iter().map(|(t, s)| (t.as_str(), *s)).collect();
        assert_eq!(
            unknown,
            vec![
                ("rc4", Span::new(5, 3)),
                ("FOO", Span::new(13, 3)),
                ("CHACHA20", Span::new(17, 8)),
                ("WHAT", Span::new(27, 4)),
            ]
        );
        let odd = read("!:RC4+:@FOO:!@STRENGTH");
        assert_eq!(odd.unknown_terms.len(), 4, "{odd:?}");
        assert!(odd.weak.is_empty());
    }

    #[test]
    fn comma_semicolon_and_space_runs_separate_terms() {
        let r = read(" HIGH, RC4-SHA ;:  !aNULL,,MD5 ");
        let terms: Vec<&str> = r.terms.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(terms, ["HIGH", "RC4-SHA", "!aNULL", "MD5"]);
        assert_eq!(weak(" HIGH, RC4-SHA ;:  !aNULL,,MD5 "), [(Rc4, "RC4-SHA".to_owned()), (Md5, "MD5".to_owned())]);
    }

    #[test]
    fn spans_point_exactly_at_the_term_bytes() {
        let list = "HIGH, é:ALL:-RC4  RC4-SHA";
        let r = read(list);
        for (text, span) in r.terms.iter().chain(&r.unknown_terms) {
            assert_eq!(&list[span.offset..span.end()], text);
        }
        let rc4 = r.hit(Rc4).map(|h| h.span);
        assert_eq!(rc4, Some(Span::new(list.find("RC4-SHA").unwrap_or(0), 7)));
        let md5 = r.hit(Md5).map(|h| &list[h.span.offset..h.span.end()]);
        assert_eq!(md5, Some("ALL"));
    }

    #[test]
    fn empty_string_has_no_terms_and_nothing_weak() {
        assert_eq!(read(""), CipherListReading::default());
        assert_eq!(read(" :,; "), CipherListReading::default());
    }

    #[test]
    fn describe_and_name_cover_every_class() {
        let names: Vec<&str> = WeakClass::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["NULL", "EXPORT", "LOW", "DES", "RC4", "MD5", "aNULL"]);
        assert!(WeakClass::ALL.iter().all(|c| !c.describe().is_empty()));
        assert_eq!(ANull.to_string(), "aNULL");
    }

    #[test]
    fn never_panics_on_random_strings() {
        const PIECES: &[&str] = &[
            "ALL",
            "!",
            "-",
            "+",
            "@",
            ":",
            ",",
            ";",
            " ",
            "RC4",
            "-SHA",
            "MD5",
            "aNULL",
            "ADH",
            "EXP",
            "DES",
            "CBC3",
            "@STRENGTH",
            "@SECLEVEL=",
            "0",
            "é",
            "€",
            "𝄞",
            "\u{0}",
            "\t",
            "HIGH",
            "=",
            ".",
            "NULL",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..5_000 {
            let len = next() % 12;
            let list: String = (0..len).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect();
            let r = read(&list);
            for (text, span) in r.terms.iter().chain(&r.unknown_terms) {
                assert_eq!(list.get(span.offset..span.end()), Some(text.as_str()), "{list:?}");
            }
            for h in &r.weak {
                assert_eq!(list.get(h.span.offset..h.span.end()), Some(h.term.as_str()));
            }
            assert!(r.weak.windows(2).all(|w| w[0].class < w[1].class), "{list:?}");
        }
    }
}
