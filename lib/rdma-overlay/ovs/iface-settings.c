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

/* Parses the keys of Interface other_config 'other_config' into 's', which
 * the caller must later free with ro_iface_settings_destroy().  On an
 * invalid value 's->enabled' is false and 's->error' says why. */
void
ro_iface_settings_parse(const struct smap *other_config,
                        struct ro_iface_settings *s)
{
    const char *value = smap_get(other_config, "rdma-overlay");
    const char *macs = smap_get(other_config, "rdma-overlay-mac");

    memset(s, 0, sizeof *s);
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
    }
}

/* Frees what 's' owns. */
void
ro_iface_settings_destroy(struct ro_iface_settings *s)
{
    free(s->macs);
    free(s->error);
    memset(s, 0, sizeof *s);
}
