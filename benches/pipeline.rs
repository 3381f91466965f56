//! The stages of `check` on generated exports, in-process (divan): the XML reader, posture,
//! the rules, and each reporter. `cargo bench`; whole-process figures against xmllint are
//! scripts/bench.sh's. The inputs are made here, so the suite runs anywhere.

use seglint::knowledge::Knowledge;
use seglint::report::{ArrayReport, CheckReport, Document, Format, Rendering, render};

fn main() {
    divan::main();
}

/// An export of `servers` servers, each with a Low inbound floor (a finding each) and three
/// per-server Advanced Settings.
fn export(servers: usize) -> String {
    let mut x = String::from(
        "<SegConfiguration productVersion=\"10.1.0.1203\" arrayName=\"Bench\"><SenderProperties><OutboundSecurity tlsEnabled=\"true\" minimumCipherStrength=\"Medium\"/></SenderProperties><Servers>\n",
    );
    for i in 0..servers {
        x.push_str(&format!(
            "<Server name=\"S{i}\"><InboundSecurity tlsEnabled=\"true\" minimumCipherStrength=\"Low\"/></Server>\n"
        ));
    }
    x.push_str("</Servers><AdvancedSettings>\n");
    for i in 0..servers {
        for p in 0..3 {
            x.push_str(&format!(
                "<Setting name=\"Servers.S{i}.SSLMethodTLSv1_{p}\" type=\"Integer\" value=\"{}\"/>\n",
                p % 2
            ));
        }
    }
    x.push_str("</AdvancedSettings></SegConfiguration>\n");
    x
}

const SIZES: &[usize] = &[10, 1000, 10_000];

fn load(text: &str) -> seglint::model::Array {
    let opts = seglint::input::LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 30 };
    seglint::input::load_text("bench.xml", text, &opts).expect("the generated export loads")
}

#[divan::bench]
fn rules_data() -> Knowledge {
    Knowledge::embedded().expect("the built-in rules load")
}

#[divan::bench(args = SIZES)]
fn read_export(bencher: divan::Bencher, servers: usize) {
    let text = export(servers);
    bencher.counter(divan::counter::BytesCount::of_str(&text)).bench(|| load(divan::black_box(&text)));
}

#[divan::bench(args = SIZES)]
fn posture_and_rules(bencher: divan::Bencher, servers: usize) {
    let k = Knowledge::embedded().unwrap();
    let array = load(&export(servers));
    let now = time::macros::datetime!(2026-11-28 0:00 UTC);
    bencher.bench(|| {
        let posture = seglint::posture::resolve(&k, &array, &array.version);
        seglint::lint::run(&seglint::lint::Ctx { k: &k, array: &array, posture: &posture, now }).len()
    });
}

#[divan::bench(args = [Format::Human, Format::Json, Format::Sarif, Format::Junit, Format::Markdown, Format::Html])]
fn report(bencher: divan::Bencher, format: Format) {
    let k = Knowledge::embedded().unwrap();
    let array = load(&export(1000));
    let now = time::macros::datetime!(2026-11-28 0:00 UTC);
    let posture = seglint::posture::resolve(&k, &array, &array.version);
    let findings = seglint::lint::run(&seglint::lint::Ctx { k: &k, array: &array, posture: &posture, now });
    let resolved = Some(Box::new(posture.resolved()));
    let report = CheckReport {
        arrays: vec![ArrayReport {
            source: "bench.xml".into(),
            array: Some(array),
            error: None,
            findings,
            posture: resolved,
        }],
        baseline: None,
    };
    let doc = Document::Check { report: &report, judged: |_| true, fails: &|_| true };
    let style = Rendering::plain(100);
    bencher.bench_local(|| render(&doc, format, &k, &style).expect("check writes it").len());
}
