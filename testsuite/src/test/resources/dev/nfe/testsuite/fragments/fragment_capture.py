#!/usr/bin/python3
"""Cuts every data-carrying TCP packet of an Ethernet capture into IP fragments.

usage: fragment_capture.py IN OUT MAP [--seed N]

IN    a pcap with LINKTYPE_ETHERNET (e.g. the shared loopback captures)
OUT   the same capture where every IPv4 or IPv6 packet that carries TCP payload is replaced by
      its fragments (RFC 791 / RFC 8200 Fragment header); every other frame is copied byte for
      byte. Each packet's fragments:
        - are cut at one size drawn from SIZES (multiples of 8; 8, 16 and 24 split the TCP
          header itself, the "tiny fragment" of RFC 1858);
        - keep the packet's timestamp, addresses, TTL / hop limit and (IPv4) identification; DF
          is cleared; IPv6 fragments get a fresh 32-bit identification;
        - come in order, reversed, or shuffled;
        - sometimes one of them is sent twice (an exact duplicate) somewhere in the train.
MAP   one line per frame of IN: "<frame in IN> <frame in OUT>", where the second is the frame
      that completes the packet (the fragment after which every byte has arrived; Wireshark
      shows the reassembled packet there), or the copy of an unfragmented frame.

Prints "packets N fragments M duplicates D": packets cut, fragment frames written, extra copies.

The same seed gives the same output. Uses scapy (Debian: python3-scapy) to build the headers.
"""
import argparse
import random
import struct

from scapy.layers.inet import IP
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import PcapWriter, RawPcapReader

SIZES = [8, 16, 24, 48, 64, 128, 256, 512, 1024]
ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
PROTO_TCP = 6


def tcp_parts(frame):
    """(version, ip header bytes, fragmentable part, header fields) when frame is Ethernet/IP/TCP with payload, else None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack('!H', frame[12:14])[0]
    ip = frame[14:]
    if ethertype == ETH_IPV4 and len(ip) >= 20 and ip[9] == PROTO_TCP:
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack('!H', ip[2:4])[0]
        if struct.unpack('!H', ip[6:8])[0] & 0x3FFF:
            return None  # already a fragment
        part = ip[ihl:total]
    elif ethertype == ETH_IPV6 and len(ip) >= 40 and ip[6] == PROTO_TCP:
        ihl = 40
        part = ip[40:40 + struct.unpack('!H', ip[4:6])[0]]
    else:
        return None
    if len(part) < 20 or len(part) <= (part[12] >> 4) * 4:
        return None  # no TCP payload: SYN, pure ACK, FIN, RST stay whole
    return ethertype, ip[:ihl], part


def fragments(frame, ethertype, header, part, size, ident):
    """The Ethernet frames of part cut into size-byte pieces (offset in bytes, frame bytes)."""
    eth = Ether(frame[:14])
    out = []
    for off in range(0, len(part), size):
        data = part[off:off + size]
        more = off + size < len(part)
        if ethertype == ETH_IPV4:
            ip = IP(header)
            ip.flags = 'MF' if more else 0
            ip.frag = off // 8
            ip.len = None
            ip.chksum = None
            pkt = eth / ip / Raw(data)
        else:
            ip6 = IPv6(header)
            ip6.nh = 44
            ip6.plen = None
            pkt = eth / ip6 / IPv6ExtHdrFragment(nh=PROTO_TCP, offset=off // 8, m=int(more), id=ident) / Raw(data)
        out.append((off, bytes(pkt)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('input')
    ap.add_argument('output')
    ap.add_argument('map')
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    reader = RawPcapReader(args.input)
    if reader.linktype != 1:
        raise SystemExit('%s: link type %d, want 1 (Ethernet)' % (args.input, reader.linktype))
    writer = PcapWriter(args.output, linktype=1, nano=reader.nano, snaplen=262144, sync=False)
    writer.write_header(None)  # write_packet does not write the file header itself
    written = 0
    packets = fragments_written = duplicates = 0
    mapping = []
    for number, (frame, meta) in enumerate(reader, start=1):
        sec, sub = meta.sec, meta.usec
        parts = tcp_parts(frame)
        if parts is None:
            writer.write_packet(frame, sec=sec, usec=sub, caplen=meta.caplen, wirelen=meta.wirelen)
            written += 1
            mapping.append((number, written))
            continue
        ethertype, header, part = parts
        size = rng.choice([s for s in SIZES if s < len(part)])  # at least two fragments: part > 20 bytes
        train = fragments(frame, ethertype, header, part, size, rng.getrandbits(32))
        pieces = len(train)
        order = rng.random()
        if order < 0.15:
            train.reverse()
        elif order < 0.30:
            rng.shuffle(train)
        if rng.random() < 0.2:
            train.insert(rng.randrange(pieces + 1), rng.choice(train))
            duplicates += 1
        seen = set()
        completes = None
        for off, data in train:
            writer.write_packet(data, sec=sec, usec=sub, caplen=len(data), wirelen=len(data))
            written += 1
            seen.add(off)
            if completes is None and len(seen) == pieces:
                completes = written
        mapping.append((number, completes))
        packets += 1
        fragments_written += len(train)
    writer.close()
    with open(args.map, 'w') as m:
        for a, b in mapping:
            m.write('%d %d\n' % (a, b))
    print('packets %d fragments %d duplicates %d' % (packets, fragments_written, duplicates))


if __name__ == '__main__':
    main()
