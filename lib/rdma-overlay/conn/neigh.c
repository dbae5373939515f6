/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>
#include "conn/neigh.h"

#include <string.h>
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "packets.h"
#include "timeval.h"
#include "util.h"

struct neigh {
    struct hmap_node node;
    char *port;
    struct in6_addr ip;
    struct eth_addr mac;
    bool is_static;
    long long int expires;      /* Learned entries only. */
};

static struct hmap neighs = HMAP_INITIALIZER(&neighs);

static uint32_t
neigh_hash(const char *port, const struct in6_addr *ip)
{
    return hash_bytes(ip, sizeof *ip, hash_string(port, 0));
}

static struct neigh *
neigh_find(const char *port, const struct in6_addr *ip)
{
    struct neigh *n;

    HMAP_FOR_EACH_WITH_HASH (n, node, neigh_hash(port, ip), &neighs) {
        if (!strcmp(n->port, port) && ipv6_addr_equals(&n->ip, ip)) {
            return n;
        }
    }
    return NULL;
}

/* Looks up the MAC of 'ip' as seen from 'port'. */
bool
ro_neigh_lookup(const char *port, const struct in6_addr *ip,
                struct eth_addr *mac)
{
    const struct neigh *n = neigh_find(port, ip);

    if (n) {
        *mac = n->mac;
    }
    return n != NULL;
}

/* Adds or replaces the entry of 'ip' behind 'port'.  A learned entry does
 * not replace a static one. */
void
ro_neigh_add(const char *port, const struct in6_addr *ip,
             struct eth_addr mac, bool is_static)
{
    struct neigh *n = neigh_find(port, ip);

    if (!n) {
        n = xzalloc(sizeof *n);
        n->port = xstrdup(port);
        n->ip = *ip;
        hmap_insert(&neighs, &n->node, neigh_hash(port, ip));
    } else if (n->is_static && !is_static) {
        return;
    }
    n->mac = mac;
    n->is_static = is_static;
    n->expires = is_static ? LLONG_MAX : time_msec() + RO_NEIGH_AGE_MS;
}

static void
neigh_free(struct neigh *n)
{
    hmap_remove(&neighs, &n->node);
    free(n->port);
    free(n);
}

/* Removes the entry of 'ip' behind 'port'; returns false if none. */
bool
ro_neigh_del(const char *port, const struct in6_addr *ip)
{
    struct neigh *n = neigh_find(port, ip);

    if (n) {
        neigh_free(n);
    }
    return n != NULL;
}

/* Removes every entry of 'port' (the port went away). */
void
ro_neigh_flush_port(const char *port)
{
    struct neigh *n;

    HMAP_FOR_EACH_SAFE (n, node, &neighs) {
        if (!strcmp(n->port, port)) {
            neigh_free(n);
        }
    }
}

/* Ages learned entries out. */
void
ro_neigh_run(void)
{
    long long int now = time_msec();
    struct neigh *n;

    HMAP_FOR_EACH_SAFE (n, node, &neighs) {
        if (n->expires <= now) {
            neigh_free(n);
        }
    }
}

size_t
ro_neigh_count(void)
{
    return hmap_count(&neighs);
}

static int
compare_neighs(const void *a_, const void *b_)
{
    const struct neigh *const *a = a_, *const *b = b_;
    int c = strcmp((*a)->port, (*b)->port);

    return c ? c : memcmp(&(*a)->ip, &(*b)->ip, sizeof (*a)->ip);
}

/* rdma-overlay/dump-neigh: a header row, then one entry per line sorted by
 * port and address. */
void
ro_neigh_format(struct ds *ds)
{
    size_t n = hmap_count(&neighs), i = 0;
    const struct neigh **v = xmalloc(MAX(n, 1) * sizeof *v);
    long long int now = time_msec();
    const struct neigh *e;

    HMAP_FOR_EACH (e, node, &neighs) {
        v[i++] = e;
    }
    qsort(v, n, sizeof *v, compare_neighs);
    ds_put_format(ds, "%-16s %-39s %-17s %s\n", "PORT", "IP", "MAC",
                  "STATE");
    for (i = 0; i < n; i++) {
        struct ds ip = DS_EMPTY_INITIALIZER;

        e = v[i];
        ipv6_format_mapped(&e->ip, &ip);
        ds_put_format(ds, "%-16s %-39s "ETH_ADDR_FMT" ", e->port,
                      ds_cstr(&ip), ETH_ADDR_ARGS(e->mac));
        if (e->is_static) {
            ds_put_cstr(ds, "static\n");
        } else {
            ds_put_format(ds, "learned (%llds)\n", (e->expires - now) / 1000);
        }
        ds_destroy(&ip);
    }
    free(v);
}
