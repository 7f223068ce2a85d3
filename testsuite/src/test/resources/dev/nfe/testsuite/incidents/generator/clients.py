"""Real TLS clients for the incident captures, each reporting its own timeline.

curl and openssl s_client are run as processes; two behaviours no stock client has are python
clients: a client that stalls between its ClientHello and its second flight (a slow link or a
busy phone: the server has answered and waits), and the SSLv2-format ClientHello that OpenSSL 3
can no longer send.  Every client binds to the client address the plan gave it, so a connection
in the capture belongs to exactly one job (the generator's knowledge, not a reading of the wire).

Each runner returns a dict: t0 (epoch s, just before the client started), rc, text (what the
client said, one line), conns (a list, one per TCP connection the client made, each with
port and, where the client can tell, absolute times of its phases).
"""
import os
import select
import socket
import ssl
import struct
import subprocess
import time

SERVER_IP = '127.0.9.1'
SERVER_PORT = 443

# OpenSSL 0.9.8's SSLv23 hello cipher specs, SSLv2 3-byte form (TLS suites as 00xxxx)
SSL2_CIPHER_SPECS = bytes.fromhex(
    '000039' '000038' '000035' '000016' '000013' '00000a' '0700c0' '000033' '000032' '00002f'
    '030080' '000005' '000004' '010080' '000015' '000012' '000009' '060040' '000014' '000011'
    '000008' '000006' '040080' '000003' '020080')


def sslv2_client_hello(version, n_specs, challenge):
    """SSLv2 CLIENT-HELLO (msg 1) offering `version`: 2-byte header with the high bit set.

    struct { uint8 msg_type=1; uint16 version; uint16 cipher_spec_length; uint16 session_id_length;
             uint16 challenge_length; V2CipherSpec cipher_specs[..]; opaque session_id[..];
             opaque challenge[..]; } (RFC 5246 appendix E.2)
    """
    specs = SSL2_CIPHER_SPECS[:3 * n_specs]
    body = b'\x01' + struct.pack('>HHHH', version, len(specs), 0, len(challenge)) + specs + challenge
    return struct.pack('>H', 0x8000 | len(body)) + body


def _proc(argv, stdin, timeout):
    t0 = time.time()
    try:
        p = subprocess.run(argv, input=stdin or b'', stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        rc, out, err = p.returncode, p.stdout.decode('latin-1'), p.stderr.decode('latin-1')
    except subprocess.TimeoutExpired as e:
        rc, out, err = -9, (e.stdout or b'').decode('latin-1'), (e.stderr or b'').decode('latin-1') + ' generator-timeout'
    return t0, rc, out, err


CURL_W = '%{local_ip} %{local_port} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total} %{http_code} %{ssl_verify_result}\\n'


def run_curl(job, ca):
    """curl: one transfer, or several over one kept-alive connection (--rate spaces them)."""
    host = job['sni']
    url = f'https://{host}{job["path"]}'
    a = ['curl', '-sS', '-o', '/dev/null', '--noproxy', '*', '--interface', job['client_ip'],
         '--resolve', f'{host}:{SERVER_PORT}:{SERVER_IP}', '--cacert', ca, '--http1.1',
         '--connect-timeout', '5', '-m', str(job.get('timeout', 20)), '-w', CURL_W]
    if job['tls'] == '1.2':
        a += ['--tlsv1.2', '--tls-max', '1.2']
    elif job['tls'] == '1.3':
        a += ['--tlsv1.3']
    if job.get('post_bytes'):
        a += ['-H', 'Expect:', '-H', 'Content-Type: application/octet-stream',
              '--data-binary', '@' + job['post_file']]
    urls = [url] * job.get('transfers', 1)
    if len(urls) > 1:
        a += ['--rate', f'{round(3600 / job["idle_s"])}/h']     # start one transfer every idle_s seconds
    a += urls
    t0, rc, out, err = _proc(a, None, job.get('timeout', 20) * len(urls) + 10)
    conns, transfers = {}, []
    for i, line in enumerate(out.splitlines()):
        w = line.split()
        if len(w) < 8:
            continue
        port = int(w[1])
        # --rate starts transfer i at t0 + i*idle_s; curl's times are from the transfer's start,
        # and 0 means "not reached" (or, for appconnect, a reused connection)
        start = t0 + i * job.get('idle_s', 0)
        tr = dict(port=port, t_start=start, connect=float(w[2]), appconnect=float(w[3]),
                  first_byte=float(w[4]), total=float(w[5]), http=w[6])
        transfers.append(tr)
        c = conns.setdefault(port, dict(port=port, transfers=[]))
        c['transfers'].append(tr)
    text = f'rc={rc} http=' + ','.join(t['http'] for t in transfers) + ' ' + ' '.join(err.split())[-240:]
    return dict(t0=t0, rc=rc, text=text, conns=list(conns.values()))


def run_s_client(job, ca):
    """openssl s_client from a chosen port; sends one HTTP request (Connection: close)."""
    a = ['openssl', 's_client', '-connect', f'{SERVER_IP}:{SERVER_PORT}', '-bind',
         f'{job["client_ip"]}:{job["client_port"]}', '-CAfile', ca, '-verify_return_error',
         '-ign_eof', '-quiet'] + (['-servername', job['sni']] if job['sni'] else ['-noservername'])
    if job['tls'] == '1.2':
        a.append('-tls1_2')
    elif job['tls'] == '1.3':
        a.append('-tls1_3')
    req = (f'GET {job["path"]} HTTP/1.1\r\nHost: {job["sni"] or SERVER_IP}\r\nUser-Agent: openssl-s_client\r\n'
           f'Connection: close\r\n\r\n').encode()
    # s_client -quiet writes only the server's data to stdout: the first byte there is the
    # response's first byte, which gives this client a timeline too
    t0 = time.time()
    p = subprocess.Popen(a, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(req)
    p.stdin.close()
    out, first = b'', None
    deadline = t0 + job.get('timeout', 20) + 10
    while time.time() < deadline:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            d = os.read(p.stdout.fileno(), 65536)
            if not d:
                break
            first = first or time.time()
            out += d
    if p.poll() is None:
        p.kill()
    err = p.stderr.read().decode('latin-1')
    rc = p.wait()
    end = time.time()
    status = out.split(b'\r\n', 1)[0].decode('latin-1') if out.startswith(b'HTTP/') else ''
    text = f'rc={rc} {status} ' + ' '.join(err.split())[-240:]
    return dict(t0=t0, rc=rc, text=text, conns=[dict(port=job['client_port'], first_byte=first, end=end)])


def run_stall_handshake(job, ca):
    """Python's ssl (OpenSSL 3) over a memory BIO: sends its ClientHello, reads the server's whole
    first flight, then waits stall_s seconds before sending its second flight (Finished, and for
    TLS 1.2 ClientKeyExchange + ChangeCipherSpec), then asks for a page and reads to the end."""
    ctx = ssl.create_default_context(cafile=ca)
    if job['tls'] == '1.2':
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif job['tls'] == '1.3':
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    inc, outb = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, outb, server_hostname=job['sni'])
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ev = {}
    t0 = time.time()
    result = 'ok'
    try:
        s.bind((job['client_ip'], 0))
        s.settimeout(job.get('timeout', 20))
        s.connect((SERVER_IP, SERVER_PORT))
        ev['connect'] = time.time()
        flights = 0

        def flush():
            nonlocal flights
            data = outb.read()
            if data:
                if flights == 1 and 'stall_start' not in ev:
                    ev['stall_start'] = time.time()      # the second flight is ready: hold it
                    time.sleep(job['stall_s'])
                s.sendall(data)
                flights += 1
                ev.setdefault('hello_sent' if flights == 1 else 'flight2_sent', time.time())

        while True:
            try:
                obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                flush()
                d = s.recv(65536)
                if not d:
                    raise ConnectionError('eof during handshake')
                inc.write(d)
        flush()
        ev['appconnect'] = time.time()
        obj.write(f'GET {job["path"]} HTTP/1.1\r\nHost: {job["sni"]}\r\nConnection: close\r\n\r\n'.encode())
        flush()
        got = b''
        while True:
            try:
                chunk = obj.read(65536)
                if not chunk:
                    break
                got += chunk
                ev.setdefault('first_byte', time.time())
            except ssl.SSLWantReadError:
                d = s.recv(65536)
                if not d:
                    raise ConnectionError('eof before close_notify')
                inc.write(d)
            except ssl.SSLZeroReturnError:
                break
        result = 'ok ' + got.split(b'\r\n', 1)[0].decode('latin-1')
    except ConnectionResetError:
        result = 'reset'
    except (ConnectionError, ssl.SSLError, OSError) as e:
        result = f'error {type(e).__name__}: {e}'
    finally:
        ev['end'] = time.time()
        port = s.getsockname()[1] if s.fileno() >= 0 else 0
        s.close()
    return dict(t0=t0, rc=0 if result.startswith('ok') else 1, text=f'py:{result}',
                conns=[dict(port=port, events=ev)])


def run_sslv2(job, ca):
    """An SSLv2-format ClientHello, as OpenSSL 0.9.8 sent it; reads what comes back."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t0 = time.time()
    got, outcome = b'', 'timeout'
    try:
        s.bind((job['client_ip'], 0))
        s.settimeout(5)
        s.connect((SERVER_IP, SERVER_PORT))
        s.sendall(sslv2_client_hello(job['v2_version'], job['v2_specs'], bytes.fromhex(job['challenge'])))
        s.settimeout(2.0)
        while True:
            d = s.recv(65536)
            if not d:
                outcome = 'eof'
                break
            got += d
            s.settimeout(0.3)
    except ConnectionResetError:
        outcome = 'reset'
    except socket.timeout:
        outcome = 'idle' if got else 'timeout'
    except OSError as e:
        outcome = f'error:{e.errno}'
    finally:
        port = s.getsockname()[1] if s.fileno() >= 0 else 0
        s.close()
    return dict(t0=t0, rc=0, text=f'py:{outcome} rx={len(got)} first={got[:7].hex()}', conns=[dict(port=port)])


RUNNERS = {'curl': run_curl, 's_client': run_s_client, 'py_stall': run_stall_handshake, 'py_sslv2': run_sslv2}


def make_post_file(path, size):
    """The upload body: printable, so that nothing but its size matters."""
    if not os.path.exists(path) or os.path.getsize(path) != size:
        line = b'field=' + b'x' * 57 + b'\n'
        with open(path, 'wb') as f:
            f.write((line * (size // len(line) + 1))[:size])
