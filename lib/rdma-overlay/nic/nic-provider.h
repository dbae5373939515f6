/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_NIC_PROVIDER_H
#define RDMA_OVERLAY_NIC_PROVIDER_H 1

/* RDMA NIC offload layer: the provider interface.
 *
 * An "RDMA NIC" here is whatever encapsulates a connection's RoCEv2 packets
 * with its overlay header and validates and decapsulates them on receive.
 * The extension computes everything from Open vSwitch's tables and hands it
 * to exactly one provider instance, chosen with the Open_vSwitch
 * other_config:rdma-overlay-provider key.  The embedded default, "soft", is
 * the software RNIC inside ovs-vswitchd; hardware providers register here
 * too, and must report a device that is absent as absent (their 'open'
 * fails with ENODEV and a message) rather than pretend.
 *
 * Threading: every member is called from the main thread of ovs-vswitchd
 * unless its comment says otherwise.
 *
 * Updates are incremental: on revalidation the extension sends adds and
 * deletes of individual VTEPs, bindings and mappings, never a wholesale
 * flush, so that a provider (or a device behind it) can keep live state. */

#include <stdbool.h>
#include <stdint.h>
#include "nic/overlay.h"

struct ds;
struct roce_encap;
struct roce_engine;
struct roce_rx_tuple;

/* What a provider can do. */
struct rdma_nic_caps {
    bool vxlan;                 /* Can encapsulate VXLAN. */
    bool geneve;                /* Can encapsulate Geneve. */
    bool ipv6_underlay;
    bool plain_roce;            /* RoCEv2 without an overlay. */
    bool rx_validation;         /* Validates outer headers on receive. */
    bool mapping_table;         /* Can hold the MAC->VTEP table itself. */
    uint32_t max_qps;
    uint32_t max_mappings;
};

/* Counters every provider keeps.  Providers may report more through
 * 'format_stats'. */
struct rdma_nic_stats {
    uint64_t port_binds, port_unbinds;
    uint64_t vtep_adds, vtep_dels;
    uint64_t mapping_adds, mapping_dels, mapping_flushes;
    uint64_t conn_programs, conn_unprograms;
    uint64_t qp_binds, qp_unbinds, qp_rebinds;
    uint64_t errors;            /* Operations that returned an error. */
};

/* An instance of a provider.  Providers embed this as their first member. */
struct rdma_nic {
    const struct rdma_nic_class *class;
    char *name;
    struct rdma_nic_stats stats;  /* Maintained by nic.c, not the provider. */
};

struct rdma_nic_class {
    /* Type name, as written in other_config:rdma-overlay-provider. */
    const char *type;

    /* One-line human description for rdma-overlay/show. */
    const char *description;

    /* Creates an instance in '*nicp'.  Returns 0 on success.  A provider
     * whose device is not present returns ENODEV and stores a one-line
     * explanation in '*errorp' (caller frees). */
    int (*open)(const char *name, struct rdma_nic **nicp, char **errorp);

    /* Destroys 'nic'.  Called after every binding, VTEP, mapping, connection
     * and QP has been removed from it. */
    void (*close)(struct rdma_nic *nic);

    void (*get_caps)(const struct rdma_nic *nic, struct rdma_nic_caps *caps);

    /* Port binding: 'binding' became (or stopped being) an RDMA-enabled
     * port on a datapath.  A port is bound at most once; a change of its
     * attributes (for example its DCN MACs) is an unbind followed by a
     * bind. */
    int (*port_bind)(struct rdma_nic *, const struct ro_binding *binding);
    int (*port_unbind)(struct rdma_nic *, const struct ro_binding *binding);

    /* VTEPs: tunnel ports of the bridges. */
    int (*vtep_add)(struct rdma_nic *, const struct ro_vtep *);
    int (*vtep_del)(struct rdma_nic *, const struct ro_vtep *);

    /* MAC->VTEP mapping table.  'mapping_flush' removes every mapping of
     * 'bridge', or every mapping if 'bridge' is null; it is used only when
     * the provider is being replaced or the bridge is deleted. */
    int (*mapping_add)(struct rdma_nic *, const struct ro_mapping *);
    int (*mapping_del)(struct rdma_nic *, const struct ro_mapping *);
    int (*mapping_flush)(struct rdma_nic *, const char *bridge);

    /* Connections: 'conn_id' identifies one RDMA connection (its CM ID);
     * programming an existing 'conn_id' again replaces its tuple. */
    int (*conn_program)(struct rdma_nic *, uint32_t conn_id,
                        const struct ro_tuple *);
    int (*conn_unprogram)(struct rdma_nic *, uint32_t conn_id);

    /* QPs: QP 'qpn' encapsulates and validates with the tuple of
     * 'conn_id'.  'qp_rebind' moves a live QP to another connection's
     * tuple without tearing it down (VM or VTEP move). */
    int (*qp_bind)(struct rdma_nic *, uint32_t qpn, uint32_t conn_id);
    int (*qp_unbind)(struct rdma_nic *, uint32_t qpn);
    int (*qp_rebind)(struct rdma_nic *, uint32_t qpn, uint32_t conn_id);

    /* The RoCEv2 engine in which the DCNs' verbs objects (PDs, MRs, CQs,
     * QPs) of this NIC live, for providers that run one (may be null, or
     * return null: then DCNs cannot attach to this provider's ports).
     * QPNs passed to 'qp_bind' are the engine's. */
    struct roce_engine *(*engine)(struct rdma_nic *);

    /* Stores in 'encap' and 'rx' the transmit template and the receive
     * tuple the NIC built for programmed connection 'conn_id', for
     * datagrams that the host itself sends on the connection's path (the
     * CM's MADs to the peer's QP1).  May be null. */
    int (*conn_encap)(struct rdma_nic *, uint32_t conn_id,
                      struct roce_encap *encap, struct roce_rx_tuple *rx);

    /* During the engine's callbacks for a received frame: the datapath
     * port the frame arrived on, or ODPP_NONE if the NIC delivered it to
     * itself (may be null). */
    odp_port_t (*rx_port)(const struct rdma_nic *);

    /* Appends provider-specific counters and state to 'ds' as "name: value"
     * lines (may be null). */
    void (*format_stats)(const struct rdma_nic *, struct ds *ds);

    /* Appends the data path's counters to 'ds' as "name: value" lines:
     * frames claimed and sent, and every reason a received frame was
     * dropped (may be null). */
    void (*format_datapath)(const struct rdma_nic *, struct ds *ds);

    /* Appends the provider's own view of its tables to 'ds' (may be null).
     * Used by tests to prove what the provider actually holds. */
    void (*format_tables)(const struct rdma_nic *, struct ds *ds);

    /* Periodic work and its wakeups (may be null). */
    void (*run)(struct rdma_nic *);
    void (*wait)(struct rdma_nic *);
};

#endif /* nic-provider.h */
