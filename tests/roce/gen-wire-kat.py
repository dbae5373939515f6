#!/usr/bin/env python3
# Copyright (c) 2026 The ovs-rdma-overlay authors.
# Licensed under the Apache License, Version 2.0.
"""Generates the known-answer RoCEv2 frames of test-icrc.c / test-encap.c.

Independent of the C code on purpose: every header is packed by hand from
the IBTA Vol 1 / Annex A17 layouts with struct.pack, and the ICRC is
zlib.crc32 over the masked packet.  Run it and paste its output into the
tests if the vectors ever need to change:  python3 gen-wire-kat.py
"""

import struct
import zlib
import ipaddress


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, src, etype):
    return bytes.fromhex(dst.replace(":", "")) + \
        bytes.fromhex(src.replace(":", "")) + struct.pack("!H", etype)


def ipv4(src, dst, tos, ttl, payload_len, ident=0, df=True):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + payload_len, ident,
                    0x4000 if df else 0, ttl, 17, 0,
                    ipaddress.IPv4Address(src).packed,
                    ipaddress.IPv4Address(dst).packed)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def ipv6(src, dst, tc, flow, hop, payload_len):
    return struct.pack("!IHBB16s16s", (6 << 28) | (tc << 20) | flow,
                       payload_len, 17, hop,
                       ipaddress.IPv6Address(src).packed,
                       ipaddress.IPv6Address(dst).packed)


def udp(sport, dport, payload_len, check=0):
    return struct.pack("!HHHH", sport, dport, 8 + payload_len, check)


def bth(opcode, se, m, pad, pkey, fecn, becn, dqpn, ackreq, psn):
    return struct.pack("!BBHBBHBBH", opcode,
                       (se << 7) | (m << 6) | (pad << 4) | 0, pkey,
                       (fecn << 7) | (becn << 6), dqpn >> 16, dqpn & 0xFFFF,
                       ackreq << 7, psn >> 16, psn & 0xFFFF)


def icrc(l3, version):
    """Annex A17.3.3: CRC-32 over 0xFF*8 (LRH) + masked IP/UDP/BTH + rest."""
    b = bytearray(l3)
    if version == 4:
        ihl = (b[0] & 0xF) * 4
        b[1] = 0xFF                  # TOS
        b[8] = 0xFF                  # TTL
        b[10:12] = b"\xff\xff"       # header checksum
    else:
        ihl = 40
        b[0] |= 0x0F                 # traffic class, high nibble
        b[1:4] = b"\xff\xff\xff"     # traffic class low nibble + flow label
        b[7] = 0xFF                  # hop limit
    b[ihl + 6:ihl + 8] = b"\xff\xff"  # UDP checksum
    b[ihl + 8 + 4] = 0xFF            # BTH resv8a (FECN, BECN, reserved)
    return zlib.crc32(b"\xff" * 8 + bytes(b)) & 0xFFFFFFFF


def roce_v4(transport, l2=None, tos=0x6A, ttl=64, sport=0xC123):
    l4len = 8 + len(transport) + 4
    l3 = ipv4("10.0.0.1", "10.0.0.2", tos, ttl, l4len) + \
        udp(sport, 4791, len(transport) + 4) + transport
    c = icrc(l3, 4)
    return (l2 or eth("02:00:00:00:00:02", "02:00:00:00:00:01", 0x0800)) \
        + l3 + struct.pack("<I", c), c


def roce_v6(transport, tc=0x6A, flow=0x12345, hop=64, sport=0xC456):
    l4len = 8 + len(transport) + 4
    l3 = ipv6("2001:db8::1", "2001:db8::2", tc, flow, hop, l4len) + \
        udp(sport, 4791, len(transport) + 4) + transport
    c = icrc(l3, 6)
    return eth("02:00:00:00:00:02", "02:00:00:00:00:01", 0x86DD) + l3 + \
        struct.pack("<I", c), c


def vxlan_v4(inner, vni=5001, sport=50000):
    l4 = struct.pack("!II", 0x08000000, vni << 8) + inner
    l3 = ipv4("192.168.1.1", "192.168.1.2", 0, 64, 8 + len(l4)) + \
        udp(sport, 4789, len(l4)) + l4
    return eth("aa:00:00:00:00:02", "aa:00:00:00:00:01", 0x0800) + l3


def c_array(name, data):
    out = ["static const uint8_t %s[%d] = {" % (name, len(data))]
    for i in range(0, len(data), 12):
        out.append("    " + " ".join("0x%02x," % x for x in data[i:i + 12]))
    out.append("};")
    return "\n".join(out)


def main():
    # 1. IPv4, RC RDMA WRITE ONLY: BTH + RETH + 8 bytes payload.
    t1 = bth(0x0A, 0, 0, 0, 0xFFFF, 0, 0, 0x000012, 1, 0x000100) + \
        struct.pack("!QII", 0x00007F0000001000, 0x1234, 8) + b"ABCDEFGH"
    f1, c1 = roce_v4(t1)
    # 2. IPv6, UD SEND ONLY: BTH + DETH + 5 bytes payload + 3 pad.
    t2 = bth(0x64, 1, 0, 3, 0xFFFF, 0, 0, 0x000001, 0, 0xFFFFFF) + \
        struct.pack("!IB3s", 0x80010000, 0, (0x0000AB).to_bytes(3, "big")) + \
        b"hello" + b"\0\0\0"
    f2, c2 = roce_v6(t2)
    # 3. VXLAN(IPv4) around an IPv4 RC ACKNOWLEDGE (BTH + AETH).
    t3 = bth(0x11, 0, 0, 0, 0xFFFF, 0, 0, 0x000034, 0, 0x000100) + \
        struct.pack("!I", (0x1F << 24) | 0x000007)
    inner3, c3 = roce_v4(t3, sport=0xC777)
    f3 = vxlan_v4(inner3)
    for name, f, c in (("kat_v4_write", f1, c1), ("kat_v6_ud_send", f2, c2),
                       ("kat_vxlan_ack", f3, c3)):
        print(c_array(name, f))
        print("#define %s_ICRC 0x%08xu\n" % (name.upper(), c))


if __name__ == "__main__":
    main()
