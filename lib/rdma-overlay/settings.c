/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "settings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nic/nic.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "rdma-overlay.h"
#include "smap.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_settings);

/* One warning per bad value, not per reconfiguration: every ovs-vsctl
 * command reconfigures, and repeating the same complaint helps nobody. */
static struct vlog_rate_limit warn_rl = VLOG_RATE_LIMIT_INIT(1, 5);

/* A global key: its effective value and, if the configured value was
 * rejected, why.  'warned' is the rejected value last warned about. */
struct global_key {
    char *error;
    char *warned;
};

static char *provider;          /* Effective provider type. */
static uint8_t dscp = RDMA_OVERLAY_DEFAULT_DSCP;
static struct global_key provider_key;
static struct global_key dscp_key;

/* Sets 'key''s error to 'error' (taking ownership; NULL clears it) and logs
 * a warning the first time the rejected value 'value' is seen. */
static void
global_key_set_error(struct global_key *key, const char *value, char *error)
{
    free(key->error);
    key->error = error;
    if (!error) {
        free(key->warned);
        key->warned = NULL;
    } else if (!key->warned || strcmp(key->warned, value)) {
        free(key->warned);
        key->warned = xstrdup(value);
        VLOG_WARN_RL(&warn_rl, "%s", error);
    }
}

static void
update_provider(const char *value)
{
    const char *type = value ? value : RDMA_OVERLAY_DEFAULT_PROVIDER;

    if (!provider) {
        provider = xstrdup(RDMA_OVERLAY_DEFAULT_PROVIDER);
    }
    if (rdma_nic_class_lookup(type)) {
        if (strcmp(provider, type)) {
            free(provider);
            provider = xstrdup(type);
        }
        global_key_set_error(&provider_key, type, NULL);
    } else {
        char *known = rdma_nic_known_types();

        global_key_set_error(
            &provider_key, type,
            xasprintf("other_config:rdma-overlay-provider: unknown provider "
                      "\"%s\" (known: %s); keeping \"%s\"",
                      type, known, provider));
        free(known);
    }
}

static void
update_dscp(const char *value)
{
    unsigned int n;

    if (!value) {
        dscp = RDMA_OVERLAY_DEFAULT_DSCP;
        global_key_set_error(&dscp_key, "", NULL);
    } else if (value[0] && strlen(value) <= 2
               && strspn(value, "0123456789") == strlen(value)
               && str_to_uint(value, 10, &n) && n <= 63) {
        /* Digits only: strtol() alone would accept " 3" or "+3". */
        dscp = n;
        global_key_set_error(&dscp_key, value, NULL);
    } else {
        global_key_set_error(
            &dscp_key, value,
            xasprintf("other_config:rdma-overlay-dscp: \"%s\" is not an "
                      "integer between 0 and 63; keeping %"PRIu8,
                      value, dscp));
    }
}

/* Applies the global keys of Open_vSwitch other_config 'other_config'.  An
 * invalid value leaves the previous one in effect and records an error.
 * Returns true if the effective provider type changed. */
bool
ro_settings_update(const struct smap *other_config)
{
    char *old = nullable_xstrdup(provider);
    bool changed;

    update_provider(smap_get(other_config, "rdma-overlay-provider"));
    update_dscp(smap_get(other_config, "rdma-overlay-dscp"));

    changed = !old || strcmp(old, provider);
    free(old);
    return changed;
}

/* Returns every global key to its default and forgets errors (for exit and
 * for tests). */
void
ro_settings_reset(void)
{
    free(provider);
    provider = NULL;
    dscp = RDMA_OVERLAY_DEFAULT_DSCP;
    global_key_set_error(&provider_key, "", NULL);
    global_key_set_error(&dscp_key, "", NULL);
}

/* Returns the effective provider type. */
const char *
ro_settings_provider(void)
{
    return provider ? provider : RDMA_OVERLAY_DEFAULT_PROVIDER;
}

/* Returns why the configured provider was rejected, or NULL. */
const char *
ro_settings_provider_error(void)
{
    return provider_key.error;
}

/* Returns why the configured DSCP was rejected, or NULL. */
const char *
ro_settings_dscp_error(void)
{
    return dscp_key.error;
}

/* Returns the DSCP that outer IP headers carry (Open_vSwitch
 * other_config:rdma-overlay-dscp, default 26 = AF31). */
uint8_t
rdma_overlay_dscp(void)
{
    return dscp;
}
