/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* The "soft" RDMA NIC provider: the software RNIC inside ovs-vswitchd.
 *
 * This file keeps the tables the software RNIC works from: bound ports,
 * VTEPs, the MAC->VTEP mapping table, the overlay tuple of each connection
 * and which connection each QP encapsulates with.  Its data path
 * (soft-dp.h) runs the RoCEv2 engine (lib/rdma-overlay/roce/): programming
 * a connection builds the engine's transmit template and receive tuple
 * from the tuple (tuple-encap.h) with the connection's egress, and
 * binding a QP gives the engine's QP of that number both.
 *
 * Table semantics, which tests rely on: adding an entry whose key exists
 * fails with EEXIST and deleting a missing one with ENOENT (the extension
 * sends explicit deletes and adds, so either is a caller bug worth
 * counting); a connection cannot be unprogrammed while a QP is bound to it
 * (EBUSY); a QP binds only to a programmed connection (ENOENT); tables are
 * bounded by the advertised capabilities (ENOSPC). */

#include <config.h>

#include "nic/soft/nic-soft.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "hash.h"
#include "nic/intern.h"
#include "nic/nic.h"
#include "nic/soft/soft-dp.h"
#include "nic/soft/tuple-encap.h"
#include "odp-util.h"
#include "roce/encap.h"
#include "roce/engine.h"
#include "roce/verbs.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rdma_nic_soft);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Table bounds advertised as capabilities.  QP numbers are 24-bit; 64 Ki
 * QPs and 1 Mi mappings are far beyond what one host's DCNs use and keep
 * a full table within a few hundred MB. */
#define SOFT_MAX_QPS (1u << 16)
#define SOFT_MAX_MAPPINGS (1u << 20)

struct soft_binding {
    struct hmap_node node;      /* In 'bindings', by bridge and port. */
    struct ro_binding b;
};

struct soft_vtep {
    struct hmap_node node;      /* In 'vteps', by bridge and port. */
    struct ro_vtep v;
};

/* A mapping.  Its strings are interned (intern.h), not owned: the table
 * may hold a million mappings that share a few bridge and port names, so
 * copying each name per mapping would more than double the memory per
 * entry. */
struct soft_mapping {
    struct hmap_node node;      /* In 'mappings', by bridge, port, MAC. */
    struct ro_mapping m;
};

struct soft_conn {
    struct hmap_node node;      /* In 'conns', by 'id'. */
    uint32_t id;
    struct ro_tuple tuple;
    uint32_t n_qps;             /* QPs bound to this connection. */
    struct roce_encap encap;    /* Built from 'tuple'. */
    struct roce_rx_tuple rx;
    uint32_t egress;            /* soft_dp egress id, 0 if none. */
};

struct soft_qp {
    struct hmap_node node;      /* In 'qps', by 'qpn'. */
    uint32_t qpn;
    struct soft_conn *conn;
};

struct soft_nic {
    struct rdma_nic up;
    struct hmap bindings;
    struct hmap vteps;
    struct hmap mappings;
    struct hmap conns;
    struct hmap qps;
    struct soft_dp *dp;         /* Null if the engine could not start. */
};

static int soft_open(const char *, struct rdma_nic **, char **);

/* Copies of the class under another type (see nic-dummy.c) share
 * 'soft_open', so that is what identifies a soft instance. */
static struct soft_nic *
soft_nic_cast(const struct rdma_nic *nic)
{
    ovs_assert(nic->class->open == soft_open);
    return CONTAINER_OF(nic, struct soft_nic, up);
}

static uint32_t
hash_names(const char *bridge, const char *port)
{
    return hash_string(port, hash_string(bridge, 0));
}

static uint32_t
hash_mapping(const char *bridge, const char *port, struct eth_addr mac)
{
    return hash_bytes(&mac, sizeof mac, hash_names(bridge, port));
}

static int
soft_open(const char *name OVS_UNUSED, struct rdma_nic **nicp,
          char **errorp)
{
    struct soft_nic *soft = xzalloc(sizeof *soft);

    soft->dp = soft_dp_create();
    if (!soft->dp) {
        *errorp = xasprintf("cannot start the RoCEv2 engine: %s",
                            ovs_strerror(errno));
        free(soft);
        return ENOMEM;
    }
    hmap_init(&soft->bindings);
    hmap_init(&soft->vteps);
    hmap_init(&soft->mappings);
    hmap_init(&soft->conns);
    hmap_init(&soft->qps);
    *nicp = &soft->up;
    return 0;
}

static void soft_mapping_remove(struct soft_nic *, struct soft_mapping *);

/* Frees everything still in the tables: the contract says they are empty
 * by now, but a provider must not leak if a caller forgot something. */
static void
soft_close(struct rdma_nic *nic)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_binding *sb;
    struct soft_vtep *sv;
    struct soft_mapping *sm;
    struct soft_conn *sc;
    struct soft_qp *sq;

    HMAP_FOR_EACH_POP (sq, node, &soft->qps) {
        free(sq);
    }
    HMAP_FOR_EACH_POP (sc, node, &soft->conns) {
        soft_dp_egress_unref(soft->dp, sc->egress);
        ro_tuple_destroy(&sc->tuple);
        free(sc);
    }
    HMAP_FOR_EACH_SAFE (sm, node, &soft->mappings) {
        soft_mapping_remove(soft, sm);
    }
    HMAP_FOR_EACH_POP (sv, node, &soft->vteps) {
        ro_vtep_destroy(&sv->v);
        free(sv);
    }
    HMAP_FOR_EACH_POP (sb, node, &soft->bindings) {
        ro_binding_destroy(&sb->b);
        free(sb);
    }
    hmap_destroy(&soft->qps);
    hmap_destroy(&soft->conns);
    hmap_destroy(&soft->mappings);
    hmap_destroy(&soft->vteps);
    hmap_destroy(&soft->bindings);
    soft_dp_destroy(soft->dp);
    free(soft);
}

/* The software RNIC builds every frame from the header template OVS's own
 * translation produced, so it handles whatever tunnel type and underlay
 * family that template has, and its engine checks every received frame
 * against the receiving QP's bound tuple before it touches memory. */
static void
soft_get_caps(const struct rdma_nic *nic OVS_UNUSED,
              struct rdma_nic_caps *caps)
{
    caps->vxlan = true;
    caps->geneve = true;
    caps->ipv6_underlay = true;
    caps->plain_roce = true;
    caps->rx_validation = true;
    caps->mapping_table = true;
    caps->max_qps = SOFT_MAX_QPS;
    caps->max_mappings = SOFT_MAX_MAPPINGS;
}

/* Bindings. */

static bool
soft_bridge_has_vtep(const struct soft_nic *soft, const char *bridge)
{
    const struct soft_vtep *sv;

    HMAP_FOR_EACH (sv, node, &soft->vteps) {
        if (!strcmp(sv->v.bridge, bridge)) {
            return true;
        }
    }
    return false;
}

/* Tells the data path the addresses of the bound DCN ports that are not on
 * an overlay: plain RoCEv2 frames to them are the NIC's. */
static void
soft_update_plain_addrs(struct soft_nic *soft)
{
    const struct soft_binding *sb;
    struct in6_addr *addrs = NULL;
    size_t n = 0;

    HMAP_FOR_EACH (sb, node, &soft->bindings) {
        if (sb->b.n_ips && !soft_bridge_has_vtep(soft, sb->b.bridge)) {
            addrs = xrealloc(addrs, (n + sb->b.n_ips) * sizeof *addrs);
            memcpy(&addrs[n], sb->b.ips, sb->b.n_ips * sizeof *addrs);
            n += sb->b.n_ips;
        }
    }
    soft_dp_set_plain_addrs(soft->dp, addrs, n);
    free(addrs);
}

static struct soft_binding *
soft_binding_find(const struct soft_nic *soft, const char *bridge,
                  const char *port)
{
    struct soft_binding *sb;

    HMAP_FOR_EACH_WITH_HASH (sb, node, hash_names(bridge, port),
                             &soft->bindings) {
        if (!strcmp(sb->b.bridge, bridge) && !strcmp(sb->b.port, port)) {
            return sb;
        }
    }
    return NULL;
}

static int
soft_port_bind(struct rdma_nic *nic, const struct ro_binding *b)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_binding *sb;

    if (soft_binding_find(soft, b->bridge, b->port)) {
        return EEXIST;
    }
    sb = xzalloc(sizeof *sb);
    ro_binding_clone(&sb->b, b);
    hmap_insert(&soft->bindings, &sb->node, hash_names(b->bridge, b->port));
    soft_update_plain_addrs(soft);
    return 0;
}

static int
soft_port_unbind(struct rdma_nic *nic, const struct ro_binding *b)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_binding *sb = soft_binding_find(soft, b->bridge, b->port);

    if (!sb) {
        return ENOENT;
    }
    hmap_remove(&soft->bindings, &sb->node);
    ro_binding_destroy(&sb->b);
    free(sb);
    soft_update_plain_addrs(soft);
    return 0;
}

/* VTEPs. */

static struct soft_vtep *
soft_vtep_find(const struct soft_nic *soft, const char *bridge,
               const char *port)
{
    struct soft_vtep *sv;

    HMAP_FOR_EACH_WITH_HASH (sv, node, hash_names(bridge, port),
                             &soft->vteps) {
        if (!strcmp(sv->v.bridge, bridge) && !strcmp(sv->v.port, port)) {
            return sv;
        }
    }
    return NULL;
}

static int
soft_vtep_add(struct rdma_nic *nic, const struct ro_vtep *v)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_vtep *sv;

    if (soft_vtep_find(soft, v->bridge, v->port)) {
        return EEXIST;
    }
    sv = xzalloc(sizeof *sv);
    ro_vtep_clone(&sv->v, v);
    hmap_insert(&soft->vteps, &sv->node, hash_names(v->bridge, v->port));
    soft_update_plain_addrs(soft);
    return 0;
}

static int
soft_vtep_del(struct rdma_nic *nic, const struct ro_vtep *v)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_vtep *sv = soft_vtep_find(soft, v->bridge, v->port);

    if (!sv) {
        return ENOENT;
    }
    hmap_remove(&soft->vteps, &sv->node);
    ro_vtep_destroy(&sv->v);
    free(sv);
    soft_update_plain_addrs(soft);
    return 0;
}

/* Mappings. */

/* Returns an interned copy of 'name' ("" if null), taking a reference. */
static char *
soft_name_ref(const char *name)
{
    return CONST_CAST(char *, ro_intern(name ? name : ""));
}

static struct soft_mapping *
soft_mapping_find(const struct soft_nic *soft, const struct ro_mapping *m)
{
    struct soft_mapping *sm;

    HMAP_FOR_EACH_WITH_HASH (sm, node,
                             hash_mapping(m->bridge, m->port, m->mac),
                             &soft->mappings) {
        if (eth_addr_equals(sm->m.mac, m->mac)
            && !strcmp(sm->m.bridge, m->bridge)
            && !strcmp(sm->m.port, m->port)) {
            return sm;
        }
    }
    return NULL;
}

static int
soft_mapping_add(struct rdma_nic *nic, const struct ro_mapping *m)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_mapping *sm;

    if (soft_mapping_find(soft, m)) {
        return EEXIST;
    }
    if (hmap_count(&soft->mappings) >= SOFT_MAX_MAPPINGS) {
        return ENOSPC;
    }
    sm = xmalloc(sizeof *sm);
    sm->m = *m;
    sm->m.bridge = soft_name_ref(m->bridge);
    sm->m.port = soft_name_ref(m->port);
    sm->m.tnl_port = soft_name_ref(m->tnl_port);
    hmap_insert(&soft->mappings, &sm->node,
                hash_mapping(m->bridge, m->port, m->mac));
    return 0;
}

static void
soft_mapping_remove(struct soft_nic *soft, struct soft_mapping *sm)
{
    hmap_remove(&soft->mappings, &sm->node);
    ro_intern_unref(sm->m.bridge);
    ro_intern_unref(sm->m.port);
    ro_intern_unref(sm->m.tnl_port);
    free(sm);
}

static int
soft_mapping_del(struct rdma_nic *nic, const struct ro_mapping *m)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_mapping *sm = soft_mapping_find(soft, m);

    if (!sm) {
        return ENOENT;
    }
    soft_mapping_remove(soft, sm);
    return 0;
}

static int
soft_mapping_flush(struct rdma_nic *nic, const char *bridge)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_mapping *sm;

    HMAP_FOR_EACH_SAFE (sm, node, &soft->mappings) {
        if (!bridge || !strcmp(sm->m.bridge, bridge)) {
            soft_mapping_remove(soft, sm);
        }
    }
    return 0;
}

/* Connections and QPs. */

static struct soft_conn *
soft_conn_find(const struct soft_nic *soft, uint32_t id)
{
    struct soft_conn *sc;

    HMAP_FOR_EACH_WITH_HASH (sc, node, hash_int(id, 0), &soft->conns) {
        if (sc->id == id) {
            return sc;
        }
    }
    return NULL;
}

/* Does 't' lead, without an overlay, straight to an RDMA-enabled port of
 * this NIC?  Then its frames are for a DCN of this host. */
static bool
soft_egress_is_local(const struct soft_nic *soft, const struct ro_tuple *t)
{
    const struct soft_binding *sb;

    if (t->tnl_type != ROCE_TNL_NONE || !t->egress_name) {
        return false;
    }
    HMAP_FOR_EACH (sb, node, &soft->bindings) {
        if (!strcmp(sb->b.port, t->egress_name)
            && sb->b.odp_port == t->egress_port) {
            return true;
        }
    }
    return false;
}

/* Gives engine QP 'qpn', if the engine has one, the templates of 'sc'. */
static int
soft_qp_apply(struct soft_nic *soft, uint32_t qpn,
              const struct soft_conn *sc)
{
    struct roce_qp *qp = roce_engine_find_qp(soft_dp_engine(soft->dp), qpn);
    struct roce_qp_attr a;
    struct roce_encap encap;

    if (!qp) {
        /* Bound by number only (a QP of another engine, or tests). */
        return 0;
    }
    /* The connection's template with this QP's own flow entropy, so that
     * the underlay's ECMP can spread a connection's QPs (and so spreads
     * the outer source port, derived from the inner flow). */
    if (ro_tuple_to_encap(&sc->tuple, 0xc000 | (hash_int(qpn, 0) & 0x3fff),
                          &encap, NULL)) {
        return EINVAL;
    }
    encap.egress = sc->egress;
    memset(&a, 0, sizeof a);
    a.encap = &encap;
    a.rx_tuple = sc->rx;
    return roce_modify_qp(qp, &a, ROCE_QP_AV | ROCE_QP_RX_TUPLE);
}

static int
soft_conn_program(struct rdma_nic *nic, uint32_t conn_id,
                  const struct ro_tuple *t)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_conn *sc = soft_conn_find(soft, conn_id);
    struct roce_encap encap;
    uint32_t egress = 0;
    struct soft_qp *sq;
    char *error;

    if (t->header_len > sizeof t->header) {
        return EINVAL;
    }
    if (ro_tuple_to_encap(t, 0, &encap, &error)) {
        VLOG_WARN_RL(&rl, "connection %"PRIu32": %s", conn_id, error);
        free(error);
        return EINVAL;
    }
    if (soft_egress_is_local(soft, t)) {
        egress = SOFT_DP_EGRESS_LOCAL;
    } else if (t->dp_type && t->dp_name && t->egress_port != ODPP_NONE) {
        egress = soft_dp_egress_ref(soft->dp, t->dp_type, t->dp_name,
                                    t->egress_port);
    }
    encap.egress = egress;
    if (sc) {
        /* Reprogramming replaces the tuple; bound QPs follow it. */
        ro_tuple_destroy(&sc->tuple);
        soft_dp_egress_unref(soft->dp, sc->egress);
    } else {
        sc = xzalloc(sizeof *sc);
        sc->id = conn_id;
        hmap_insert(&soft->conns, &sc->node, hash_int(conn_id, 0));
    }
    ro_tuple_clone(&sc->tuple, t);
    sc->encap = encap;
    ro_tuple_to_rx(t, &sc->rx);
    sc->egress = egress;
    HMAP_FOR_EACH (sq, node, &soft->qps) {
        if (sq->conn == sc) {
            soft_qp_apply(soft, sq->qpn, sc);
        }
    }
    return 0;
}

static int
soft_conn_encap(struct rdma_nic *nic, uint32_t conn_id,
                struct roce_encap *encap, struct roce_rx_tuple *rx)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_conn *sc = soft_conn_find(soft, conn_id);

    if (!sc) {
        return ENOENT;
    }
    *encap = sc->encap;
    *rx = sc->rx;
    return 0;
}

static int
soft_conn_unprogram(struct rdma_nic *nic, uint32_t conn_id)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_conn *sc = soft_conn_find(soft, conn_id);

    if (!sc) {
        return ENOENT;
    }
    if (sc->n_qps) {
        return EBUSY;
    }
    hmap_remove(&soft->conns, &sc->node);
    soft_dp_egress_unref(soft->dp, sc->egress);
    ro_tuple_destroy(&sc->tuple);
    free(sc);
    return 0;
}

static struct soft_qp *
soft_qp_find(const struct soft_nic *soft, uint32_t qpn)
{
    struct soft_qp *sq;

    HMAP_FOR_EACH_WITH_HASH (sq, node, hash_int(qpn, 0), &soft->qps) {
        if (sq->qpn == qpn) {
            return sq;
        }
    }
    return NULL;
}

static int
soft_qp_bind(struct rdma_nic *nic, uint32_t qpn, uint32_t conn_id)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_conn *sc = soft_conn_find(soft, conn_id);
    struct soft_qp *sq;
    int error;

    if (qpn >= (1u << 24)) {
        return EINVAL;
    }
    if (!sc) {
        return ENOENT;
    }
    if (soft_qp_find(soft, qpn)) {
        return EEXIST;
    }
    if (hmap_count(&soft->qps) >= SOFT_MAX_QPS) {
        return ENOSPC;
    }
    error = soft_qp_apply(soft, qpn, sc);
    if (error) {
        return error;
    }
    sq = xzalloc(sizeof *sq);
    sq->qpn = qpn;
    sq->conn = sc;
    sc->n_qps++;
    hmap_insert(&soft->qps, &sq->node, hash_int(qpn, 0));
    return 0;
}

static int
soft_qp_unbind(struct rdma_nic *nic, uint32_t qpn)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_qp *sq = soft_qp_find(soft, qpn);

    if (!sq) {
        return ENOENT;
    }
    sq->conn->n_qps--;
    hmap_remove(&soft->qps, &sq->node);
    free(sq);
    return 0;
}

static int
soft_qp_rebind(struct rdma_nic *nic, uint32_t qpn, uint32_t conn_id)
{
    struct soft_nic *soft = soft_nic_cast(nic);
    struct soft_qp *sq = soft_qp_find(soft, qpn);
    struct soft_conn *sc = soft_conn_find(soft, conn_id);
    int error;

    if (!sq || !sc) {
        return ENOENT;
    }
    error = soft_qp_apply(soft, qpn, sc);
    if (error) {
        return error;
    }
    sq->conn->n_qps--;
    sq->conn = sc;
    sc->n_qps++;
    return 0;
}

/* Formatting.  Every table is printed sorted, so that tests can compare
 * the output exactly. */

static int
compare_names(const char *b1, const char *p1, const char *b2, const char *p2)
{
    int cmp = strcmp(b1, b2);
    return cmp ? cmp : strcmp(p1, p2);
}

static int
compare_bindings(const void *a_, const void *b_)
{
    const struct soft_binding *const *a = a_, *const *b = b_;
    return compare_names((*a)->b.bridge, (*a)->b.port,
                         (*b)->b.bridge, (*b)->b.port);
}

static int
compare_vteps(const void *a_, const void *b_)
{
    const struct soft_vtep *const *a = a_, *const *b = b_;
    return compare_names((*a)->v.bridge, (*a)->v.port,
                         (*b)->v.bridge, (*b)->v.port);
}

static int
compare_mappings(const void *a_, const void *b_)
{
    const struct soft_mapping *const *a = a_, *const *b = b_;
    int cmp = compare_names((*a)->m.bridge, (*a)->m.port,
                            (*b)->m.bridge, (*b)->m.port);
    return cmp ? cmp : memcmp(&(*a)->m.mac, &(*b)->m.mac,
                              sizeof (*a)->m.mac);
}

static int
compare_conns(const void *a_, const void *b_)
{
    const struct soft_conn *const *a = a_, *const *b = b_;
    return (*a)->id < (*b)->id ? -1 : (*a)->id > (*b)->id;
}

static int
compare_qps(const void *a_, const void *b_)
{
    const struct soft_qp *const *a = a_, *const *b = b_;
    return (*a)->qpn < (*b)->qpn ? -1 : (*a)->qpn > (*b)->qpn;
}

/* Returns the members of 'hmap' (whose nodes are at 'offset' in each
 * member) in an array sorted with 'compare'.  The caller frees it. */
static void **
sorted_members(const struct hmap *hmap, size_t offset,
               int (*compare)(const void *, const void *))
{
    void **array = xmalloc((hmap_count(hmap) + 1) * sizeof *array);
    const struct hmap_node *node;
    size_t n = 0;

    for (node = hmap_first(hmap); node; node = hmap_next(hmap, node)) {
        array[n++] = (char *) node - offset;
    }
    qsort(array, n, sizeof *array, compare);
    return array;
}

static void
format_vtep(const struct ro_vtep *v, struct ds *ds)
{
    ds_put_format(ds, "  %s %s %s local=", v->bridge, v->port,
                  roce_tnl_type_name(v->type));
    if (v->local_ip_flow) {
        ds_put_cstr(ds, "flow");
    } else if (ipv6_addr_is_set(&v->local_ip)) {
        ro_format_ip(&v->local_ip, ds);
    } else {
        ds_put_cstr(ds, "any");
    }
    ds_put_cstr(ds, " remote=");
    if (v->remote_ip_flow) {
        ds_put_cstr(ds, "flow");
    } else {
        ro_format_ip(&v->remote_ip, ds);
    }
    if (v->key_flow) {
        ds_put_cstr(ds, " key=flow");
    } else {
        ds_put_format(ds, " key=%"PRIu32, v->vni);
    }
    ds_put_format(ds, " dst_port=%"PRIu16"%s\n", v->dst_port,
                  v->csum ? " csum" : "");
}

static void
soft_format_tables(const struct rdma_nic *nic, struct ds *ds)
{
    const struct soft_nic *soft = soft_nic_cast(nic);
    void **a;
    size_t i, n;

    n = hmap_count(&soft->bindings);
    a = sorted_members(&soft->bindings, offsetof(struct soft_binding, node),
                       compare_bindings);
    ds_put_format(ds, "bindings: %"PRIuSIZE"\n", n);
    for (i = 0; i < n; i++) {
        const struct ro_binding *b = &((struct soft_binding *) a[i])->b;

        ds_put_format(ds, "  %s %s type=%s odp_port=%"PRIu32" macs=",
                      b->bridge, b->port, b->type[0] ? b->type : "system",
                      odp_to_u32(b->odp_port));
        rdma_nic_format_macs(b, ds);
        ds_put_char(ds, '\n');
    }
    free(a);

    n = hmap_count(&soft->vteps);
    a = sorted_members(&soft->vteps, offsetof(struct soft_vtep, node),
                       compare_vteps);
    ds_put_format(ds, "vteps: %"PRIuSIZE"\n", n);
    for (i = 0; i < n; i++) {
        format_vtep(&((struct soft_vtep *) a[i])->v, ds);
    }
    free(a);

    n = hmap_count(&soft->mappings);
    a = sorted_members(&soft->mappings, offsetof(struct soft_mapping, node),
                       compare_mappings);
    ds_put_format(ds, "mappings: %"PRIuSIZE"\n", n);
    for (i = 0; i < n; i++) {
        const struct ro_mapping *m = &((struct soft_mapping *) a[i])->m;

        ds_put_format(ds, "  %s %s "ETH_ADDR_FMT" tnl_port=%s local=",
                      m->bridge, m->port, ETH_ADDR_ARGS(m->mac),
                      m->tnl_port);
        ro_format_ip(&m->local_ip, ds);
        ds_put_cstr(ds, " remote=");
        ro_format_ip(&m->remote_ip, ds);
        ds_put_format(ds, " vni=%"PRIu32" origin=%s\n", m->vni,
                      ro_mapping_origin_to_string(m->origin));
    }
    free(a);

    n = hmap_count(&soft->conns);
    a = sorted_members(&soft->conns, offsetof(struct soft_conn, node),
                       compare_conns);
    ds_put_format(ds, "connections: %"PRIuSIZE"\n", n);
    for (i = 0; i < n; i++) {
        const struct soft_conn *sc = a[i];

        struct ds tuple = DS_EMPTY_INITIALIZER;

        ds_put_format(ds, "  conn %"PRIu32" qps=%"PRIu32"\n", sc->id,
                      sc->n_qps);
        ro_tuple_format(&sc->tuple, &tuple);
        rdma_nic_put_indented(ds, ds_cstr(&tuple), "    ");
        ds_destroy(&tuple);
    }
    free(a);

    n = hmap_count(&soft->qps);
    a = sorted_members(&soft->qps, offsetof(struct soft_qp, node),
                       compare_qps);
    ds_put_format(ds, "qps: %"PRIuSIZE"\n", n);
    for (i = 0; i < n; i++) {
        const struct soft_qp *sq = a[i];

        ds_put_format(ds, "  qp %"PRIu32" conn=%"PRIu32"\n", sq->qpn,
                      sq->conn->id);
    }
    free(a);
}

/* The sizes of the tables: "what the provider holds now", as opposed to
 * the wrapper's operation counters. */
static void
soft_format_stats(const struct rdma_nic *nic, struct ds *ds)
{
    const struct soft_nic *soft = soft_nic_cast(nic);

    ds_put_format(ds, "%-16s %"PRIuSIZE"\n", "bindings:",
                  hmap_count(&soft->bindings));
    ds_put_format(ds, "%-16s %"PRIuSIZE"\n", "vteps:",
                  hmap_count(&soft->vteps));
    ds_put_format(ds, "%-16s %"PRIuSIZE"\n", "mappings:",
                  hmap_count(&soft->mappings));
    ds_put_format(ds, "%-16s %"PRIuSIZE"\n", "connections:",
                  hmap_count(&soft->conns));
    ds_put_format(ds, "%-16s %"PRIuSIZE"\n", "qps:",
                  hmap_count(&soft->qps));
}

static void
soft_format_datapath(const struct rdma_nic *nic, struct ds *ds)
{
    soft_dp_format_stats(soft_nic_cast(nic)->dp, ds);
}

static odp_port_t
soft_rx_port(const struct rdma_nic *nic)
{
    return soft_dp_rx_port(soft_nic_cast(nic)->dp);
}

static struct roce_engine *
soft_engine(struct rdma_nic *nic)
{
    return soft_dp_engine(soft_nic_cast(nic)->dp);
}

static void
soft_run(struct rdma_nic *nic)
{
    soft_dp_run(soft_nic_cast(nic)->dp);
}

static void
soft_wait(struct rdma_nic *nic)
{
    soft_dp_wait(soft_nic_cast(nic)->dp);
}

const struct rdma_nic_class rdma_nic_soft_class = {
    .type = "soft",
    .description = "software RNIC inside ovs-vswitchd",
    .open = soft_open,
    .close = soft_close,
    .get_caps = soft_get_caps,
    .port_bind = soft_port_bind,
    .port_unbind = soft_port_unbind,
    .vtep_add = soft_vtep_add,
    .vtep_del = soft_vtep_del,
    .mapping_add = soft_mapping_add,
    .mapping_del = soft_mapping_del,
    .mapping_flush = soft_mapping_flush,
    .conn_program = soft_conn_program,
    .conn_unprogram = soft_conn_unprogram,
    .qp_bind = soft_qp_bind,
    .qp_unbind = soft_qp_unbind,
    .qp_rebind = soft_qp_rebind,
    .engine = soft_engine,
    .conn_encap = soft_conn_encap,
    .rx_port = soft_rx_port,
    .format_stats = soft_format_stats,
    .format_datapath = soft_format_datapath,
    .format_tables = soft_format_tables,
    .run = soft_run,
    .wait = soft_wait,
};
