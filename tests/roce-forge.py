#! /usr/bin/env python3
# Copyright (c) 2026 The ovs-rdma-overlay authors.
# Licensed under the Apache License, Version 2.0.
"""Forges RoCEv2-in-VXLAN frames from a real one, for receive-validation
tests.

  roce-forge.py PCAP DQPN MUTATION

takes the first frame of PCAP that carries an RC RDMA WRITE (opcodes
0x06-0x0b) to QP DQPN inside IPv4 VXLAN, applies MUTATION, recomputes what
a careful forger would (the outer IPv4 header checksum and, when the RoCE
packet changed, its ICRC, with tests/roce-wire-check.py's independent
implementation) so that only the mutation is wrong, and prints the frame
in hex for netdev-dummy/receive.  MUTATION is one of:

  vni=N         another VXLAN VNI
  outer-src=IP  another outer (underlay) IPv4 source: another VTEP
  inner-src=IP  another inner IPv4 source: another DCN
  dqpn=N        another destination QP: the frame replayed onto it
"""

import importlib.util
import os
import socket
import struct
import sys
import zlib

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "wire", os.path.join(here, "roce-wire-check.py"))
wire = importlib.util.module_from_spec(spec)
spec.loader.exec_module(wire)


def ipv4_csum(hdr):
    hdr[10:12] = b"\0\0"
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), bytes(hdr)))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    hdr[10:12] = struct.pack("!H", ~s & 0xFFFF)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    pcap, dqpn, mutation = argv[1], int(argv[2], 0), argv[3]
    for buf, _ in wire.read_pcap(pcap):
        r = wire.parse(buf)
        if (r and r["vni"] is not None and r["version"] == 4
                and 0x06 <= r["opcode"] <= 0x0B):
            bth = r["l3"] + 20 + 8
            if struct.unpack_from("!I", buf, bth + 4)[0] & 0xFFFFFF == dqpn:
                break
    else:
        sys.stderr.write("no RDMA WRITE to QP %d in %s\n" % (dqpn, pcap))
        return 1

    f = bytearray(buf)
    key, _, value = mutation.partition("=")
    outer_l3 = 14
    vxlan = outer_l3 + 20 + 8
    inner_l3 = r["l3"]
    if key == "vni":
        struct.pack_into("!I", f, vxlan + 4, int(value) << 8)
    elif key == "outer-src":
        f[outer_l3 + 12:outer_l3 + 16] = socket.inet_aton(value)
        hdr = f[outer_l3:outer_l3 + 20]
        ipv4_csum(hdr)
        f[outer_l3:outer_l3 + 20] = hdr
    elif key == "inner-src":
        f[inner_l3 + 12:inner_l3 + 16] = socket.inet_aton(value)
        hdr = f[inner_l3:inner_l3 + 20]
        ipv4_csum(hdr)
        f[inner_l3:inner_l3 + 20] = hdr
    elif key == "dqpn":
        bth = inner_l3 + 20 + 8
        word = struct.unpack_from("!I", f, bth + 4)[0]
        struct.pack_into("!I", f, bth + 4, (word & 0xFF000000) | int(value))
    else:
        sys.stderr.write("unknown mutation %s\n" % mutation)
        return 2

    # The ICRC over the (possibly changed) RoCE packet, so that it is the
    # mutation, not a bad ICRC, that the receiver must catch.
    l4, end = inner_l3 + 20, r["end"]
    icrc = zlib.crc32(wire.icrc_input(bytes(f), inner_l3, 4, 20, l4, end))
    struct.pack_into("<I", f, end - 4, icrc & 0xFFFFFFFF)
    print(f.hex())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
