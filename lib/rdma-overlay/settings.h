/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_SETTINGS_H
#define RDMA_OVERLAY_SETTINGS_H 1

/* The extension's configuration keys and their validation.
 *
 * (Named "settings" rather than "config" so that no header of the
 * extension can be mistaken for Open vSwitch's <config.h>.)
 *
 * Global keys, Open_vSwitch other_config:
 *   rdma-overlay-provider  NIC provider type (default "soft").
 *   rdma-overlay-dscp      DSCP of the outer IP header, 0-63 (default 26).
 * An invalid value is rejected: the previous value stays in effect and the
 * error is kept for rdma-overlay/show and the Interface status column.
 *
 * Per Interface, other_config:
 *   rdma-overlay           true|false (default false).
 *   rdma-overlay-mac       The DCN MAC(s) behind the port, comma-separated.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/types.h"
#include "packets.h"

struct ds;
struct smap;

/* Open_vSwitch other_config.  Returns true if the requested provider type
 * changed.  ro_settings_provider() is the last valid type requested; an
 * unknown type is a settings error, while a known provider that fails to
 * open is the caller's to report. */
bool ro_settings_update(const struct smap *other_config);
void ro_settings_reset(void);

const char *ro_settings_provider(void);
const char *ro_settings_provider_error(void);
const char *ro_settings_dscp_error(void);

/* Interface other_config. */
struct ro_iface_settings {
    bool set;                   /* rdma-overlay key present. */
    bool enabled;
    struct eth_addr *macs;      /* rdma-overlay-mac, sorted, no duplicates. */
    size_t n_macs;
    char *error;                /* Non-null if a value is invalid. */
};

void ro_iface_settings_parse(const struct smap *other_config,
                             struct ro_iface_settings *);
void ro_iface_settings_destroy(struct ro_iface_settings *);

#endif /* settings.h */
