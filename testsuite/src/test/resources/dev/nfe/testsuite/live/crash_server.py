#!/usr/bin/env python3
"""A loopback "TLS" server that resets every connection right after the ClientHello, the way a
web server does whose worker crashes inside SSL_accept. Started by LoopbackServers (nfe
testsuite); it listens on 127.0.0.1 only.

  --mode segv   prefork: each worker process accept()s one connection, waits until the
                ClientHello sits in the socket's receive buffer and kills itself with SIGSEGV
                without reading it. The kernel closes the socket with unread data, which makes
                it send a RST (RFC 2525 2.17). The parent starts a new worker and prints
                "worker PID killed by SIGSEGV".
  --mode close  one process: close() on a connection whose ClientHello is still unread, the
                same RST without the crash. Prints "closed HOST:PORT with N bytes unread".

Prints "listening 127.0.0.1:PORT" once it accepts connections (--port 0, the default, lets the
kernel choose). SIGTERM or SIGINT: stops the workers and exits 0.
"""
import argparse
import ctypes
import fcntl
import os
import resource
import select
import selectors
import signal
import socket
import struct
import sys
import termios
import time

PR_SET_DUMPABLE = 4
HELLO_WAIT_SECONDS = 5.0


class Stop(Exception):
    pass


def on_stop(*_):
    raise Stop()


def say(text):
    print(text, flush=True)


def no_core_dump():
    """A crash on purpose must not leave a core file (nor reach a core_pattern pipe helper)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def unread_bytes(conn):
    buf = fcntl.ioctl(conn.fileno(), termios.FIONREAD, struct.pack('i', 0))
    return struct.unpack('i', buf)[0]


def segv_worker(listener):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    no_core_dump()
    conn, _peer = listener.accept()
    # SSL_accept would read the ClientHello now: wait until it is there, then crash unread
    select.select([conn], [], [], HELLO_WAIT_SECONDS)
    os.kill(os.getpid(), signal.SIGSEGV)


def prefork(listener, workers):
    children = set()

    def spawn():
        pid = os.fork()
        if pid == 0:
            try:
                segv_worker(listener)
            finally:
                os._exit(1)
        children.add(pid)

    try:
        for _ in range(workers):
            spawn()
        while True:
            pid, status = os.wait()
            children.discard(pid)
            if os.WIFSIGNALED(status):
                say(f'worker {pid} killed by {signal.Signals(os.WTERMSIG(status)).name}')
            else:
                say(f'worker {pid} exited with status {os.WEXITSTATUS(status)}')
            spawn()
    except Stop:
        pass
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def close_unread(listener):
    listener.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    try:
        while True:
            for key, _ in sel.select(timeout=0.5):
                if key.data is None:
                    while True:
                        try:
                            conn, peer = listener.accept()
                        except (BlockingIOError, InterruptedError):
                            break
                        conn.setblocking(False)
                        sel.register(conn, selectors.EVENT_READ, (time.monotonic(), peer))
                    continue
                conn, (_, peer) = key.fileobj, key.data
                sel.unregister(conn)
                n = unread_bytes(conn)
                conn.close()
                say(f'closed {peer[0]}:{peer[1]} with {n} bytes unread')
            now = time.monotonic()
            for key in list(sel.get_map().values()):
                if key.data is not None and now - key.data[0] > HELLO_WAIT_SECONDS:
                    sel.unregister(key.fileobj)
                    key.fileobj.close()
    except Stop:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--mode', required=True, choices=['segv', 'close'])
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--workers', type=int, default=2, help='worker processes (segv)')
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', a.port))
    listener.listen(128)
    say(f'listening 127.0.0.1:{listener.getsockname()[1]}')
    try:
        if a.mode == 'segv':
            prefork(listener, a.workers)
        else:
            close_unread(listener)
    except Stop:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
