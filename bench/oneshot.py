#!/usr/bin/env python3
"""Row 5: one-shot command-line wall time and peak RSS, commands taking turns A B C A B C.

  oneshot.py ROUNDS NAME=COMMAND...   (COMMAND is run by /bin/sh -c, stdout to /dev/null)

Wall time is measured around fork/exec/wait of `/usr/bin/time -f %M -o FILE COMMAND`, and
peak RSS is what /usr/bin/time reports ("Maximum resident set size" of -v): wait4's ru_maxrss
of a child forked from this Python process would count the Python pages it had before exec. Prints per run
"oneshot.NAME.wall_ms V" and "oneshot.NAME.rss_kb V"."""
import os
import subprocess
import sys
import time


RSS_FILE = f"/tmp/bench-oneshot-{os.getpid()}.rss"


def run(cmd):
    argv = ["/usr/bin/time", "-f", "%M", "-o", RSS_FILE, "/bin/sh", "-c", "exec " + cmd]
    t0 = time.perf_counter()
    rc = subprocess.call(argv, stdout=subprocess.DEVNULL)
    t = time.perf_counter() - t0
    if rc != 0:
        sys.exit(f"oneshot: exit {rc}: {cmd}")
    with open(RSS_FILE) as f:
        rss = int(f.read().split()[-1])
    return t * 1e3, rss


def main():
    rounds = int(sys.argv[1])
    cmds = [a.split("=", 1) for a in sys.argv[2:]]
    for name, cmd in cmds:  # warm the page cache once
        run(cmd)
    for _ in range(rounds):
        for name, cmd in cmds:
            wall, rss = run(cmd)
            print(f"oneshot.{name}.wall_ms {wall:.3f}")
            print(f"oneshot.{name}.rss_kb {rss}")
            sys.stdout.flush()
    os.unlink(RSS_FILE)


if __name__ == "__main__":
    main()
