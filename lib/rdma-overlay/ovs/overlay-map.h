/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_OVERLAY_MAP_H
#define RDMA_OVERLAY_OVERLAY_MAP_H 1

/* The overlay map: the VTEPs and the MAC->VTEP mapping table that the
 * extension derives from Open vSwitch's bridges and exports to the NIC
 * provider instance (see vtep.h and mapping.h for the two tables).
 *
 * These are the entry points the module glue (rdma-overlay.c) calls, the
 * top of the ovs/ layer (its dependency order is drawn in
 * ovs/automake.mk).  The glue owns the provider instance and passes it in;
 * nothing in ovs/ looks it up.  All of them run on the main thread of
 * ovs-vswitchd. */

#include <stdint.h>

struct rdma_nic;

/* Registers the overlay unixctl commands (rdma-overlay/dump-vteps,
 * dump-mappings, add-mapping, del-mapping, resolve). */
void ro_overlay_init(void);

/* Removes every exported VTEP and mapping from provider instance 'nic'
 * (may be null) and frees the overlay map. */
void ro_overlay_exit(struct rdma_nic *nic);

/* Called at the end of each bridge reconfiguration, after the port
 * bindings were updated, and whenever the set of bound RDMA-enabled ports
 * changes (e.g. from the dpif port notifier): re-exports the VTEPs to
 * 'nic' and revalidates the mappings before returning.  'dscp' is the
 * outer DSCP that resolutions write into tuples' headers. */
void ro_overlay_reconfigure(struct rdma_nic *nic, uint8_t dscp);

/* Main-loop work: revalidates the mappings when OpenFlow tables, MAC
 * learning tables or neighbor/route state changed, and completes pending
 * resolutions. */
void ro_overlay_run(struct rdma_nic *nic);
void ro_overlay_wait(void);

/* The provider instance changed from 'old' to 'new' (either may be null):
 * deletes every exported VTEP and mapping from 'old' and adds them to
 * 'new'.  Call it while both instances are still open. */
void ro_overlay_nic_changed(struct rdma_nic *old, struct rdma_nic *new);

#endif /* overlay-map.h */
