"""Runs redis-cli interactively in a pseudo-terminal and prints what it drew.

Usage: redis_cli_interactive.py PORT COMMAND...
Types each COMMAND as a user would, then "quit". redis-cli shows hints from
the server's COMMAND DOCS while a command is typed, and its replies in the
interactive format; the caller looks for both in the output.
"""

import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time


def read_until_prompt(fd, prompt, out, seconds=10.0):
    """Reads what redis-cli draws until it waits at `prompt` again (or
    exits, or `seconds` pass); returns False once it exited."""
    data = b""
    end = time.time() + seconds
    while time.time() < end and not data.endswith(prompt):
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            out.append(data)
            return False
        data += chunk
    out.append(data)
    return True


def main():
    port, commands = sys.argv[1], sys.argv[2:]
    prompt = f"127.0.0.1:{port}> ".encode()
    pid, fd = pty.fork()
    if pid == 0:
        os.execv("/usr/bin/redis-cli", ["redis-cli", "-p", port])
    # A real window size, so line editing never asks the terminal for one.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 200, 0, 0))
    out = []
    read_until_prompt(fd, prompt, out)
    # linenoise handles the bytes one key at a time and redraws the line,
    # with its hint, after each of them.
    for command in commands + ["quit"]:
        os.write(fd, command.encode() + b"\r")
        if not read_until_prompt(fd, prompt, out):
            break
    os.waitpid(pid, 0)
    sys.stdout.write(b"".join(out).decode("latin1"))


main()
