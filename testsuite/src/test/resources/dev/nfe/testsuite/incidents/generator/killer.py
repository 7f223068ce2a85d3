#!/usr/bin/env python3
"""The crash timer: at each scheduled time, SIGSEGV to one httpd prefork child.

Why a separate killer process and not a module: a prefork child holds one connection, and what
the wire shows when it dies depends only on the kernel closing that child's sockets (RST when
unread bytes sit in the receive queue, else FIN).  Where the SIGSEGV comes from (a bug in mod_jk,
or kill(2)) does not change that; httpd's own fatal-signal handler catches it either way,
re-raises it, and the parent logs "child pid N exit signal Segmentation fault (11)".  A killer
outside httpd can also look at every child's sockets just before the kill (/proc/PID/fd and
/proc/net/tcp, as `ss -tnp` does) and record which connections the dying child held and whether
they had unread bytes: ground truth no module could give as cheaply.  To make that look exact,
the victim is stopped (SIGSTOP) for the look and gets SIGSEGV then SIGCONT: a stopped process
reads nothing, so bytes unread at the look are unread when it dies (the kernel then sends RST).

The victim is a child holding a connection to the server address (a crash in request code only
happens in a busy child), chosen with a seeded RNG; when no child holds one, an idle child dies
instead (the crash happens but nothing on the wire can show it: a missed cycle).

usage: killer.py --parent PID --server 127.0.9.1:443 --schedule FILE --seed S --out kills.jsonl
  FILE: JSON list of absolute kill times (epoch seconds)
"""
import argparse
import json
import os
import random
import signal
import socket
import struct
import time

TCP_STATES = {1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2', 6: 'TIME_WAIT',
              7: 'CLOSE', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN', 11: 'CLOSING'}


def hex_ep(ip, port):
    """/proc/net/tcp's form of an IPv4 endpoint: the address as a host-order u32, the port in hex."""
    return '%08X:%04X' % (struct.unpack('<I', socket.inet_aton(ip))[0], port)


def ep_from_hex(h):
    a, p = h.split(':')
    return f'{socket.inet_ntoa(struct.pack("<I", int(a, 16)))}:{int(p, 16)}'


def sockets_by_inode(server_hex):
    """inode -> connection facts, for every non-listening IPv4 socket on the server endpoint."""
    out = {}
    with open('/proc/net/tcp') as f:
        next(f)
        for line in f:
            w = line.split()
            if w[1] != server_hex:
                continue
            state = int(w[3], 16)
            if state == 10:
                continue
            tx, rx = (int(x, 16) for x in w[4].split(':'))
            out[w[9]] = dict(client=ep_from_hex(w[2]), state=TCP_STATES.get(state, str(state)),
                             rx_queue=rx, tx_queue=tx)
    return out


def children(parent):
    try:
        with open(f'/proc/{parent}/task/{parent}/children') as f:
            return sorted(int(x) for x in f.read().split())
    except OSError:
        return []


def socket_inodes(pid):
    inodes = []
    try:
        for fd in os.listdir(f'/proc/{pid}/fd'):
            try:
                t = os.readlink(f'/proc/{pid}/fd/{fd}')
            except OSError:
                continue
            if t.startswith('socket:['):
                inodes.append(t[8:-1])
    except OSError:
        pass
    return inodes


def stopped(pid, timeout=0.2):
    """Waits until /proc says the process is stopped (state T)."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            with open(f'/proc/{pid}/stat') as f:
                if f.read().rsplit(')', 1)[1].split()[0] in ('T', 't'):
                    return
        except OSError:
            return
        time.sleep(0.0005)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--parent', type=int, required=True)
    ap.add_argument('--server', required=True)
    ap.add_argument('--schedule', required=True)
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    ip, port = a.server.rsplit(':', 1)
    server_hex = hex_ep(ip, int(port))
    with open(a.schedule) as f:
        times = json.load(f)
    rng = random.Random(a.seed)
    try:                                   # wake on time on a busy machine; it sleeps otherwise
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
    except (OSError, AttributeError):
        pass
    with open(a.out, 'w') as out:
        for tick, t in enumerate(times):
            while True:                      # sleep most of the way, then wake close to t
                left = t - time.time()
                if left <= 0:
                    break
                time.sleep(left - 0.002 if left > 0.004 else left)
            t_scan = time.time()
            socks = sockets_by_inode(server_hex)
            busy, idle = {}, []
            for pid in children(a.parent):
                held = [socks[i] for i in socket_inodes(pid) if i in socks]
                if held:
                    busy[pid] = held
                else:
                    idle.append(pid)
            if busy:
                victim = rng.choice(sorted(busy))
            elif idle:
                victim = rng.choice(idle)
            else:
                victim = None
            t_kill = t_done = None
            held = busy.get(victim, [])
            if victim is not None:
                try:
                    # Stop the child, look again at what it holds (a stopped child reads nothing
                    # more, so bytes unread now stay unread), then SIGSEGV, delivered at SIGCONT.
                    os.kill(victim, signal.SIGSTOP)
                    stopped(victim)
                    socks = sockets_by_inode(server_hex)
                    held = [socks[i] for i in socket_inodes(victim) if i in socks]
                    os.kill(victim, signal.SIGSEGV)
                    t_kill = time.time()
                    os.kill(victim, signal.SIGCONT)
                    t_done = time.time()
                except ProcessLookupError:
                    victim = None
            rec = dict(tick=tick, t_planned=t, t_scan=t_scan, t_kill=t_kill, t_kill_done=t_done, pid=victim,
                       held=held, busy_children=len(busy), idle_children=len(idle),
                       open_connections=sum(len(v) for v in busy.values()))
            out.write(json.dumps(rec) + '\n')
            out.flush()


if __name__ == '__main__':
    main()
