//! SEG301 – SEG307: each server's certificate, which SEG presents for inbound TLS and, as the
//! client certificate, for outbound TLS (Q19438). Dates are judged at `--now`.

use super::Ctx;
use crate::finding::{Direction, Finding};
use crate::model::Server;
use time::Duration;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let outbound_on = ctx.posture.outbound.tls_enabled.value;
    let client_fact = ctx.k.fact("client-certificate");
    if outbound_on {
        if let Some(offer) = ctx.posture.outbound.offer_client_certificate.as_ref().filter(|o| !o.value) {
            let mut f = ctx
                .finding("SEG302", "the array does not offer a client certificate when sending: peers that request one fail the TLS handshake".into())
                .place(None, Some(Direction::Outbound))
                .decided_by(offer, "offerClientCertificate is false")
                .help("turn on offering the certificate under SEG Properties → Sender → Outbound Security (TLS), unless a peer is known to reject it")
                .note(client_fact.text.clone())
                .sources(&client_fact.sources);
            f.setting = Some("offerClientCertificate".into());
            out.push(f);
        }
    }
    dane_without_tls(ctx, out);
    for server in &ctx.array.servers {
        if outbound_on {
            outbound_certificate(ctx, server, out);
        }
        dates(ctx, server, out);
        inbound_without_certificate(ctx, server, out);
    }
}

/// SEG310: DANE switched on for an array that does not send with TLS at all.
fn dane_without_tls(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let o = &ctx.posture.outbound;
    let Some(dane) = o.dane.as_ref().filter(|d| d.value) else { return };
    if o.tls_enabled.value {
        return;
    }
    let fact = ctx.k.fact("dane");
    let tls = match &o.tls_enabled.loc {
        Some(_) => "tlsEnabled=\"false\" on OutboundSecurity",
        None => "outbound TLS is off",
    };
    let mut f = ctx
        .finding("SEG310", format!("Sender.EnableDANE is True but outbound TLS is disabled for the array ({tls}): DANE validation needs outbound TLS, so it validates nothing (SEG {})", ctx.version()))
        .place(None, Some(Direction::Outbound))
        .decided_by(dane, "DANE switched on here")
        .help("enable outbound TLS under SEG Properties → Sender → Outbound Security (TLS), or, if DANE is not wanted, set Sender.EnableDANE = False in the Management Console, Advanced Settings; then commit configuration and restart the Sender service on each processing server")
        .note(fact.text.clone())
        .sources(&fact.sources);
    f.setting = Some("Sender.EnableDANE".into());
    out.push(f);
}

fn wizard(server: &str) -> String {
    format!(
        "install a certificate on {server} with the TLS Certificate Wizard (Mail Servers → {server} → Inbound Security (TLS)); outbound TLS presents that same certificate"
    )
}

fn outbound_certificate(ctx: &Ctx<'_>, server: &Server, out: &mut Vec<Finding>) {
    let name = server.name.as_str();
    let client_fact = ctx.k.fact("client-certificate");
    let Some(cert) = &server.inbound.certificate else {
        let mut f = ctx
            .finding("SEG301", format!("{name} has no certificate while outbound TLS is enabled: peers that request a client certificate fail the handshake"))
            .place(Some(name), Some(Direction::Outbound))
            .at(server.inbound.loc.or(Some(server.name_loc)), "no <Certificate> for this server")
            .help(wizard(name))
            .note(client_fact.text.clone())
            .sources(&client_fact.sources);
        f.setting = Some("Certificate".into());
        out.push(f);
        return;
    };
    if let Some(self_signed) = cert.self_signed.as_ref().filter(|s| s.value) {
        let fact = ctx.k.fact("public-ca");
        let mut f = ctx
            .finding("SEG303", format!("{name}'s certificate is self-signed: peers that request a client certificate cannot check its validity or revocation"))
            .place(Some(name), Some(Direction::Outbound))
            .at(Some(self_signed.loc), "self-signed")
            .help(format!("replace it with a certificate from a public CA: generate a CSR with the TLS Certificate Wizard on {name} and import the issued certificate"))
            .note(fact.text.clone())
            .sources(&fact.sources);
        f.setting = Some("Certificate".into());
        out.push(f);
    }
    if let Some(eku) = cert.eku.as_ref().filter(|e| {
        !e.value.is_empty()
            && !e.value.iter().any(|u| {
                u.eq_ignore_ascii_case("clientAuth")
                    || u == "1.3.6.1.5.5.7.3.2"
                    || u.eq_ignore_ascii_case("anyExtendedKeyUsage")
            })
    }) {
        let mut f = ctx
            .finding("SEG306", format!("{name}'s certificate lists enhanced key usages without clientAuth: peers that check it reject it as a client certificate"))
            .place(Some(name), Some(Direction::Outbound))
            .at(Some(eku.loc), format!("EKU: {}", eku.value.join(", ")))
            .help("request a certificate whose enhanced key usage includes both serverAuth and clientAuth (TLS Web Server and Client Authentication)")
            .sources(&client_fact.sources);
        f.setting = Some("Certificate".into());
        out.push(f);
    }
}

fn dates(ctx: &Ctx<'_>, server: &Server, out: &mut Vec<Finding>) {
    let Some(cert) = &server.inbound.certificate else { return };
    let client_fact = ctx.k.fact("client-certificate");
    let name = server.name.as_str();
    let now = ctx.now;
    let day = |t: time::OffsetDateTime| t.date().to_string();
    let finding = |code: &'static str, message: String, loc, label: String, help: String| {
        let mut f = ctx.finding(code, message).place(Some(name), None).at(Some(loc), label).help(help);
        f.setting = Some("Certificate".into());
        f
    };
    let renew = format!(
        "renew it: generate a CSR with the TLS Certificate Wizard on {name}, import the issued certificate, and restart the Receiver and Sender services"
    );
    if let Some(nb) = cert.not_before.as_ref().filter(|nb| nb.value > now) {
        out.push(
            finding(
                "SEG304",
                format!("{name}'s certificate is not yet valid: it starts on {}", day(nb.value)),
                nb.loc,
                format!("valid from {}", day(nb.value)),
                "install a certificate that is valid now; check the server's clock too".into(),
            )
            .sources(&client_fact.sources),
        );
        return;
    }
    let Some(na) = &cert.not_after else { return };
    if na.value < now {
        out.push(
            finding(
                "SEG304",
                format!("{name}'s certificate expired on {}: TLS with it fails", day(na.value)),
                na.loc,
                format!("expired {}", day(na.value)),
                renew,
            )
            .note("peers reject an expired certificate; inbound and outbound TLS on this server fail")
            .sources(&client_fact.sources),
        );
    } else if na.value.date() <= now.date() + Duration::days(30) {
        let left = (na.value.date() - now.date()).whole_days();
        out.push(
            finding(
                "SEG305",
                format!("{name}'s certificate expires on {} ({left} days after {})", day(na.value), day(now)),
                na.loc,
                format!("expires {}", day(na.value)),
                renew,
            )
            .note("SEG itself emails a daily reminder from two weeks before expiry (help page 9.13)")
            .sources(&client_fact.sources)
            .sources(&ctx.k.fact("expiry-reminder").sources),
        );
    }
}

fn inbound_without_certificate(ctx: &Ctx<'_>, server: &Server, out: &mut Vec<Finding>) {
    let i = &server.inbound;
    let Some(enabled) = i.tls_enabled.as_ref().filter(|e| e.value) else { return };
    if i.certificate.is_some() {
        return;
    }
    let name = server.name.as_str();
    let fact = ctx.k.fact("tls-needs-certificate");
    let mut f = ctx
        .finding(
            "SEG307",
            format!("inbound TLS is enabled on {name} but it has no certificate: STARTTLS from senders fails"),
        )
        .place(Some(name), Some(Direction::Inbound))
        .at(Some(enabled.loc), "tlsEnabled is true")
        .help(wizard(name))
        .note(fact.text.clone())
        .sources(&fact.sources);
    f.setting = Some("tlsEnabled".into());
    out.push(f);
}
