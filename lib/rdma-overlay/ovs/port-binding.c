/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "ovs/port-binding.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "dpif.h"
#include "flow.h"
#include "hash.h"
#include "mac-learning.h"
#include "netdev.h"
#include "nic/nic.h"
#include "nic/overlay.h"
#include "ofproto/ofproto-dpif.h"
#include "ofproto/ofproto-provider.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs/bridge-watch.h"
#include "ovs/iface-settings.h"
#include "ovs/xlate-probe.h"
#include "smap.h"
#include "sset.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_port_binding);

/* Datapath port events seen by the notifier, and main-loop re-checks of
 * every port that they caused (tests read both). */
COVERAGE_DEFINE(rdma_overlay_dp_port_event);
COVERAGE_DEFINE(rdma_overlay_dp_port_recheck);
/* Re-checks of every port caused by a change of a bridge's MAC learning
 * table or flow tables (learned DCN MACs). */
COVERAGE_DEFINE(rdma_overlay_bridge_recheck);

/* Which port types can carry a DCN.
 *
 * A DCN's port is where its frames enter the bridge: a VM's tap or
 * vhost-user port, a container's veth or internal port, a dummy port in
 * tests.  Rejected, each with a status that says why:
 *
 *   - patch ports: they have no datapath port, so there is nothing for a
 *     NIC to bind;
 *   - tunnel ports (vxlan, geneve, gre, ...): they carry the overlay itself
 *     and are exported as VTEPs instead;
 *   - a bridge's local port (the internal port named like the bridge): it
 *     is the host's own interface to the bridge, typically the underlay
 *     endpoint, not a tenant's.
 *
 * Other internal ports are accepted: a container may use one as its NIC,
 * and then the port's own MAC is the DCN's MAC. */

enum ro_port_state {
    RO_PORT_DISABLED,           /* other_config:rdma-overlay=false. */
    RO_PORT_BOUND,
    RO_PORT_ERROR,              /* Invalid, unsupported or not bindable. */
};

static const char *
ro_port_state_to_string(enum ro_port_state state)
{
    switch (state) {
    case RO_PORT_DISABLED:
        return "disabled";
    case RO_PORT_BOUND:
        return "bound";
    case RO_PORT_ERROR:
        return "error";
    }
    return "unknown";
}

/* An Interface with other_config:rdma-overlay set. */
struct ro_port {
    struct hmap_node node;      /* In 'ports', by 'name'. */
    char *bridge;
    char *name;                 /* Interface names are unique in a DB. */
    char *type;                 /* Interface type, "" for system. */
    struct ro_iface_settings settings;

    enum ro_port_state state;
    char *error;                /* Why, if RO_PORT_ERROR. */
    bool bound;                 /* 'binding' is bound to the NIC. */
    struct ro_binding binding;

    bool seen;                  /* For the mark-and-sweep in reconfigure. */
};

static struct hmap ports = HMAP_INITIALIZER(&ports);

/* Set by the dpif port notifier: a datapath port appeared or vanished,
 * maybe outside a bridge reconfiguration (e.g. dpctl/del-if), so every
 * port must be checked again on the next run. */
static bool dp_ports_changed;

/* Incremented whenever what ro_port_binding_get_status() reports may have
 * changed. */
static uint64_t status_seq;

/* The bridges that have enabled RDMA ports, to notice changes of their
 * MAC learning tables (see ro_port_binding_run()). */
static struct ro_bridge_watches watches
    = RO_BRIDGE_WATCHES_INITIALIZER(&watches);

static void
dp_port_added(const struct dpif *dpif OVS_UNUSED,
              const struct netdev *netdev OVS_UNUSED,
              odp_port_t port OVS_UNUSED, void *aux OVS_UNUSED)
{
    COVERAGE_INC(rdma_overlay_dp_port_event);
    dp_ports_changed = true;
}

static void
dp_port_deleted(const struct dpif *dpif OVS_UNUSED,
                odp_port_t port OVS_UNUSED, void *aux OVS_UNUSED)
{
    COVERAGE_INC(rdma_overlay_dp_port_event);
    dp_ports_changed = true;
}

static const struct dpif_port_notifier dp_notifier = {
    .port_added = dp_port_added,
    .port_deleted = dp_port_deleted,
};

/* Registers the dpif port notifier.  Call before any bridge opens a
 * datapath. */
void
ro_port_binding_init(void)
{
    dpif_port_notifier_register(&dp_notifier);
}

static struct ro_port *
ro_port_find(const char *name)
{
    struct ro_port *p;

    HMAP_FOR_EACH_WITH_HASH (p, node, hash_string(name, 0), &ports) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    return NULL;
}

/* Sets the state of 'p' to 'state' with error 'error' (owned by the
 * callee, NULL unless RO_PORT_ERROR). */
static void
ro_port_set_state(struct ro_port *p, enum ro_port_state state, char *error)
{
    if (p->state != state || !nullable_string_is_equal(p->error, error)) {
        status_seq++;
        if (state == RO_PORT_ERROR) {
            VLOG_DBG("%s: %s", p->name, error);
        }
    }
    p->state = state;
    free(p->error);
    p->error = error;
}

static void
ro_port_unbind(struct ro_port *p, struct rdma_nic *nic)
{
    if (p->bound) {
        rdma_nic_port_unbind(nic, &p->binding);
        ro_binding_destroy(&p->binding);
        memset(&p->binding, 0, sizeof p->binding);
        p->bound = false;
    }
}

static bool
bindings_equal(const struct ro_binding *a, const struct ro_binding *b)
{
    return (!strcmp(a->bridge, b->bridge)
            && !strcmp(a->port, b->port)
            && !strcmp(a->type, b->type)
            && a->odp_port == b->odp_port
            && a->ofp_port == b->ofp_port
            && a->n_macs == b->n_macs
            && !memcmp(a->macs, b->macs, a->n_macs * sizeof *a->macs)
            && a->n_ips == b->n_ips
            && !memcmp(a->ips, b->ips, a->n_ips * sizeof *a->ips)
            && a->mtu == b->mtu
            && a->socket_mode == b->socket_mode);
}

static int
compare_macs(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct eth_addr));
}

/* Returns true if 'mac' is one of the DCN MACs of binding 'b'. */
bool
ro_binding_has_mac(const struct ro_binding *b, struct eth_addr mac)
{
    for (size_t i = 0; i < b->n_macs; i++) {
        if (eth_addr_equals(b->macs[i], mac)) {
            return true;
        }
    }
    return false;
}

/* Appends to the MACs of 'b' those of the 'n' in 'macs' that it does not
 * have yet, in sorted order.  Each source of MACs is added as one group,
 * so that the MACs of a source rank after those of the sources added
 * before it (macs[0] is the source MAC of synthetic flows). */
static void
binding_add_macs(struct ro_binding *b, const struct eth_addr *macs,
                 size_t n)
{
    struct eth_addr *sorted;

    if (!n) {
        return;
    }
    sorted = xmemdup(macs, n * sizeof *macs);
    qsort(sorted, n, sizeof *sorted, compare_macs);
    b->macs = xrealloc(b->macs, (b->n_macs + n) * sizeof *b->macs);
    for (size_t i = 0; i < n; i++) {
        if (!ro_binding_has_mac(b, sorted[i])) {
            b->macs[b->n_macs++] = sorted[i];
        }
    }
    free(sorted);
}

/* MACs that the MAC learning table of a bridge has learned, each with the
 * single datapath port that Open vSwitch's translation sends it to. */
struct learned_mac {
    struct eth_addr mac;
    odp_port_t port;
};

struct learned_macs {
    struct hmap_node node;      /* In a 'learned_cache', by bridge name. */
    char *bridge;
    struct learned_mac *macs;
    size_t n;
};

/* The learned MACs of each bridge, computed at most once per refresh. */
struct learned_cache {
    struct hmap bridges;
};

/* A MAC learning table entry, copied so that translation (which takes the
 * table's lock itself) runs without the lock held. */
struct ml_key {
    struct eth_addr mac;
    uint16_t vlan;
};

static struct ml_key *
ml_snapshot(struct mac_learning *ml, size_t *n)
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    const struct mac_entry *e;
    struct ml_key *keys;
    size_t i = 0;

    ovs_rwlock_rdlock(&ml->rwlock);
    keys = xmalloc((hmap_count(&ml->table) + 1) * sizeof *keys);
    LIST_FOR_EACH (e, lru_node, &ml->lrus) {
        keys[i].mac = e->mac;
        keys[i++].vlan = e->vlan;
    }
    ovs_rwlock_unlock(&ml->rwlock);
    *n = i;
    return keys;
}

static int
compare_learned(const void *a_, const void *b_)
{
    const struct learned_mac *a = a_, *b = b_;

    return memcmp(&a->mac, &b->mac, sizeof a->mac);
}

/* Finds out which datapath port each MAC of 'ofproto''s learning table
 * belongs to.  Which port a learning entry points to is private to
 * ofproto-dpif, so the answer comes from the one source of truth, Open
 * vSwitch's translation: a synthetic flow from the bridge's local port to
 * the MAC (on the entry's VLAN), translated without a packet (no side
 * effects), belongs to a port iff it is output to that datapath port and
 * nowhere else, without a tunnel push. */
static void
learned_macs_compute(struct ofproto_dpif *ofproto, struct learned_macs *lm)
{
    size_t n_keys;
    struct ml_key *keys;

    if (!ofproto->ml) {
        return;
    }
    keys = ml_snapshot(ofproto->ml, &n_keys);
    lm->macs = xmalloc((n_keys + 1) * sizeof *lm->macs);
    for (size_t i = 0; i < n_keys; i++) {
        struct ro_probe probe;
        struct flow flow;

        if (eth_addr_is_multicast(keys[i].mac)
            || eth_addr_is_zero(keys[i].mac)) {
            continue;
        }
        ro_synthetic_flow(OFPP_LOCAL, eth_addr_zero, keys[i].mac, NULL, NULL,
                          false, &flow);
        if (keys[i].vlan) {
            flow.vlans[0].tpid = htons(ETH_TYPE_VLAN);
            flow.vlans[0].tci = htons(keys[i].vlan | VLAN_CFI);
        }
        ro_xlate_probe(ofproto, &flow, false, &probe);
        if (!probe.xlate_error && !probe.slow_path && !probe.n_pushes
            && probe.n_outputs == 1) {
            lm->macs[lm->n].mac = keys[i].mac;
            lm->macs[lm->n++].port = probe.outputs[0].port;
        }
        ro_probe_destroy(&probe);
    }
    free(keys);
    qsort(lm->macs, lm->n, sizeof *lm->macs, compare_learned);
}

/* Returns the learned MACs of bridge 'ofproto', named 'bridge', computing
 * them on first use in 'cache'. */
static const struct learned_macs *
learned_cache_get(struct learned_cache *cache, const char *bridge,
                  struct ofproto_dpif *ofproto)
{
    uint32_t hash = hash_string(bridge, 0);
    struct learned_macs *lm;

    HMAP_FOR_EACH_WITH_HASH (lm, node, hash, &cache->bridges) {
        if (!strcmp(lm->bridge, bridge)) {
            return lm;
        }
    }
    lm = xzalloc(sizeof *lm);
    lm->bridge = xstrdup(bridge);
    hmap_insert(&cache->bridges, &lm->node, hash);
    learned_macs_compute(ofproto, lm);
    return lm;
}

static void
learned_cache_destroy(struct learned_cache *cache)
{
    struct learned_macs *lm;

    HMAP_FOR_EACH_POP (lm, node, &cache->bridges) {
        free(lm->bridge);
        free(lm->macs);
        free(lm);
    }
    hmap_destroy(&cache->bridges);
}

/* Adds to 'b' the MACs of 'lm' that belong to 'b''s datapath port. */
static void
binding_add_learned_macs(struct ro_binding *b, const struct learned_macs *lm)
{
    struct eth_addr *macs = xmalloc((lm->n + 1) * sizeof *macs);
    size_t n = 0;

    for (size_t i = 0; i < lm->n; i++) {
        if (lm->macs[i].port == b->odp_port) {
            macs[n++] = lm->macs[i].mac;
        }
    }
    binding_add_macs(b, macs, n);
    free(macs);
}

/* Works out the binding that 'p' should have now, from its settings and
 * the bridge's live state (learned MACs from 'cache').  Returns NULL and
 * fills in 'b' on success, otherwise returns why 'p' cannot be bound
 * (caller frees). */
static char *
ro_port_compute_binding(const struct ro_port *p, struct learned_cache *cache,
                        struct ro_binding *b)
{
    struct ofproto_dpif *ofproto;
    struct ofproto_port op;
    struct dpif_port dpif_port;
    const struct ofport *ofport;
    const char *dp_name;
    char *error = NULL;

    memset(b, 0, sizeof *b);

    if (!strcmp(p->type, "patch")) {
        return xstrdup("patch ports are not supported: they have no "
                       "datapath port");
    }

    ofproto = ofproto_dpif_lookup_by_name(p->bridge);
    if (!ofproto) {
        return xasprintf("bridge %s has no datapath", p->bridge);
    }
    if (ofproto_port_query_by_name(&ofproto->up, p->name, &op)) {
        return xasprintf("not a port of bridge %s", p->bridge);
    }
    ofport = ofproto_get_port(&ofproto->up, op.ofp_port);
    if (op.ofp_port == OFPP_LOCAL) {
        error = xasprintf("the local port of bridge %s is not supported: it "
                          "is the host's interface, not a DCN's", p->bridge);
    } else if (!ofport) {
        error = xasprintf("not a port of bridge %s", p->bridge);
    } else if (netdev_get_tunnel_config(ofport->netdev)) {
        error = xasprintf("tunnel ports (type %s) are not supported: they "
                          "carry the overlay, not a DCN", op.type);
    }
    if (error) {
        ofproto_port_destroy(&op);
        return error;
    }

    dp_name = netdev_get_name(ofport->netdev);
    if (dpif_port_query_by_name(ofproto->backer->dpif, dp_name,
                                &dpif_port)) {
        ofproto_port_destroy(&op);
        return xasprintf("no port %s in datapath %s", dp_name,
                         dpif_name(ofproto->backer->dpif));
    }

    b->bridge = xstrdup(p->bridge);
    b->port = xstrdup(p->name);
    b->type = xstrdup(p->type);
    b->odp_port = dpif_port.port_no;
    b->ofp_port = op.ofp_port;
    /* DCN MACs, by precedence: configured, the internal port's own, then
     * learned on the port. */
    binding_add_macs(b, p->settings.macs, p->settings.n_macs);
    if (!strcmp(p->type, "internal")) {
        struct eth_addr mac;

        if (!netdev_get_etheraddr(ofport->netdev, &mac)
            && !eth_addr_is_zero(mac)) {
            binding_add_macs(b, &mac, 1);
        }
    }
    binding_add_learned_macs(b, learned_cache_get(cache, p->bridge,
                                                  ofproto));
    if (p->settings.n_ips) {
        b->ips = xmemdup(p->settings.ips,
                         p->settings.n_ips * sizeof *p->settings.ips);
        b->n_ips = p->settings.n_ips;
    }
    if (netdev_get_mtu(ofport->netdev, &b->mtu)) {
        b->mtu = 0;
    }
    b->socket_mode = p->settings.socket_mode;

    dpif_port_destroy(&dpif_port);
    ofproto_port_destroy(&op);
    return NULL;
}

/* Brings 'p''s state and binding in line with its settings and the
 * bridge's state, binding to or unbinding from 'nic'.  Returns true if the
 * binding changed. */
static bool
ro_port_refresh(struct ro_port *p, struct rdma_nic *nic,
                struct learned_cache *cache)
{
    struct ro_binding b;
    char *error;
    int retval;

    if (p->settings.error) {
        bool changed = p->bound;

        ro_port_unbind(p, nic);
        ro_port_set_state(p, RO_PORT_ERROR, xstrdup(p->settings.error));
        return changed;
    }
    if (!p->settings.enabled) {
        bool changed = p->bound;

        ro_port_unbind(p, nic);
        ro_port_set_state(p, RO_PORT_DISABLED, NULL);
        return changed;
    }

    error = ro_port_compute_binding(p, cache, &b);
    if (error) {
        bool changed = p->bound;

        ro_port_unbind(p, nic);
        ro_port_set_state(p, RO_PORT_ERROR, error);
        return changed;
    }

    if (p->bound && bindings_equal(&p->binding, &b)) {
        ro_binding_destroy(&b);
        return false;
    }

    /* A change of attributes is an unbind followed by a bind (see
     * 'port_bind' in nic-provider.h). */
    ro_port_unbind(p, nic);
    if (!nic) {
        ro_binding_destroy(&b);
        ro_port_set_state(p, RO_PORT_ERROR,
                          xstrdup("no RDMA NIC provider instance"));
        return true;
    }
    retval = rdma_nic_port_bind(nic, &b);
    if (retval) {
        ro_binding_destroy(&b);
        ro_port_set_state(p, RO_PORT_ERROR,
                          xasprintf("provider %s refused the binding: %s",
                                    rdma_nic_type(nic),
                                    ovs_strerror(retval)));
        return true;
    }
    p->binding = b;
    p->bound = true;
    ro_port_set_state(p, RO_PORT_BOUND, NULL);
    status_seq++;               /* The MACs or port numbers may differ. */
    return true;
}

static void
ro_port_destroy(struct ro_port *p, struct rdma_nic *nic)
{
    ro_port_unbind(p, nic);
    hmap_remove(&ports, &p->node);
    ro_iface_settings_destroy(&p->settings);
    free(p->bridge);
    free(p->name);
    free(p->type);
    free(p->error);
    free(p);
    status_seq++;
}

/* Notes the state of every bridge with an enabled RDMA port.  Returns
 * true if one changed its flow tables or MAC learning table (or appeared
 * or disappeared) since the last call, which can change learned MACs. */
static bool
watch_bridges(void)
{
    struct sset bridges = SSET_INITIALIZER(&bridges);
    const struct ro_port *p;
    bool changed;

    HMAP_FOR_EACH (p, node, &ports) {
        if (p->settings.enabled && !p->settings.error) {
            sset_add(&bridges, p->bridge);
        }
    }
    changed = ro_bridge_watches_update(&watches, &bridges);
    sset_destroy(&bridges);
    return changed;
}

static bool
refresh_all(struct rdma_nic *nic)
{
    struct learned_cache cache = { HMAP_INITIALIZER(&cache.bridges) };
    struct ro_port *p;
    bool changed = false;

    /* Before computing, so that a change made meanwhile (by another
     * thread's MAC learning) is seen by the next run. */
    watch_bridges();
    HMAP_FOR_EACH (p, node, &ports) {
        changed |= ro_port_refresh(p, nic, &cache);
    }
    learned_cache_destroy(&cache);
    dp_ports_changed = false;
    return changed;
}

/* Takes the RDMA settings of every Interface of 'cfg', then binds,
 * rebinds or unbinds each such Interface with 'nic'.  Returns true if any
 * binding changed. */
bool
ro_port_binding_reconfigure(const struct ovsrec_open_vswitch *cfg,
                            struct rdma_nic *nic)
{
    struct ro_port *p;
    bool changed = false;

    HMAP_FOR_EACH (p, node, &ports) {
        p->seen = false;
    }

    for (size_t i = 0; cfg && i < cfg->n_bridges; i++) {
        const struct ovsrec_bridge *br = cfg->bridges[i];

        for (size_t j = 0; j < br->n_ports; j++) {
            const struct ovsrec_port *port = br->ports[j];

            for (size_t k = 0; k < port->n_interfaces; k++) {
                const struct ovsrec_interface *iface = port->interfaces[k];
                struct ro_iface_settings s;

                ro_iface_settings_parse(&iface->other_config, &s);
                if (!s.set) {
                    ro_iface_settings_destroy(&s);
                    continue;
                }

                p = ro_port_find(iface->name);
                if (p && p->seen) {
                    /* The bridge rejects duplicate names; so do we. */
                    ro_iface_settings_destroy(&s);
                    continue;
                }
                if (!p) {
                    p = xzalloc(sizeof *p);
                    p->name = xstrdup(iface->name);
                    p->state = RO_PORT_DISABLED;
                    hmap_insert(&ports, &p->node, hash_string(p->name, 0));
                    status_seq++;
                }
                if (!p->bridge || strcmp(p->bridge, br->name)) {
                    free(p->bridge);
                    p->bridge = xstrdup(br->name);
                }
                free(p->type);
                p->type = xstrdup(iface->type);
                ro_iface_settings_destroy(&p->settings);
                p->settings = s;
                p->seen = true;
            }
        }
    }

    HMAP_FOR_EACH_SAFE (p, node, &ports) {
        if (!p->seen) {
            changed |= p->bound;
            ro_port_destroy(p, nic);
        }
    }
    changed |= refresh_all(nic);
    return changed;
}

/* Checks every port again if a datapath port came or went since the last
 * check, or if a bridge with RDMA ports changed its MAC learning table or
 * flow tables (learned MACs may have moved).  Returns true if any binding
 * changed. */
bool
ro_port_binding_run(struct rdma_nic *nic)
{
    if (dp_ports_changed) {
        COVERAGE_INC(rdma_overlay_dp_port_recheck);
    } else if (watch_bridges()) {
        COVERAGE_INC(rdma_overlay_bridge_recheck);
    } else {
        return false;
    }
    return refresh_all(nic);
}

/* Wakes up the main loop at once if datapath ports changed outside a
 * reconfiguration.  MAC learning by threads other than the main thread
 * (PMD threads) wakes nothing in Open vSwitch, so while a bridge is
 * watched for learned MACs it is polled every second. */
void
ro_port_binding_wait(void)
{
    if (dp_ports_changed) {
        poll_immediate_wake();
    } else if (!ro_bridge_watches_is_empty(&watches)) {
        poll_timer_wait(1000);
    }
}

/* Moves every bound port from provider instance 'old' to 'new'. */
void
ro_port_binding_nic_changed(struct rdma_nic *old, struct rdma_nic *new)
{
    struct ro_port *p;

    HMAP_FOR_EACH (p, node, &ports) {
        ro_port_unbind(p, old);
    }
    refresh_all(new);
}

/* Unbinds every port from 'nic' and forgets every port. */
void
ro_port_binding_exit(struct rdma_nic *nic)
{
    struct ro_port *p;

    HMAP_FOR_EACH_SAFE (p, node, &ports) {
        ro_port_destroy(p, nic);
    }
    ro_bridge_watches_clear(&watches);
    dpif_port_notifier_unregister(&dp_notifier);
}

/* Returns the binding of RDMA-enabled port 'port' of 'bridge' if it is
 * bound, otherwise NULL. */
const struct ro_binding *
ro_port_binding_find(const char *bridge, const char *port)
{
    const struct ro_port *p = ro_port_find(port);

    return (p && p->bound && !strcmp(p->bridge, bridge)
            ? &p->binding : NULL);
}

/* Returns the binding of bound port 'port' of any bridge (Interface names
 * are unique across bridges), or NULL. */
const struct ro_binding *
ro_port_binding_find_port(const char *port)
{
    const struct ro_port *p = ro_port_find(port);

    return p && p->bound ? &p->binding : NULL;
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct ro_port *const *a = a_, *const *b = b_;
    int cmp = strcmp((*a)->bridge, (*b)->bridge);

    return cmp ? cmp : strcmp((*a)->name, (*b)->name);
}

/* Returns every port with the RDMA key, sorted by bridge and name, in an
 * array the caller frees, and their number in '*n'. */
static struct ro_port **
sorted_ports(size_t *n)
{
    struct ro_port **array = xmalloc((hmap_count(&ports) + 1)
                                     * sizeof *array);
    struct ro_port *p;

    *n = 0;
    HMAP_FOR_EACH (p, node, &ports) {
        array[(*n)++] = p;
    }
    qsort(array, *n, sizeof *array, compare_ports);
    return array;
}

/* Stores in '*bindingsp' an array of every bound port's binding, sorted by
 * bridge then port, and returns its length.  The caller frees the array
 * (not the bindings, which stay valid until the next reconfiguration or
 * run of this module). */
size_t
ro_port_binding_get_all(const struct ro_binding ***bindingsp)
{
    size_t n_ports, n = 0;
    struct ro_port **array = sorted_ports(&n_ports);
    const struct ro_binding **bindings = xmalloc((n_ports + 1)
                                                 * sizeof *bindings);

    for (size_t i = 0; i < n_ports; i++) {
        if (array[i]->bound) {
            bindings[n++] = &array[i]->binding;
        }
    }
    free(array);
    *bindingsp = bindings;
    return n;
}

/* Stores the number of ports in each state in 'c'. */
void
ro_port_binding_get_counts(struct ro_port_counts *c)
{
    const struct ro_port *p;

    memset(c, 0, sizeof *c);
    HMAP_FOR_EACH (p, node, &ports) {
        c->configured++;
        c->bound += p->state == RO_PORT_BOUND;
        c->disabled += p->state == RO_PORT_DISABLED;
        c->errors += p->state == RO_PORT_ERROR;
    }
}

/* Returns a number that changes whenever the status keys of some port may
 * have changed. */
uint64_t
ro_port_binding_status_seq(void)
{
    return status_seq;
}

/* Adds the rdma_overlay* status keys of Interface 'iface' to 'status', if
 * it has other_config:rdma-overlay. */
void
ro_port_binding_get_status(const struct ovsrec_interface *iface,
                           struct smap *status)
{
    const struct ro_port *p = ro_port_find(iface->name);

    if (!p) {
        return;
    }
    smap_replace(status, "rdma_overlay", ro_port_state_to_string(p->state));
    if (p->state == RO_PORT_ERROR) {
        smap_replace(status, "rdma_overlay_error", p->error);
    }
    if (p->bound && p->binding.n_macs) {
        struct ds macs = DS_EMPTY_INITIALIZER;

        rdma_nic_format_macs(&p->binding, &macs);
        smap_replace(status, "rdma_overlay_macs", ds_cstr(&macs));
        ds_destroy(&macs);
    }
}

/* Appends the rdma-overlay/dump-ports table to 'ds': one line per
 * Interface that has other_config:rdma-overlay, sorted by bridge and
 * name. */
void
ro_port_binding_format(struct ds *ds)
{
    size_t n;
    struct ro_port **array = sorted_ports(&n);

    for (size_t i = 0; i < n; i++) {
        const struct ro_port *p = array[i];

        ds_put_format(ds, "%s %s %s", p->bridge, p->name,
                      ro_port_state_to_string(p->state));
        if (p->bound) {
            const struct ro_binding *b = &p->binding;

            ds_put_format(ds, " type=%s ofp_port=%"PRIu32
                          " odp_port=%"PRIu32" macs=",
                          b->type[0] ? b->type : "system",
                          ofp_to_u16(b->ofp_port), odp_to_u32(b->odp_port));
            rdma_nic_format_macs(b, ds);
        } else if (p->state == RO_PORT_ERROR) {
            ds_put_format(ds, ": %s", p->error);
        }
        ds_put_char(ds, '\n');
    }
    free(array);
}
