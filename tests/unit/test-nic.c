/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Unit tests of the NIC provider registry, the instance wrappers, the soft
 * provider's tables and the settings parsers. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "nic/nic.h"
#include "nic/soft/nic-soft.h"
#include "openvswitch/dynamic-string.h"
#include "ovs/iface-settings.h"
#include "rdma-overlay.h"
#include "settings.h"
#include "smap.h"
#include "sset.h"
#include "util.h"

static int n_failures;

#define CHECK(COND)                                                     \
    do {                                                                \
        if (!(COND)) {                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n",                \
                    __FILE__, __LINE__, #COND);                         \
            n_failures++;                                               \
        }                                                               \
    } while (0)

#define CHECK_INT(A, B)                                                 \
    do {                                                                \
        long long a_ = (A), b_ = (B);                                   \
        if (a_ != b_) {                                                 \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n",       \
                    __FILE__, __LINE__, #A, a_, b_);                    \
            n_failures++;                                               \
        }                                                               \
    } while (0)

#define CHECK_STR(A, B)                                                 \
    do {                                                                \
        const char *a_ = (A), *b_ = (B);                                \
        if (!a_ || strcmp(a_, b_)) {                                    \
            fprintf(stderr, "%s:%d: %s ==\n\"%s\"\nexpected\n\"%s\"\n", \
                    __FILE__, __LINE__, #A, a_ ? a_ : "(null)", b_);    \
            n_failures++;                                               \
        }                                                               \
    } while (0)

/* A provider with only the mandatory members, to prove that the wrappers
 * never call a null member. */
static int
minimal_open(const char *name OVS_UNUSED, struct rdma_nic **nicp,
             char **errorp OVS_UNUSED)
{
    *nicp = xzalloc(sizeof **nicp);
    return 0;
}

static void
minimal_close(struct rdma_nic *nic)
{
    free(nic);
}

static const struct rdma_nic_class minimal_class = {
    .type = "minimal",
    .open = minimal_open,
    .close = minimal_close,
};

/* A provider whose device is absent, as a hardware provider reports it. */
static int
absent_open(const char *name OVS_UNUSED, struct rdma_nic **nicp OVS_UNUSED,
            char **errorp)
{
    *errorp = xstrdup("no such device: absent0");
    return ENODEV;
}

static const struct rdma_nic_class absent_class = {
    .type = "absent",
    .open = absent_open,
    .close = minimal_close,
};

static void
test_registry(void)
{
    static const struct rdma_nic_class incomplete = { .type = "x" };
    struct sset types = SSET_INITIALIZER(&types);
    struct rdma_nic *nic;
    char *error;

    CHECK_INT(rdma_nic_register(&rdma_nic_soft_class), 0);
    CHECK_INT(rdma_nic_register(&rdma_nic_soft_class), EEXIST);
    CHECK_INT(rdma_nic_register(&incomplete), EINVAL);
    CHECK_INT(rdma_nic_register(&minimal_class), 0);
    CHECK_INT(rdma_nic_register(&absent_class), 0);
    CHECK(rdma_nic_class_lookup("soft") == &rdma_nic_soft_class);
    CHECK(rdma_nic_class_lookup("nope") == NULL);
    CHECK(rdma_nic_class_lookup(NULL) == NULL);

    rdma_nic_enumerate_types(&types);
    CHECK_INT(sset_count(&types), 3);
    CHECK(sset_contains(&types, "minimal"));
    sset_destroy(&types);

    /* Unknown type: ENOENT and a message naming the known ones. */
    CHECK_INT(rdma_nic_open("nope", "n0", &nic, &error), ENOENT);
    CHECK(nic == NULL);
    CHECK_STR(error, "unknown RDMA NIC provider 'nope' (known: absent, "
              "minimal, soft)");
    free(error);

    /* An absent device is reported, not pretended. */
    CHECK_INT(rdma_nic_open("absent", "a0", &nic, &error), ENODEV);
    CHECK(nic == NULL);
    CHECK_STR(error, "no such device: absent0");
    free(error);

    CHECK_INT(rdma_nic_unregister("absent"), 0);
    CHECK_INT(rdma_nic_unregister("absent"), ENOENT);
}

static void
test_null_safety(void)
{
    struct ro_binding b = { .bridge = "br0", .port = "p1", .type = "" };
    struct rdma_nic_caps caps;
    struct rdma_nic *nic;
    struct ds ds = DS_EMPTY_INITIALIZER;

    /* No instance at all. */
    CHECK_INT(rdma_nic_port_bind(NULL, &b), ENODEV);
    CHECK_INT(rdma_nic_mapping_flush(NULL, NULL), ENODEV);
    CHECK_INT(rdma_nic_qp_bind(NULL, 1, 1), ENODEV);
    rdma_nic_run(NULL);
    rdma_nic_wait(NULL);
    rdma_nic_close(NULL);
    CHECK_STR(rdma_nic_type(NULL), "none");
    rdma_nic_format_tables(NULL, &ds);
    CHECK_STR(ds_cstr(&ds), "no RDMA NIC provider instance\n");
    ds_clear(&ds);

    /* An instance whose class lacks every optional member. */
    CHECK_INT(rdma_nic_open("minimal", "m0", &nic, NULL), 0);
    CHECK_STR(rdma_nic_name(nic), "m0");
    CHECK_INT(rdma_nic_port_bind(nic, &b), EOPNOTSUPP);
    CHECK_INT(rdma_nic_vtep_add(nic, NULL), EOPNOTSUPP);
    CHECK_INT(rdma_nic_conn_unprogram(nic, 3), EOPNOTSUPP);
    CHECK_INT(rdma_nic_qp_rebind(nic, 1, 2), EOPNOTSUPP);
    CHECK_INT(rdma_nic_get_stats(nic)->errors, 4);
    CHECK_INT(rdma_nic_get_stats(nic)->port_binds, 0);
    rdma_nic_get_caps(nic, &caps);
    CHECK(!caps.vxlan && !caps.max_qps);
    rdma_nic_run(nic);
    rdma_nic_format_tables(nic, &ds);
    CHECK_STR(ds_cstr(&ds), "provider minimal does not report its tables\n");
    rdma_nic_close(nic);
    ds_destroy(&ds);
}

/* Returns the "NAME: N" section header line count of 'section' in the
 * soft provider's tables. */
static char *
tables(const struct rdma_nic *nic)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    rdma_nic_format_tables(nic, &ds);
    return ds_steal_cstr(&ds);
}

static void
test_soft_tables(void)
{
    struct eth_addr mac1 = ETH_ADDR_C(50, 54, 00, 00, 00, 01);
    struct eth_addr mac2 = ETH_ADDR_C(50, 54, 00, 00, 00, 02);
    struct ro_binding b1 = { .bridge = "br0", .port = "p2", .type = "",
                             .odp_port = u32_to_odp(2),
                             .macs = &mac1, .n_macs = 1 };
    struct ro_binding b2 = { .bridge = "br0", .port = "p1",
                             .type = "dummy", .odp_port = u32_to_odp(1) };
    struct ro_vtep v = { .bridge = "br-int", .port = "t1",
                         .type = ROCE_TNL_VXLAN, .key_flow = true,
                         .remote_ip_flow = true, .dst_port = 4789 };
    struct ro_mapping m1 = { .bridge = "br0", .port = "p1", .mac = mac2,
                             .tnl_port = "t1", .vni = 7,
                             .origin = RO_MAPPING_STATIC };
    struct ro_mapping m2 = m1;
    struct ro_mapping m3 = m1;
    struct ro_tuple t;
    struct rdma_nic_caps caps;
    struct rdma_nic *nic;
    char *s;

    in6_addr_set_mapped_ipv4(&v.local_ip, htonl(0x01010258));
    in6_addr_set_mapped_ipv4(&m1.local_ip, htonl(0x01010258));
    in6_addr_set_mapped_ipv4(&m1.remote_ip, htonl(0x0101025c));
    m2 = m1;
    m2.mac = mac1;
    m3 = m1;
    m3.bridge = "br1";

    CHECK_INT(rdma_nic_open("soft", "soft", &nic, NULL), 0);
    rdma_nic_get_caps(nic, &caps);
    CHECK(caps.vxlan && caps.geneve && caps.mapping_table);
    CHECK_INT(caps.max_qps, 65536);

    /* Bindings: duplicates and missing entries are caller bugs. */
    CHECK_INT(rdma_nic_port_bind(nic, &b1), 0);
    CHECK_INT(rdma_nic_port_bind(nic, &b2), 0);
    CHECK_INT(rdma_nic_port_bind(nic, &b1), EEXIST);

    /* VTEPs. */
    CHECK_INT(rdma_nic_vtep_add(nic, &v), 0);
    CHECK_INT(rdma_nic_vtep_add(nic, &v), EEXIST);

    /* Mappings, keyed by bridge, source port and MAC. */
    CHECK_INT(rdma_nic_mapping_add(nic, &m1), 0);
    CHECK_INT(rdma_nic_mapping_add(nic, &m2), 0);
    CHECK_INT(rdma_nic_mapping_add(nic, &m3), 0);
    CHECK_INT(rdma_nic_mapping_add(nic, &m1), EEXIST);

    /* Connections and QPs. */
    ro_tuple_init(&t);
    t.tnl_type = ROCE_TNL_NONE;
    t.inner_src_mac = mac1;
    t.inner_dst_mac = mac2;
    t.mtu = 1500;
    CHECK_INT(rdma_nic_qp_bind(nic, 17, 5), ENOENT);
    CHECK_INT(rdma_nic_conn_program(nic, 5, &t), 0);
    CHECK_INT(rdma_nic_conn_program(nic, 6, &t), 0);
    CHECK_INT(rdma_nic_qp_bind(nic, 17, 5), 0);
    CHECK_INT(rdma_nic_qp_bind(nic, 17, 6), EEXIST);
    CHECK_INT(rdma_nic_qp_bind(nic, 1u << 24, 6), EINVAL);
    CHECK_INT(rdma_nic_conn_unprogram(nic, 5), EBUSY);
    CHECK_INT(rdma_nic_qp_rebind(nic, 17, 6), 0);
    CHECK_INT(rdma_nic_conn_unprogram(nic, 5), 0);
    CHECK_INT(rdma_nic_conn_unprogram(nic, 6), EBUSY);
    CHECK_INT(rdma_nic_qp_rebind(nic, 18, 6), ENOENT);

    s = tables(nic);
    CHECK_STR(s,
              "bindings: 2\n"
              "  br0 p1 type=dummy odp_port=1 macs=-\n"
              "  br0 p2 type=system odp_port=2 macs=50:54:00:00:00:01\n"
              "vteps: 1\n"
              "  br-int t1 vxlan local=1.1.2.88 remote=flow key=flow "
              "dst_port=4789\n"
              "mappings: 3\n"
              "  br0 p1 50:54:00:00:00:01 tnl_port=t1 local=1.1.2.88 "
              "remote=1.1.2.92 vni=7 origin=static\n"
              "  br0 p1 50:54:00:00:00:02 tnl_port=t1 local=1.1.2.88 "
              "remote=1.1.2.92 vni=7 origin=static\n"
              "  br1 p1 50:54:00:00:00:02 tnl_port=t1 local=1.1.2.88 "
              "remote=1.1.2.92 vni=7 origin=static\n"
              "connections: 1\n"
              "  conn 6 qps=1\n"
              "    overlay: none\n"
              "    egress: - (0)\n"
              "    mtu: 1500\n"
              "    inner_src_mac: 50:54:00:00:00:01\n"
              "    inner_dst_mac: 50:54:00:00:00:02\n"
              "    inner_src_ip: -\n"
              "    inner_dst_ip: -\n"
              "    vlan: 0\n"
              "    inner_ttl: 0\n"
              "qps: 1\n"
              "  qp 17 conn=6\n");
    free(s);

    /* Flushing one bridge leaves the others; deletes of what is gone
     * fail. */
    CHECK_INT(rdma_nic_mapping_flush(nic, "br0"), 0);
    CHECK_INT(rdma_nic_mapping_del(nic, &m1), ENOENT);
    CHECK_INT(rdma_nic_mapping_del(nic, &m3), 0);
    CHECK_INT(rdma_nic_vtep_del(nic, &v), 0);
    CHECK_INT(rdma_nic_vtep_del(nic, &v), ENOENT);
    CHECK_INT(rdma_nic_port_unbind(nic, &b1), 0);
    CHECK_INT(rdma_nic_port_unbind(nic, &b1), ENOENT);
    CHECK_INT(rdma_nic_qp_unbind(nic, 17), 0);
    CHECK_INT(rdma_nic_conn_unprogram(nic, 6), 0);

    /* The wrapper counted successes and failures separately. */
    const struct rdma_nic_stats *st = rdma_nic_get_stats(nic);
    CHECK_INT(st->port_binds, 2);
    CHECK_INT(st->port_unbinds, 1);
    CHECK_INT(st->vtep_adds, 1);
    CHECK_INT(st->vtep_dels, 1);
    CHECK_INT(st->mapping_adds, 3);
    CHECK_INT(st->mapping_dels, 1);
    CHECK_INT(st->mapping_flushes, 1);
    CHECK_INT(st->conn_programs, 2);
    CHECK_INT(st->conn_unprograms, 2);
    CHECK_INT(st->qp_binds, 1);
    CHECK_INT(st->qp_rebinds, 1);
    CHECK_INT(st->qp_unbinds, 1);
    CHECK_INT(st->errors, 12);

    s = tables(nic);
    CHECK_STR(s, "bindings: 1\n"
              "  br0 p1 type=dummy odp_port=1 macs=-\n"
              "vteps: 0\nmappings: 0\nconnections: 0\nqps: 0\n");
    free(s);

    /* Closing with entries left must not leak (valgrind/ASan check it). */
    rdma_nic_close(nic);
    ro_tuple_destroy(&t);
}

static void
test_settings(void)
{
    struct smap cfg = SMAP_INITIALIZER(&cfg);

    ro_settings_reset();
    CHECK(!ro_settings_update(&cfg) || !strcmp(ro_settings_provider(),
                                              "soft"));
    CHECK_STR(ro_settings_provider(), "soft");
    CHECK_INT(rdma_overlay_dscp(), 26);
    CHECK(!ro_settings_provider_error());

    smap_replace(&cfg, "rdma-overlay-dscp", "10");
    ro_settings_update(&cfg);
    CHECK_INT(rdma_overlay_dscp(), 10);

    static const char *bad_dscps[] = { "64", "-1", "abc", "1.5", "", " 3",
                                       "+3", "07 ", "0x1", "99999999999" };
    for (size_t i = 0; i < ARRAY_SIZE(bad_dscps); i++) {
        smap_replace(&cfg, "rdma-overlay-dscp", bad_dscps[i]);
        ro_settings_update(&cfg);
        CHECK_INT(rdma_overlay_dscp(), 10);
        CHECK(ro_settings_dscp_error() != NULL);
    }
    smap_replace(&cfg, "rdma-overlay-dscp", "64");
    ro_settings_update(&cfg);
    CHECK_STR(ro_settings_dscp_error(), "other_config:rdma-overlay-dscp: "
              "\"64\" is not an integer between 0 and 63; keeping 10");
    smap_replace(&cfg, "rdma-overlay-dscp", "0");
    ro_settings_update(&cfg);
    CHECK_INT(rdma_overlay_dscp(), 0);
    CHECK(!ro_settings_dscp_error());
    smap_replace(&cfg, "rdma-overlay-dscp", "63");
    ro_settings_update(&cfg);
    CHECK_INT(rdma_overlay_dscp(), 63);
    smap_remove(&cfg, "rdma-overlay-dscp");
    ro_settings_update(&cfg);
    CHECK_INT(rdma_overlay_dscp(), 26);

    /* Provider: unknown rejected, previous kept; switching reported. */
    smap_replace(&cfg, "rdma-overlay-provider", "mlx9");
    CHECK(!ro_settings_update(&cfg));
    CHECK_STR(ro_settings_provider(), "soft");
    CHECK_STR(ro_settings_provider_error(),
              "other_config:rdma-overlay-provider: unknown provider "
              "\"mlx9\" (known: minimal, soft); keeping \"soft\"");
    smap_replace(&cfg, "rdma-overlay-provider", "minimal");
    CHECK(ro_settings_update(&cfg));
    CHECK_STR(ro_settings_provider(), "minimal");
    CHECK(!ro_settings_provider_error());
    smap_remove(&cfg, "rdma-overlay-provider");
    CHECK(ro_settings_update(&cfg));
    CHECK_STR(ro_settings_provider(), "soft");
    ro_settings_reset();
    CHECK(!ro_settings_provider_error());
    smap_destroy(&cfg);
}

static void
test_iface_settings(void)
{
    struct smap cfg = SMAP_INITIALIZER(&cfg);
    struct ro_iface_settings s;

    ro_iface_settings_parse(&cfg, &s);
    CHECK(!s.set && !s.enabled && !s.error);
    ro_iface_settings_destroy(&s);

    smap_replace(&cfg, "rdma-overlay", "true");
    smap_replace(&cfg, "rdma-overlay-mac",
                 "50:54:00:00:00:09, 50:54:00:00:00:01,50:54:00:00:00:09");
    ro_iface_settings_parse(&cfg, &s);
    CHECK(s.set && s.enabled && !s.error);
    CHECK_INT(s.n_macs, 2);
    CHECK(s.n_macs == 2 && s.macs[0].ea[5] == 1 && s.macs[1].ea[5] == 9);
    ro_iface_settings_destroy(&s);

    static const char *bad_macs[] = { "nonsense", "01:00:00:00:00:01",
                                      "00:00:00:00:00:00",
                                      "50:54:00:00:00:01,x" };
    for (size_t i = 0; i < ARRAY_SIZE(bad_macs); i++) {
        smap_replace(&cfg, "rdma-overlay-mac", bad_macs[i]);
        ro_iface_settings_parse(&cfg, &s);
        CHECK(s.set && !s.enabled && s.error && !s.n_macs);
        ro_iface_settings_destroy(&s);
    }
    smap_remove(&cfg, "rdma-overlay-mac");

    static const char *bad_values[] = { "yes", "TRUE", "1", "" };
    for (size_t i = 0; i < ARRAY_SIZE(bad_values); i++) {
        smap_replace(&cfg, "rdma-overlay", bad_values[i]);
        ro_iface_settings_parse(&cfg, &s);
        CHECK(s.set && !s.enabled && s.error);
        ro_iface_settings_destroy(&s);
    }
    smap_replace(&cfg, "rdma-overlay", "false");
    ro_iface_settings_parse(&cfg, &s);
    CHECK(s.set && !s.enabled && !s.error);
    ro_iface_settings_destroy(&s);
    smap_destroy(&cfg);
}

int
main(void)
{
    test_registry();
    test_null_safety();
    test_soft_tables();
    test_settings();
    test_iface_settings();

    if (n_failures) {
        fprintf(stderr, "test-nic: %d check(s) failed\n", n_failures);
        return 1;
    }
    printf("test-nic: all checks passed\n");
    return 0;
}
