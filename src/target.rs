//! A network peer as users write it: `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6
//! address, port 25 unless given. Vocabulary for `probe`, `verify` and `Server/@address`; it
//! resolves and connects nothing.

use serde::Serialize;

/// Where a peer is reached.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
}

/// `host:port`, `[v6]:port`: as users write it, and as the probe reports name it.
impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// A peer that is not `HOST`, `HOST:PORT` or `[IPv6]:PORT`, or no peer at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("`{0}` is not HOST, HOST:PORT or [IPv6]:PORT")]
    Malformed(String),
    #[error("name at least one peer: seglint probe HOST[:PORT] (or --targets FILE)")]
    None,
}

/// `host`, `host:port`, `[v6]:port`, or a bare IPv6 address.
pub fn parse_target(s: &str) -> Result<Target, TargetError> {
    let s = s.trim();
    let bad = || TargetError::Malformed(s.to_string());
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(bad)?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| bad())?,
            None if after.is_empty() => 25,
            None => return Err(bad()),
        };
        return Ok(Target { host: host.to_string(), port });
    }
    if s.matches(':').count() > 1 {
        return Ok(Target { host: s.to_string(), port: 25 });
    }
    let (host, port) = match s.split_once(':') {
        Some((h, p)) => (h, p.parse().map_err(|_| bad())?),
        None => (s, 25),
    };
    if host.is_empty() || port == 0 {
        return Err(bad());
    }
    Ok(Target { host: host.to_string(), port })
}
