/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Unit tests of the conversion of an overlay tuple to the engine's
 * encapsulation and receive templates (nic/soft/tuple-encap.c): a tuple
 * built the way resolution builds one (a tnl_push header read by
 * ro_push_to_tuple() after ro_push_set_dscp()) becomes a template whose
 * frames the engine's own parser reads back with the tuple's outer VNI,
 * DSCP and addresses, and whose peer's receive tuple accepts them. */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roce-test.h"

#include "nic/overlay.h"
#include "nic/soft/tuple-encap.h"
#include "odp-netlink.h"
#include "openvswitch/types.h"
#include "ovs/tnl-header.h"
#include "packets.h"
#include "roce/encap.h"
#include "roce/engine.h"
#include "roce/frame.h"
#include "roce/hdr.h"
#include "roce/opcode.h"
#include "util.h"

#define TEST_DSCP 26            /* AF31, rdma-overlay-dscp's default. */

struct tuple_case {
    const char *name;
    enum roce_tnl_type type;
    uint32_t ovs_type;          /* OVS_VPORT_TYPE_*. */
    uint32_t vni;
    const char *outer_src, *outer_dst;  /* Source and destination VTEP. */
    const char *inner_src, *inner_dst;
    uint16_t vlan;
};

static struct in6_addr
addr(const char *s)
{
    struct in6_addr a;

    ovs_assert(roce_addr_parse(s, &a));
    return a;
}

/* Builds in 't' the tuple that resolution would produce for 'tc': the
 * tnl_push header as Open vSwitch builds it, DSCP applied, read back with
 * ro_push_to_tuple(), and the inner fields of the synthetic flow. */
static void
make_tuple(const struct tuple_case *tc, struct ro_tuple *t)
{
    static const struct eth_addr outer_src = ETH_ADDR_C(aa,55,aa,55,00,01);
    static const struct eth_addr outer_dst = ETH_ADDR_C(f8,bc,12,44,34,b6);
    static const struct eth_addr dcn_a = ETH_ADDR_C(00,00,00,00,00,0a);
    static const struct eth_addr dcn_b = ETH_ADDR_C(00,00,00,00,00,0b);
    struct ovs_action_push_tnl push;
    struct roce_tnl_params tp;
    char *error;

    memset(&tp, 0, sizeof tp);
    tp.type = tc->type;
    memcpy(tp.eth_src, outer_src.ea, sizeof tp.eth_src);
    memcpy(tp.eth_dst, outer_dst.ea, sizeof tp.eth_dst);
    tp.ip_src = addr(tc->outer_src);
    tp.ip_dst = addr(tc->outer_dst);
    tp.df = true;
    tp.vni = tc->vni;

    memset(&push, 0, sizeof push);
    push.header_len = roce_tnl_build(&tp, (uint8_t *) push.header,
                                     sizeof push.header);
    ovs_assert(push.header_len);
    push.tnl_type = tc->ovs_type;
    push.tnl_port = ODP_PORT_C(4789);
    push.out_port = ODP_PORT_C(2);
    ro_push_set_dscp(&push, TEST_DSCP);

    ro_tuple_init(t);
    error = ro_push_to_tuple(&push, t);
    CHECK_OK(error);
    free(error);

    t->inner_src_mac = dcn_a;
    t->inner_dst_mac = dcn_b;
    t->inner_src_ip = addr(tc->inner_src);
    t->inner_dst_ip = addr(tc->inner_dst);
    t->inner_ipv6 = !IN6_IS_ADDR_V4MAPPED(&t->inner_src_ip);
    t->vlan = tc->vlan;
    t->inner_ttl = 64;
}

/* Returns the tuple of the other end of 't''s connection: the same path
 * seen from the peer, every source and destination swapped. */
static void
mirror_tuple(const struct ro_tuple *t, struct ro_tuple *m)
{
    ro_tuple_clone(m, t);
    m->outer_src_ip = t->outer_dst_ip;
    m->outer_dst_ip = t->outer_src_ip;
    m->outer_src_mac = t->outer_dst_mac;
    m->outer_dst_mac = t->outer_src_mac;
    m->inner_src_ip = t->inner_dst_ip;
    m->inner_dst_ip = t->inner_src_ip;
    m->inner_src_mac = t->inner_dst_mac;
    m->inner_dst_mac = t->inner_src_mac;
}

/* Builds into 'frame' an RC SEND_ONLY with a 4-byte payload encapsulated
 * with 'e' and returns its length. */
static size_t
build_frame(const struct roce_encap *e, uint8_t *frame, size_t size)
{
    enum { TRANSPORT_LEN = ROCE_BTH_LEN + 4 };
    uint8_t *bth = frame + roce_encap_hdr_len(e);

    ovs_assert(roce_encap_frame_len(e, TRANSPORT_LEN) <= size);
    memset(bth, 0, TRANSPORT_LEN);
    roce_bth_set_opcode(bth, ROCE_OP_RC_SEND_ONLY);
    roce_bth_set_pkey(bth, 0xffff);
    roce_bth_set_dqpn(bth, 0x12);
    roce_bth_set_psn(bth, 1);
    memcpy(bth + ROCE_BTH_LEN, "ping", 4);
    return roce_encap_frame(e, frame, TRANSPORT_LEN);
}

static void
test_case(const struct tuple_case *tc)
{
    struct ro_tuple t, peer;
    struct roce_rx_tuple rx;
    struct roce_frame_opts opts;
    struct roce_encap e;
    struct roce_frame f;
    uint8_t frame[1024];
    char *error;
    size_t n;

    make_tuple(tc, &t);
    CHECK(t.tnl_type == tc->type);
    CHECK_EQ(t.dscp, TEST_DSCP);

    CHECK_EQ(ro_tuple_to_encap(&t, 0xc123, &e, &error), 0);
    CHECK_OK(error);
    free(error);
    n = build_frame(&e, frame, sizeof frame);

    roce_frame_opts_init(&opts);
    CHECK(roce_frame_parse(frame, n, &opts, &f) == ROCE_FRAME_OK);
    CHECK(f.tnl_type == tc->type);
    CHECK_EQ(f.vni, tc->vni);
    CHECK_EQ(f.outer.dscp, TEST_DSCP);
    CHECK_MEM(&f.outer.ip_src, &t.outer_src_ip, sizeof t.outer_src_ip);
    CHECK_MEM(&f.outer.ip_dst, &t.outer_dst_ip, sizeof t.outer_dst_ip);
    CHECK_MEM(f.outer.eth_dst, t.outer_dst_mac.ea, ETH_ADDR_LEN);
    CHECK_MEM(&f.inner.ip_src, &t.inner_src_ip, sizeof t.inner_src_ip);
    CHECK_MEM(&f.inner.ip_dst, &t.inner_dst_ip, sizeof t.inner_dst_ip);
    CHECK_MEM(f.inner.eth_src, t.inner_src_mac.ea, ETH_ADDR_LEN);
    CHECK_MEM(f.inner.eth_dst, t.inner_dst_mac.ea, ETH_ADDR_LEN);
    CHECK(f.inner.vlan == (tc->vlan != 0));
    if (tc->vlan) {
        CHECK_EQ(f.inner.vlan_tci & 0xfff, tc->vlan);
    }
    CHECK_EQ(f.inner.ttl, 64);
    /* The QP's entropy in the inner UDP source port; RoCEv2 packets are
     * ECT(0), and RFC 6040 copies that out. */
    CHECK_EQ(f.inner.udp_src, 0xc123);
    CHECK_EQ(f.inner.ecn, 2);
    CHECK_EQ(f.outer.ecn, 2);
    CHECK(f.opcode == ROCE_OP_RC_SEND_ONLY && f.dqpn == 0x12);

    /* The receiver's tuple accepts the frame... */
    mirror_tuple(&t, &peer);
    ro_tuple_to_rx(&peer, &rx);
    CHECK(rx.bound && rx.tunnel && rx.vni == tc->vni);
    CHECK(roce_rx_tuple_match(&rx, &f));

    /* ...but not with another VNI, nor our own (the frame is not from our
     * peer to us). */
    rx.vni ^= 1;
    CHECK(!roce_rx_tuple_match(&rx, &f));
    ro_tuple_to_rx(&t, &rx);
    CHECK(!roce_rx_tuple_match(&rx, &f));

    ro_tuple_destroy(&peer);
    ro_tuple_destroy(&t);
}

static void
test_bad_tuple(void)
{
    struct ro_tuple t;
    struct roce_encap e;
    char *error;

    /* IPv4 inner source, IPv6 inner destination: no template. */
    ro_tuple_init(&t);
    t.inner_src_ip = addr("10.0.0.1");
    t.inner_dst_ip = addr("fd00::2");
    CHECK(ro_tuple_to_encap(&t, 0, &e, &error) != 0);
    CHECK(error != NULL);
    free(error);
    ro_tuple_destroy(&t);
}

int
main(void)
{
    static const struct tuple_case cases[] = {
        { "vxlan-ipv4", ROCE_TNL_VXLAN, OVS_VPORT_TYPE_VXLAN, 123,
          "1.1.2.88", "1.1.2.92", "10.0.0.1", "10.0.0.2", 0 },
        { "geneve-ipv6", ROCE_TNL_GENEVE, OVS_VPORT_TYPE_GENEVE, 5,
          "2001:db8::88", "2001:db8::92", "fd00::1", "fd00::2", 10 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int before = roce_test_failures;

        test_case(&cases[i]);
        printf("%s: %s\n", cases[i].name,
               roce_test_failures == before ? "ok" : "FAILED");
    }
    test_bad_tuple();
    return roce_test_exit();
}
