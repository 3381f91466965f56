//! SMTP reply parsing as `probe` reads a peer: any bytes, bounded lines, no panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

/// A peer: its bytes to read, and a sink for what is sent.
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

fuzz_target!(|data: &[u8]| {
    use seglint::probe::smtp::{Conversation, Stage};
    let mut c = Conversation::new(Peer(data), "within 1s".into());
    for stage in [Stage::Banner, Stage::Ehlo, Stage::Starttls] {
        if c.reply(stage).is_err() {
            break;
        }
    }
});
