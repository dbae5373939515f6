/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_HDR_H
#define ROCE_HDR_H 1

/* Field accessors for the InfiniBand transport headers carried by RoCEv2:
 * BTH and every extended transport header (IBTA Vol 1 ch. 9.2-9.4).
 *
 * Every accessor takes a byte pointer to the first byte of its header and
 * works in network byte order; 24-bit fields are masked on store.  Use
 * roce_hdr_ext() (or roce_opcode_ext_ofs()) to locate an extended header
 * for a given opcode. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "roce/bytes.h"
#include "roce/opcode.h"

#define ROCE_PSN_MASK 0xffffffu
#define ROCE_QPN_MASK 0xffffffu
#define ROCE_MSN_MASK 0xffffffu
#define ROCE_DEFAULT_PKEY 0xffff
#define ROCE_GSI_QKEY 0x80010000u   /* Well-known Q_Key of QP1. */

/* ---- BTH (12 bytes) ----
 *  0      opcode
 *  1      SE(7) | M(6) | PadCnt(5:4) | TVer(3:0)
 *  2-3    P_Key
 *  4      FECN(7) | BECN(6) | resv6  (the "resv8a" byte masked in ICRC)
 *  5-7    DestQP
 *  8      AckReq(7) | resv7
 *  9-11   PSN */

static inline uint8_t roce_bth_opcode(const uint8_t *b) { return b[0]; }
static inline bool roce_bth_se(const uint8_t *b) { return b[1] >> 7; }
static inline bool roce_bth_mig(const uint8_t *b) { return (b[1] >> 6) & 1; }
static inline unsigned int roce_bth_pad(const uint8_t *b)
{ return (b[1] >> 4) & 3; }
static inline unsigned int roce_bth_tver(const uint8_t *b)
{ return b[1] & 0xf; }
static inline uint16_t roce_bth_pkey(const uint8_t *b)
{ return roce_get_be16(b + 2); }
static inline bool roce_bth_fecn(const uint8_t *b) { return b[4] >> 7; }
static inline bool roce_bth_becn(const uint8_t *b)
{ return (b[4] >> 6) & 1; }
static inline uint32_t roce_bth_dqpn(const uint8_t *b)
{ return roce_get_be24(b + 5); }
static inline bool roce_bth_ackreq(const uint8_t *b) { return b[8] >> 7; }
static inline uint32_t roce_bth_psn(const uint8_t *b)
{ return roce_get_be24(b + 9); }

static inline void roce_bth_set_opcode(uint8_t *b, uint8_t v) { b[0] = v; }
static inline void
roce_bth_set_se(uint8_t *b, bool v)
{
    b[1] = (b[1] & 0x7f) | (v ? 0x80 : 0);
}
static inline void
roce_bth_set_mig(uint8_t *b, bool v)
{
    b[1] = (b[1] & 0xbf) | (v ? 0x40 : 0);
}
static inline void
roce_bth_set_pad(uint8_t *b, unsigned int v)
{
    b[1] = (b[1] & 0xcf) | ((v & 3) << 4);
}
static inline void
roce_bth_set_tver(uint8_t *b, unsigned int v)
{
    b[1] = (b[1] & 0xf0) | (v & 0xf);
}
static inline void roce_bth_set_pkey(uint8_t *b, uint16_t v)
{ roce_put_be16(b + 2, v); }
static inline void
roce_bth_set_fecn(uint8_t *b, bool v)
{
    b[4] = (b[4] & 0x7f) | (v ? 0x80 : 0);
}
static inline void
roce_bth_set_becn(uint8_t *b, bool v)
{
    b[4] = (b[4] & 0xbf) | (v ? 0x40 : 0);
}
static inline void roce_bth_set_dqpn(uint8_t *b, uint32_t v)
{ roce_put_be24(b + 5, v & ROCE_QPN_MASK); }
static inline void
roce_bth_set_ackreq(uint8_t *b, bool v)
{
    b[8] = (b[8] & 0x7f) | (v ? 0x80 : 0);
}
static inline void roce_bth_set_psn(uint8_t *b, uint32_t v)
{ roce_put_be24(b + 9, v & ROCE_PSN_MASK); }

/* Writes a complete BTH (reserved bits zero, TVer 0, no FECN/BECN). */
static inline void
roce_bth_init(uint8_t *b, uint8_t opcode, bool se, bool mig,
              unsigned int pad, uint16_t pkey, uint32_t dqpn, bool ackreq,
              uint32_t psn)
{
    b[0] = opcode;
    b[1] = (se ? 0x80 : 0) | (mig ? 0x40 : 0) | ((pad & 3) << 4);
    roce_put_be16(b + 2, pkey);
    b[4] = 0;
    roce_put_be24(b + 5, dqpn & ROCE_QPN_MASK);
    b[8] = ackreq ? 0x80 : 0;
    roce_put_be24(b + 9, psn & ROCE_PSN_MASK);
}

/* ---- RETH (16 bytes): VA(0-7) R_Key(8-11) DMALen(12-15) ---- */
static inline uint64_t roce_reth_va(const uint8_t *h)
{ return roce_get_be64(h); }
static inline uint32_t roce_reth_rkey(const uint8_t *h)
{ return roce_get_be32(h + 8); }
static inline uint32_t roce_reth_len(const uint8_t *h)
{ return roce_get_be32(h + 12); }
static inline void roce_reth_set_va(uint8_t *h, uint64_t v)
{ roce_put_be64(h, v); }
static inline void roce_reth_set_rkey(uint8_t *h, uint32_t v)
{ roce_put_be32(h + 8, v); }
static inline void roce_reth_set_len(uint8_t *h, uint32_t v)
{ roce_put_be32(h + 12, v); }

/* ---- AETH (4 bytes): Syndrome(0) MSN(1-3) ----
 * Syndrome bits 6..5 select ACK (0), RNR NAK (1), NAK (3); bits 4..0 are
 * the credit count, the RNR timer or the NAK code. */
enum roce_aeth_type {
    ROCE_AETH_ACK = 0,
    ROCE_AETH_RNR_NAK = 1,
    ROCE_AETH_RESERVED = 2,
    ROCE_AETH_NAK = 3,
};
enum roce_nak_code {
    ROCE_NAK_PSN_SEQ_ERROR = 0,
    ROCE_NAK_INVALID_REQUEST = 1,
    ROCE_NAK_REMOTE_ACCESS_ERROR = 2,
    ROCE_NAK_REMOTE_OP_ERROR = 3,
    ROCE_NAK_INVALID_RD_REQUEST = 4,
};
#define ROCE_AETH_CREDIT_INVALID 0x1f   /* "No credit count". */

static inline uint8_t roce_aeth_syndrome(const uint8_t *h) { return h[0]; }
static inline uint32_t roce_aeth_msn(const uint8_t *h)
{ return roce_get_be24(h + 1); }
static inline void roce_aeth_set_syndrome(uint8_t *h, uint8_t v)
{ h[0] = v; }
static inline void roce_aeth_set_msn(uint8_t *h, uint32_t v)
{ roce_put_be24(h + 1, v & ROCE_MSN_MASK); }
static inline enum roce_aeth_type roce_syndrome_type(uint8_t syndrome)
{ return (enum roce_aeth_type) ((syndrome >> 5) & 3); }
static inline unsigned int roce_syndrome_value(uint8_t syndrome)
{ return syndrome & 0x1f; }
static inline uint8_t
roce_syndrome_make(enum roce_aeth_type type, unsigned int value)
{
    return (uint8_t) (((type & 3) << 5) | (value & 0x1f));
}

/* ---- DETH (8 bytes): Q_Key(0-3) resv8(4) SrcQP(5-7) ---- */
static inline uint32_t roce_deth_qkey(const uint8_t *h)
{ return roce_get_be32(h); }
static inline uint32_t roce_deth_sqpn(const uint8_t *h)
{ return roce_get_be24(h + 5); }
static inline void roce_deth_set_qkey(uint8_t *h, uint32_t v)
{ roce_put_be32(h, v); }
static inline void
roce_deth_set_sqpn(uint8_t *h, uint32_t v)
{
    h[4] = 0;
    roce_put_be24(h + 5, v & ROCE_QPN_MASK);
}

/* ---- ImmDt (4 bytes), IETH (4 bytes) ----
 * Immediate data is opaque to the transport: it is kept in wire order as
 * a big-endian 32-bit value, like ibv_wc's imm_data after ntohl(). */
static inline uint32_t roce_immdt(const uint8_t *h)
{ return roce_get_be32(h); }
static inline void roce_immdt_set(uint8_t *h, uint32_t v)
{ roce_put_be32(h, v); }
static inline uint32_t roce_ieth_rkey(const uint8_t *h)
{ return roce_get_be32(h); }
static inline void roce_ieth_set_rkey(uint8_t *h, uint32_t v)
{ roce_put_be32(h, v); }

/* ---- AtomicETH (28 bytes): VA(0-7) R_Key(8-11) SwapAdd(12-19)
 *      Compare(20-27) ---- */
static inline uint64_t roce_atomic_eth_va(const uint8_t *h)
{ return roce_get_be64(h); }
static inline uint32_t roce_atomic_eth_rkey(const uint8_t *h)
{ return roce_get_be32(h + 8); }
static inline uint64_t roce_atomic_eth_swap_add(const uint8_t *h)
{ return roce_get_be64(h + 12); }
static inline uint64_t roce_atomic_eth_compare(const uint8_t *h)
{ return roce_get_be64(h + 20); }
static inline void roce_atomic_eth_set_va(uint8_t *h, uint64_t v)
{ roce_put_be64(h, v); }
static inline void roce_atomic_eth_set_rkey(uint8_t *h, uint32_t v)
{ roce_put_be32(h + 8, v); }
static inline void roce_atomic_eth_set_swap_add(uint8_t *h, uint64_t v)
{ roce_put_be64(h + 12, v); }
static inline void roce_atomic_eth_set_compare(uint8_t *h, uint64_t v)
{ roce_put_be64(h + 20, v); }

/* ---- AtomicAckETH (8 bytes): OrigRemData(0-7) ---- */
static inline uint64_t roce_atomic_ack_orig(const uint8_t *h)
{ return roce_get_be64(h); }
static inline void roce_atomic_ack_set_orig(uint8_t *h, uint64_t v)
{ roce_put_be64(h, v); }

/* Returns the extended header 'ext' of the transport header that starts
 * at 'bth' (whose opcode must be valid), or NULL if that opcode does not
 * carry 'ext'. */
static inline uint8_t *
roce_hdr_ext(uint8_t *bth, enum roce_ext ext)
{
    uint8_t op = roce_bth_opcode(bth);
    return roce_opcode_has(op, ext) ? bth + roce_opcode_ext_ofs(op, ext)
                                    : NULL;
}

static inline const uint8_t *
roce_hdr_ext_const(const uint8_t *bth, enum roce_ext ext)
{
    uint8_t op = roce_bth_opcode(bth);
    return roce_opcode_has(op, ext) ? bth + roce_opcode_ext_ofs(op, ext)
                                    : NULL;
}

/* Pad bytes needed after a payload of 'len' bytes (BTH PadCnt). */
static inline unsigned int
roce_pad_len(size_t len)
{
    return (unsigned int) (-len & 3);
}

/* PSN arithmetic modulo 2^24. */
static inline uint32_t
roce_psn_add(uint32_t psn, uint32_t n)
{
    return (psn + n) & ROCE_PSN_MASK;
}

/* Signed distance a - b in the 24-bit PSN space, in [-2^23, 2^23). */
static inline int32_t
roce_psn_diff(uint32_t a, uint32_t b)
{
    uint32_t d = (a - b) & ROCE_PSN_MASK;
    return d & 0x800000 ? (int32_t) d - 0x1000000 : (int32_t) d;
}

/* RoCEv2 UDP source port from a QP pair, the way Linux and rdma-core
 * derive it: a 20-bit flow label hashed from the QPNs, folded into
 * 0xc000..0xffff. */
uint16_t roce_udp_sport(uint32_t lqpn, uint32_t rqpn);
uint32_t roce_flow_label(uint32_t lqpn, uint32_t rqpn);

#endif /* roce/hdr.h */
