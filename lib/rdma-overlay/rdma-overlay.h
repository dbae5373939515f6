/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_RDMA_OVERLAY_H
#define RDMA_OVERLAY_RDMA_OVERLAY_H 1

/* The rdma-overlay extension of ovs-vswitchd: its entry points from the
 * bridge (see vswitchd/bridge.h's 'struct bridge_ext_class') and the
 * configuration that the rest of the extension reads. */

#include <stdbool.h>
#include <stdint.h>

struct ovsrec_interface;
struct ovsrec_open_vswitch;
struct smap;

void rdma_overlay_init(const char *remote);
void rdma_overlay_exit(void);
void rdma_overlay_reconfigure(const struct ovsrec_open_vswitch *);
void rdma_overlay_run(void);
void rdma_overlay_wait(void);
void rdma_overlay_get_iface_status(const struct ovsrec_interface *,
                                   struct smap *status);

/* Global configuration (Open_vSwitch other_config). */
#define RDMA_OVERLAY_DEFAULT_PROVIDER "soft"
#define RDMA_OVERLAY_DEFAULT_DSCP 26    /* AF31. */

uint8_t rdma_overlay_dscp(void);

#endif /* rdma-overlay.h */
