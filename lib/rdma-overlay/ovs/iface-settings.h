/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_IFACE_SETTINGS_H
#define RDMA_OVERLAY_IFACE_SETTINGS_H 1

/* The extension's per-Interface configuration keys, other_config:
 *   rdma-overlay           true|false (default false).
 *   rdma-overlay-mac       The DCN MAC(s) behind the port, comma-separated.
 *
 * (The global keys are the module glue's: see settings.h.) */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/types.h"
#include "packets.h"

struct smap;

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

#endif /* iface-settings.h */
