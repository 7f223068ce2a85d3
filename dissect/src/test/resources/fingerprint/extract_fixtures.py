#!/usr/bin/env python3
"""Builds the fingerprint test fixtures from the shared corpus (test-only tooling).

Everything here comes from tools other than nfe, so the Java tests compare nfe's
fingerprints against independent results:

  client-hellos.tsv   every TLS/SSLv2 ClientHello over TCP in every corpus capture, as
                      tshark decodes it, with tshark's own ja3_full / ja3
  server-hellos.tsv   every ServerHello (incl. HelloRetryRequest, SSLv2 SERVER-HELLO),
                      with tshark's ja3s_full / ja3s
  community-id.tsv    one row per TCP conversation: endpoints and tshark's communityid
                      dissector value for seed 0 and seed 1
  upstream.tsv        values published next to the captures by other projects, keyed by
                      the flow's endpoints: JA4 (+ raw forms) from FoxIO's python testdata
                      and rust insta snapshot, JA4/JA3/JA3S from nDPI result/*.out,
                      JA4/ja4_r/JA3/JA3S/community_id from Arkime tests/pcap/*.test

Usage (from the repository root, with tshark 4.0.x on PATH):
  python3 dissect/src/test/resources/fingerprint/extract_fixtures.py \
      --corpus ../shared/corpus --out dissect/src/test/resources/fingerprint

The tshark preferences, and the decode-as ports recorded in each <capture>.meta.json, are the
ones the corpus ground truth (tools/tshark_truth.py) used.
Lists are written as comma-separated lowercase hex without 0x; an empty list is an empty
field; an absent SNI is '-'. ALPN protocol names are hex bytes (tshark's 'value' attribute),
so non-printable names survive.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

TSHARK = os.environ.get("TSHARK", "tshark")
PREFS = [
    "-o", "tcp.desegment_tcp_streams:TRUE",
    "-o", "tcp.reassemble_out_of_order:TRUE",
    "-o", "tcp.analyze_sequence_numbers:TRUE",
    "-o", "tls.desegment_ssl_records:TRUE",
    "-o", "tls.desegment_ssl_application_data:TRUE",
    "-o", "ip.defragment:TRUE",
]


def tshark(args):
    p = subprocess.run([TSHARK, "-n"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.stdout


def fields_named(node, name):
    """all descendant <field name=NAME> elements, in document order"""
    return [f for f in node.iter("field") if f.get("name") == name]


def first_show(node, name):
    for f in node.iter("field"):
        if f.get("name") == name:
            return f.get("show")
    return None


def hex4(v):
    return "%04x" % int(v, 16)


def children(node, name):
    return [c for c in node if c.tag == "field" and c.get("name") == name]


def extensions(hs):
    """(type, element) of each extension directly inside a handshake message, in order"""
    out = []
    for c in hs:
        if c.tag != "field":
            continue
        t = children(c, "tls.handshake.extension.type")
        if t:
            out.append((int(t[0].get("show")), c))
    return out


def endpoints(packet):
    """innermost IP addresses before TCP, and the TCP ports"""
    src = dst = None
    v6 = False
    sport = dport = stream = None
    for proto in packet.iter("proto"):
        n = proto.get("name")
        if n == "ip":
            src, dst, v6 = first_show(proto, "ip.src"), first_show(proto, "ip.dst"), False
        elif n == "ipv6":
            src, dst, v6 = first_show(proto, "ipv6.src"), first_show(proto, "ipv6.dst"), True
        elif n == "tcp":
            sport, dport = first_show(proto, "tcp.srcport"), first_show(proto, "tcp.dstport")
            stream = first_show(proto, "tcp.stream")
            break
    fmt = (lambda a, p: "[%s]:%s" % (a, p)) if v6 else (lambda a, p: "%s:%s" % (a, p))
    return stream, fmt(src, sport), fmt(dst, dport)


def client_hello(hs, record_version, sslv2):
    d = {"sslv2": "1" if sslv2 else "0",
         "record_version": "-" if sslv2 else hex4(record_version),
         "handshake_version": hex4(first_show(hs, "tls.handshake.version"))}
    if sslv2:
        d["ciphers"] = ",".join("%06x" % int(f.get("show"), 16)
                                for f in fields_named(hs, "tls.handshake.cipherspec"))
        d["compression"] = ""
        d["session_id_length"] = first_show(hs, "tls.handshake.session_id_length") or "0"
        d["challenge_length"] = first_show(hs, "tls.handshake.challenge_length") or "-1"
        for k in ("extensions", "alpn", "supported_versions", "groups", "ec_point_formats", "sig_algs"):
            d[k] = ""
        d["sni"] = "-"
        d["ja3_full"] = first_show(hs, "tls.handshake.ja3_full") or "-"
        d["ja3"] = first_show(hs, "tls.handshake.ja3") or "-"
        return d
    suites = []
    for c in children(hs, "tls.handshake.ciphersuites"):
        suites += [hex4(f.get("show")) for f in children(c, "tls.handshake.ciphersuite")]
    d["ciphers"] = ",".join(suites)
    comp = []
    for c in children(hs, "tls.handshake.comp_methods"):
        comp += ["%02x" % int(f.get("show")) for f in children(c, "tls.handshake.comp_method")]
    d["compression"] = ",".join(comp)
    d["session_id_length"] = first_show(hs, "tls.handshake.session_id_length") or "0"
    d["challenge_length"] = "-1"
    types, sni, alpn, versions, groups, formats, sigs = [], None, [], [], [], [], []
    for t, ext in extensions(hs):
        types.append("%04x" % t)
        if t == 0 and sni is None:
            names = fields_named(ext, "tls.handshake.extensions_server_name")
            sni = names[0].get("show") if names else None
        elif t == 16 and not alpn:
            alpn = [f.get("value") or "" for f in fields_named(ext, "tls.handshake.extensions_alpn_str")]
        elif t == 43:
            versions += [hex4(f.get("show")) for f in fields_named(ext, "tls.handshake.extensions.supported_version")]
        elif t == 10:
            groups += [hex4(f.get("show")) for f in fields_named(ext, "tls.handshake.extensions_supported_group")]
        elif t == 11:
            formats += ["%02x" % int(f.get("show")) for f in fields_named(ext, "tls.handshake.extensions_ec_point_format")]
        elif t == 13:
            sigs += [hex4(f.get("show")) for f in fields_named(ext, "tls.handshake.sig_hash_alg")]
    d["extensions"] = ",".join(types)
    # a name with a tab or newline would break the TSV; none is expected, escape them visibly
    d["sni"] = "-" if sni is None else sni.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    d["alpn"] = ",".join(alpn)
    d["supported_versions"] = ",".join(versions)
    d["groups"] = ",".join(groups)
    d["ec_point_formats"] = ",".join(formats)
    d["sig_algs"] = ",".join(sigs)
    d["ja3_full"] = first_show(hs, "tls.handshake.ja3_full") or "-"
    d["ja3"] = first_show(hs, "tls.handshake.ja3") or "-"
    return d


HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"


def server_hello(hs, record_version, sslv2):
    d = {"sslv2": "1" if sslv2 else "0",
         "record_version": "-" if sslv2 else hex4(record_version),
         "handshake_version": hex4(first_show(hs, "tls.handshake.version"))}
    if sslv2:
        specs = fields_named(hs, "tls.handshake.cipherspec")
        d["cipher"] = "%06x" % int(specs[0].get("show"), 16) if specs else "-"
        d.update(selected_version=d["handshake_version"], compression="-", extensions="", alpn="-",
                 hrr="0", ja3s_full=first_show(hs, "tls.handshake.ja3s_full") or "-",
                 ja3s=first_show(hs, "tls.handshake.ja3s") or "-")
        return d
    d["cipher"] = hex4(first_show(hs, "tls.handshake.ciphersuite"))
    comp = first_show(hs, "tls.handshake.comp_method")
    d["compression"] = "%02x" % int(comp) if comp is not None else "-"
    types, selected, alpn = [], None, None
    for t, ext in extensions(hs):
        types.append("%04x" % t)
        if t == 43 and selected is None:
            v = fields_named(ext, "tls.handshake.extensions.supported_version")
            selected = hex4(v[0].get("show")) if v else None
        elif t == 16 and alpn is None:
            a = fields_named(ext, "tls.handshake.extensions_alpn_str")
            alpn = a[0].get("value") if a else None
    d["selected_version"] = selected or d["handshake_version"]
    d["extensions"] = ",".join(types)
    d["alpn"] = "-" if alpn is None else alpn
    rnd = (first_show(hs, "tls.handshake.random") or "").replace(":", "").lower()
    d["hrr"] = "1" if rnd == HRR_RANDOM else "0"
    d["ja3s_full"] = first_show(hs, "tls.handshake.ja3s_full") or "-"
    d["ja3s"] = first_show(hs, "tls.handshake.ja3s") or "-"
    return d


def decode_as(path):
    """the '-d tcp.port==P,tls' the ground truth needed for this capture (TLS on odd ports)"""
    try:
        with open(path + ".meta.json") as f:
            ports = json.load(f).get("decode_as_tls_ports") or []
    except OSError:
        ports = []
    out = []
    for port in ports:
        out += ["-d", "tcp.port==%s,tls" % port]
    return out


def hellos(path):
    """(kind, frame, stream, src, dst, dict) for every ClientHello / ServerHello over TCP"""
    xml = tshark(["-r", path] + PREFS + decode_as(path) + ["-Y", "tcp && !icmp && !icmpv6 && tls.handshake.type", "-T", "pdml"])
    root = ET.fromstring(xml)
    out = []
    for packet in root.iter("packet"):
        frame = None
        for proto in packet.iter("proto"):
            if proto.get("name") == "frame":
                frame = first_show(proto, "frame.number")
                break
        stream, src, dst = endpoints(packet)
        for tls in [p for p in packet.iter("proto") if p.get("name") == "tls"]:
            for record in children(tls, "tls.record"):
                rv = first_show(record, "tls.record.version")
                if not children(record, "tls.record.content_type"):
                    # SSLv2 record: the message fields sit directly in the record
                    t = children(record, "tls.handshake.type")
                    if t and t[0].get("show") == "1":
                        out.append(("C", frame, stream, src, dst, client_hello(record, None, True)))
                    elif t and t[0].get("show") == "4":
                        out.append(("S", frame, stream, src, dst, server_hello(record, None, True)))
                    continue
                if children(record, "tls.record.content_type")[0].get("show") != "22":
                    continue
                for hs in children(record, "tls.handshake"):
                    t = children(hs, "tls.handshake.type")
                    if not t:
                        continue  # encrypted handshake message or a fragment
                    if t[0].get("show") == "1":
                        out.append(("C", frame, stream, src, dst, client_hello(hs, rv, False)))
                    elif t[0].get("show") == "2":
                        out.append(("S", frame, stream, src, dst, server_hello(hs, rv, False)))
    return out


def community_ids(path, seed):
    """{stream: (a, b, id)} from tshark's communityid dissector, first TCP packet of each stream"""
    raw = tshark(["-r", path] + PREFS + decode_as(path) + ["--enable-protocol", "communityid", "-o", "communityid.seed:%d" % seed,
                                        "-Y", "tcp && !icmp && !icmpv6", "-T", "fields",
                                        "-E", "occurrence=l", "-e", "tcp.stream",
                                        "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst",
                                        "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "frame.protocols",
                                        "-e", "communityid"])
    out = {}
    for line in raw.decode("utf-8", "replace").splitlines():
        p = line.split("\t")
        if len(p) < 9 or not p[8]:
            continue
        stream, s4, d4, s6, d6, sp, dp, protos, cid = p[:9]
        # the IP header directly in front of TCP decides the family
        before = protos.split(":tcp")[0].split(":")
        last_ip = next((x for x in reversed(before) if x in ("ip", "ipv6")), "ip")
        if last_ip == "ipv6":
            a, b = "[%s]:%s" % (s6, sp), "[%s]:%s" % (d6, dp)
        else:
            a, b = "%s:%s" % (s4, sp), "%s:%s" % (d4, dp)
        if stream not in out:
            out[stream] = (a, b, cid)
        elif out[stream][2] != cid:
            out[stream] = (out[stream][0], out[stream][1], "INCONSISTENT")
    return out


# ---------------------------------------------------------------- upstream values
# Each row: (source, capture, endpoint a, endpoint b, field, value). a/b are as the source
# prints them (nDPI: first packet's sender first; Arkime: source/destination; FoxIO: src/dst).
# Only TCP flows: QUIC/UDP JA4 ('q...') and UDP sessions are skipped.

def ep(ip, port):
    return ("[%s]:%s" if ":" in str(ip) else "%s:%s") % (ip, port)


def upstream_foxio(corpus):
    rows = []
    base = os.path.join(corpus, "FoxIO-LLC+ja4")
    cap = "FoxIO-LLC+ja4/pcap/tls3.pcapng"
    with open(os.path.join(base, "python/test/testdata/tls3.pcapng.json")) as f:
        for e in json.load(f):
            a, b = ep(e["src"], e["srcport"]), ep(e["dst"], e["dstport"])
            for k, v in e.items():
                m = re.fullmatch(r"(JA4|JA4_r|JA4_o|JA4_ro)\.\d+", k)
                if m and v.startswith("t"):
                    rows.append(("foxio-python", cap, a, b, m.group(1).lower(), v))
    with open(os.path.join(base, "rust/ja4/src/snapshots/ja4__insta@tls3.pcapng.snap")) as f:
        block = {}
        for line in f.read().split("\n") + ["- end"]:
            if line.startswith("- "):
                if block.get("transport") == "tcp" and "ja4" in block:
                    rows.append(("foxio-rust", cap, ep(block["src"], block["src_port"]),
                                 ep(block["dst"], block["dst_port"]), "ja4", block["ja4"]))
                block = {}
                line = "  " + line[2:]
            m = re.fullmatch(r"  (\w+): (.*)", line)
            if m:
                block[m.group(1)] = m.group(2)
    return rows


NDPI_FLOW = re.compile(r"^\s*\d+\s+TCP\s+(\S+) <-> (\S+) ")
NDPI_FIELDS = {"JA4": "ja4", "JA3C": "ja3", "JA3S": "ja3s"}


def upstream_ndpi(corpus):
    rows = []
    for out in sorted(glob.glob(os.path.join(corpus, "ntop+nDPI/tests/cfgs/default/result/*.out"))):
        cap = "ntop+nDPI/tests/cfgs/default/pcap/" + os.path.basename(out)[:-4]
        with open(out, errors="replace") as f:
            for line in f:
                m = NDPI_FLOW.match(line)
                if not m:
                    continue
                for label, field in NDPI_FIELDS.items():
                    # nDPI may append a verdict, e.g. "[JA3S: 18e9... (WEAK)]": keep the value only
                    j = re.search(r"\[%s: ([^\]\s]+)[^\]]*\]" % label, line)
                    if j:
                        rows.append(("ndpi", cap, m.group(1), m.group(2), field, j.group(1)))
    return rows


def upstream_arkime(corpus):
    rows = []
    for test in sorted(glob.glob(os.path.join(corpus, "arkime+arkime/tests/pcap/*.test"))):
        cap = "arkime+arkime/tests/pcap/" + os.path.basename(test)[:-5] + ".pcap"
        with open(test) as f:
            data = json.load(f)
        for s in data.get("sessions3", []):
            b = s.get("body", {})
            if b.get("ipProtocol") != 6:
                continue
            a = ep(b["source"]["ip"], b["source"]["port"])
            z = ep(b["destination"]["ip"], b["destination"]["port"])
            cid = (b.get("network") or {}).get("community_id")
            if cid:
                rows.append(("arkime", cap, a, z, "community_id", cid))
            tls = b.get("tls") or {}
            for field in ("ja4", "ja4_r", "ja3", "ja3s"):
                for v in tls.get(field) or []:
                    rows.append(("arkime", cap, a, z, field, v))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    caps = sorted(os.path.relpath(p, args.corpus) for p in glob.glob(os.path.join(args.corpus, "**/*"), recursive=True)
                  if p.endswith((".pcap", ".pcapng")))
    ccols = ["capture", "frame", "stream", "src", "dst", "sslv2", "record_version", "handshake_version", "ciphers",
             "compression", "session_id_length", "challenge_length", "extensions", "sni", "alpn",
             "supported_versions", "groups", "ec_point_formats", "sig_algs", "ja3_full", "ja3"]
    scols = ["capture", "frame", "stream", "src", "dst", "sslv2", "record_version", "handshake_version",
             "selected_version", "cipher", "compression", "extensions", "alpn", "hrr", "ja3s_full", "ja3s"]
    version = tshark(["-v"]).decode().splitlines()[0]
    with open(os.path.join(args.out, "client-hellos.tsv"), "w") as cf, \
            open(os.path.join(args.out, "server-hellos.tsv"), "w") as sf, \
            open(os.path.join(args.out, "community-id.tsv"), "w") as idf:
        for f in (cf, sf, idf):
            f.write("# generated by extract_fixtures.py with %s\n" % version)
        cf.write("#" + "\t".join(ccols) + "\n")
        sf.write("#" + "\t".join(scols) + "\n")
        idf.write("#capture\tstream\ta\tb\tcommunityid_seed0\tcommunityid_seed1\n")
        for cap in caps:
            path = os.path.join(args.corpus, cap)
            for kind, frame, stream, src, dst, d in hellos(path):
                row = dict(d, capture=cap, frame=frame, stream=stream, src=src, dst=dst)
                if kind == "C":
                    cf.write("\t".join(row[c] for c in ccols) + "\n")
                else:
                    sf.write("\t".join(row[c] for c in scols) + "\n")
            ids0, ids1 = community_ids(path, 0), community_ids(path, 1)
            for stream in sorted(ids0, key=int):
                a, b, c0 = ids0[stream]
                c1 = ids1.get(stream, ("", "", "-"))[2]
                idf.write("\t".join([cap, stream, a, b, c0, c1]) + "\n")
            sys.stderr.write("done %s\n" % cap)
    with open(os.path.join(args.out, "upstream.tsv"), "w") as uf:
        uf.write("# values published beside the corpus captures by other tools (TCP flows only)\n")
        uf.write("#source\tcapture\ta\tb\tfield\tvalue\n")
        for row in upstream_foxio(args.corpus) + upstream_ndpi(args.corpus) + upstream_arkime(args.corpus):
            uf.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
