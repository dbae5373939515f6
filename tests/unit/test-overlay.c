/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Unit tests of the overlay value types (overlay.c), destination parsing
 * (address.c) and the tnl_push header reader (tnl-header.c). */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csum.h"
#include "flow.h"
#include "nic/address.h"
#include "nic/overlay.h"
#include "openvswitch/dynamic-string.h"
#include "ovs/tnl-header.h"
#include "packets.h"
#include "util.h"

static int n_failures;

#define CHECK(COND)                                                     \
    do {                                                                \
        if (!(COND)) {                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,      \
                    __LINE__, #COND);                                   \
            n_failures++;                                               \
        }                                                               \
    } while (0)

static void
hex_to_bytes(const char *hex, uint8_t *out, size_t *n)
{
    const char *p = hex;

    *n = 0;
    while (*p) {
        unsigned int byte;

        if (*p == ' ') {
            p++;
            continue;
        }
        ovs_assert(sscanf(p, "%2x", &byte) == 1);
        out[(*n)++] = byte;
        p += 2;
    }
}

/* The VXLAN/IPv4 template OVS builds in tests/rdma-overlay-resolve.at
 * (ofproto/trace: tos=0, template IP checksum 0x3438). */
static const char vxlan4_hex[] =
    "f8bc124434b6 aa55aa550000 0800"
    "4500 0000 0000 4000 4011 3438 01010258 0101025c"
    "0000 12b5 0000 0000"
    "08000000 00007b00";

/* Geneve over IPv6, VNI 456. */
static const char geneve6_hex[] =
    "f8bc124434b6 aa55aa550000 86dd"
    "60000000 0000 11 40"
    "2001cafe000000000000000000000088"
    "2001cafe000000000000000000000092"
    "0000 17c1 0000 0000"
    "0000 6558 0001c800";

static void
make_push(const char *hex, uint32_t tnl_type,
          struct ovs_action_push_tnl *push)
{
    size_t n;

    memset(push, 0, sizeof *push);
    hex_to_bytes(hex, (uint8_t *) push->header, &n);
    push->header_len = n;
    push->tnl_type = tnl_type;
    push->tnl_port = u32_to_odp(4789);
    push->out_port = u32_to_odp(100);
}

static void
test_push_vxlan4(void)
{
    struct ovs_action_push_tnl push;
    struct ro_tuple t;
    struct ds s = DS_EMPTY_INITIALIZER;
    char *error;

    make_push(vxlan4_hex, OVS_VPORT_TYPE_VXLAN, &push);
    CHECK(push.header_len == 50);
    ro_tuple_init(&t);
    error = ro_push_to_tuple(&push, &t);
    CHECK(!error);
    free(error);
    CHECK(t.tnl_type == ROCE_TNL_VXLAN);
    CHECK(t.vni == 123);
    CHECK(t.udp_dst == 4789 && t.udp_src == 0);
    CHECK(t.ttl == 64 && t.dscp == 0 && !t.outer_ipv6);
    ro_format_ip(&t.outer_src_ip, &s);
    ds_put_char(&s, ' ');
    ro_format_ip(&t.outer_dst_ip, &s);
    CHECK(!strcmp(ds_cstr(&s), "1.1.2.88 1.1.2.92"));
    CHECK(eth_addr_equals(t.outer_dst_mac,
                          (struct eth_addr) ETH_ADDR_C(f8,bc,12,44,34,b6)));
    CHECK(t.header_len == 50 && !memcmp(t.header, push.header, 50));

    /* DSCP 26 (AF31): tos 0x68, checksum 0x33d0 (computed independently);
     * the ECN bits survive: tos 0x01 + DSCP 46 = 0xb9, checksum 0x337f. */
    ro_push_set_dscp(&push, 26);
    uint8_t *ip = (uint8_t *) push.header + ETH_HEADER_LEN;
    CHECK(ip[1] == 0x68);
    CHECK(ip[10] == 0x33 && ip[11] == 0xd0);
    CHECK(csum(ip, IP_HEADER_LEN) == 0);
    ip[1] = 0x01;
    ro_push_set_dscp(&push, 46);
    CHECK(ip[1] == 0xb9);
    CHECK(ip[10] == 0x33 && ip[11] == 0x7f);

    ds_destroy(&s);
    ro_tuple_destroy(&t);
}

static void
test_push_geneve6(void)
{
    struct ovs_action_push_tnl push;
    struct ro_tuple t;
    struct ds s = DS_EMPTY_INITIALIZER;
    char *error;

    make_push(geneve6_hex, OVS_VPORT_TYPE_GENEVE, &push);
    CHECK(push.header_len == 70);
    ro_tuple_init(&t);
    error = ro_push_to_tuple(&push, &t);
    CHECK(!error);
    free(error);
    CHECK(t.tnl_type == ROCE_TNL_GENEVE && t.outer_ipv6);
    CHECK(t.vni == 456 && t.udp_dst == 6081 && t.ttl == 64);
    ro_format_ip(&t.outer_dst_ip, &s);
    CHECK(!strcmp(ds_cstr(&s), "2001:cafe::92"));

    /* tclass is bits 20..27 of the first word: DSCP 26 -> 0x68. */
    ro_push_set_dscp(&push, 26);
    uint8_t *ip6 = (uint8_t *) push.header + ETH_HEADER_LEN;
    CHECK(ip6[0] == 0x66 && ip6[1] == 0x80 && ip6[2] == 0 && ip6[3] == 0);
    error = ro_push_to_tuple(&push, &t);
    CHECK(!error && t.dscp == 26);
    free(error);

    ds_destroy(&s);
    ro_tuple_destroy(&t);
}

/* Every truncation of a valid header is rejected with an error, never
 * read past its length; so are unsupported types and EtherTypes. */
static void
test_push_malformed(void)
{
    static const struct {
        const char *hex;
        uint32_t type;
    } cases[] = {
        { vxlan4_hex, OVS_VPORT_TYPE_VXLAN },
        { geneve6_hex, OVS_VPORT_TYPE_GENEVE },
    };

    for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
        struct ovs_action_push_tnl push;
        uint32_t full;

        make_push(cases[c].hex, cases[c].type, &push);
        full = push.header_len;
        for (uint32_t len = 0; len < full; len++) {
            struct ro_tuple t;
            char *error;

            push.header_len = len;
            ro_tuple_init(&t);
            error = ro_push_to_tuple(&push, &t);
            CHECK(error != NULL);
            free(error);
        }
        push.header_len = sizeof push.header + 1;
        struct ro_tuple t;
        char *error = ro_push_to_tuple(&push, &t);
        CHECK(error != NULL);
        free(error);
    }

    struct ovs_action_push_tnl push;
    struct ro_tuple t;
    char *error;

    make_push(vxlan4_hex, OVS_VPORT_TYPE_GRE, &push);
    error = ro_push_to_tuple(&push, &t);
    CHECK(error && strstr(error, "unsupported tunnel type"));
    free(error);

    make_push(vxlan4_hex, OVS_VPORT_TYPE_VXLAN, &push);
    ((uint8_t *) push.header)[12] = 0x88;       /* EtherType 0x8800. */
    error = ro_push_to_tuple(&push, &t);
    CHECK(error && strstr(error, "not IPv4/IPv6"));
    free(error);

    make_push(vxlan4_hex, OVS_VPORT_TYPE_VXLAN, &push);
    ((uint8_t *) push.header)[ETH_HEADER_LEN] = 0x44;   /* IHL 4. */
    error = ro_push_to_tuple(&push, &t);
    CHECK(error && strstr(error, "bad IPv4 header length"));
    free(error);
}

/* Random mutations of the valid templates, and random lengths: the reader
 * must never read past 'header_len' (run under valgrind or ASan to see),
 * and whatever it accepts must be self-consistent. */
static void
test_push_random(void)
{
    const char *templates[] = { vxlan4_hex, geneve6_hex };
    uint32_t types[] = { OVS_VPORT_TYPE_VXLAN, OVS_VPORT_TYPE_GENEVE };
    unsigned int seed = 12345;

    for (int iter = 0; iter < 50000; iter++) {
        struct ovs_action_push_tnl push;
        struct ro_tuple t;
        char *error;
        int which = rand_r(&seed) % 2;

        make_push(templates[which], types[which], &push);
        for (int k = rand_r(&seed) % 4; k > 0; k--) {
            ((uint8_t *) push.header)[rand_r(&seed) % 80] = rand_r(&seed);
        }
        if (rand_r(&seed) % 2) {
            push.header_len = rand_r(&seed) % (sizeof push.header + 8);
        }
        ro_tuple_init(&t);
        error = ro_push_to_tuple(&push, &t);
        if (!error) {
            CHECK(t.header_len == push.header_len);
            CHECK(t.header_len <= sizeof t.header);
            CHECK(t.tnl_type == ROCE_TNL_VXLAN || t.tnl_type == ROCE_TNL_GENEVE);
            ro_push_set_dscp(&push, rand_r(&seed) % 64);
        }
        free(error);
        ro_tuple_destroy(&t);
    }
}

static void
check_dst(const char *s, bool ok, const char *formatted)
{
    struct ro_dst dst;
    char *error = ro_dst_parse(s, &dst);

    CHECK(!error == ok);
    if (!error) {
        struct ds ds = DS_EMPTY_INITIALIZER;

        ro_dst_format(&dst, &ds);
        if (strcmp(ds_cstr(&ds), formatted)) {
            fprintf(stderr, "\"%s\" formats as \"%s\", expected \"%s\"\n",
                    s, ds_cstr(&ds), formatted);
            n_failures++;
        }
        ds_destroy(&ds);
    } else {
        CHECK(strchr(error, '\n') == NULL);
    }
    free(error);
}

static void
test_dst_parse(void)
{
    check_dst("00:00:00:00:00:02", true, "00:00:00:00:00:02");
    check_dst("10.0.0.2", true, "10.0.0.2");
    check_dst("fd00::2", true, "fd00::2");
    check_dst("0a:00:00:00:00:02@10.0.0.2", true,
              "0a:00:00:00:00:02@10.0.0.2");
    check_dst("0a:00:00:00:00:02@fd00::2", true, "0a:00:00:00:00:02@fd00::2");
    check_dst("", false, NULL);
    check_dst("@", false, NULL);
    check_dst("zz", false, NULL);
    check_dst("00:00:00:00:00:00", false, NULL);
    check_dst("0.0.0.0", false, NULL);
    check_dst("::", false, NULL);
    check_dst("10.0.0.300", false, NULL);
    check_dst("00:00:00:00:00:02@", false, NULL);
    check_dst("@10.0.0.2", false, NULL);
    check_dst("00:00:00:00:00:02@10.0.0.2@x", false, NULL);
    check_dst("00:00:00:00:00:02@00:00:00:00:00:03", false, NULL);
}

static void
test_values(void)
{
    struct ro_mapping m = {
        .bridge = "br", .port = "vm1",
        .mac = ETH_ADDR_C(00,00,00,00,00,02),
        .tnl_port = "t2", .vni = 7, .origin = RO_MAPPING_FLOW,
    };
    struct ro_mapping c;

    in6_addr_set_mapped_ipv4(&m.remote_ip, htonl(0x01010292));
    ro_mapping_clone(&c, &m);
    CHECK(c.bridge != m.bridge && ro_mapping_equal(&c, &m));
    c.vni = 8;
    CHECK(!ro_mapping_equal(&c, &m));
    c.vni = 7;
    c.origin = RO_MAPPING_STATIC;
    CHECK(!ro_mapping_equal(&c, &m));
    c.origin = RO_MAPPING_FLOW;
    in6_addr_set_mapped_ipv4(&c.remote_ip, htonl(0x01010293));
    CHECK(!ro_mapping_equal(&c, &m));
    ro_mapping_destroy(&c);
    CHECK(!c.bridge && !c.port && !c.tnl_port);

    struct ro_vtep v = { .bridge = "br", .port = "t1",
                         .type = ROCE_TNL_GENEVE, .vni = 5 };
    struct ro_vtep vc;

    ro_vtep_clone(&vc, &v);
    CHECK(ro_vtep_equal(&vc, &v));
    vc.key_flow = true;
    CHECK(!ro_vtep_equal(&vc, &v));
    ro_vtep_destroy(&vc);

    struct eth_addr macs[2] = { ETH_ADDR_C(00,00,00,00,00,01),
                                ETH_ADDR_C(00,00,00,00,00,05) };
    struct ro_binding b = { .bridge = "br", .port = "vm1", .type = "",
                            .macs = macs, .n_macs = 2 };
    struct ro_binding bc;

    ro_binding_clone(&bc, &b);
    CHECK(bc.macs != b.macs && bc.n_macs == 2
          && eth_addr_equals(bc.macs[1], macs[1]));
    ro_binding_destroy(&bc);

    struct ro_tuple t, tc;
    struct ds ds = DS_EMPTY_INITIALIZER;

    ro_tuple_init(&t);
    t.egress_name = xstrdup("p0");
    t.mtu = 1500;
    ro_tuple_clone(&tc, &t);
    CHECK(ro_tuple_equal(&t, &tc) && tc.egress_name != t.egress_name);
    tc.header_len = 1;
    tc.header[0] = 1;
    CHECK(!ro_tuple_equal(&t, &tc));
    ro_tuple_format(&t, &ds);
    CHECK(strstr(ds_cstr(&ds), "overlay: none\negress: p0 (0)\nmtu: 1500\n")
          == ds_cstr(&ds));
    CHECK(!strstr(ds_cstr(&ds), "vni:"));
    ds_clear(&ds);
    tc.tnl_type = ROCE_TNL_VXLAN;
    ro_tuple_format(&tc, &ds);
    CHECK(strstr(ds_cstr(&ds), "vni: 0\n") && strstr(ds_cstr(&ds),
                                                     "header_hex: 01\n"));
    ds_destroy(&ds);
    ro_tuple_destroy(&t);
    ro_tuple_destroy(&tc);

    CHECK(!strcmp(roce_tnl_type_name(ROCE_TNL_GENEVE), "geneve"));
    CHECK(!strcmp(ro_mapping_origin_to_string(RO_MAPPING_LEARNED),
                  "learned"));
}

int
main(void)
{
    test_push_vxlan4();
    test_push_geneve6();
    test_push_malformed();
    test_push_random();
    test_dst_parse();
    test_values();
    if (n_failures) {
        fprintf(stderr, "%d check(s) failed\n", n_failures);
        return 1;
    }
    printf("test-overlay: all checks passed\n");
    return 0;
}
