/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "ovs/iface-settings.h"

#include <stdlib.h>
#include <string.h>

#include "smap.h"
#include "util.h"

static int
compare_macs(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct eth_addr));
}

/* Parses 'value', a list of MACs separated by commas or spaces, into
 * 's->macs'.  Returns false if a member is not a unicast MAC. */
static bool
parse_macs(const char *value, struct ro_iface_settings *s)
{
    char *copy = xstrdup(value);
    char *save = NULL;
    bool ok = true;

    for (char *tok = strtok_r(copy, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        struct eth_addr mac;

        if (!eth_addr_from_string(tok, &mac) || eth_addr_is_multicast(mac)
            || eth_addr_is_zero(mac)) {
            ok = false;
            break;
        }
        s->macs = xrealloc(s->macs, (s->n_macs + 1) * sizeof *s->macs);
        s->macs[s->n_macs++] = mac;
    }
    free(copy);

    if (ok && s->n_macs) {
        size_t n = 1;

        qsort(s->macs, s->n_macs, sizeof *s->macs, compare_macs);
        for (size_t i = 1; i < s->n_macs; i++) {
            if (!eth_addr_equals(s->macs[i], s->macs[n - 1])) {
                s->macs[n++] = s->macs[i];
            }
        }
        s->n_macs = n;
    }
    return ok;
}

/* Parses 'value', IPv4 and IPv6 addresses separated by commas or spaces,
 * into 's->ips' (IPv4-mapped).  Returns false if a member is not a
 * unicast address or there are too many. */
static bool
parse_ips(const char *value, struct ro_iface_settings *s)
{
    char *copy = xstrdup(value);
    char *save = NULL;
    bool ok = true;

    for (char *tok = strtok_r(copy, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        struct in6_addr ip;
        ovs_be32 ip4;

        if (ip_parse(tok, &ip4)) {
            in6_addr_set_mapped_ipv4(&ip, ip4);
            ok = ip4 && !ip_is_multicast(ip4) && ip4 != htonl(0xffffffff);
        } else if (ipv6_parse(tok, &ip)) {
            ok = !ipv6_addr_is_multicast(&ip) && ipv6_addr_is_set(&ip);
        } else {
            ok = false;
        }
        if (!ok || s->n_ips >= RO_MAX_DCN_IPS) {
            ok = false;
            break;
        }
        for (size_t i = 0; i < s->n_ips; i++) {
            if (ipv6_addr_equals(&s->ips[i], &ip)) {
                goto next;      /* Listed twice: once is enough. */
            }
        }
        s->ips = xrealloc(s->ips, (s->n_ips + 1) * sizeof *s->ips);
        s->ips[s->n_ips++] = ip;
    next:;
    }
    free(copy);
    return ok;
}

/* Parses the keys of Interface other_config 'other_config' into 's', which
 * the caller must later free with ro_iface_settings_destroy().  On an
 * invalid value 's->enabled' is false and 's->error' says why. */
void
ro_iface_settings_parse(const struct smap *other_config,
                        struct ro_iface_settings *s)
{
    const char *value = smap_get(other_config, "rdma-overlay");
    const char *macs = smap_get(other_config, "rdma-overlay-mac");
    const char *ips = smap_get(other_config, "rdma-overlay-ip");
    const char *mode = smap_get(other_config, "rdma-overlay-socket-mode");

    memset(s, 0, sizeof *s);
    s->socket_mode = RO_DEFAULT_SOCKET_MODE;
    s->set = value != NULL;
    if (!value) {
        return;
    }

    if (!strcmp(value, "true")) {
        s->enabled = true;
    } else if (strcmp(value, "false")) {
        s->error = xasprintf("invalid other_config:rdma-overlay \"%s\" "
                             "(expected true or false)", value);
        return;
    }

    if (macs && !parse_macs(macs, s)) {
        s->enabled = false;
        free(s->macs);
        s->macs = NULL;
        s->n_macs = 0;
        s->error = xasprintf("invalid other_config:rdma-overlay-mac \"%s\" "
                             "(expected unicast Ethernet addresses separated "
                             "by commas)", macs);
        return;
    }
    if (ips && !parse_ips(ips, s)) {
        s->enabled = false;
        s->error = xasprintf("invalid other_config:rdma-overlay-ip \"%s\" "
                             "(expected at most %d unicast IPv4 or IPv6 "
                             "addresses separated by commas)", ips,
                             RO_MAX_DCN_IPS);
        return;
    }
    if (mode) {
        char *end;
        unsigned long m = strtoul(mode, &end, 8);

        if (!*mode || strspn(mode, "01234567") != strlen(mode) || *end
            || m > 0777) {
            s->enabled = false;
            s->error = xasprintf("invalid other_config:rdma-overlay-socket-"
                                 "mode \"%s\" (expected octal permissions "
                                 "such as 0660)", mode);
            return;
        }
        s->socket_mode = m;
    }
}

/* Frees what 's' owns. */
void
ro_iface_settings_destroy(struct ro_iface_settings *s)
{
    free(s->macs);
    free(s->ips);
    free(s->error);
    memset(s, 0, sizeof *s);
}
