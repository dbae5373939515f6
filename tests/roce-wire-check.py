#!/usr/bin/env python3
# Copyright (c) 2026 The ovs-rdma-overlay authors.
# Licensed under the Apache License, Version 2.0.
"""Independent checker of the RoCEv2 frames in a classic libpcap file.

usage: roce-wire-check.py [--summary] [--frames] [--self-test] FILE.pcap

For every Ethernet frame that carries RoCEv2 (UDP port 4791), either
plain or inside VXLAN (outer UDP port 4789) or Geneve (6081, options
skipped), over IPv4 or IPv6 outer and inner headers, with an optional
802.1Q tag on either Ethernet header, it parses every header with
length checks and verifies the ICRC as the InfiniBand specification,
Annex A17.3.3 (RoCEv2), defines it: the Ethernet CRC-32 (zlib.crc32)
over 8 bytes of 0xFF, the inner IP header with its variant fields set to
all ones (IPv4 TOS, TTL and header checksum; IPv6 traffic class, flow
label and hop limit), the UDP header with its checksum set to 0xFFFF,
the BTH with its resv8a byte (byte 4) set to 0xFF, and the rest of the
UDP payload up to the ICRC, which is the last 4 bytes of the UDP payload,
stored least significant byte first.

It uses the Python standard library only and none of the project's code,
so that the engine's frames are checked against the specification, not
against the engine.

--summary prints the frame and RoCE counts, the good and bad ICRCs, and
the sets of VNIs, outer DSCP and ECN values, inner ECN values and BTH
opcodes seen.  --frames prints one line per RoCE frame.  The exit status
is 1 if an ICRC is bad or a RoCE frame is truncated, 2 on a bad file.

--self-test flips one covered bit of the first RoCE frame and requires
the ICRC check to fail, then changes one masked field (the inner TTL or
hop limit) and requires it to still pass; it exits 0 if both hold.
"""

import struct
import sys
import zlib

VXLAN_PORT, GENEVE_PORT, ROCE_PORT = 4789, 6081, 4791


class Truncated(Exception):
    pass


def need(buf, off, n):
    if off < 0 or off + n > len(buf):
        raise Truncated("need %d bytes at offset %d of %d" % (n, off, len(buf)))


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: no pcap header" % path)
    magic = data[:4]
    if magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    elif magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    else:
        raise ValueError("%s: not a classic pcap file" % path)
    if struct.unpack(end + "I", data[20:24])[0] != 1:
        raise ValueError("%s: link type is not Ethernet" % path)
    frames, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise ValueError("%s: truncated record header" % path)
        incl, orig = struct.unpack(end + "II", data[off + 8:off + 16])
        if off + 16 + incl > len(data):
            raise ValueError("%s: truncated record" % path)
        frames.append((data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return frames


def eth(buf, off):
    """Returns (ethertype, offset of the L3 header)."""
    need(buf, off, 14)
    etype, off = struct.unpack_from("!H", buf, off + 12)[0], off + 14
    if etype == 0x8100:
        need(buf, off, 4)
        etype, off = struct.unpack_from("!H", buf, off + 2)[0], off + 4
    return etype, off


def ip(buf, off, etype):
    """Returns (version, header length, tos/traffic class, proto,
    offset just past the L3 payload) or None if not IP."""
    if etype == 0x0800:
        need(buf, off, 20)
        vihl, tos, tot = struct.unpack_from("!BBH", buf, off)
        hl = (vihl & 15) * 4
        if vihl >> 4 != 4 or hl < 20 or tot < hl:
            return None
        need(buf, off, tot)
        return 4, hl, tos, buf[off + 9], off + tot
    if etype == 0x86DD:
        need(buf, off, 40)
        vtf, plen, nxt = struct.unpack_from("!IHB", buf, off)
        if vtf >> 28 != 6:
            return None
        need(buf, off, 40 + plen)
        return 6, 40, (vtf >> 20) & 0xFF, nxt, off + 40 + plen
    return None


def udp(buf, off, proto, end):
    """Returns (dst port, offset of the payload, end of the payload)."""
    if proto != 17:
        return None
    need(buf, off, 8)
    dport, ulen = struct.unpack_from("!2xHH", buf, off)
    if ulen < 8 or off + ulen > end:
        raise Truncated("UDP length %d beyond IP payload" % ulen)
    return dport, off + 8, off + ulen


def icrc_input(buf, l3, version, hl, l4, end):
    """The bytes the ICRC covers, from the inner L3 header to the ICRC."""
    h = bytearray(buf[l3:l3 + hl])
    if version == 4:
        h[1] = 0xFF                     # TOS
        h[8] = 0xFF                     # TTL
        h[10:12] = b"\xff\xff"          # header checksum
    else:
        h[0] |= 0x0F                    # traffic class (low nibble) ...
        h[1:4] = b"\xff\xff\xff"        # ... and flow label
        h[7] = 0xFF                     # hop limit
    u = bytearray(buf[l4:l4 + 8])
    u[6:8] = b"\xff\xff"                # UDP checksum
    bth = bytearray(buf[l4 + 8:l4 + 20])
    bth[4] = 0xFF                       # resv8a
    return b"\xff" * 8 + bytes(h + u + bth) + buf[l4 + 20:end - 4]


def parse(buf):
    """Returns None for a frame that is not RoCEv2, else a dict."""
    r = {"vni": None, "odscp": None, "oecn": None}
    etype, l3 = eth(buf, 0)
    o = ip(buf, l3, etype)
    if not o:
        return None
    u = udp(buf, l3 + o[1], o[3], o[4])
    if not u:
        return None
    dport, pay, pend = u
    if dport in (VXLAN_PORT, GENEVE_PORT):
        if dport == VXLAN_PORT:
            need(buf, pay, 8)
            if not buf[pay] & 0x08:
                return None
            inner = pay + 8
        else:
            need(buf, pay, 8)
            optlen = (buf[pay] & 0x3F) * 4
            if buf[pay] >> 6 != 0 or struct.unpack_from(
                    "!H", buf, pay + 2)[0] != 0x6558:
                return None
            inner = pay + 8 + optlen
        r.update(vni=struct.unpack_from("!I", buf, pay + 4)[0] >> 8,
                 odscp=o[2] >> 2, oecn=o[2] & 3)
        etype, l3 = eth(buf[:pend], inner)
        i = ip(buf[:pend], l3, etype)
        if not i:
            return None
        u = udp(buf, l3 + i[1], i[3], i[4])
        if not u or u[0] != ROCE_PORT:
            return None
    elif dport == ROCE_PORT:
        i = o
    else:
        return None
    l4, end = l3 + i[1], u[2]
    if end - l4 < 8 + 12 + 4:
        raise Truncated("UDP payload shorter than BTH + ICRC")
    got = struct.unpack_from("<I", buf, end - 4)[0]
    want = zlib.crc32(icrc_input(buf, l3, i[0], i[1], l4, end)) & 0xFFFFFFFF
    r.update(iecn=i[2] & 3, opcode=buf[l4 + 8], ok=got == want,
             got=got, want=want, l3=l3, version=i[0], end=end)
    return r


def main(argv):
    opts = [a for a in argv if a.startswith("--")]
    files = [a for a in argv if not a.startswith("--")]
    if len(files) != 1 or set(opts) - {"--summary", "--frames",
                                       "--self-test"}:
        sys.stderr.write(__doc__)
        return 2
    try:
        frames = read_pcap(files[0])
    except (OSError, ValueError) as e:
        sys.stderr.write("%s\n" % e)
        return 2

    if "--self-test" in opts:
        for n, (buf, _) in enumerate(frames, 1):
            try:
                r = parse(buf)
            except Truncated:
                continue
            if r and r["ok"]:
                break
        else:
            print("self-test: no RoCE frame with a good ICRC")
            return 1
        bad = bytearray(buf)
        bad[r["end"] - 5] ^= 0x01       # last covered byte before the ICRC
        detected = not parse(bytes(bad))["ok"]
        masked = bytearray(buf)
        masked[r["l3"] + (8 if r["version"] == 4 else 7)] ^= 0x3F
        still_ok = parse(bytes(masked))["ok"]
        print("self-test: frame %d: flipped bit %s, masked TTL change %s"
              % (n, "detected" if detected else "NOT detected",
                 "accepted" if still_ok else "REJECTED"))
        return 0 if detected and still_ok else 1

    roce = good = bad = trunc = 0
    sets = {k: set() for k in ("vni", "odscp", "oecn", "iecn", "opcode")}
    for n, (buf, orig) in enumerate(frames, 1):
        try:
            r = parse(buf)
        except Truncated as e:
            if len(buf) < orig:
                e = "captured %d of %d bytes" % (len(buf), orig)
            print("frame %d: truncated: %s" % (n, e))
            trunc += 1
            continue
        if not r:
            continue
        roce += 1
        good, bad = good + r["ok"], bad + (not r["ok"])
        for k in sets:
            if r[k] is not None:
                sets[k].add(r[k])
        if "--frames" in opts or not r["ok"]:
            print("frame %d: vni %s outer dscp %s ecn %s inner ecn %d "
                  "opcode 0x%02x icrc 0x%08x %s" %
                  (n, r["vni"], r["odscp"], r["oecn"], r["iecn"],
                   r["opcode"], r["got"],
                   "ok" if r["ok"] else "BAD (want 0x%08x)" % r["want"]))
    if "--summary" in opts:
        print("frames: %d\nroce: %d\nicrc_ok: %d\nicrc_bad: %d\ntruncated: %d"
              % (len(frames), roce, good, bad, trunc))
        for name, k, fmt in (("vni", "vni", "%d"), ("outer_dscp", "odscp", "%d"),
                             ("outer_ecn", "oecn", "%d"),
                             ("inner_ecn", "iecn", "%d"),
                             ("opcodes", "opcode", "0x%02x")):
            print("%s: %s" % (name, " ".join(fmt % v for v in sorted(sets[k]))))
    return 1 if bad or trunc else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
