/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "ovs/vtep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpif.h"
#include "hash.h"
#include "netdev-vport.h"
#include "netdev.h"
#include "nic/nic.h"
#include "ofproto/ofproto-dpif.h"
#include "ofproto/ofproto-provider.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/vlog.h"
#include "ovs/bridge-watch.h"
#include "sset.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_vtep);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* The VTEPs currently exported, keyed by (bridge, port), and indexed by
 * (bridge, remote IP) for ro_vtep_match_push(), which runs once per
 * mapping (remote_ip=flow VTEPs are indexed under the all-zeros IP). */
struct vtep_node {
    struct hmap_node hmap_node;     /* In 'vteps'. */
    struct hmap_node ip_node;       /* In 'vteps_by_ip'. */
    struct ro_vtep vtep;
};

static struct hmap vteps = HMAP_INITIALIZER(&vteps);
static struct hmap vteps_by_ip = HMAP_INITIALIZER(&vteps_by_ip);

static uint32_t
vtep_ip_hash(const char *bridge, const struct in6_addr *ip)
{
    return hash_bytes(ip, sizeof *ip, hash_string(bridge, 0));
}

static uint32_t
vtep_node_ip_hash(const struct vtep_node *node)
{
    return vtep_ip_hash(node->vtep.bridge,
                        node->vtep.remote_ip_flow ? &in6addr_any
                        : &node->vtep.remote_ip);
}

static uint32_t
vtep_hash(const char *bridge, const char *port)
{
    return hash_string(port, hash_string(bridge, 0));
}

static struct vtep_node *
vtep_node_find(const struct hmap *table, const char *bridge,
               const char *port)
{
    struct vtep_node *node;

    HMAP_FOR_EACH_WITH_HASH (node, hmap_node, vtep_hash(bridge, port),
                             table) {
        if (!strcmp(node->vtep.bridge, bridge)
            && !strcmp(node->vtep.port, port)) {
            return node;
        }
    }
    return NULL;
}

static void
vtep_node_destroy(struct vtep_node *node)
{
    ro_vtep_destroy(&node->vtep);
    free(node);
}

static enum roce_tnl_type
tnl_type_from_netdev_type(const char *type)
{
    return (!strcmp(type, "vxlan") ? ROCE_TNL_VXLAN
            : !strcmp(type, "geneve") ? ROCE_TNL_GENEVE
            : ROCE_TNL_NONE);
}

/* Returns the datapath port number that carries 'ofport''s frames: for a
 * tunnel, the datapath port that every tunnel of that type and UDP port
 * shares (e.g. vxlan_sys_4789). */
static odp_port_t
ofport_odp_port(const struct ofproto_dpif *ofproto,
                const struct ofport *ofport)
{
    char namebuf[NETDEV_VPORT_NAME_BUFSIZE];
    const char *dp_name;
    struct dpif_port dpif_port;
    odp_port_t odp_port = ODPP_NONE;

    dp_name = netdev_vport_get_dpif_port(ofport->netdev, namebuf,
                                         sizeof namebuf);
    if (ofproto->backer
        && !dpif_port_query_by_name(ofproto->backer->dpif, dp_name,
                                    &dpif_port)) {
        odp_port = dpif_port.port_no;
        dpif_port_destroy(&dpif_port);
    }
    return odp_port;
}

/* Builds the VTEP of tunnel port 'ofport' of bridge 'br_name' into 'vtep'.
 * Returns false if 'ofport' is not a VXLAN or Geneve tunnel. */
static bool
vtep_from_ofport(const char *br_name, const struct ofproto_dpif *ofproto,
                 const struct ofport *ofport, struct ro_vtep *vtep)
{
    const struct netdev_tunnel_config *cfg;
    enum roce_tnl_type type;

    cfg = netdev_get_tunnel_config(ofport->netdev);
    if (!cfg) {
        return false;
    }
    type = tnl_type_from_netdev_type(netdev_get_type(ofport->netdev));
    if (type == ROCE_TNL_NONE) {
        return false;
    }

    memset(vtep, 0, sizeof *vtep);
    vtep->bridge = xstrdup(br_name);
    vtep->port = xstrdup(netdev_get_name(ofport->netdev));
    vtep->type = type;
    vtep->odp_port = ofport_odp_port(ofproto, ofport);
    vtep->ofp_port = ofport->ofp_port;
    vtep->local_ip_flow = cfg->ip_src_flow;
    vtep->remote_ip_flow = cfg->ip_dst_flow;
    vtep->local_ip = cfg->ipv6_src;
    vtep->remote_ip = cfg->ipv6_dst;
    vtep->key_flow = cfg->out_key_flow;
    vtep->vni = (cfg->out_key_present && !cfg->out_key_flow
                 ? ntohll(cfg->out_key) & 0xffffff : 0);
    vtep->dst_port = ntohs(cfg->dst_port);
    vtep->csum = cfg->csum;
    return true;
}

/* Collects the VTEPs of every bridge into 'table'. */
static void
vtep_collect(struct hmap *table)
{
    struct sset bridges = SSET_INITIALIZER(&bridges);
    const char *name;

    ro_bridges_enumerate(&bridges);
    SSET_FOR_EACH (name, &bridges) {
        struct ofproto_dpif *ofproto = ofproto_dpif_lookup_by_name(name);
        struct ofport *ofport;

        if (!ofproto) {
            continue;
        }
        HMAP_FOR_EACH (ofport, hmap_node, &ofproto->up.ports) {
            struct vtep_node *node = xmalloc(sizeof *node);

            if (!vtep_from_ofport(name, ofproto, ofport, &node->vtep)) {
                free(node);
                continue;
            }
            hmap_insert(table, &node->hmap_node,
                        vtep_hash(node->vtep.bridge, node->vtep.port));
        }
    }
    sset_destroy(&bridges);
}

static void
vtep_export(struct rdma_nic *nic, const struct ro_vtep *vtep, bool add)
{
    int error;

    if (!nic) {
        return;
    }
    error = add ? rdma_nic_vtep_add(nic, vtep) : rdma_nic_vtep_del(nic, vtep);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: %s: failed to %s VTEP in NIC provider (%s)",
                     vtep->bridge, vtep->port, add ? "add" : "delete",
                     ovs_strerror(error));
    }
}

/* Walks every bridge's OpenFlow tunnel ports and brings the exported VTEP
 * table, and 'nic', up to date with them: a VTEP that disappeared or whose
 * configuration changed is deleted from 'nic', a new or changed one is
 * added.  Nothing is sent for an unchanged VTEP.  Returns true if anything
 * changed.
 *
 * This walk, rather than the dpif port notifier, is what sees tunnels:
 * every VXLAN Interface with the same UDP port shares one datapath port,
 * so a second tunnel or an option change produces no datapath event. */
bool
ro_vtep_table_refresh(struct rdma_nic *nic)
{
    struct hmap fresh = HMAP_INITIALIZER(&fresh);
    struct vtep_node *node;
    bool changed = false;

    vtep_collect(&fresh);

    HMAP_FOR_EACH_SAFE (node, hmap_node, &vteps) {
        struct vtep_node *new = vtep_node_find(&fresh, node->vtep.bridge,
                                               node->vtep.port);
        if (!new || !ro_vtep_equal(&new->vtep, &node->vtep)) {
            vtep_export(nic, &node->vtep, false);
            hmap_remove(&vteps, &node->hmap_node);
            hmap_remove(&vteps_by_ip, &node->ip_node);
            vtep_node_destroy(node);
            changed = true;
        }
    }
    HMAP_FOR_EACH_SAFE (node, hmap_node, &fresh) {
        hmap_remove(&fresh, &node->hmap_node);
        if (vtep_node_find(&vteps, node->vtep.bridge, node->vtep.port)) {
            vtep_node_destroy(node);
        } else {
            vtep_export(nic, &node->vtep, true);
            hmap_insert(&vteps, &node->hmap_node, node->hmap_node.hash);
            hmap_insert(&vteps_by_ip, &node->ip_node,
                        vtep_node_ip_hash(node));
            changed = true;
        }
    }
    hmap_destroy(&fresh);
    return changed;
}

/* Deletes every exported VTEP from 'nic' and forgets them. */
void
ro_vtep_table_clear(struct rdma_nic *nic)
{
    struct vtep_node *node;

    HMAP_FOR_EACH_POP (node, hmap_node, &vteps) {
        hmap_remove(&vteps_by_ip, &node->ip_node);
        vtep_export(nic, &node->vtep, false);
        vtep_node_destroy(node);
    }
}

/* Moves the exported VTEPs from provider instance 'old' to 'new'. */
void
ro_vtep_table_replay(struct rdma_nic *old, struct rdma_nic *new)
{
    struct vtep_node *node;

    HMAP_FOR_EACH (node, hmap_node, &vteps) {
        vtep_export(old, &node->vtep, false);
    }
    HMAP_FOR_EACH (node, hmap_node, &vteps) {
        vtep_export(new, &node->vtep, true);
    }
}

/* Returns the exported VTEP for tunnel port 'port' of 'bridge', or null. */
const struct ro_vtep *
ro_vtep_find(const char *bridge, const char *port)
{
    struct vtep_node *node = vtep_node_find(&vteps, bridge, port);
    return node ? &node->vtep : NULL;
}

/* Returns the number of VTEPs of 'bridge'. */
size_t
ro_vtep_count_bridge(const char *bridge)
{
    const struct vtep_node *node;
    size_t n = 0;

    HMAP_FOR_EACH (node, hmap_node, &vteps) {
        n += !strcmp(node->vtep.bridge, bridge);
    }
    return n;
}

/* Stores in '*vtepsp' an array (the caller frees it) of every VTEP and
 * returns how many there are. */
size_t
ro_vtep_get_all(const struct ro_vtep ***vtepsp)
{
    const struct ro_vtep **v = xmalloc((hmap_count(&vteps) + 1)
                                       * sizeof *v);
    const struct vtep_node *node;
    size_t n = 0;

    HMAP_FOR_EACH (node, hmap_node, &vteps) {
        v[n++] = &node->vtep;
    }
    *vtepsp = v;
    return n;
}

/* Returns the VTEP of 'bridge' that a tnl_push of 'type' to UDP port
 * 'dst_port', remote IP 'remote_ip' and VNI 'vni' went through, preferring
 * a fixed remote IP and key over 'flow' ones, or null if none matches.  Used
 * to name the tunnel port of a mapping, since all tunnels of one type and
 * UDP port share a datapath port. */
const struct ro_vtep *
ro_vtep_match_push(const char *bridge, enum roce_tnl_type type,
                   uint16_t dst_port, const struct in6_addr *remote_ip,
                   uint32_t vni)
{
    const struct in6_addr *ips[2] = { remote_ip, &in6addr_any };
    const struct ro_vtep *best = NULL;
    int best_score = -1;

    for (int i = 0; i < 2; i++) {
        const struct vtep_node *node;

        HMAP_FOR_EACH_WITH_HASH (node, ip_node,
                                 vtep_ip_hash(bridge, ips[i]),
                                 &vteps_by_ip) {
            const struct ro_vtep *v = &node->vtep;
            int score;

            if (strcmp(v->bridge, bridge) || v->type != type
                || v->dst_port != dst_port
                || (!v->remote_ip_flow
                    && !ipv6_addr_equals(&v->remote_ip, remote_ip))
                || (!v->key_flow && v->vni != vni)) {
                continue;
            }
            score = !v->remote_ip_flow * 2 + !v->key_flow;
            if (score > best_score
                || (score == best_score && strcmp(v->port, best->port) < 0)) {
                best = v;
                best_score = score;
            }
        }
    }
    return best;
}

static int
vtep_node_cmp(const void *a_, const void *b_)
{
    const struct ro_vtep *a = *(const struct ro_vtep **) a_;
    const struct ro_vtep *b = *(const struct ro_vtep **) b_;
    int cmp = strcmp(a->bridge, b->bridge);

    return cmp ? cmp : strcmp(a->port, b->port);
}

static void
format_flow_or_ip(bool flow, const struct in6_addr *ip, struct ds *ds)
{
    if (flow) {
        ds_put_cstr(ds, "flow");
    } else {
        ro_format_ip(ip, ds);
    }
}

/* Appends one line per exported VTEP to 'ds', sorted by bridge and port:
 *
 *   BRIDGE PORT: type=vxlan local_ip=IP|flow|- remote_ip=IP|flow
 *       key=VNI|flow dst_port=N csum=true|false ofp_port=N odp_port=N
 *
 * (on one line). */
void
ro_vtep_table_format(struct ds *ds)
{
    const struct ro_vtep **array;
    const struct vtep_node *node;
    size_t n = 0;

    array = xmalloc(MAX(1, hmap_count(&vteps)) * sizeof *array);
    HMAP_FOR_EACH (node, hmap_node, &vteps) {
        array[n++] = &node->vtep;
    }
    qsort(array, n, sizeof *array, vtep_node_cmp);

    for (size_t i = 0; i < n; i++) {
        const struct ro_vtep *v = array[i];

        ds_put_format(ds, "%s %s: type=%s local_ip=", v->bridge, v->port,
                      roce_tnl_type_name(v->type));
        format_flow_or_ip(v->local_ip_flow, &v->local_ip, ds);
        ds_put_cstr(ds, " remote_ip=");
        format_flow_or_ip(v->remote_ip_flow, &v->remote_ip, ds);
        if (v->key_flow) {
            ds_put_cstr(ds, " key=flow");
        } else {
            ds_put_format(ds, " key=%"PRIu32, v->vni);
        }
        ds_put_format(ds, " dst_port=%"PRIu16" csum=%s ofp_port=%"PRIu32
                      " odp_port=%"PRIu32"\n", v->dst_port,
                      v->csum ? "true" : "false", ofp_to_u16(v->ofp_port),
                      odp_to_u32(v->odp_port));
    }
    free(array);
}

static void
vtep_unixctl_dump(struct unixctl_conn *conn, int argc OVS_UNUSED,
                  const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    ro_vtep_table_format(&ds);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

/* Registers rdma-overlay/dump-vteps. */
void
ro_vtep_table_init(void)
{
    unixctl_command_register("rdma-overlay/dump-vteps", "", 0, 0,
                             vtep_unixctl_dump, NULL);
}
