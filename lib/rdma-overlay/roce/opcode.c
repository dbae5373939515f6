/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/opcode.h"

/* Layouts.  Each names the extended headers after the BTH; the offsets and
 * the total length are derived from them by the LAYOUT_* macros so that
 * they cannot disagree with the header sizes. */
#define BIT(E) (1u << ROCE_EXT_##E)

/* BTH only. */
#define L_BTH                                                           \
    .hdr_len = ROCE_BTH_LEN, .ext_mask = 0

/* BTH + one ETH. */
#define L_BTH_1(E1, LEN1)                                               \
    .hdr_len = ROCE_BTH_LEN + (LEN1),                                   \
    .ext_mask = BIT(E1),                                                \
    .ext_ofs = { [ROCE_EXT_##E1] = ROCE_BTH_LEN }

/* BTH + two ETHs. */
#define L_BTH_2(E1, LEN1, E2, LEN2)                                     \
    .hdr_len = ROCE_BTH_LEN + (LEN1) + (LEN2),                          \
    .ext_mask = BIT(E1) | BIT(E2),                                      \
    .ext_ofs = { [ROCE_EXT_##E1] = ROCE_BTH_LEN,                        \
                 [ROCE_EXT_##E2] = ROCE_BTH_LEN + (LEN1) }

#define RETH_ RETH, ROCE_RETH_LEN
#define AETH_ AETH, ROCE_AETH_LEN
#define DETH_ DETH, ROCE_DETH_LEN
#define IMMDT_ IMMDT, ROCE_IMMDT_LEN
#define IETH_ IETH, ROCE_IETH_LEN
#define ATOMIC_ETH_ ATOMIC_ETH, ROCE_ATOMIC_ETH_LEN
#define ATOMIC_ACK_ ATOMIC_ACK, ROCE_ATOMIC_ACK_LEN
#define L1(A) L_BTH_1(A)
#define L2(A, B) L_BTH_2(A, B)
#define EXPAND(X) X

#define V ROCE_OPF_VALID
#define REQ (ROCE_OPF_VALID | ROCE_OPF_REQ)
#define RESP (ROCE_OPF_VALID | ROCE_OPF_RESP)
#define RCREQ (REQ | ROCE_OPF_ACK_REQUIRED)
#define FIRST ROCE_OPF_FIRST
#define MIDDLE ROCE_OPF_MIDDLE
#define LAST ROCE_OPF_LAST
#define ONLY ROCE_OPF_ONLY
#define PAY ROCE_OPF_PAYLOAD
#define SEND (ROCE_OPF_SEND | ROCE_OPF_PAYLOAD)
#define WRITE (ROCE_OPF_WRITE | ROCE_OPF_PAYLOAD)
#define IMM ROCE_OPF_IMM
#define INV ROCE_OPF_INV
#define RWQE ROCE_OPF_RECV_WQE

/* SEND and RDMA WRITE opcodes have the same shape on RC and UC; only the
 * transport bits and whether an ACK is required differ. */
#define SEND_WRITE_OPS(T, TR, RQ)                                          \
    [T | 0x00] = { TR "SEND_FIRST", RQ | SEND | FIRST, L_BTH },            \
    [T | 0x01] = { TR "SEND_MIDDLE", RQ | SEND | MIDDLE, L_BTH },          \
    [T | 0x02] = { TR "SEND_LAST", RQ | SEND | LAST | RWQE, L_BTH },       \
    [T | 0x03] = { TR "SEND_LAST_WITH_IMMEDIATE",                          \
                   RQ | SEND | LAST | IMM | RWQE, EXPAND(L1(IMMDT_)) },    \
    [T | 0x04] = { TR "SEND_ONLY", RQ | SEND | ONLY | RWQE, L_BTH },       \
    [T | 0x05] = { TR "SEND_ONLY_WITH_IMMEDIATE",                          \
                   RQ | SEND | ONLY | IMM | RWQE, EXPAND(L1(IMMDT_)) },    \
    [T | 0x06] = { TR "RDMA_WRITE_FIRST", RQ | WRITE | FIRST,              \
                   EXPAND(L1(RETH_)) },                                    \
    [T | 0x07] = { TR "RDMA_WRITE_MIDDLE", RQ | WRITE | MIDDLE, L_BTH },   \
    [T | 0x08] = { TR "RDMA_WRITE_LAST", RQ | WRITE | LAST, L_BTH },       \
    [T | 0x09] = { TR "RDMA_WRITE_LAST_WITH_IMMEDIATE",                    \
                   RQ | WRITE | LAST | IMM | RWQE, EXPAND(L1(IMMDT_)) },   \
    [T | 0x0a] = { TR "RDMA_WRITE_ONLY", RQ | WRITE | ONLY,                \
                   EXPAND(L1(RETH_)) },                                    \
    [T | 0x0b] = { TR "RDMA_WRITE_ONLY_WITH_IMMEDIATE",                    \
                   RQ | WRITE | ONLY | IMM | RWQE,                         \
                   EXPAND(L2(RETH_, IMMDT_)) }

/* The table.  Names follow IBTA/Wireshark spelling so that test output and
 * tshark output can be compared directly. */
const struct roce_opcode_info roce_opcode_table[256] = {
    SEND_WRITE_OPS(ROCE_TRANSPORT_RC, "RC ", RCREQ),
    [ROCE_OP_RC_READ_REQUEST] = {
        "RC RDMA_READ_REQUEST", RCREQ | ROCE_OPF_READ | ONLY,
        EXPAND(L1(RETH_)) },
    [ROCE_OP_RC_READ_RESPONSE_FIRST] = {
        "RC RDMA_READ_RESPONSE_FIRST", RESP | ROCE_OPF_READ | PAY | FIRST,
        EXPAND(L1(AETH_)) },
    [ROCE_OP_RC_READ_RESPONSE_MIDDLE] = {
        "RC RDMA_READ_RESPONSE_MIDDLE", RESP | ROCE_OPF_READ | PAY | MIDDLE,
        L_BTH },
    [ROCE_OP_RC_READ_RESPONSE_LAST] = {
        "RC RDMA_READ_RESPONSE_LAST", RESP | ROCE_OPF_READ | PAY | LAST,
        EXPAND(L1(AETH_)) },
    [ROCE_OP_RC_READ_RESPONSE_ONLY] = {
        "RC RDMA_READ_RESPONSE_ONLY", RESP | ROCE_OPF_READ | PAY | ONLY,
        EXPAND(L1(AETH_)) },
    [ROCE_OP_RC_ACKNOWLEDGE] = {
        "RC ACKNOWLEDGE", RESP | ROCE_OPF_ACK | ONLY, EXPAND(L1(AETH_)) },
    [ROCE_OP_RC_ATOMIC_ACKNOWLEDGE] = {
        "RC ATOMIC_ACKNOWLEDGE", RESP | ROCE_OPF_ATOMIC | ONLY,
        EXPAND(L2(AETH_, ATOMIC_ACK_)) },
    [ROCE_OP_RC_COMPARE_SWAP] = {
        "RC CMP_SWAP", RCREQ | ROCE_OPF_ATOMIC | ONLY,
        EXPAND(L1(ATOMIC_ETH_)) },
    [ROCE_OP_RC_FETCH_ADD] = {
        "RC FETCH_ADD", RCREQ | ROCE_OPF_ATOMIC | ONLY,
        EXPAND(L1(ATOMIC_ETH_)) },
    [ROCE_OP_RC_SEND_LAST_INV] = {
        "RC SEND_LAST_INVAL", RCREQ | SEND | LAST | INV | RWQE,
        EXPAND(L1(IETH_)) },
    [ROCE_OP_RC_SEND_ONLY_INV] = {
        "RC SEND_ONLY_INVAL", RCREQ | SEND | ONLY | INV | RWQE,
        EXPAND(L1(IETH_)) },

    SEND_WRITE_OPS(ROCE_TRANSPORT_UC, "UC ", REQ),

    [ROCE_OP_UD_SEND_ONLY] = {
        "UD SEND_ONLY", REQ | SEND | ONLY | RWQE, EXPAND(L1(DETH_)) },
    [ROCE_OP_UD_SEND_ONLY_IMM] = {
        "UD SEND_ONLY_WITH_IMMEDIATE", REQ | SEND | ONLY | IMM | RWQE,
        EXPAND(L2(DETH_, IMMDT_)) },

    [ROCE_OP_CNP] = {
        "CNP", V | ROCE_OPF_CNP, .hdr_len = ROCE_BTH_LEN + ROCE_CNP_RSVD_LEN },
};

/* Returns the table name of 'opcode', or "UNKNOWN" for opcodes that are not
 * in the table (so that logging never needs a NULL check). */
const char *
roce_opcode_name(uint8_t opcode)
{
    const char *name = roce_opcode_table[opcode].name;
    return name ? name : "UNKNOWN";
}

/* Returns the conventional name of an extended transport header. */
const char *
roce_ext_name(enum roce_ext ext)
{
    switch (ext) {
    case ROCE_EXT_RETH: return "RETH";
    case ROCE_EXT_AETH: return "AETH";
    case ROCE_EXT_DETH: return "DETH";
    case ROCE_EXT_ATOMIC_ETH: return "AtomicETH";
    case ROCE_EXT_ATOMIC_ACK: return "AtomicAckETH";
    case ROCE_EXT_IMMDT: return "ImmDt";
    case ROCE_EXT_IETH: return "IETH";
    case ROCE_EXT_N: break;
    }
    return "?";
}

/* Returns the length in bytes of an extended transport header. */
size_t
roce_ext_len(enum roce_ext ext)
{
    switch (ext) {
    case ROCE_EXT_RETH: return ROCE_RETH_LEN;
    case ROCE_EXT_AETH: return ROCE_AETH_LEN;
    case ROCE_EXT_DETH: return ROCE_DETH_LEN;
    case ROCE_EXT_ATOMIC_ETH: return ROCE_ATOMIC_ETH_LEN;
    case ROCE_EXT_ATOMIC_ACK: return ROCE_ATOMIC_ACK_LEN;
    case ROCE_EXT_IMMDT: return ROCE_IMMDT_LEN;
    case ROCE_EXT_IETH: return ROCE_IETH_LEN;
    case ROCE_EXT_N: break;
    }
    return 0;
}
