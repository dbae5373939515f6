/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* Encapsulation templates: byte-exact against the independently generated
 * frames of wire-kat.h, byte-exact against a transcription of what Open
 * vSwitch's tnl_push would produce from the same prefix, rebinding, DSCP
 * rewriting and template errors. */

#include <stdlib.h>
#include <string.h>
#include "roce-test.h"
#include "roce/bytes.h"
#include "roce/encap.h"
#include "roce/frame.h"
#include "roce/hdr.h"
#include "roce/icrc.h"
#include "wire-kat.h"
#include "wire-test.h"

static void
kat_pkt_v4_write(struct roce_pkt *p)
{
    static const uint8_t payload[] = "ABCDEFGH";

    memset(p, 0, sizeof *p);
    p->opcode = ROCE_OP_RC_WRITE_ONLY;
    p->pkey = 0xffff;
    p->dqpn = 0x12;
    p->ackreq = true;
    p->psn = 0x100;
    p->va = 0x00007f0000001000ull;
    p->rkey = 0x1234;
    p->dma_len = 8;
    p->payload = payload;
    p->payload_len = 8;
}

static void
test_kat_plain(void)
{
    static const uint8_t hello[] = "hello";
    struct roce_encap_params prm;
    struct roce_encap e;
    struct roce_pkt p;
    uint8_t frame[256];
    size_t n;

    wt_inner_v4(&prm);
    CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_OK);
    CHECK_EQ(roce_encap_hdr_len(&e), 14 + 20 + 8);
    kat_pkt_v4_write(&p);
    n = wt_build(&e, &p, frame, sizeof frame);
    CHECK_EQ(n, sizeof kat_v4_write);
    CHECK_MEM(frame, kat_v4_write, sizeof kat_v4_write);

    wt_inner_v6(&prm);
    CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_OK);
    CHECK_EQ(roce_encap_hdr_len(&e), 14 + 40 + 8);
    memset(&p, 0, sizeof p);
    p.opcode = ROCE_OP_UD_SEND_ONLY;
    p.se = true;
    p.pkey = 0xffff;
    p.dqpn = 1;
    p.psn = 0xffffff;
    p.qkey = ROCE_GSI_QKEY;
    p.sqpn = 0xab;
    p.payload = hello;
    p.payload_len = 5;
    n = wt_build(&e, &p, frame, sizeof frame);
    CHECK_EQ(n, sizeof kat_v6_ud_send);
    CHECK_MEM(frame, kat_v6_ud_send, sizeof kat_v6_ud_send);
}

static void
test_kat_vxlan(void)
{
    struct roce_encap_params prm;
    struct roce_encap e;
    struct roce_pkt p;
    uint8_t prefix[128], frame[256];
    size_t plen, n;

    plen = wt_tnl_prefix(prefix, sizeof prefix, ROCE_TNL_VXLAN, false, false,
                         5001, 0);
    CHECK_EQ(plen, 14 + 20 + 8 + 8);
    /* OVS's template form: IP total length 0, UDP source port 0. */
    CHECK_EQ(roce_get_be16(prefix + 16), 0);
    CHECK_EQ(roce_get_be16(prefix + 34), 0);

    wt_inner_v4(&prm);
    prm.udp_sport = 0xc777;
    prm.tnl.header = prefix;
    prm.tnl.header_len = plen;
    prm.tnl.type = roce_tnl_type_from_ovs(ROCE_OVS_VPORT_TYPE_VXLAN);
    CHECK_EQ(prm.tnl.type, ROCE_TNL_VXLAN);
    CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_OK);
    CHECK_EQ(e.vni, 5001);

    memset(&p, 0, sizeof p);
    p.opcode = ROCE_OP_RC_ACKNOWLEDGE;
    p.pkey = 0xffff;
    p.dqpn = 0x34;
    p.psn = 0x100;
    p.syndrome = 0x1f;
    p.msn = 7;
    n = wt_build(&e, &p, frame, sizeof frame);
    CHECK_EQ(n, sizeof kat_vxlan_ack);

    /* The outer source port is our entropy (OVS's range), the rest is
     * the known answer. */
    uint16_t sport = roce_get_be16(frame + 34);
    CHECK(sport >= ROCE_TNL_SPORT_MIN && sport < ROCE_TNL_SPORT_MAX);
    roce_put_be16(frame + 34, roce_get_be16(kat_vxlan_ack + 34));
    /* The known answer carries OVS's tnl_push header, whose ECN field
     * RFC 6040 encapsulation sets to the inner packet's. */
    uint8_t kat[sizeof kat_vxlan_ack];
    memcpy(kat, kat_vxlan_ack, sizeof kat);
    wt_outer_ecn(kat, false, prm.ecn);
    CHECK_MEM(frame, kat, sizeof kat_vxlan_ack);

    /* Deterministic per inner flow, different across flows. */
    struct roce_encap e2;
    prm.udp_sport = 0xc778;
    CHECK_EQ(roce_encap_init(&e2, &prm), ROCE_ENCAP_OK);
    CHECK(e2.outer_sport != sport);
    prm.udp_sport = 0xc777;
    CHECK_EQ(roce_encap_init(&e2, &prm), ROCE_ENCAP_OK);
    CHECK_EQ(e2.outer_sport, sport);
}

/* ---- What OVS would do, transcribed from lib/netdev-native-tnl.c and
 * lib/csum.c (OVS 3.1), with 16-bit arithmetic as OVS does it. ---- */

static uint32_t
ovs_csum_continue(uint32_t partial, const uint8_t *p, size_t n)
{
    for (; n > 1; n -= 2, p += 2) {
        partial += (uint32_t) (p[0] << 8 | p[1]);
    }
    if (n) {
        partial += (uint32_t) p[0] << 8;
    }
    return partial;
}

static uint16_t
ovs_csum_finish(uint32_t partial)
{
    while (partial >> 16) {
        partial = (partial & 0xffff) + (partial >> 16);
    }
    return ~partial;
}

static uint16_t
ovs_recalc_csum16(uint16_t old_csum, uint16_t old_u16, uint16_t new_u16)
{
    uint16_t hc_complement = ~old_csum;
    uint16_t m_complement = ~old_u16;
    uint32_t sum = hc_complement + m_complement + new_u16;
    return ovs_csum_finish(sum);
}

/* netdev_tnl_push_udp_header() applied to the complete inner frame
 * 'inner' (which it treats as opaque payload), with the UDP source port
 * given since OVS takes it from the RSS hash. */
static size_t
ovs_push_udp(const uint8_t *hdr, size_t hdr_len, const uint8_t *inner,
             size_t inner_len, uint16_t udp_src, uint8_t *out)
{
    bool ipv6 = roce_get_be16(hdr + 12) == ROCE_ETH_TYPE_IPV6;
    size_t ip_tot_size, l4;
    uint8_t *udp;

    memcpy(out, hdr, hdr_len);
    memcpy(out + hdr_len, inner, inner_len);
    ip_tot_size = hdr_len + inner_len - 14;
    if (ipv6) {
        ip_tot_size -= 40;
        roce_put_be16(out + 14 + 4, ip_tot_size);
        l4 = 14 + 40;
    } else {
        roce_put_be16(out + 14 + 2, ip_tot_size);
        roce_put_be16(out + 14 + 10,
                      ovs_recalc_csum16(roce_get_be16(out + 24), 0,
                                        ip_tot_size));
        ip_tot_size -= 20;
        l4 = 14 + 20;
    }
    udp = out + l4;
    roce_put_be16(udp, udp_src);
    roce_put_be16(udp + 4, ip_tot_size);
    if (roce_get_be16(udp + 6)) {
        uint32_t csum = 0;

        if (ipv6) {
            csum = ovs_csum_continue(csum, out + 14 + 8, 32);
            csum += ROCE_IPPROTO_UDP;
            csum += roce_get_be16(out + 14 + 4);
        } else {
            csum = ovs_csum_continue(csum, out + 14 + 12, 8);
            csum += ROCE_IPPROTO_UDP;
            csum += ip_tot_size;
        }
        csum = ovs_csum_continue(csum, udp, ip_tot_size);
        uint16_t c = ovs_csum_finish(csum);
        roce_put_be16(udp + 6, c ? c : 0xffff);
    }
    return hdr_len + inner_len;
}

/* For each prefix kind and many transport lengths: our frame equals OVS's
 * push of our plain frame, and every checksum verifies. */
static void
test_ovs_equivalence(void)
{
    static const struct {
        enum roce_tnl_type type;
        bool ipv6, csum;
        size_t opts;
    } kinds[] = {
        { ROCE_TNL_VXLAN, false, false, 0 },
        { ROCE_TNL_VXLAN, false, true, 0 },
        { ROCE_TNL_VXLAN, true, true, 0 },
        { ROCE_TNL_GENEVE, false, false, 0 },
        { ROCE_TNL_GENEVE, false, true, 8 },
        { ROCE_TNL_GENEVE, true, true, 252 },
    };
    uint8_t *payload = malloc(4096);
    uint8_t *plain = malloc(8192), *ours = malloc(8192), *ovs = malloc(8192);

    for (size_t i = 0; i < 4096; i++) {
        payload[i] = i * 31 + 7;
    }
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        struct roce_encap_params prm;
        struct roce_encap eo, ep;
        uint8_t prefix[400];
        size_t plen;

        plen = wt_tnl_prefix(prefix, sizeof prefix, kinds[k].type,
                             kinds[k].ipv6, kinds[k].csum, 0xabcdef,
                             kinds[k].opts);
        CHECK(plen > 0);
        for (int inner6 = 0; inner6 < 2; inner6++) {
            if (inner6) {
                wt_inner_v6(&prm);
            } else {
                wt_inner_v4(&prm);
            }
            CHECK_EQ(roce_encap_init(&ep, &prm), ROCE_ENCAP_OK);
            prm.tnl.header = prefix;
            prm.tnl.header_len = plen;
            prm.tnl.type = kinds[k].type;
            CHECK_EQ(roce_encap_init(&eo, &prm), ROCE_ENCAP_OK);
            CHECK_EQ(eo.outer_udp_csum, kinds[k].ipv6 || kinds[k].csum);
            CHECK_EQ(roce_encap_hdr_len(&eo),
                     plen + roce_encap_hdr_len(&ep));

            for (size_t len = 0; len <= 4096; len += len < 64 ? 1 : 509) {
                struct roce_pkt p;
                size_t n_plain, n_ours, n_ovs;

                kat_pkt_v4_write(&p);
                p.opcode = ROCE_OP_RC_SEND_ONLY;
                p.payload = payload;
                p.payload_len = len;
                n_plain = wt_build(&ep, &p, plain, 8192);
                n_ours = wt_build(&eo, &p, ours, 8192);
                CHECK_EQ(n_ours, n_plain + plen);
                n_ovs = ovs_push_udp(prefix, plen, plain, n_plain,
                                     eo.outer_sport, ovs);
                /* OVS pushes its header as is; RFC 6040 copies the inner
                 * ECN out (the UDP checksum does not cover it). */
                wt_outer_ecn(ovs, kinds[k].ipv6, prm.ecn);
                CHECK_EQ(n_ovs, n_ours);
                CHECK_MEM(ours, ovs, n_ours);

                /* Independent validation of what both produced. */
                struct roce_frame_opts o;
                struct roce_frame rf;
                roce_frame_opts_init(&o);
                o.verify_outer_udp_csum = true;
                CHECK_EQ(roce_frame_parse(ours, n_ours, &o, &rf),
                         ROCE_FRAME_OK);
                if (eo.outer_udp_csum) {
                    ours[n_ours - 5] ^= 0x80;   /* Last pad/payload byte. */
                    CHECK_EQ(roce_frame_parse(ours, n_ours, &o, &rf),
                             ROCE_FRAME_BAD_UDP_CSUM);
                    ours[n_ours - 5] ^= 0x80;
                    CHECK_EQ(roce_frame_parse(ours, n_ours, &o, &rf),
                             ROCE_FRAME_OK);
                }
                CHECK_EQ(rf.vni, 0xabcdef);
                CHECK_EQ(rf.payload_len, len);
                if (eo.outer_udp_csum) {
                    uint32_t s = 0;
                    size_t l4 = rf.outer.l4_ofs, ulen = n_ours - l4;
                    if (kinds[k].ipv6) {
                        s = ovs_csum_continue(s, ours + 14 + 8, 32);
                    } else {
                        s = ovs_csum_continue(s, ours + 14 + 12, 8);
                    }
                    s += ROCE_IPPROTO_UDP + ulen;
                    s = ovs_csum_continue(s, ours + l4, ulen);
                    CHECK_EQ(ovs_csum_finish(s), 0);
                }
            }
        }
    }
    free(payload);
    free(plain);
    free(ours);
    free(ovs);
}

/* A QP's transport bytes pushed through two templates (the QP moved):
 * only the headers differ; the transport part and the ICRC of identical
 * inner packets are identical. */
static void
test_rebind(void)
{
    struct roce_encap_params prm;
    struct roce_encap a, b;
    uint8_t pa[128], pb[128], fa[512], fb[512];
    size_t la, lb, na, nb;
    struct roce_pkt p;

    la = wt_tnl_prefix(pa, sizeof pa, ROCE_TNL_VXLAN, false, false, 100, 0);
    lb = wt_tnl_prefix(pb, sizeof pb, ROCE_TNL_GENEVE, true, true, 200, 16);
    wt_inner_v4(&prm);
    prm.tnl.header = pa;
    prm.tnl.header_len = la;
    prm.tnl.type = ROCE_TNL_VXLAN;
    CHECK_EQ(roce_encap_init(&a, &prm), ROCE_ENCAP_OK);
    prm.tnl.header = pb;
    prm.tnl.header_len = lb;
    prm.tnl.type = ROCE_TNL_GENEVE;
    CHECK_EQ(roce_encap_init(&b, &prm), ROCE_ENCAP_OK);

    kat_pkt_v4_write(&p);
    na = wt_build(&a, &p, fa, sizeof fa);
    nb = wt_build(&b, &p, fb, sizeof fb);
    CHECK_EQ(na - roce_encap_hdr_len(&a), nb - roce_encap_hdr_len(&b));
    CHECK_MEM(fa + a.inner_l3_ofs, fb + b.inner_l3_ofs, na - a.inner_l3_ofs);

    struct roce_frame_opts o;
    struct roce_frame ra, rb;
    roce_frame_opts_init(&o);
    CHECK_EQ(roce_frame_parse(fa, na, &o, &ra), ROCE_FRAME_OK);
    CHECK_EQ(roce_frame_parse(fb, nb, &o, &rb), ROCE_FRAME_OK);
    CHECK_EQ(ra.tnl_type, ROCE_TNL_VXLAN);
    CHECK_EQ(rb.tnl_type, ROCE_TNL_GENEVE);
    CHECK_EQ(ra.vni, 100);
    CHECK_EQ(rb.vni, 200);
    CHECK_EQ(rb.geneve_opts_len, 16);
    CHECK_EQ(ra.icrc, rb.icrc);
    CHECK_EQ(ra.outer.ip_version, 4);
    CHECK_EQ(rb.outer.ip_version, 6);
}

/* RFC 6040: the outer ECN field copies the inner one on encapsulation,
 * and a CE mark on the outer header reaches an ECN-capable inner packet on
 * decapsulation (a Not-ECT one stays Not-ECT). */
static void
test_ecn(void)
{
    for (uint8_t inner = 0; inner < 3; inner++) {
        struct roce_encap_params prm;
        struct roce_frame_opts o;
        struct roce_frame rf;
        struct roce_encap e;
        uint8_t prefix[128], frame[512];
        struct roce_pkt p;
        size_t plen, n;

        plen = wt_tnl_prefix(prefix, sizeof prefix, ROCE_TNL_VXLAN, false,
                             false, 7, 0);
        wt_inner_v4(&prm);
        prm.ecn = inner;
        prm.tnl.header = prefix;
        prm.tnl.header_len = plen;
        prm.tnl.type = ROCE_TNL_VXLAN;
        CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_OK);
        kat_pkt_v4_write(&p);
        n = wt_build(&e, &p, frame, sizeof frame);
        roce_frame_opts_init(&o);
        CHECK_EQ(roce_frame_parse(frame, n, &o, &rf), ROCE_FRAME_OK);
        CHECK_EQ(rf.outer.ecn, inner);
        CHECK_EQ(rf.inner.ecn, inner);

        wt_outer_ecn(frame, false, 3);
        CHECK_EQ(roce_frame_parse(frame, n, &o, &rf), ROCE_FRAME_OK);
        CHECK_EQ(rf.outer.ecn, 3);
        CHECK_EQ(rf.inner.ecn, inner ? 3 : 0);
    }
}

static void
test_dscp_vlan_ttl(void)
{
    struct roce_encap_params prm;
    struct roce_encap e;
    uint8_t prefix[128], frame[512];
    struct roce_frame_opts o;
    struct roce_frame rf;
    struct roce_pkt p;
    size_t plen, n;

    roce_frame_opts_init(&o);
    for (int v6 = 0; v6 < 2; v6++) {
        plen = wt_tnl_prefix(prefix, sizeof prefix, ROCE_TNL_VXLAN, v6,
                             false, 7, 0);
        if (v6) {
            wt_inner_v6(&prm);
        } else {
            wt_inner_v4(&prm);
        }
        prm.tnl.header = prefix;
        prm.tnl.header_len = plen;
        prm.tnl.type = ROCE_TNL_VXLAN;
        prm.outer_dscp = 26;                    /* AF31. */
        prm.vlan = true;
        prm.vlan_tci = 0x2123;
        prm.ttl = 0;                            /* Default 64. */
        prm.ecn = 3;
        prm.outer_sport_min = 1000;
        prm.outer_sport_max = 1001;
        CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_OK);
        kat_pkt_v4_write(&p);
        n = wt_build(&e, &p, frame, sizeof frame);
        CHECK_EQ(roce_frame_parse(frame, n, &o, &rf), ROCE_FRAME_OK);
        CHECK_EQ(rf.outer.dscp, 26);
        /* RFC 6040: an inner CE goes out as ECT(0), never as CE. */
        CHECK_EQ(rf.outer.ecn, 2);
        CHECK_EQ(rf.outer.udp_src, 1000);
        CHECK(rf.inner.vlan);
        CHECK_EQ(rf.inner.vlan_tci, 0x2123);
        CHECK_EQ(rf.inner.ttl, 64);
        CHECK_EQ(rf.inner.dscp, 26);
        CHECK_EQ(rf.inner.ecn, 3);
        if (v6) {
            CHECK_EQ(rf.inner.flow_label, 0x12345);
        }
    }
}

static void
test_errors(void)
{
    struct roce_encap_params prm;
    struct roce_encap e;
    uint8_t prefix[400];
    size_t plen;

    /* Mixed address families. */
    wt_inner_v4(&prm);
    prm.ip_dst = wt_addr("2001:db8::2");
    CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_BAD_ADDR);

    wt_inner_v4(&prm);
    plen = wt_tnl_prefix(prefix, sizeof prefix, ROCE_TNL_VXLAN, false,
                         false, 1, 0);
    prm.tnl.header = prefix;
    prm.tnl.type = ROCE_TNL_VXLAN;
    /* Every truncation of the prefix is rejected. */
    for (size_t l = 0; l < plen; l++) {
        uint8_t *copy = malloc(l ? l : 1);
        memcpy(copy, prefix, l);
        prm.tnl.header = copy;
        prm.tnl.header_len = l;
        CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_BAD_TNL_HDR);
        free(copy);
    }
    prm.tnl.header = prefix;
    prm.tnl.header_len = plen;
    prm.tnl.type = ROCE_TNL_GENEVE;             /* Type disagrees. */
    CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_BAD_TNL_HDR);
    prm.tnl.type = ROCE_TNL_NONE;
    CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_BAD_TNL_TYPE);
    prm.tnl.type = ROCE_TNL_VXLAN;
    prefix[23] = 6;                             /* IP protocol TCP. */
    CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_BAD_TNL_HDR);
    prefix[23] = 17;
    CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_OK);
    prm.tnl.header_len = ROCE_ENCAP_MAX_HDR_LEN + 1;
    CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_TOO_LONG);

    /* Largest Geneve prefix + IPv6 inner + VLAN still fits. */
    plen = wt_tnl_prefix(prefix, sizeof prefix, ROCE_TNL_GENEVE, true,
                         true, 1, 252);
    CHECK_EQ(plen, 14 + 40 + 8 + 8 + 252);
    wt_inner_v6(&prm);
    prm.vlan = true;
    prm.tnl.header = prefix;
    prm.tnl.header_len = plen;
    prm.tnl.type = ROCE_TNL_GENEVE;
    CHECK_EQ(roce_encap_init(&e, &prm), ROCE_ENCAP_OK);

    /* roce_tnl_build() rejections. */
    struct roce_tnl_params tp;
    memset(&tp, 0, sizeof tp);
    tp.type = ROCE_TNL_GENEVE;
    tp.ip_src = wt_addr("1.1.1.1");
    tp.ip_dst = wt_addr("1.1.1.2");
    tp.geneve_opts_len = 3;
    CHECK_EQ(roce_tnl_build(&tp, prefix, sizeof prefix), 0);
    tp.geneve_opts_len = 0;
    CHECK_EQ(roce_tnl_build(&tp, prefix, 10), 0);
    CHECK_EQ(roce_tnl_build(&tp, prefix, sizeof prefix), 50);
    tp.type = ROCE_TNL_NONE;
    CHECK_EQ(roce_tnl_build(&tp, prefix, sizeof prefix), 0);
    CHECK(!strcmp(roce_encap_error_str(ROCE_ENCAP_TOO_LONG),
                  "header too long"));
}

int
main(void)
{
    test_kat_plain();
    test_kat_vxlan();
    test_ovs_equivalence();
    test_rebind();
    test_dscp_vlan_ttl();
    test_ecn();
    test_errors();
    return roce_test_exit();
}
