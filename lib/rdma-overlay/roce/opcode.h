/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_OPCODE_H
#define ROCE_OPCODE_H 1

/* The BTH opcode table.
 *
 * One table, indexed by the 8-bit BTH opcode, says for every opcode which
 * extended transport headers follow the BTH, where each starts (relative to
 * the first byte of the BTH) and how long the whole transport header is.
 * Both the receive parser (frame.c) and every packet builder use it, so an
 * opcode's layout is written down exactly once. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Transport service, bits 7..5 of the opcode (IBTA 9.2.1). */
enum roce_transport {
    ROCE_TRANSPORT_RC = 0x00,
    ROCE_TRANSPORT_UC = 0x20,
    ROCE_TRANSPORT_RD = 0x40,   /* Not supported: no table entries. */
    ROCE_TRANSPORT_UD = 0x60,
    ROCE_TRANSPORT_CNP = 0x80,  /* RoCEv2 congestion notification. */
};
#define ROCE_TRANSPORT_MASK 0xe0

/* Opcodes (IBTA Vol 1 table 38, Annex A17 for CNP). */
enum roce_opcode {
    ROCE_OP_RC_SEND_FIRST = 0x00,
    ROCE_OP_RC_SEND_MIDDLE = 0x01,
    ROCE_OP_RC_SEND_LAST = 0x02,
    ROCE_OP_RC_SEND_LAST_IMM = 0x03,
    ROCE_OP_RC_SEND_ONLY = 0x04,
    ROCE_OP_RC_SEND_ONLY_IMM = 0x05,
    ROCE_OP_RC_WRITE_FIRST = 0x06,
    ROCE_OP_RC_WRITE_MIDDLE = 0x07,
    ROCE_OP_RC_WRITE_LAST = 0x08,
    ROCE_OP_RC_WRITE_LAST_IMM = 0x09,
    ROCE_OP_RC_WRITE_ONLY = 0x0a,
    ROCE_OP_RC_WRITE_ONLY_IMM = 0x0b,
    ROCE_OP_RC_READ_REQUEST = 0x0c,
    ROCE_OP_RC_READ_RESPONSE_FIRST = 0x0d,
    ROCE_OP_RC_READ_RESPONSE_MIDDLE = 0x0e,
    ROCE_OP_RC_READ_RESPONSE_LAST = 0x0f,
    ROCE_OP_RC_READ_RESPONSE_ONLY = 0x10,
    ROCE_OP_RC_ACKNOWLEDGE = 0x11,
    ROCE_OP_RC_ATOMIC_ACKNOWLEDGE = 0x12,
    ROCE_OP_RC_COMPARE_SWAP = 0x13,
    ROCE_OP_RC_FETCH_ADD = 0x14,
    ROCE_OP_RC_SEND_LAST_INV = 0x16,
    ROCE_OP_RC_SEND_ONLY_INV = 0x17,

    ROCE_OP_UC_SEND_FIRST = 0x20,
    ROCE_OP_UC_SEND_MIDDLE = 0x21,
    ROCE_OP_UC_SEND_LAST = 0x22,
    ROCE_OP_UC_SEND_LAST_IMM = 0x23,
    ROCE_OP_UC_SEND_ONLY = 0x24,
    ROCE_OP_UC_SEND_ONLY_IMM = 0x25,
    ROCE_OP_UC_WRITE_FIRST = 0x26,
    ROCE_OP_UC_WRITE_MIDDLE = 0x27,
    ROCE_OP_UC_WRITE_LAST = 0x28,
    ROCE_OP_UC_WRITE_LAST_IMM = 0x29,
    ROCE_OP_UC_WRITE_ONLY = 0x2a,
    ROCE_OP_UC_WRITE_ONLY_IMM = 0x2b,

    ROCE_OP_UD_SEND_ONLY = 0x64,
    ROCE_OP_UD_SEND_ONLY_IMM = 0x65,

    ROCE_OP_CNP = 0x81,
};

/* Extended transport headers that may follow the BTH, in the order in
 * which they appear on the wire. */
enum roce_ext {
    ROCE_EXT_RETH,          /* RDMA ETH, 16 bytes. */
    ROCE_EXT_AETH,          /* ACK ETH, 4 bytes. */
    ROCE_EXT_DETH,          /* Datagram ETH, 8 bytes. */
    ROCE_EXT_ATOMIC_ETH,    /* Atomic ETH, 28 bytes. */
    ROCE_EXT_ATOMIC_ACK,    /* Atomic ACK ETH, 8 bytes. */
    ROCE_EXT_IMMDT,         /* Immediate data, 4 bytes. */
    ROCE_EXT_IETH,          /* Invalidate ETH, 4 bytes. */
    ROCE_EXT_N
};

/* Opcode flags (struct roce_opcode_info 'flags'). */
enum {
    ROCE_OPF_VALID = 1 << 0,     /* Table entry exists. */
    ROCE_OPF_REQ = 1 << 1,       /* Sent by a requester. */
    ROCE_OPF_RESP = 1 << 2,      /* Sent by a responder (ACK, read resp). */
    ROCE_OPF_FIRST = 1 << 3,     /* First packet of a message. */
    ROCE_OPF_MIDDLE = 1 << 4,    /* Middle packet of a message. */
    ROCE_OPF_LAST = 1 << 5,      /* Last packet of a message. */
    ROCE_OPF_ONLY = ROCE_OPF_FIRST | ROCE_OPF_LAST,
    ROCE_OPF_PAYLOAD = 1 << 6,   /* May carry a payload. */
    ROCE_OPF_SEND = 1 << 7,      /* SEND message. */
    ROCE_OPF_WRITE = 1 << 8,     /* RDMA WRITE message. */
    ROCE_OPF_READ = 1 << 9,      /* RDMA READ request or response. */
    ROCE_OPF_ATOMIC = 1 << 10,   /* Atomic request or atomic ACK. */
    ROCE_OPF_ACK = 1 << 11,      /* Plain ACK/NAK. */
    ROCE_OPF_IMM = 1 << 12,      /* Carries immediate data. */
    ROCE_OPF_INV = 1 << 13,      /* Carries an R_Key to invalidate. */
    ROCE_OPF_RECV_WQE = 1 << 14, /* Consumes a receive WQE at the
                                  * responder (SEND, WRITE with imm). */
    ROCE_OPF_ACK_REQUIRED = 1 << 15, /* Requester's work completes only
                                      * when the responder acknowledges
                                      * (every RC request). */
    ROCE_OPF_CNP = 1 << 16,      /* Congestion notification packet. */
};

/* Sizes of the RoCE transport headers and trailer. */
#define ROCE_BTH_LEN 12
#define ROCE_RETH_LEN 16
#define ROCE_AETH_LEN 4
#define ROCE_DETH_LEN 8
#define ROCE_ATOMIC_ETH_LEN 28
#define ROCE_ATOMIC_ACK_LEN 8
#define ROCE_IMMDT_LEN 4
#define ROCE_IETH_LEN 4
#define ROCE_CNP_RSVD_LEN 16    /* Reserved bytes after a CNP's BTH. */
#define ROCE_ICRC_LEN 4
#define ROCE_MAX_HDR_LEN (ROCE_BTH_LEN + ROCE_RETH_LEN + ROCE_IMMDT_LEN \
                          + ROCE_ATOMIC_ETH_LEN)

struct roce_opcode_info {
    const char *name;           /* e.g. "RC RDMA_WRITE_ONLY", NULL if
                                 * the opcode is not in the table. */
    uint32_t flags;             /* ROCE_OPF_*. */
    uint8_t hdr_len;            /* BTH + all extended headers. */
    uint8_t ext_mask;           /* Bit (1 << ROCE_EXT_*) per present ETH. */
    uint8_t ext_ofs[ROCE_EXT_N]; /* Offset from the BTH, if present. */
};

extern const struct roce_opcode_info roce_opcode_table[256];

static inline const struct roce_opcode_info *
roce_opcode_info(uint8_t opcode)
{
    return &roce_opcode_table[opcode];
}

static inline bool
roce_opcode_valid(uint8_t opcode)
{
    return (roce_opcode_table[opcode].flags & ROCE_OPF_VALID) != 0;
}

static inline enum roce_transport
roce_opcode_transport(uint8_t opcode)
{
    return (enum roce_transport) (opcode & ROCE_TRANSPORT_MASK);
}

static inline bool
roce_opcode_has(uint8_t opcode, enum roce_ext ext)
{
    return (roce_opcode_table[opcode].ext_mask >> ext) & 1;
}

/* Offset of 'ext' from the start of the BTH, or 0 if 'opcode' does not
 * carry it (0 is never a valid offset: the BTH is there). */
static inline size_t
roce_opcode_ext_ofs(uint8_t opcode, enum roce_ext ext)
{
    return roce_opcode_table[opcode].ext_ofs[ext];
}

const char *roce_opcode_name(uint8_t opcode);
const char *roce_ext_name(enum roce_ext);
size_t roce_ext_len(enum roce_ext);

#endif /* roce/opcode.h */
