/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* Receive parser: build -> parse round trip for every opcode in the table
 * under every encapsulation with extreme field values; every truncation
 * rejected (each frame is parsed from an exact-size heap copy, so ASan
 * catches any read past the end); each error code provoked on purpose. */

#include <stdlib.h>
#include <string.h>
#include "roce-test.h"
#include "roce/bytes.h"
#include "roce/csum.h"
#include "roce/frame.h"
#include "roce/hdr.h"
#include "roce/icrc.h"
#include "wire-kat.h"
#include "wire-test.h"

/* Encapsulations exercised. */
enum { PLAIN4, PLAIN6, VXLAN4_IN4, VXLAN6_IN4, GENEVE6_IN6, GENEVE4_VLAN,
       N_ENCAPS };

static void
make_encap(int kind, struct roce_encap *e, uint8_t *prefix)
{
    struct roce_encap_params prm;
    size_t plen = 0;

    switch (kind) {
    case PLAIN4:
    case VXLAN4_IN4:
    case GENEVE4_VLAN:
        wt_inner_v4(&prm);
        break;
    default:
        wt_inner_v6(&prm);
    }
    switch (kind) {
    case VXLAN4_IN4:
        plen = wt_tnl_prefix(prefix, 400, ROCE_TNL_VXLAN, false, false,
                             0xffffff, 0);
        prm.tnl.type = ROCE_TNL_VXLAN;
        break;
    case VXLAN6_IN4:
        plen = wt_tnl_prefix(prefix, 400, ROCE_TNL_VXLAN, true, true, 0, 0);
        prm.tnl.type = ROCE_TNL_VXLAN;
        break;
    case GENEVE6_IN6:
        plen = wt_tnl_prefix(prefix, 400, ROCE_TNL_GENEVE, true, true, 77,
                             252);
        prm.tnl.type = ROCE_TNL_GENEVE;
        break;
    case GENEVE4_VLAN:
        plen = wt_tnl_prefix(prefix, 400, ROCE_TNL_GENEVE, false, false, 9,
                             8);
        prm.tnl.type = ROCE_TNL_GENEVE;
        prm.vlan = true;
        prm.vlan_tci = 0xffff;
        break;
    }
    if (plen) {
        prm.tnl.header = prefix;
        prm.tnl.header_len = plen;
    }
    if (roce_encap_init(e, &prm) != ROCE_ENCAP_OK) {
        abort();
    }
}

/* Parses an exact-size heap copy of 'frame'. */
static enum roce_frame_error
parse_copy(const uint8_t *frame, size_t len, const struct roce_frame_opts *o,
           struct roce_frame *rf)
{
    uint8_t *copy = malloc(len ? len : 1);
    enum roce_frame_error error;

    memcpy(copy, frame, len);
    error = roce_frame_parse(copy, len, o, rf);
    /* Pointers into the copy must not be used after this. */
    free(copy);
    return error;
}

/* Field values: all zero (variant 0) or all at their maximum (1). */
static void
fill_pkt(struct roce_pkt *p, uint8_t opcode, int variant,
         const uint8_t *payload, size_t len)
{
    memset(p, 0, sizeof *p);
    p->opcode = opcode;
    if (variant) {
        p->se = p->mig = p->ackreq = p->fecn = p->becn = true;
        p->pkey = 0xffff;
        p->dqpn = p->psn = 0xffffff;
        p->va = UINT64_MAX;
        p->rkey = p->dma_len = p->qkey = p->imm = p->inv_rkey = UINT32_MAX;
        p->syndrome = 0xff;
        p->msn = p->sqpn = 0xffffff;
        p->swap_add = p->compare = p->orig = UINT64_MAX;
    }
    p->payload = payload;
    p->payload_len = len;
}

static bool
pkt_equal(const struct roce_pkt *a, const struct roce_pkt *b)
{
    const struct roce_opcode_info *op = roce_opcode_info(a->opcode);
#define HAS(E) (op->ext_mask & (1u << ROCE_EXT_##E))
    return (a->opcode == b->opcode && a->se == b->se && a->mig == b->mig
            && a->fecn == b->fecn && a->becn == b->becn
            && a->ackreq == b->ackreq && a->pkey == b->pkey
            && a->dqpn == b->dqpn && a->psn == b->psn
            && (!(HAS(RETH) || HAS(ATOMIC_ETH))
                || (a->va == b->va && a->rkey == b->rkey))
            && (!HAS(RETH) || a->dma_len == b->dma_len)
            && (!HAS(AETH) || (a->syndrome == b->syndrome
                               && a->msn == b->msn))
            && (!HAS(DETH) || (a->qkey == b->qkey && a->sqpn == b->sqpn))
            && (!HAS(ATOMIC_ETH) || (a->swap_add == b->swap_add
                                     && a->compare == b->compare))
            && (!HAS(ATOMIC_ACK) || a->orig == b->orig)
            && (!HAS(IMMDT) || a->imm == b->imm)
            && (!HAS(IETH) || a->inv_rkey == b->inv_rkey)
            && a->payload_len == b->payload_len
            && (!a->payload_len
                || !memcmp(a->payload, b->payload, a->payload_len)));
#undef HAS
}

static void
test_round_trip(void)
{
    static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 255, 1024, 4096 };
    uint8_t *payload = malloc(4096);
    uint8_t *frame = malloc(8192);
    struct roce_frame_opts o;
    int n_frames = 0, n_bad = 0;

    roce_frame_opts_init(&o);
    for (size_t i = 0; i < 4096; i++) {
        payload[i] = i ^ (i >> 8);
    }
    for (int kind = 0; kind < N_ENCAPS; kind++) {
        struct roce_encap e;
        uint8_t prefix[400];

        make_encap(kind, &e, prefix);
        for (int opc = 0; opc < 256; opc++) {
            const struct roce_opcode_info *op = roce_opcode_info(opc);

            if (!(op->flags & ROCE_OPF_VALID)) {
                continue;
            }
            for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
                if (lens[li] && !(op->flags & ROCE_OPF_PAYLOAD)) {
                    continue;
                }
                for (int variant = 0; variant < 2; variant++) {
                    struct roce_pkt in, out;
                    struct roce_frame rf;
                    size_t n;

                    fill_pkt(&in, opc, variant, payload, lens[li]);
                    n = wt_build(&e, &in, frame, 8192);
                    CHECK(n > 0);
                    n_frames++;
                    if (roce_frame_parse(frame, n, &o, &rf)
                        != ROCE_FRAME_OK) {
                        n_bad++;
                        continue;
                    }
                    roce_pkt_from_frame(&rf, &out);
                    if (!pkt_equal(&in, &out)
                        || rf.op != op
                        || rf.pad != roce_pad_len(lens[li])
                        || rf.frame_len != n
                        || rf.tnl_type != e.tnl_type
                        || rf.inner.udp_dst != ROCE_UDP_PORT
                        || rf.bth != frame + roce_encap_hdr_len(&e)) {
                        fprintf(stderr, "mismatch: kind %d opcode %#x "
                                "len %zu variant %d\n", kind, opc, lens[li],
                                variant);
                        n_bad++;
                    }
                }
            }
        }
    }
    CHECK_EQ(n_bad, 0);
    CHECK(n_frames > 1000);
    free(payload);
    free(frame);
}

/* Parsed addressing of one overlay frame. */
static void
test_fields(void)
{
    struct roce_frame_opts o;
    struct roce_frame rf;
    struct in6_addr a;

    roce_frame_opts_init(&o);
    CHECK_EQ(roce_frame_parse(kat_vxlan_ack, sizeof kat_vxlan_ack, &o, &rf),
             ROCE_FRAME_OK);
    CHECK_EQ(rf.tnl_type, ROCE_TNL_VXLAN);
    CHECK_EQ(rf.vni, 5001);
    CHECK_EQ(rf.outer.ip_version, 4);
    a = wt_addr("192.168.1.1");
    CHECK_MEM(&rf.outer.ip_src, &a, 16);
    a = wt_addr("192.168.1.2");
    CHECK_MEM(&rf.outer.ip_dst, &a, 16);
    CHECK_EQ(rf.outer.eth_src[5], 1);
    CHECK_EQ(rf.outer.eth_dst[0], 0xaa);
    CHECK_EQ(rf.outer.udp_src, 50000);
    CHECK_EQ(rf.outer.udp_dst, 4789);
    CHECK_EQ(rf.inner.ip_version, 4);
    a = wt_addr("10.0.0.2");
    CHECK_MEM(&rf.inner.ip_dst, &a, 16);
    CHECK_EQ(rf.inner.dscp, 26);
    CHECK_EQ(rf.inner.ecn, 2);
    CHECK_EQ(rf.inner.udp_src, 0xc777);
    CHECK_EQ(rf.opcode, ROCE_OP_RC_ACKNOWLEDGE);
    CHECK_EQ(rf.dqpn, 0x34);
    CHECK_EQ(rf.psn, 0x100);
    CHECK(rf.ext[ROCE_EXT_AETH] == rf.bth + 12);
    CHECK_EQ(roce_aeth_msn(rf.ext[ROCE_EXT_AETH]), 7);
    CHECK_EQ(rf.icrc, KAT_VXLAN_ACK_ICRC);
    CHECK_EQ(rf.roce_len, sizeof kat_vxlan_ack - 64 - 4);

    /* Parsed in place: 'rf.payload' is used below. */
    CHECK_EQ(roce_frame_parse(kat_v6_ud_send, sizeof kat_v6_ud_send, &o,
                              &rf), ROCE_FRAME_OK);
    CHECK_EQ(rf.tnl_type, ROCE_TNL_NONE);
    CHECK_EQ(rf.inner.ip_version, 6);
    CHECK_EQ(rf.inner.flow_label, 0x12345);
    CHECK_EQ(rf.payload_len, 5);
    CHECK(!memcmp(rf.payload, "hello", 5));
    CHECK_EQ(rf.pad, 3);
    CHECK_EQ(roce_deth_sqpn(rf.ext[ROCE_EXT_DETH]), 0xab);

    /* Inner IPv4 with options. */
    CHECK_EQ(roce_frame_parse(kat_v4_options_write,
                              sizeof kat_v4_options_write, &o, &rf),
             ROCE_FRAME_OK);
    CHECK_EQ(rf.inner.l4_ofs, 14 + 24);
    CHECK_EQ(rf.payload_len, 8);
    CHECK(!memcmp(rf.payload, "ABCDEFGH", 8));
    CHECK_EQ(rf.icrc, KAT_V4_OPTIONS_WRITE_ICRC);
}

/* Every proper prefix of valid frames is rejected as truncated. */
static void
test_truncation(void)
{
    static const uint8_t zero[4096];
    uint8_t *frame = malloc(8192);
    struct roce_frame_opts o;
    int wrong = 0;

    roce_frame_opts_init(&o);
    for (int kind = 0; kind < N_ENCAPS; kind++) {
        struct roce_encap e;
        uint8_t prefix[400];
        struct roce_pkt p;
        size_t n;

        make_encap(kind, &e, prefix);
        fill_pkt(&p, ROCE_OP_RC_WRITE_ONLY_IMM, 1, zero, 33);
        n = wt_build(&e, &p, frame, 8192);
        for (size_t l = 0; l < n; l++) {
            struct roce_frame rf;
            enum roce_frame_error err = parse_copy(frame, l, &o, &rf);

            if (err != ROCE_FRAME_TOO_SHORT) {
                fprintf(stderr, "kind %d: length %zu of %zu: %s\n",
                        kind, l, n, roce_frame_error_str(err));
                wrong++;
            }
        }
    }
    CHECK_EQ(wrong, 0);
    free(frame);
}

/* Recomputes the IPv4 header checksum at 'ip'. */
static void
fix_ip4(uint8_t *ip)
{
    roce_put_be16(ip + 10, 0);
    roce_put_be16(ip + 10, roce_csum_finish(roce_csum_add(0, ip,
                                                         (ip[0] & 15) * 4)));
}

static void
fix_icrc(uint8_t *f, size_t len, size_t l3)
{
    roce_icrc_fill(f + l3, len - l3 - 4);
}

/* Each error code, provoked by editing a valid frame. */
static void
test_errors(void)
{
    uint8_t f[256];
    size_t n4 = sizeof kat_v4_write;
    size_t nx = sizeof kat_vxlan_ack;
    size_t n6 = sizeof kat_v6_ud_send;
    struct roce_frame_opts o;
    struct roce_frame rf;

#define RESET(KAT) memcpy(f, KAT, sizeof KAT)
#define EXPECT(LEN, ERR) CHECK_EQ(parse_copy(f, LEN, &o, &rf), ERR)

    roce_frame_opts_init(&o);

    RESET(kat_v4_write);
    EXPECT(n4, ROCE_FRAME_OK);
    f[12] = 0x08; f[13] = 0x06;                 /* ARP. */
    EXPECT(n4, ROCE_FRAME_NOT_IP);

    RESET(kat_v4_write);
    f[14] = 0x55;                               /* Version 5. */
    EXPECT(n4, ROCE_FRAME_BAD_IP_HDR);
    RESET(kat_v4_write);
    f[14] = 0x44;                               /* IHL 4. */
    EXPECT(n4, ROCE_FRAME_BAD_IP_HDR);
    RESET(kat_v4_write);
    f[24] ^= 1;                                 /* IP checksum. */
    EXPECT(n4, ROCE_FRAME_BAD_IP_HDR);
    RESET(kat_v4_write);
    f[20] = 0x20;                               /* More fragments. */
    fix_ip4(f + 14);
    EXPECT(n4, ROCE_FRAME_BAD_IP_HDR);

    RESET(kat_v4_write);
    roce_put_be16(f + 16, 19);                  /* Total < IHL. */
    fix_ip4(f + 14);
    EXPECT(n4, ROCE_FRAME_BAD_IP_LEN);
    RESET(kat_v4_write);
    roce_put_be16(f + 16, 27);                  /* No room for UDP. */
    fix_ip4(f + 14);
    EXPECT(n4, ROCE_FRAME_BAD_IP_LEN);
    RESET(kat_v4_write);
    roce_put_be16(f + 16, n4 - 14 + 1);         /* Beyond the frame. */
    fix_ip4(f + 14);
    EXPECT(n4, ROCE_FRAME_TOO_SHORT);

    RESET(kat_v4_write);
    f[23] = 6;                                  /* TCP. */
    fix_ip4(f + 14);
    EXPECT(n4, ROCE_FRAME_NOT_UDP);
    RESET(kat_v6_ud_send);
    f[20] = 0;                                  /* Hop-by-hop header. */
    EXPECT(n6, ROCE_FRAME_NOT_UDP);
    RESET(kat_v6_ud_send);
    f[14] = 0x46;                               /* Version 4 in IPv6. */
    EXPECT(n6, ROCE_FRAME_BAD_IP_HDR);

    RESET(kat_v4_write);
    roce_put_be16(f + 38, roce_get_be16(f + 38) - 1);
    EXPECT(n4, ROCE_FRAME_BAD_UDP_LEN);
    RESET(kat_v4_write);
    roce_put_be16(f + 36, 80);                  /* Not 4791. */
    EXPECT(n4, ROCE_FRAME_NOT_ROCE);
    RESET(kat_vxlan_ack);
    roce_put_be16(f + 86, 80);                  /* Inner dst port. */
    EXPECT(nx, ROCE_FRAME_NOT_ROCE);

    RESET(kat_vxlan_ack);
    f[42] = 0;                                  /* VXLAN I flag clear. */
    EXPECT(nx, ROCE_FRAME_BAD_TUNNEL);
    o.allow_overlay = false;
    RESET(kat_vxlan_ack);
    EXPECT(nx, ROCE_FRAME_NOT_ROCE);
    o.allow_overlay = true;
    o.allow_plain = false;
    RESET(kat_v4_write);
    EXPECT(n4, ROCE_FRAME_NOT_ROCE);
    o.allow_plain = true;
    o.vxlan_port = 8472;                        /* Configured port. */
    RESET(kat_vxlan_ack);
    EXPECT(nx, ROCE_FRAME_NOT_ROCE);
    roce_put_be16(f + 36, 8472);
    EXPECT(nx, ROCE_FRAME_OK);
    o.vxlan_port = 0;

    RESET(kat_v4_write);
    f[42] = 0x15;                               /* Reserved opcode. */
    fix_icrc(f, n4, 14);
    EXPECT(n4, ROCE_FRAME_BAD_OPCODE);
    RESET(kat_v4_write);
    f[42] = 0x40;                               /* RD: unsupported. */
    EXPECT(n4, ROCE_FRAME_BAD_OPCODE);
    RESET(kat_v4_write);
    f[43] |= 1;                                 /* TVer 1. */
    fix_icrc(f, n4, 14);
    EXPECT(n4, ROCE_FRAME_BAD_TVER);
    RESET(kat_v6_ud_send);
    f[63] = 0xb0;                               /* Pad 3 of payload 8: ok */
    EXPECT(n6, ROCE_FRAME_OK);
    roce_bth_set_pad(f + 62, 0);                /* Pad changes the ICRC. */
    EXPECT(n6, ROCE_FRAME_BAD_ICRC);
    o.verify_icrc = false;
    EXPECT(n6, ROCE_FRAME_OK);
    CHECK_EQ(rf.payload_len, 8);
    o.verify_icrc = true;

    /* ACK (BTH + AETH) with a pad count but no payload: bad pad; with 4
     * extra bytes: payload on an opcode that has none. */
    RESET(kat_vxlan_ack);
    roce_bth_set_pad(f + 92, 1);
    fix_icrc(f, nx, 64);
    EXPECT(nx, ROCE_FRAME_BAD_PAD);
    {
        uint8_t g[256];
        memcpy(g, kat_vxlan_ack, nx - 4);
        memset(g + nx - 4, 0, 4);
        /* Grow the three length fields and the two IP headers by 4. */
        roce_put_be16(g + 16, roce_get_be16(g + 16) + 4);
        fix_ip4(g + 14);
        roce_put_be16(g + 38, roce_get_be16(g + 38) + 4);
        roce_put_be16(g + 66, roce_get_be16(g + 66) + 4);
        fix_ip4(g + 64);
        roce_put_be16(g + 88, roce_get_be16(g + 88) + 4);
        fix_icrc(g, nx + 4, 64);
        CHECK_EQ(parse_copy(g, nx + 4, &o, &rf), ROCE_FRAME_BAD_PAYLOAD);
    }

    RESET(kat_v4_write);
    f[75] ^= 0x01;                              /* Payload bit. */
    EXPECT(n4, ROCE_FRAME_BAD_ICRC);
    RESET(kat_v4_write);
    f[15] = 0;                                  /* TOS: masked... */
    fix_ip4(f + 14);
    EXPECT(n4, ROCE_FRAME_OK);                  /* ...so still valid. */

    /* Ethernet padding after a short frame is ignored. */
    {
        uint8_t g[128];
        memset(g, 0xee, sizeof g);
        memcpy(g, kat_v4_write, n4);
        CHECK_EQ(parse_copy(g, n4 + 20, &o, &rf), ROCE_FRAME_OK);
        CHECK_EQ(rf.frame_len, n4);
    }

    /* Outer 802.1Q and QinQ tags. */
    {
        uint8_t g[256];
        memcpy(g, kat_vxlan_ack, 12);
        roce_put_be16(g + 12, ROCE_ETH_TYPE_QINQ);
        roce_put_be16(g + 14, 0x0064);
        roce_put_be16(g + 16, ROCE_ETH_TYPE_VLAN);
        roce_put_be16(g + 18, 0x2065);
        memcpy(g + 20, kat_vxlan_ack + 12, nx - 12);
        CHECK_EQ(parse_copy(g, nx + 8, &o, &rf), ROCE_FRAME_OK);
        CHECK(rf.outer.vlan);
        CHECK_EQ(rf.outer.vlan_tci, 0x0064);
        CHECK_EQ(rf.vni, 5001);
    }

    for (int i = 0; i <= ROCE_FRAME_N_ERRORS; i++) {
        CHECK(roce_frame_error_str(i) != NULL);
    }
    CHECK(!strcmp(roce_frame_error_str(ROCE_FRAME_BAD_ICRC), "bad ICRC"));
#undef RESET
#undef EXPECT
}

int
main(void)
{
    test_round_trip();
    test_fields();
    test_truncation();
    test_errors();
    return roce_test_exit();
}
