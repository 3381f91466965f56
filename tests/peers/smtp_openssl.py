#!/usr/bin/env python3
"""An SMTP server with STARTTLS built on Python's ssl module (OpenSSL), for seglint's tests.

It is the counterpart nobody on the team wrote the TLS of: OpenSSL decides what is accepted.
It prints "PORT <n>" once listening on 127.0.0.1, serves until killed, never takes mail.

  --cert/--key PEM         the certificate served (required unless --no-starttls)
  --min/--max VERSION      TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 (OpenSSL's protocol range)
  --banner TEXT            the text after "220 host ESMTP"
  --no-starttls            do not offer STARTTLS
  --ciphers LIST           OpenSSL cipher list for TLSv1.2 and below (default ALL)
  --behaviour stall|garbage|stall-tls|drip   stall: accept and say nothing; garbage: send bytes
                           that are not SMTP; stall-tls: answer STARTTLS, then say nothing;
                           drip: send the banner one byte every 200 ms
"""
import argparse
import socket
import ssl
import sys
import threading
import warnings

# TLSv1.0/1.1 are deprecated in Python; speaking them is the point of this server.
warnings.simplefilter("ignore", DeprecationWarning)

VERSIONS = {
    "TLSv1": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}


def context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # Security level 0 lets OpenSSL 3 speak TLSv1.0/1.1 when asked to (an old gateway does).
    ctx.set_ciphers(args.ciphers + ":@SECLEVEL=0")
    ctx.minimum_version = VERSIONS[args.min]
    ctx.maximum_version = VERSIONS[args.max]
    ctx.load_cert_chain(args.cert, args.key)
    return ctx


def lines(f):
    while True:
        line = f.readline(4096)
        if not line:
            return
        yield line.decode("ascii", "replace").strip()


def session(conn, args, ctx):
    conn.settimeout(10)
    try:
        if args.behaviour == "stall":
            threading.Event().wait(30)
            return
        if args.behaviour == "garbage":
            conn.sendall(b"\x00\x01HTTP/1.1 400 Bad Request\r\n")
            return
        if args.behaviour == "drip":
            for b in b"220 localhost ESMTP, one byte at a time\r\n":
                threading.Event().wait(0.2)
                conn.sendall(bytes([b]))
            return
        conn.sendall(f"220 localhost ESMTP {args.banner}\r\n".encode())
        f = conn.makefile("rb")
        for line in lines(f):
            verb = line.upper()
            if verb.startswith("EHLO") or verb.startswith("HELO"):
                tls = "" if args.no_starttls else "250-STARTTLS\r\n"
                conn.sendall(f"250-localhost\r\n{tls}250 8BITMIME\r\n".encode())
            elif verb == "STARTTLS" and not args.no_starttls:
                conn.sendall(b"220 2.0.0 ready\r\n")
                if args.behaviour == "stall-tls":
                    threading.Event().wait(30)
                    return
                tls = ctx.wrap_socket(conn, server_side=True)
                tf = tls.makefile("rb")
                for inner in lines(tf):
                    if inner.upper().startswith("EHLO"):
                        tls.sendall(b"250-localhost\r\n250 8BITMIME\r\n")
                    else:
                        tls.sendall(b"221 bye\r\n")
                        return
                return
            elif verb == "QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"502 not here\r\n")
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--min", default="TLSv1.2", choices=VERSIONS)
    p.add_argument("--max", default="TLSv1.3", choices=VERSIONS)
    p.add_argument("--banner", default="seglint-test")
    p.add_argument("--no-starttls", action="store_true")
    p.add_argument("--ciphers", default="ALL")
    p.add_argument("--behaviour", choices=["stall", "garbage", "stall-tls", "drip"])
    args = p.parse_args()
    ctx = None if args.no_starttls or args.behaviour in ("stall", "garbage", "drip") else context(args)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    print(f"PORT {server.getsockname()[1]}", flush=True)
    print(f"OPENSSL {ssl.OPENSSL_VERSION}", file=sys.stderr, flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=session, args=(conn, args, ctx), daemon=True).start()


if __name__ == "__main__":
    main()
