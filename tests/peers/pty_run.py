#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal of a given width (python's pty), for tests/check.rs:
prints what the command wrote to the terminal. Usage: pty_run.py COLUMNS COMMAND [ARG...]"""

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

columns = int(sys.argv[1])
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
env["NO_COLOR"] = "1"
proc = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
os.close(slave)
out = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
proc.wait()
sys.stdout.buffer.write(out.replace(b"\r\n", b"\n"))
