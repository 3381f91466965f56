//! The SMTP side of a probe: connect (every resolved address in turn), bounded reads of
//! replies (lines of at most 512 octets, RFC 5321; at most 100 lines), EHLO, STARTTLS, QUIT.
//! One deadline, the probe's `Budget`, ends every step for a peer; nothing here ever sends mail.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

pub const MAX_LINE: usize = 512;
pub const MAX_LINES: usize = 100;

/// Where a probe stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Connect,
    Banner,
    Ehlo,
    Starttls,
    Handshake,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StageError {
    pub stage: Stage,
    pub message: String,
}

pub fn fail<T>(stage: Stage, message: impl Into<String>) -> Result<T, StageError> {
    Err(StageError { stage, message: message.into() })
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

/// The time `--timeout` gives one peer as a whole: every connection, read and write of its
/// probe ends by one deadline, however the peer drips or stalls.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub timeout: Duration,
    deadline: Instant,
}

impl Budget {
    pub fn start(timeout: Duration) -> Budget {
        Budget { timeout, deadline: Instant::now() + timeout }
    }

    /// The time left, `None` once it is spent.
    pub fn left(&self) -> Option<Duration> {
        Some(self.deadline.saturating_duration_since(Instant::now())).filter(|d| !d.is_zero())
    }

    pub fn spent(&self) -> bool {
        self.left().is_none()
    }

    /// "within 2s (--timeout, for the whole probe of a peer)", for messages.
    pub fn within(&self) -> String {
        format!("within {:?} (--timeout, for the whole probe of a peer)", self.timeout)
    }

    fn io_left(&self) -> io::Result<Duration> {
        self.left().ok_or_else(|| io::Error::new(io::ErrorKind::TimedOut, "the probe's --timeout ran out"))
    }
}

/// A connection whose every read and write waits at most until the budget's deadline.
pub struct Timed {
    sock: TcpStream,
    budget: Budget,
}

/// Whether a socket error is its timeout: the kernel may end a wait a clock tick before the
/// deadline, so callers wait again until the budget is really spent. A timeout that reaches
/// them then always means it is, and a test it cuts is "not tested", never "refused".
fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            self.sock.set_read_timeout(Some(self.budget.io_left()?))?;
            match self.sock.read(buf) {
                Err(e) if timed_out(&e) && !self.budget.spent() => continue,
                other => return other,
            }
        }
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            self.sock.set_write_timeout(Some(self.budget.io_left()?))?;
            match self.sock.write(buf) {
                Err(e) if timed_out(&e) && !self.budget.spent() => continue,
                other => return other,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sock.flush()
    }
}

/// Resolves `host` (on a thread of its own, so that a slow resolver cannot outlast the budget)
/// and connects to the first address that answers in time.
pub fn connect(host: &str, port: u16, budget: Budget) -> Result<Timed, StageError> {
    let Some(left) = budget.left() else {
        return fail(Stage::Connect, format!("no time left {}", budget.within()));
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let name = host.to_string();
    let lookup = std::thread::Builder::new().name("resolve".into()).spawn(move || {
        let _ = tx.send((name.as_str(), port).to_socket_addrs().map(Iterator::collect::<Vec<SocketAddr>>));
    });
    if let Err(e) = lookup {
        return fail(Stage::Connect, format!("cannot start the name lookup of {host}: {e}"));
    }
    let addrs = match rx.recv_timeout(left) {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return fail(Stage::Connect, format!("cannot resolve {host}: {e}")),
        Err(_) => return fail(Stage::Connect, format!("{host} was not resolved {}", budget.within())),
    };
    if addrs.is_empty() {
        return fail(Stage::Connect, format!("{host} resolves to no address"));
    }
    let mut last = String::new();
    for addr in &addrs {
        let Some(left) = budget.left() else {
            last = format!("no time left {}", budget.within());
            break;
        };
        match TcpStream::connect_timeout(addr, left) {
            Ok(sock) => {
                let _ = sock.set_nodelay(true);
                return Ok(Timed { sock, budget });
            }
            Err(e) if e.kind() == io::ErrorKind::TimedOut => last = format!("{addr}: no answer {}", budget.within()),
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    fail(Stage::Connect, format!("no address of {host}:{port} accepted a connection (last: {last})"))
}

/// Reads SMTP replies from a byte stream, never more than it must. The stream bounds the time
/// (`Timed`); `limit` words the message when it runs out ("within 2s (…)").
pub struct Conversation<S> {
    pub stream: S,
    buf: Vec<u8>,
    limit: String,
}

impl<S: Read + Write> Conversation<S> {
    pub fn new(stream: S, limit: String) -> Self {
        Conversation { stream, buf: Vec::new(), limit }
    }

    /// Bytes the peer sent that no reply has consumed yet.
    pub fn leftover(&self) -> usize {
        self.buf.len()
    }

    pub fn send(&mut self, stage: Stage, line: &str) -> Result<(), StageError> {
        self.stream
            .write_all(format!("{line}\r\n").as_bytes())
            .and_then(|()| self.stream.flush())
            .or_else(|e| fail(stage, format!("cannot send {}: {e}", line.split(' ').next().unwrap_or(line))))
    }

    fn line(&mut self, stage: Stage) -> Result<String, StageError> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let raw: Vec<u8> = self.buf.drain(..=i).collect();
                if raw.len() > MAX_LINE {
                    return fail(
                        stage,
                        format!("the peer sent a reply line of {} octets (at most {MAX_LINE} are allowed)", raw.len()),
                    );
                }
                let text = String::from_utf8_lossy(&raw);
                return Ok(text.trim_end_matches(['\r', '\n']).to_string());
            }
            if self.buf.len() > MAX_LINE {
                return fail(stage, format!("the peer sent more than {MAX_LINE} octets without ending the line"));
            }
            let mut chunk = [0u8; 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => return fail(stage, "the peer closed the connection"),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return fail(stage, format!("no complete reply {}", self.limit));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return fail(stage, format!("reading the reply failed: {e}")),
            }
        }
    }

    /// Reads one (possibly multi-line) reply.
    pub fn reply(&mut self, stage: Stage) -> Result<Reply, StageError> {
        let mut lines = Vec::new();
        let mut code = None;
        loop {
            let line = self.line(stage)?;
            let b = line.as_bytes();
            let valid =
                b.len() >= 3 && b[..3].iter().all(u8::is_ascii_digit) && (b.len() == 3 || b[3] == b' ' || b[3] == b'-');
            if !valid {
                let shown: String = line.chars().take(60).flat_map(char::escape_default).collect();
                return fail(stage, format!("the peer did not answer in SMTP: \"{shown}\""));
            }
            let this: u16 = line[..3].parse().unwrap_or(0);
            if *code.get_or_insert(this) != this {
                return fail(
                    stage,
                    format!("a multi-line reply changed its code from {} to {this}", code.unwrap_or(0)),
                );
            }
            let more = b.len() > 3 && b[3] == b'-';
            lines.push(line.get(4..).unwrap_or("").to_string());
            if lines.len() > MAX_LINES {
                return fail(stage, format!("the reply has more than {MAX_LINES} lines"));
            }
            if !more {
                return Ok(Reply { code: this, lines });
            }
        }
    }
}

/// The EHLO name: `--helo`, else this machine's host name, else `localhost`.
pub fn default_helo() -> String {
    let from_file = std::fs::read_to_string("/etc/hostname").ok().map(|s| s.trim().to_string());
    let name = from_file
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "localhost".into());
    if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') { name } else { "localhost".into() }
}
