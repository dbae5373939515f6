#! /usr/bin/env python3
# Copyright (c) 2026 The ovs-rdma-overlay authors.
# Licensed under the Apache License, Version 2.0.
"""A misbehaving DCN: sends ovs-vswitchd's DCN channel (client/dcn-abi.h)
malformed and hostile requests on the socket given as the only argument,
and checks that each gets the error the ABI promises (or, for input that
cannot even be answered, that only this DCN is disconnected).  Layouts are
written here from dcn-abi.h, independently of libovsrdma.

Prints one "ok: ..." line per check, then "QP <handle> <qpn> corrupted"
for the QP whose ring it corrupted, so that the caller can check that the
daemon put that QP, and only it, into the error state; then stays attached
until killed.  Exits 1 on the first unexpected answer."""

import errno
import fcntl
import mmap
import os
import socket
import struct
import sys
import time

HDR = struct.Struct("<HHIIi")           # type, n_fds, len, seq, status
REPLY = 0x8000
(HELLO, QUERY_PORT, ALLOC_PD, DEALLOC_PD, REG_MR, DEREG_MR, CREATE_CHANNEL,
 DESTROY_CHANNEL, CREATE_CQ, DESTROY_CQ, CREATE_QP) = range(1, 12)
ABI_VERSION = 1
RING_HDR = 192                          # sizeof(struct ovsrdma_ring)

seq = 0


def fail(what):
    print("FAIL: " + what)
    sys.exit(1)


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    return s


def request(s, mtype, body=b"", fds=(), n_fds=None, length=None):
    """Sends one request; returns (status, reply body, fds)."""
    global seq
    seq += 1
    msg = HDR.pack(mtype, len(fds) if n_fds is None else n_fds,
                   HDR.size + len(body) if length is None else length,
                   seq, 0) + body
    if fds:
        socket.send_fds(s, [msg], list(fds))
    else:
        s.send(msg)
    data, rfds, _, _ = socket.recv_fds(s, 1024, 4)
    if not data:
        return None, b"", rfds
    rtype, _, rlen, rseq, status = HDR.unpack_from(data)
    if rtype != (mtype & 0xffff) | REPLY or rseq != seq or rlen != len(data):
        fail("reply does not match request %d" % mtype)
    return status, data[HDR.size:], rfds


def expect(s, what, want, *args, **kwargs):
    status, body, fds = request(s, *args, **kwargs)
    for fd in fds:
        os.close(fd)
    if status != want:
        fail("%s: status %s, expected %d" % (what, status, want))
    print("ok: %s -> %s" % (what, errno.errorcode.get(want, want)))
    return body


def main():
    path = sys.argv[1]

    # Less than a header cannot be answered: this DCN alone is dropped.
    s = connect(path)
    s.send(b"\x01\x00\x00")
    if s.recv(1024) != b"":
        fail("truncated header: still connected")
    print("ok: truncated header -> disconnected")
    s.close()

    s = connect(path)
    expect(s, "request before HELLO", errno.EPROTO, ALLOC_PD)
    expect(s, "HELLO with another ABI version", errno.EPROTO, HELLO,
           struct.pack("<II", ABI_VERSION + 1, 0))
    status, body, fds = request(s, HELLO, struct.pack("<II", ABI_VERSION, 0))
    if status != 0 or len(fds) != 1:
        fail("HELLO: status %s, %d fds" % (status, len(fds)))
    doorbell = fds[0]
    print("ok: HELLO")
    expect(s, "unknown request type", errno.EINVAL, 999)
    expect(s, "length field larger than the message", errno.EINVAL,
           ALLOC_PD, length=HDR.size + 100)
    expect(s, "ALLOC_PD with trailing bytes", errno.EINVAL, ALLOC_PD,
           b"\0" * 8)
    expect(s, "DEALLOC_PD of an unknown handle", errno.EINVAL, DEALLOC_PD,
           struct.pack("<II", 12345, 0))
    status, body, _ = request(s, ALLOC_PD)
    pd = struct.unpack_from("<I", body)[0]
    if status:
        fail("ALLOC_PD")

    mr = lambda addr, length, ofs: struct.pack("<IIQQQ", pd, 7, addr,
                                              length, ofs)
    expect(s, "REG_MR without its memfd", errno.EINVAL, REG_MR,
           mr(0x10000, 4096, 0))
    unsealed = os.memfd_create("unsealed", os.MFD_ALLOW_SEALING)
    os.ftruncate(unsealed, 8192)
    expect(s, "REG_MR of a memfd the DCN could shrink", errno.EBADF, REG_MR,
           mr(0x10000, 4096, 0), fds=[unsealed])
    sealed = os.memfd_create("sealed", os.MFD_ALLOW_SEALING)
    os.ftruncate(sealed, 8192)
    fcntl.fcntl(sealed, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK)
    expect(s, "REG_MR beyond its memory", errno.EFAULT, REG_MR,
           mr(0x10000, 1 << 30, 4096), fds=[sealed])
    expect(s, "REG_MR wrapping around", errno.EINVAL, REG_MR,
           mr(2**64 - 4096, 8192, 0), fds=[sealed])
    expect(s, "REG_MR with unknown access flags", errno.EINVAL, REG_MR,
           struct.pack("<IIQQQ", pd, 0x100, 0x10000, 4096, 0),
           fds=[sealed])
    expect(s, "CREATE_CQ of 0 entries", errno.EINVAL, CREATE_CQ,
           struct.pack("<II", 0, 0))
    expect(s, "CREATE_CQ of 2^31 entries", errno.EINVAL, CREATE_CQ,
           struct.pack("<II", 2**31, 0))
    expect(s, "CREATE_CQ on an unknown channel", errno.EINVAL, CREATE_CQ,
           struct.pack("<II", 16, 777))
    qp = lambda pd_, cq, qpt, sge: struct.pack(
        "<IIIIII5I", pd_, cq, cq, qpt, 0, 0, 16, 16, sge, 1, 0)
    status, body, fds = request(s, CREATE_CQ, struct.pack("<II", 16, 0))
    if status or len(fds) != 1:
        fail("CREATE_CQ")
    os.close(fds[0])
    cq = struct.unpack_from("<I", body)[0]
    expect(s, "CREATE_QP of an unsupported type", errno.EINVAL, CREATE_QP,
           qp(pd, cq, 3, 1))
    expect(s, "CREATE_QP with too many SGEs", errno.EINVAL, CREATE_QP,
           qp(pd, cq, 2, 99))
    expect(s, "CREATE_QP on an unknown CQ", errno.EINVAL, CREATE_QP,
           qp(pd, 4242, 2, 1))

    # A QP whose send ring the DCN corrupts: its producer index far ahead
    # of what the daemon consumed.  The daemon must refuse to read past the
    # ring and put this QP (only) into the error state.
    status, body, fds = request(s, CREATE_QP, qp(pd, cq, 2, 1))
    if status or len(fds) != 1:
        fail("CREATE_QP")
    handle, qpn = struct.unpack_from("<II", body)
    mmap_len = struct.unpack_from("<Q", body, 72 - HDR.size - 8)[0]
    ring = mmap.mmap(fds[0], mmap_len)
    struct.pack_into("<I", ring, 0, 0x7fffffff)     # sq->prod
    os.write(doorbell, struct.pack("<Q", 1))
    print("ok: send ring corrupted")
    # The session still answers.
    expect(s, "QUERY_PORT after the corruption", 0, QUERY_PORT)
    print("QP %d %d corrupted" % (handle, qpn))
    sys.stdout.flush()
    # Stay attached (until killed), so that the QP can be inspected.
    time.sleep(3600)


if __name__ == "__main__":
    main()
