//! SEG301 – SEG310: each server's certificate, which SEG presents for inbound TLS and, as the
//! client certificate, for outbound TLS (Q19438), its dates judged at `--now`; and DANE, which
//! validates the peers' certificates when sending. It prints nothing and applies no policy.

use super::Ctx;
use crate::finding::Finding;
use crate::model::{Certificate, Server};
use crate::registry::Rule;
use crate::vocab::Direction;
use time::Duration;

fn outbound_on(ctx: &Ctx<'_>) -> bool {
    ctx.posture.outbound.tls_enabled.value
}

/// Servers with a certificate, each with it.
fn certified<'a>(ctx: &'a Ctx<'_>) -> impl Iterator<Item = (&'a Server, &'a Certificate)> {
    ctx.array.servers.iter().filter_map(|s| s.inbound.certificate.as_ref().map(|c| (s, c)))
}

fn wizard(server: &str) -> String {
    format!(
        "install a certificate on {server} with the TLS Certificate Wizard (Mail Servers → {server} → Inbound Security (TLS)); outbound TLS presents that same certificate"
    )
}

pub(crate) fn client_certificate_not_offered(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let offer = ctx.posture.outbound.offer_client_certificate.as_ref().filter(|o| !o.value);
    let Some(offer) = offer.filter(|_| outbound_on(ctx)) else { return vec![] };
    let fact = ctx.k.fact("client-certificate");
    let f = ctx
        .finding(rule, "the array does not offer a client certificate when sending: peers that request one fail the TLS handshake".into())
        .place(None, Some(Direction::Outbound))
        .decided_by(offer, "offerClientCertificate is false")
        .help("turn on offering the certificate under SEG Properties → Sender → Outbound Security (TLS), unless a peer is known to reject it")
        .note(fact.text.clone())
        .sources(&fact.sources)
        .setting("offerClientCertificate");
    vec![f]
}

pub(crate) fn missing_client_certificate(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    if !outbound_on(ctx) {
        return vec![];
    }
    let fact = ctx.k.fact("client-certificate");
    ctx.array
        .servers
        .iter()
        .filter(|s| s.inbound.certificate.is_none())
        .map(|server| {
            let name = server.name.as_str();
            ctx.finding(rule, format!("{name} has no certificate while outbound TLS is enabled: peers that request a client certificate fail the handshake"))
                .place(Some(name), Some(Direction::Outbound))
                .at(server.inbound.loc.or(Some(server.name_loc)), "no <Certificate> for this server")
                .help(wizard(name))
                .note(fact.text.clone())
                .sources(&fact.sources)
                .setting("Certificate")
        })
        .collect()
}

pub(crate) fn self_signed_client_certificate(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    if !outbound_on(ctx) {
        return vec![];
    }
    let fact = ctx.k.fact("public-ca");
    certified(ctx)
        .filter_map(|(server, cert)| cert.self_signed.as_ref().filter(|s| s.value).map(|s| (server, s)))
        .map(|(server, self_signed)| {
            let name = server.name.as_str();
            ctx.finding(rule, format!("{name}'s certificate is self-signed: peers that request a client certificate cannot check its validity or revocation"))
                .place(Some(name), Some(Direction::Outbound))
                .at(Some(self_signed.loc), "self-signed")
                .help(format!("replace it with a certificate from a public CA: generate a CSR with the TLS Certificate Wizard on {name} and import the issued certificate"))
                .note(fact.text.clone())
                .sources(&fact.sources)
                .setting("Certificate")
        })
        .collect()
}

pub(crate) fn certificate_lacks_client_auth(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    if !outbound_on(ctx) {
        return vec![];
    }
    let client = |u: &String| {
        u.eq_ignore_ascii_case("clientAuth")
            || u == "1.3.6.1.5.5.7.3.2"
            || u.eq_ignore_ascii_case("anyExtendedKeyUsage")
    };
    let fact = ctx.k.fact("client-certificate");
    certified(ctx)
        .filter_map(|(server, cert)| cert.eku.as_ref().filter(|e| !e.value.is_empty() && !e.value.iter().any(client)).map(|e| (server, e)))
        .map(|(server, eku)| {
            let name = server.name.as_str();
            ctx.finding(rule, format!("{name}'s certificate lists enhanced key usages without clientAuth: peers that check it reject it as a client certificate"))
                .place(Some(name), Some(Direction::Outbound))
                .at(Some(eku.loc), format!("EKU: {}", eku.value.join(", ")))
                .help("request a certificate whose enhanced key usage includes both serverAuth and clientAuth (TLS Web Server and Client Authentication)")
                .sources(&fact.sources)
                .setting("Certificate")
        })
        .collect()
}

fn day(t: time::OffsetDateTime) -> String {
    t.date().to_string()
}

fn renew(name: &str) -> String {
    format!(
        "renew it: generate a CSR with the TLS Certificate Wizard on {name}, import the issued certificate, and restart the Receiver and Sender services"
    )
}

/// SEG304: not yet valid, or expired, at `--now`.
pub(crate) fn certificate_expired(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let fact = ctx.k.fact("client-certificate");
    certified(ctx)
        .filter_map(|(server, cert)| {
            let name = server.name.as_str();
            let finding = |message: String| ctx.finding(rule, message).place(Some(name), None).setting("Certificate");
            if let Some(nb) = cert.not_before.as_ref().filter(|nb| nb.value > ctx.now) {
                let f = finding(format!("{name}'s certificate is not yet valid: it starts on {}", day(nb.value)))
                    .at(Some(nb.loc), format!("valid from {}", day(nb.value)))
                    .help("install a certificate that is valid now; check the server's clock too");
                return Some(f.sources(&fact.sources));
            }
            let na = cert.not_after.as_ref().filter(|na| na.value < ctx.now)?;
            let f = finding(format!("{name}'s certificate expired on {}: TLS with it fails", day(na.value)))
                .at(Some(na.loc), format!("expired {}", day(na.value)))
                .help(renew(name))
                .note("peers reject an expired certificate; inbound and outbound TLS on this server fail");
            Some(f.sources(&fact.sources))
        })
        .collect()
}

/// SEG305: valid now, and ending within 30 days after `--now` (never together with SEG304).
pub(crate) fn certificate_expiring(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let now = ctx.now;
    certified(ctx)
        .filter(|(_, cert)| cert.not_before.as_ref().is_none_or(|nb| nb.value <= now))
        .filter_map(|(server, cert)| {
            let na = cert
                .not_after
                .as_ref()
                .filter(|na| na.value >= now && na.value.date() <= now.date() + Duration::days(30))?;
            let name = server.name.as_str();
            let left = (na.value.date() - now.date()).whole_days();
            let f = ctx
                .finding(
                    rule,
                    format!(
                        "{name}'s certificate expires on {} ({left} day{} after {})",
                        day(na.value),
                        if left == 1 { "" } else { "s" },
                        day(now)
                    ),
                )
                .place(Some(name), None)
                .at(Some(na.loc), format!("expires {}", day(na.value)))
                .help(renew(name))
                .note(ctx.k.fact("expiry-reminder").text.clone())
                .sources(&ctx.k.fact("client-certificate").sources)
                .sources(&ctx.k.fact("expiry-reminder").sources)
                .setting("Certificate");
            Some(f)
        })
        .collect()
}

pub(crate) fn inbound_tls_without_certificate(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let fact = ctx.k.fact("tls-needs-certificate");
    ctx.array
        .servers
        .iter()
        .filter(|s| s.inbound.certificate.is_none())
        .filter_map(|s| s.inbound.tls_enabled.as_ref().filter(|e| e.value).map(|e| (s, e)))
        .map(|(server, enabled)| {
            let name = server.name.as_str();
            ctx.finding(
                rule,
                format!("inbound TLS is enabled on {name} but it has no certificate: STARTTLS from senders fails"),
            )
            .place(Some(name), Some(Direction::Inbound))
            .at(Some(enabled.loc), "tlsEnabled is true")
            .help(wizard(name))
            .note(fact.text.clone())
            .sources(&fact.sources)
            .setting("tlsEnabled")
        })
        .collect()
}

/// SEG310: DANE switched on for an array that does not send with TLS at all.
pub(crate) fn dane_without_outbound_tls(ctx: &Ctx<'_>, rule: Rule) -> Vec<Finding> {
    let o = &ctx.posture.outbound;
    let Some(dane) = o.dane.as_ref().filter(|d| d.value && !o.tls_enabled.value) else { return vec![] };
    let fact = ctx.k.fact("dane");
    let tls = match &o.tls_enabled.loc {
        Some(_) => "tlsEnabled=\"false\" on OutboundSecurity",
        None => "outbound TLS is off",
    };
    let message = format!(
        "Sender.EnableDANE is True but outbound TLS is disabled for the array ({tls}): DANE validation needs outbound TLS, so it validates nothing (SEG {})",
        ctx.version()
    );
    let f = ctx
        .finding(rule, message)
        .place(None, Some(Direction::Outbound))
        .decided_by(dane, "DANE switched on here")
        .help("enable outbound TLS under SEG Properties → Sender → Outbound Security (TLS), or, if DANE is not wanted, set Sender.EnableDANE = False in the Management Console, Advanced Settings; then commit configuration and restart the Sender service on each processing server")
        .note(fact.text.clone())
        .sources(&fact.sources)
        .setting("Sender.EnableDANE");
    vec![f]
}
