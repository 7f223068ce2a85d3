#!/usr/bin/env python3
"""Cross-check an incident capture against its labels with tshark (independent of nfe).

Per TCP stream (the client is the sender of the first SYN): did the client send a ClientHello
(SSLv2-format included), did the server send a ServerHello, and how did the server's side end:
its first FIN or RST, and when.  Then:
  - every labelled connection is a stream in the capture and every stream is labelled;
  - reset_after_client_hello  <=>  ClientHello, no ServerHello, then a server RST with no server
    FIN before it (the crashed-in-SSL_accept signature);
  - crash_* rows: the server's first FIN/RST is the one the kernel state predicted
    (expected_server_end: rst when the socket had unread bytes, else fin), within 1 s of the kill;
  - completed rows: a ServerHello, and the server never ended with a RST first.

usage: check.py DIR     (DIR holds capture.pcap and labels.tsv); exit 0 when all agree
"""
import collections
import csv
import os
import subprocess
import sys

FIELDS = ['tcp.stream', 'frame.time_epoch', 'ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport', 'tcp.flags.syn',
          'tcp.flags.ack', 'tcp.flags.reset', 'tcp.flags.fin', 'tcp.len', 'tls.handshake.type']


def streams(pcap):
    cmd = ['tshark', '-r', pcap, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,']
    for f in FIELDS:
        cmd += ['-e', f]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True).stdout
    st = {}
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split('\t') + [''] * len(FIELDS)))
        if not v['tcp.stream']:
            continue
        s = st.setdefault(int(v['tcp.stream']), dict(client=None, ch=False, sslv2=False, sh=False, end=None,
                                                      end_ts=None, first=None))
        src = (v['ip.src'], int(v['tcp.srcport']))
        dst = (v['ip.dst'], int(v['tcp.dstport']))
        if s['first'] is None:
            s['first'] = (src, dst)
        if s['client'] is None and v['tcp.flags.syn'] in ('1', 'True') and v['tcp.flags.ack'] in ('0', 'False'):
            s['client'] = src
        client = s['client'] or s['first'][0]
        hs = [x for x in v['tls.handshake.type'].split(',') if x]
        if src == client:
            if '1' in hs:
                s['ch'] = True
            continue
        if '2' in hs:
            s['sh'] = True
        for flag, kind in (('tcp.flags.reset', 'rst'), ('tcp.flags.fin', 'fin')):
            if v[flag] in ('1', 'True') and s['end'] is None:
                s['end'], s['end_ts'] = kind, float(v['frame.time_epoch'])
    return st


def sslv2_hellos(pcap):
    out = subprocess.run(['tshark', '-r', pcap, '-Y', 'tls.record.version == 0x0002 && tls.handshake.type == 1', '-T', 'fields', '-e', 'ip.src',
                          '-e', 'tcp.srcport'], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    return {(a, int(p)) for a, p in (line.split('\t') for line in out.splitlines() if line)}


def check(d):
    pcap = os.path.join(d, 'capture.pcap')
    st = streams(pcap)
    by_client = {}
    for s in st.values():
        c = s['client'] or s['first'][0]
        by_client[c] = s
    with open(os.path.join(d, 'labels.tsv')) as f:
        rows = list(csv.DictReader(f, delimiter='\t'))
    labelled = {(r['client_ip'], int(r['client_port'])) for r in rows}
    rep, ok = [], True
    unl = set(by_client) - labelled
    nost = labelled - set(by_client)
    rep.append(f'streams (tshark): {len(st)}; labelled connections: {len(rows)}; streams with no label: {len(unl)}; '
               f'labels with no stream: {len(nost)}')
    ok &= not unl and not nost
    for c in sorted(unl)[:5]:
        rep.append(f'  unlabelled stream from {c}')
    for c in sorted(nost)[:5]:
        rep.append(f'  label with no stream: {c}')

    rule = {c for c, s in by_client.items() if s['ch'] and not s['sh'] and s['end'] == 'rst'}
    lab = {(r['client_ip'], int(r['client_port'])) for r in rows if r['scenario'] == 'reset_after_client_hello'}
    rep.append(f'reset after ClientHello (hello, no ServerHello, server RST with no FIN before): tshark {len(rule)}, '
               f'labels {len(lab)}, agree {len(rule & lab)}, tshark-only {len(rule - lab)}, labels-only {len(lab - rule)}')
    ok &= rule == lab if lab else True

    v2 = sslv2_hellos(pcap)
    lab_v2 = {(r['client_ip'], int(r['client_port'])) for r in rows if r['client'] == 'py_sslv2'}
    rep.append(f'SSLv2-format ClientHellos: tshark {len(v2)}, labels {len(lab_v2)}, agree {len(v2 & lab_v2)}')
    ok &= v2 == lab_v2

    xt = collections.defaultdict(collections.Counter)
    bad = []
    for r in rows:
        c = (r['client_ip'], int(r['client_port']))
        s = by_client.get(c)
        if s is None:
            continue
        sc, exp = r['scenario'], r['expected_server_end']
        wire = s['end'] or 'none'
        xt[sc][f'server_{wire}'] += 1
        if sc.startswith('crash_'):
            dt = (s['end_ts'] - float(r['crash_ts'])) if s['end_ts'] else None
            if wire != exp or dt is None or not -0.002 <= dt <= 1.0:
                bad.append(f'  {r["conn_id"]} {c} {sc}: expected server {exp} after the kill, wire {wire} dt={dt}')
        elif sc == 'completed':
            if not s['sh'] or wire == 'rst':
                bad.append(f'  {r["conn_id"]} {c} completed: server hello {s["sh"]}, server end {wire}')
    rep.append('label -> server side ends with (first FIN or RST from the server):')
    for sc in sorted(xt):
        rep.append(f'  {sc:<28} {dict(sorted(xt[sc].items()))}')
    rep.append(f'rows that disagree with the wire: {len(bad)}')
    rep.extend(bad[:15])
    ok &= not bad
    return ok, '\n'.join(rep)


if __name__ == '__main__':
    good, text = check(sys.argv[1])
    print(text)
    sys.exit(0 if good else 1)
