/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "attach.h"

#include <errno.h>
#include <string.h>

#include "conn/conn.h"
#include "conn/neigh.h"
#include "dcn/server.h"
#include "nic/nic.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovs/port-binding.h"
#include "ovs/vtep.h"
#include "packets.h"
#include "smap.h"
#include "unixctl.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_attach);

/* The DCN channel server and the connection manager of the provider in
 * use, if it runs a software engine. */
static struct dcn_server *server;
static struct conn_mgr *mgr;
static uint8_t dscp = 26;

/* What each port's DCN socket was last configured with, by port name. */
static struct shash attached = SHASH_INITIALIZER(&attached);
static uint64_t status_seq;

/* The sockets follow the bindings: they are synchronized after a
 * reconfiguration (VTEPs, keys) or when a binding changed, not on every
 * pass of the main loop. */
static bool resync = true;
static uint64_t binding_seq;

static unixctl_cb_func unixctl_dump_dcns;
static unixctl_cb_func unixctl_dump_conns;
static unixctl_cb_func unixctl_dump_qps;
static unixctl_cb_func unixctl_neigh_add;
static unixctl_cb_func unixctl_neigh_del;
static unixctl_cb_func unixctl_dump_neigh;

/* Registers the unixctl commands. */
void
ro_attach_init(void)
{
    unixctl_command_register("rdma-overlay/dump-dcns", "", 0, 0,
                             unixctl_dump_dcns, NULL);
    unixctl_command_register("rdma-overlay/dump-conns", "", 0, 0,
                             unixctl_dump_conns, NULL);
    unixctl_command_register("rdma-overlay/dump-qps", "", 0, 0,
                             unixctl_dump_qps, NULL);
    unixctl_command_register("rdma-overlay/neigh-add", "PORT IP MAC", 3, 3,
                             unixctl_neigh_add, NULL);
    unixctl_command_register("rdma-overlay/neigh-del", "PORT IP", 2, 2,
                             unixctl_neigh_del, NULL);
    unixctl_command_register("rdma-overlay/dump-neigh", "", 0, 0,
                             unixctl_dump_neigh, NULL);
}

static void
forget_ports(void)
{
    struct shash_node *node;

    SHASH_FOR_EACH_SAFE (node, &attached) {
        struct dcn_port_config *cfg = node->data;

        free(CONST_CAST(char *, cfg->bridge));
        free(CONST_CAST(char *, cfg->port));
        free(cfg);
        shash_delete(&attached, node);
    }
    status_seq++;
}

static void
stop(void)
{
    /* The server first: detaching its sessions tells the connection
     * manager, which disconnects their peers. */
    dcn_server_destroy(server);
    conn_mgr_destroy(mgr);
    server = NULL;
    mgr = NULL;
    forget_ports();
}

/* The provider instance became 'nic' (may be NULL).  Every DCN of the old
 * one is detached: its objects lived in the old provider's engine.  Must
 * be called before the old instance is closed. */
void
ro_attach_nic_changed(struct rdma_nic *nic)
{
    struct roce_engine *engine = rdma_nic_engine(nic);

    stop();
    resync = true;
    if (engine) {
        server = dcn_server_create(engine);
        mgr = conn_mgr_create(server, nic);
        conn_mgr_set_dscp(mgr, dscp);
    }
}

/* Sets the outer DSCP of the connections resolved from now on. */
void
ro_attach_set_dscp(uint8_t value)
{
    dscp = value;
    if (mgr) {
        conn_mgr_set_dscp(mgr, dscp);
    }
}

static bool
config_equal(const struct dcn_port_config *a, const struct dcn_port_config *b)
{
    return (!strcmp(a->bridge, b->bridge) && !strcmp(a->port, b->port)
            && eth_addr_equals(a->mac, b->mac) && a->n_ips == b->n_ips
            && !memcmp(a->ips, b->ips, a->n_ips * sizeof a->ips[0])
            && a->overlay == b->overlay && a->mtu == b->mtu
            && a->socket_mode == b->socket_mode);
}

/* Gives every bound port with a DCN MAC a DCN socket configured from the
 * binding, and removes the sockets of the others. */
static void
sync_ports(void)
{
    const struct ro_binding **bindings;
    struct shash seen = SHASH_INITIALIZER(&seen);
    struct shash_node *node;
    size_t n = ro_port_binding_get_all(&bindings), i;

    for (i = 0; i < n; i++) {
        const struct ro_binding *b = bindings[i];
        struct dcn_port_config cfg, *old;
        char *error;

        if (!b->n_macs) {
            /* No MAC for the DCNs to send from: nothing can attach. */
            continue;
        }
        memset(&cfg, 0, sizeof cfg);
        cfg.bridge = b->bridge;
        cfg.port = b->port;
        cfg.mac = b->macs[0];
        cfg.n_ips = MIN(b->n_ips, DCN_MAX_IPS);
        memcpy(cfg.ips, b->ips, cfg.n_ips * sizeof cfg.ips[0]);
        cfg.overlay = ro_vtep_count_bridge(b->bridge) > 0;
        cfg.mtu = b->mtu ? b->mtu : 1500;
        cfg.socket_mode = b->socket_mode;
        shash_add_once(&seen, b->port, NULL);

        old = shash_find_data(&attached, b->port);
        if (old && config_equal(old, &cfg)) {
            continue;
        }
        if (dcn_port_add(server, &cfg, &error)) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

            VLOG_WARN_RL(&rl, "%s", error);
            free(error);
            continue;
        }
        if (!old) {
            old = xmalloc(sizeof *old);
            shash_add(&attached, b->port, old);
        } else {
            free(CONST_CAST(char *, old->bridge));
            free(CONST_CAST(char *, old->port));
        }
        *old = cfg;
        old->bridge = xstrdup(cfg.bridge);
        old->port = xstrdup(cfg.port);
        status_seq++;
    }
    free(bindings);

    SHASH_FOR_EACH_SAFE (node, &attached) {
        if (!shash_find(&seen, node->name)) {
            struct dcn_port_config *cfg = node->data;

            dcn_port_remove(server, node->name);
            ro_neigh_flush_port(node->name);
            free(CONST_CAST(char *, cfg->bridge));
            free(CONST_CAST(char *, cfg->port));
            free(cfg);
            shash_delete(&attached, node);
            status_seq++;
        }
    }
    shash_destroy(&seen);
}

/* Keeps the DCN sockets in step with the bindings, then runs the
 * connection manager and the DCN channels.  Call after the provider ran,
 * so that what the engine received reaches the DCNs in the same
 * iteration. */
void
ro_attach_run(void)
{
    uint64_t seq = ro_port_binding_status_seq();

    if (!server) {
        return;
    }
    if (resync || seq != binding_seq) {
        resync = false;
        binding_seq = seq;
        sync_ports();
    }
    conn_mgr_run(mgr);
    dcn_server_run(server);
}

/* The configuration changed: live connections are resolved again. */
void
ro_attach_reconfigured(void)
{
    resync = true;
    if (mgr) {
        conn_mgr_reconfigured(mgr);
    }
}

void
ro_attach_wait(void)
{
    if (server) {
        conn_mgr_wait(mgr);
        dcn_server_wait(server);
    }
}

void
ro_attach_exit(void)
{
    stop();
}

/* Adds status:rdma_overlay_socket to the status of 'iface' if it has a
 * DCN socket. */
void
ro_attach_get_status(const struct ovsrec_interface *iface,
                     struct smap *status)
{
    const char *path = server ? dcn_port_socket_path(server, iface->name)
                              : NULL;

    if (path) {
        smap_replace(status, "rdma_overlay_socket", path);
    }
}

/* Changes whenever a DCN socket is created or removed. */
uint64_t
ro_attach_status_seq(void)
{
    return status_seq;
}

/* ---- unixctl ------------------------------------------------------------ */

static bool
reply_if_no_server(struct unixctl_conn *conn)
{
    if (!server) {
        unixctl_command_reply_error(conn, "the RDMA NIC provider in use runs "
                                    "no software engine: no DCN can attach");
        return true;
    }
    return false;
}

static void
unixctl_dump_dcns(struct unixctl_conn *conn, int argc OVS_UNUSED,
                  const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    if (reply_if_no_server(conn)) {
        return;
    }
    dcn_server_format(server, &ds);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
unixctl_dump_conns(struct unixctl_conn *conn, int argc OVS_UNUSED,
                   const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    if (reply_if_no_server(conn)) {
        return;
    }
    conn_mgr_format(mgr, &ds);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
unixctl_dump_qps(struct unixctl_conn *conn, int argc OVS_UNUSED,
                 const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    if (reply_if_no_server(conn)) {
        return;
    }
    dcn_server_format_qps(server, &ds);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static bool
parse_ip(const char *s, struct in6_addr *ip)
{
    ovs_be32 ip4;

    if (ip_parse(s, &ip4)) {
        in6_addr_set_mapped_ipv4(ip, ip4);
        return true;
    }
    return ipv6_parse(s, ip);
}

static bool
ip_is_unicast(const struct in6_addr *ip)
{
    if (IN6_IS_ADDR_V4MAPPED(ip)) {
        ovs_be32 ip4 = in6_addr_get_mapped_ipv4(ip);

        return ip4 && !ip_is_multicast(ip4) && ip4 != htonl(0xffffffff);
    }
    return ipv6_addr_is_set(ip) && !ipv6_addr_is_multicast(ip);
}

static void
unixctl_neigh_add(struct unixctl_conn *conn, int argc OVS_UNUSED,
                  const char *argv[], void *aux OVS_UNUSED)
{
    struct eth_addr mac;
    struct in6_addr ip;

    if (!parse_ip(argv[2], &ip) || !ip_is_unicast(&ip)) {
        unixctl_command_reply_error(conn, "bad IP address (must be "
                                    "unicast)");
    } else if (!eth_addr_from_string(argv[3], &mac)
               || eth_addr_is_multicast(mac) || eth_addr_is_zero(mac)) {
        unixctl_command_reply_error(conn, "bad MAC address (must be "
                                    "unicast)");
    } else if (!shash_find(&attached, argv[1])) {
        unixctl_command_reply_error(conn, "no RDMA-enabled port of that "
                                    "name has a DCN socket (see "
                                    "rdma-overlay/dump-ports and "
                                    "rdma-overlay/dump-dcns)");
    } else {
        ro_neigh_add(argv[1], &ip, mac, true);
        unixctl_command_reply(conn, "OK");
    }
}

static void
unixctl_neigh_del(struct unixctl_conn *conn, int argc OVS_UNUSED,
                  const char *argv[], void *aux OVS_UNUSED)
{
    struct in6_addr ip;

    if (!parse_ip(argv[2], &ip)) {
        unixctl_command_reply_error(conn, "bad IP address");
    } else if (!ro_neigh_del(argv[1], &ip)) {
        unixctl_command_reply_error(conn, "no such neighbor entry");
    } else {
        unixctl_command_reply(conn, "OK");
    }
}

static void
unixctl_dump_neigh(struct unixctl_conn *conn, int argc OVS_UNUSED,
                   const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    ro_neigh_format(&ds);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}
