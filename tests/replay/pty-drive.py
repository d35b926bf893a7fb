#!/usr/bin/env python3
"""tests/replay/pty-drive.py OUT WAIT_FOR KEYS -- COMMAND...

Runs COMMAND with a pseudo-terminal as its stdin (so faultline's console is interactive: raw
mode, wall-clock idle pacing) and its stdout/stderr going to OUT (a file: the console bytes).
Waits until OUT contains WAIT_FOR, then types KEYS one byte at a time, 0.2 s apart ('~' means a
0.5 s pause with no byte), and waits (at most 60 s) for COMMAND to exit. Exits with its status.
"""
import os, pty, subprocess, sys, time

out, wait_for, keys = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
cmd = sys.argv[sys.argv.index('--') + 1:]
master, slave = pty.openpty()
with open(out, 'wb') as f:
    p = subprocess.Popen(cmd, stdin=slave, stdout=f, stderr=subprocess.DEVNULL, close_fds=True)
os.close(slave)
deadline = time.time() + 60
while time.time() < deadline and p.poll() is None:
    with open(out, 'rb') as f:
        if wait_for in f.read():
            break
    time.sleep(0.05)
for k in keys:
    if p.poll() is not None:
        break
    time.sleep(0.5 if k == '~' else 0.2)
    if k != '~':
        os.write(master, k.encode())
try:
    rc = p.wait(timeout=max(1, deadline - time.time()))
except subprocess.TimeoutExpired:
    p.kill()
    rc = p.wait()
    print('pty-drive: timeout, killed', file=sys.stderr)
os.close(master)
sys.exit(rc)
