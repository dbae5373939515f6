/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "ovs/mapping.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "classifier.h"
#include "hash.h"
#include "mac-learning.h"
#include "netdev.h"
#include "nic/address.h"
#include "nic/intern.h"
#include "nic/nic.h"
#include "ofproto/ofproto-dpif.h"
#include "ofproto/ofproto-provider.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs/bridge-watch.h"
#include "ovs/port-binding.h"
#include "ovs/tnl-header.h"
#include "ovs/vtep.h"
#include "ovs/xlate-probe.h"
#include "packets.h"
#include "seq.h"
#include "sset.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_mapping);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* An exported mapping, keyed by (bridge, port, mac).  Its strings are
 * interned (intern.h), not owned: a table of 100,000 mappings repeats a
 * few bridge and port names. */
struct mapping_node {
    struct hmap_node hmap_node;
    struct ro_mapping m;
};

/* A static entry (rdma-overlay/add-mapping), keyed by (bridge, mac). */
struct static_entry {
    struct hmap_node hmap_node;
    char *bridge;
    struct eth_addr mac;
    bool has_ip;
    struct in6_addr ip;
};

static struct hmap mappings = HMAP_INITIALIZER(&mappings);

/* The provider instance the exported mappings are in: the one that the
 * last run, clear or replay was given (null if none).  The unixctl
 * commands that change static entries revalidate into it. */
static struct rdma_nic *mapping_nic;
static struct hmap statics = HMAP_INITIALIZER(&statics);
static struct ro_bridge_watches watches
    = RO_BRIDGE_WATCHES_INITIALIZER(&watches);
static uint64_t tnl_seqno;
static bool need_revalidate = true;

/* A revalidation retranslates every (port, candidate) pair.  When that
 * takes long (large tables), back-to-back changes (a controller installing
 * thousands of flows in batches) would make the main loop spend all its
 * time revalidating: then the next revalidation waits until twice the last
 * one's duration has passed since it ended, which bounds revalidation to a
 * third of the main thread.  Short revalidations (small tables) are never
 * delayed.  'next_revalidation' is in microseconds (time_usec()). */
#define REVALIDATE_DEFER_MIN_US 10000
static long long int next_revalidation;
static long long int last_duration;     /* Of the last revalidation, us. */

/* Revalidation counters for rdma-overlay/dump-mappings --stats. */
static uint64_t n_revalidations;
static uint64_t n_probes;

static uint32_t
mapping_hash(const char *bridge, const char *port, struct eth_addr mac)
{
    return hash_bytes(&mac, sizeof mac,
                      hash_string(port, hash_string(bridge, 0)));
}

static struct mapping_node *
mapping_find(const struct hmap *table, const char *bridge, const char *port,
             struct eth_addr mac)
{
    struct mapping_node *node;

    HMAP_FOR_EACH_WITH_HASH (node, hmap_node,
                             mapping_hash(bridge, port, mac), table) {
        if (!strcmp(node->m.bridge, bridge) && !strcmp(node->m.port, port)
            && eth_addr_equals(node->m.mac, mac)) {
            return node;
        }
    }
    return NULL;
}

static void
mapping_node_destroy(struct mapping_node *node)
{
    ro_intern_unref(node->m.bridge);
    ro_intern_unref(node->m.port);
    ro_intern_unref(node->m.tnl_port);
    free(node);
}

static uint32_t
static_hash(const char *bridge, struct eth_addr mac)
{
    return hash_bytes(&mac, sizeof mac, hash_string(bridge, 0));
}

static struct static_entry *
static_find(const char *bridge, struct eth_addr mac)
{
    struct static_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, hmap_node, static_hash(bridge, mac),
                             &statics) {
        if (!strcmp(e->bridge, bridge) && eth_addr_equals(e->mac, mac)) {
            return e;
        }
    }
    return NULL;
}

/* Looks for a static entry of 'bridge' whose IP is 'ip' and, if there is
 * one, stores its MAC in '*mac' and returns true.  This is how a
 * destination given only as an IP address is resolved: Open vSwitch keeps
 * no ARP table for tenant networks. */
bool
ro_mapping_static_find_ip(const char *bridge, const struct in6_addr *ip,
                          struct eth_addr *mac)
{
    const struct static_entry *e;

    HMAP_FOR_EACH (e, hmap_node, &statics) {
        if (e->has_ip && ipv6_addr_equals(&e->ip, ip)
            && !strcmp(e->bridge, bridge)) {
            *mac = e->mac;
            return true;
        }
    }
    return false;
}

static void
mapping_export(struct rdma_nic *nic, const struct ro_mapping *m, bool add)
{
    int error;

    if (!nic) {
        return;
    }
    error = (add ? rdma_nic_mapping_add(nic, m)
             : rdma_nic_mapping_del(nic, m));
    if (error) {
        VLOG_WARN_RL(&rl, "%s: %s: failed to %s mapping for "ETH_ADDR_FMT
                     " in NIC provider (%s)", m->bridge, m->port,
                     add ? "add" : "delete", ETH_ADDR_ARGS(m->mac),
                     ovs_strerror(error));
    }
}

/* Candidate destination MACs of one bridge, with where each came from. */
struct candidate {
    struct hmap_node hmap_node;
    struct eth_addr mac;
    enum ro_mapping_origin origin;
};

static void
candidate_add(struct hmap *candidates, struct eth_addr mac,
              enum ro_mapping_origin origin)
{
    uint32_t hash = hash_bytes(&mac, sizeof mac, 0);
    struct candidate *c;

    if (eth_addr_is_multicast(mac) || eth_addr_is_zero(mac)) {
        return;
    }
    HMAP_FOR_EACH_WITH_HASH (c, hmap_node, hash, candidates) {
        if (eth_addr_equals(c->mac, mac)) {
            /* The most explicit origin wins: static, flow, learned. */
            c->origin = MAX(c->origin, origin);
            return;
        }
    }
    c = xmalloc(sizeof *c);
    c->mac = mac;
    c->origin = origin;
    hmap_insert(candidates, &c->hmap_node, hash);
}

/* Adds the unicast MACs that 'ofproto''s OpenFlow flows match exactly in
 * dl_dst, the way OVN's flows pick a destination port. */
static void
collect_flow_candidates(struct ofproto_dpif *ofproto, struct hmap *cands)
{
    ovs_version_t version = ofproto_dpif_get_tables_version(ofproto);

    for (int i = 0; i < ofproto->up.n_tables; i++) {
        const struct classifier *cls = &ofproto->up.tables[i].cls;
        const struct rule *rule;

        CLS_FOR_EACH_TARGET (rule, cr, cls, NULL, version) {
            struct flow_wildcards wc;
            struct flow flow;

            minimask_expand(rule->cr.match.mask, &wc);
            if (eth_mask_is_exact(wc.masks.dl_dst)) {
                miniflow_expand(rule->cr.match.flow, &flow);
                candidate_add(cands, flow.dl_dst, RO_MAPPING_FLOW);
            }
        }
    }
}

static void
collect_ml_candidates(struct ofproto_dpif *ofproto, struct hmap *cands)
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    struct mac_learning *ml = ofproto->ml;
    const struct mac_entry *e;

    if (!ml) {
        return;
    }
    ovs_rwlock_rdlock(&ml->rwlock);
    LIST_FOR_EACH (e, lru_node, &ml->lrus) {
        candidate_add(cands, e->mac, RO_MAPPING_LEARNED);
    }
    ovs_rwlock_unlock(&ml->rwlock);
}

static void
collect_static_candidates(const char *bridge, struct hmap *cands)
{
    const struct static_entry *e;

    HMAP_FOR_EACH (e, hmap_node, &statics) {
        if (!strcmp(e->bridge, bridge)) {
            candidate_add(cands, e->mac, RO_MAPPING_STATIC);
        }
    }
}

/* Translates the synthetic flow from 'b''s port to candidate 'c' and, if it
 * leaves through exactly one tunnel and nowhere else, adds the mapping to
 * 'desired'. */
static void
probe_candidate(struct ofproto_dpif *ofproto, ofp_port_t in_port,
                const struct ro_binding *b, const struct candidate *c,
                struct hmap *desired)
{
    struct ro_probe probe;
    struct flow flow;

    ro_synthetic_flow(in_port, b->n_macs ? b->macs[0] : eth_addr_zero,
                      c->mac, NULL, NULL, false, &flow);
    ro_xlate_probe(ofproto, &flow, false, &probe);
    n_probes++;

    if (probe.n_pushes == 1 && !probe.n_outputs) {
        struct ro_tuple tuple;
        char *error;

        ro_tuple_init(&tuple);
        error = ro_push_to_tuple(&probe.pushes[0].push, &tuple);
        if (!error) {
            struct mapping_node *node = xzalloc(sizeof *node);
            const struct ro_vtep *vtep;

            vtep = ro_vtep_match_push(b->bridge, tuple.tnl_type,
                                      tuple.udp_dst, &tuple.outer_dst_ip,
                                      tuple.vni);
            node->m.bridge = CONST_CAST(char *, ro_intern(b->bridge));
            node->m.port = CONST_CAST(char *, ro_intern(b->port));
            node->m.mac = c->mac;
            node->m.tnl_port = CONST_CAST(char *,
                                          ro_intern(vtep ? vtep->port : "-"));
            node->m.local_ip = tuple.outer_src_ip;
            node->m.remote_ip = tuple.outer_dst_ip;
            node->m.vni = tuple.vni;
            node->m.origin = c->origin;
            hmap_insert(desired, &node->hmap_node,
                        mapping_hash(b->bridge, b->port, c->mac));
        }
        free(error);
        ro_tuple_destroy(&tuple);
    }
    ro_probe_destroy(&probe);
}

/* Computes into 'desired' every mapping of bridge 'name'. */
static void
compute_bridge(const char *name, struct ofproto_dpif *ofproto,
               const struct ro_binding **bindings, size_t n_bindings,
               struct hmap *desired)
{
    struct hmap cands = HMAP_INITIALIZER(&cands);
    struct candidate *c;
    bool collected = false;

    for (size_t i = 0; i < n_bindings; i++) {
        const struct ro_binding *b = bindings[i];
        struct ofproto_port op;
        ofp_port_t in_port;

        if (strcmp(b->bridge, name)
            || ofproto_port_query_by_name(&ofproto->up, b->port, &op)) {
            continue;
        }
        in_port = op.ofp_port;
        ofproto_port_destroy(&op);

        if (!collected) {
            collect_ml_candidates(ofproto, &cands);
            collect_flow_candidates(ofproto, &cands);
            collect_static_candidates(name, &cands);
            collected = true;
        }
        HMAP_FOR_EACH (c, hmap_node, &cands) {
            if (!ro_binding_has_mac(b, c->mac)) {
                probe_candidate(ofproto, in_port, b, c, desired);
            }
        }
    }

    HMAP_FOR_EACH_POP (c, hmap_node, &cands) {
        free(c);
    }
    hmap_destroy(&cands);
}

/* Recomputes the whole mapping table and sends 'nic' the difference, one
 * delete or add per mapping that changed: never a flush. */
static void
revalidate(struct rdma_nic *nic, const struct sset *bridges)
{
    struct hmap desired = HMAP_INITIALIZER(&desired);
    const struct ro_binding **bindings = NULL;
    size_t n_bindings = ro_port_binding_get_all(&bindings);
    struct mapping_node *node;
    const char *name;
    size_t n_adds = 0, n_dels = 0;
    uint64_t probes_before = n_probes;

    n_revalidations++;
    SSET_FOR_EACH (name, bridges) {
        struct ofproto_dpif *ofproto = ofproto_dpif_lookup_by_name(name);

        if (ofproto && n_bindings && ro_vtep_count_bridge(name)) {
            compute_bridge(name, ofproto, bindings, n_bindings, &desired);
        }
    }
    free(bindings);

    HMAP_FOR_EACH_SAFE (node, hmap_node, &mappings) {
        struct mapping_node *new = mapping_find(&desired, node->m.bridge,
                                                node->m.port, node->m.mac);
        if (!new || !ro_mapping_equal(&new->m, &node->m)) {
            mapping_export(nic, &node->m, false);
            hmap_remove(&mappings, &node->hmap_node);
            mapping_node_destroy(node);
            n_dels++;
        }
    }
    HMAP_FOR_EACH_POP (node, hmap_node, &desired) {
        if (mapping_find(&mappings, node->m.bridge, node->m.port,
                         node->m.mac)) {
            mapping_node_destroy(node);
        } else {
            mapping_export(nic, &node->m, true);
            hmap_insert(&mappings, &node->hmap_node, node->hmap_node.hash);
            n_adds++;
        }
    }
    hmap_destroy(&desired);
    VLOG_DBG("revalidated %"PRIuSIZE" bridges, %"PRIuSIZE" bindings: "
             "%"PRIu64" probes, %"PRIuSIZE" adds, %"PRIuSIZE" deletes",
             sset_count(bridges), n_bindings, n_probes - probes_before,
             n_adds, n_dels);
}

/* Revalidates the mapping table if anything it depends on changed since
 * the last call: a bridge's flow tables or MAC learning table, the
 * neighbor cache or routes (tnl_conf_seq), or anything
 * ro_mapping_table_invalidate() was called for (reconfiguration: tunnel
 * options, ports, bindings; static entries).  Cheap when nothing changed. */
void
ro_mapping_table_run(struct rdma_nic *nic)
{
    struct sset bridges = SSET_INITIALIZER(&bridges);
    /* tnl_conf_seq exists once the first netdev was opened. */
    uint64_t seqno = tnl_conf_seq ? seq_read(tnl_conf_seq) : 0;

    mapping_nic = nic;
    ro_bridges_enumerate(&bridges);
    if (ro_bridge_watches_update(&watches, &bridges)
        || seqno != tnl_seqno) {
        need_revalidate = true;
    }
    tnl_seqno = seqno;
    if (need_revalidate && time_usec() >= next_revalidation) {
        long long int start = time_usec();
        long long int duration;

        need_revalidate = false;
        revalidate(nic, &bridges);
        duration = time_usec() - start;
        last_duration = duration;
        VLOG_DBG("revalidation took %lld us", duration);
        next_revalidation = (duration >= REVALIDATE_DEFER_MIN_US
                             ? time_usec() + 2 * duration : 0);
    }
    sset_destroy(&bridges);
}

/* Revalidates now, even if a revalidation was deferred: for changes that
 * a command must see exported before it returns (reconfiguration, static
 * entries) and for commands that report the table. */
void
ro_mapping_table_revalidate_now(struct rdma_nic *nic)
{
    need_revalidate = true;
    next_revalidation = 0;
    ro_mapping_table_run(nic);
}

/* A reconfiguration happened.  Any database change can change
 * translations (ports, VLANs, bonds, mirrors, tunnels, bindings), so the
 * table is revalidated: at once, before ovs-vsctl returns, while that is
 * cheap; with large tables, as soon as the rate limit allows, so that
 * unrelated database changes do not each stall the main thread. */
void
ro_mapping_table_reconfigure(struct rdma_nic *nic)
{
    need_revalidate = true;
    if (last_duration < REVALIDATE_DEFER_MIN_US) {
        ro_mapping_table_revalidate_now(nic);
    }
}

/* Runs a pending revalidation now. */
static void
mapping_flush_pending(void)
{
    if (need_revalidate) {
        ro_mapping_table_revalidate_now(mapping_nic);
    }
}

/* Wakes the main loop for neighbor and route changes.  Flow table changes
 * and MAC learning in the main thread are noticed in the same loop
 * iteration (ro_mapping_table_run() runs after the bridges); MAC learning
 * by other threads (e.g. PMD threads) has no wakeup in Open vSwitch, so
 * while mappings exist the table is polled every second. */
void
ro_mapping_table_wait(void)
{
    if (tnl_conf_seq) {
        seq_wait(tnl_conf_seq, tnl_seqno);
    }
    if (need_revalidate) {
        poll_timer_wait_until(next_revalidation / 1000 + 1);
    } else if (!ro_bridge_watches_is_empty(&watches)) {
        poll_timer_wait(1000);
    }
}

/* Makes the next ro_mapping_table_run() recompute everything. */
void
ro_mapping_table_invalidate(void)
{
    need_revalidate = true;
}

/* Deletes every exported mapping from 'nic' and forgets them (the static
 * entries stay). */
void
ro_mapping_table_clear(struct rdma_nic *nic)
{
    struct mapping_node *node;

    HMAP_FOR_EACH_POP (node, hmap_node, &mappings) {
        mapping_export(nic, &node->m, false);
        mapping_node_destroy(node);
    }
    mapping_nic = NULL;
    need_revalidate = true;
}

/* Moves the exported mappings from provider instance 'old' to 'new'. */
void
ro_mapping_table_replay(struct rdma_nic *old, struct rdma_nic *new)
{
    struct mapping_node *node;

    HMAP_FOR_EACH (node, hmap_node, &mappings) {
        mapping_export(old, &node->m, false);
    }
    HMAP_FOR_EACH (node, hmap_node, &mappings) {
        mapping_export(new, &node->m, true);
    }
    mapping_nic = new;
}

static int
mapping_cmp(const void *a_, const void *b_)
{
    const struct ro_mapping *a = *(const struct ro_mapping **) a_;
    const struct ro_mapping *b = *(const struct ro_mapping **) b_;
    int cmp;

    cmp = strcmp(a->bridge, b->bridge);
    if (!cmp) {
        cmp = strcmp(a->port, b->port);
    }
    return cmp ? cmp : memcmp(&a->mac, &b->mac, sizeof a->mac);
}

/* rdma-overlay/dump-mappings [BRIDGE]: one line per mapping, sorted by
 * bridge, port and MAC:
 *
 *   BRIDGE PORT MAC: tnl_port=NAME local_ip=IP remote_ip=IP vni=N
 *       origin=learned|flow|static
 *
 * (on one line). */
static void
mapping_unixctl_dump(struct unixctl_conn *conn, int argc, const char *argv[],
                     void *aux OVS_UNUSED)
{
    const char *bridge = argc > 1 ? argv[1] : NULL;
    struct ds ds = DS_EMPTY_INITIALIZER;
    const struct ro_mapping **array;
    const struct mapping_node *node;
    size_t n = 0;

    if (bridge && !ofproto_dpif_lookup_by_name(bridge)) {
        char *error = xasprintf("%s: no such bridge", bridge);
        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }
    mapping_flush_pending();

    array = xmalloc(MAX(1, hmap_count(&mappings)) * sizeof *array);
    HMAP_FOR_EACH (node, hmap_node, &mappings) {
        if (!bridge || !strcmp(node->m.bridge, bridge)) {
            array[n++] = &node->m;
        }
    }
    qsort(array, n, sizeof *array, mapping_cmp);
    for (size_t i = 0; i < n; i++) {
        const struct ro_mapping *m = array[i];

        ds_put_format(&ds, "%s %s "ETH_ADDR_FMT": tnl_port=%s local_ip=",
                      m->bridge, m->port, ETH_ADDR_ARGS(m->mac), m->tnl_port);
        ro_format_ip(&m->local_ip, &ds);
        ds_put_cstr(&ds, " remote_ip=");
        ro_format_ip(&m->remote_ip, &ds);
        ds_put_format(&ds, " vni=%"PRIu32" origin=%s\n", m->vni,
                      ro_mapping_origin_to_string(m->origin));
    }
    free(array);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

/* Parses the BRIDGE and MAC arguments of add-/del-mapping.  Returns null on
 * success, otherwise a malloc()ed error. */
static char *
parse_bridge_mac(const char *bridge, const char *mac_s, struct eth_addr *mac)
{
    if (!ofproto_dpif_lookup_by_name(bridge)) {
        return xasprintf("%s: no such bridge", bridge);
    }
    if (!eth_addr_from_string(mac_s, mac) || eth_addr_is_zero(*mac)
        || eth_addr_is_multicast(*mac)) {
        return xasprintf("%s: not a unicast MAC address", mac_s);
    }
    return NULL;
}

/* rdma-overlay/add-mapping BRIDGE MAC [IP]. */
static void
mapping_unixctl_add(struct unixctl_conn *conn, int argc, const char *argv[],
                    void *aux OVS_UNUSED)
{
    struct eth_addr mac;
    struct ro_dst ip;
    char *error;

    memset(&ip, 0, sizeof ip);
    error = parse_bridge_mac(argv[1], argv[2], &mac);
    if (!error && argc > 3) {
        error = ro_dst_parse(argv[3], &ip);
        if (!error && (ip.has_mac || !ip.has_ip)) {
            error = xasprintf("%s: not an IP address", argv[3]);
        }
    }
    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }

    struct static_entry *e = static_find(argv[1], mac);
    if (!e) {
        e = xzalloc(sizeof *e);
        e->bridge = xstrdup(argv[1]);
        e->mac = mac;
        hmap_insert(&statics, &e->hmap_node, static_hash(argv[1], mac));
    }
    e->has_ip = ip.has_ip;
    e->ip = ip.ip;

    ro_mapping_table_revalidate_now(mapping_nic);
    unixctl_command_reply(conn, NULL);
}

/* rdma-overlay/del-mapping BRIDGE MAC. */
static void
mapping_unixctl_del(struct unixctl_conn *conn, int argc OVS_UNUSED,
                    const char *argv[], void *aux OVS_UNUSED)
{
    struct static_entry *e = NULL;
    struct eth_addr mac;
    char *error;

    error = parse_bridge_mac(argv[1], argv[2], &mac);
    if (!error) {
        e = static_find(argv[1], mac);
        if (!e) {
            error = xasprintf("%s: no static mapping for %s", argv[1],
                              argv[2]);
        }
    }
    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }
    hmap_remove(&statics, &e->hmap_node);
    free(e->bridge);
    free(e);

    ro_mapping_table_revalidate_now(mapping_nic);
    unixctl_command_reply(conn, NULL);
}

/* Registers the mapping commands. */
void
ro_mapping_table_init(void)
{
    unixctl_command_register("rdma-overlay/dump-mappings", "[BRIDGE]", 0, 1,
                             mapping_unixctl_dump, NULL);
    unixctl_command_register("rdma-overlay/add-mapping", "BRIDGE MAC [IP]",
                             2, 3, mapping_unixctl_add, NULL);
    unixctl_command_register("rdma-overlay/del-mapping", "BRIDGE MAC",
                             2, 2, mapping_unixctl_del, NULL);
}
