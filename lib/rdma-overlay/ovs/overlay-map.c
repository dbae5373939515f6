/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "ovs/overlay-map.h"

#include "openvswitch/vlog.h"
#include "ovs/mapping.h"
#include "ovs/resolve.h"
#include "ovs/vtep.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_map);

/* Entry points of the overlay map: they tie the VTEP table (vtep.c), the
 * mapping table (mapping.c) and resolution (resolve.c) to the module's
 * main-loop calls. */

/* Registers the overlay's unixctl commands. */
void
ro_overlay_init(void)
{
    ro_vtep_table_init();
    ro_mapping_table_init();
    ro_resolve_init();
}

/* Withdraws everything the overlay exported from the provider instance. */
void
ro_overlay_exit(struct rdma_nic *nic)
{
    ro_resolve_exit();
    ro_mapping_table_clear(nic);
    ro_vtep_table_clear(nic);
}

/* Re-exports the VTEPs and revalidates the mappings (before returning,
 * unless the mapping table is large: see ro_mapping_table_reconfigure()),
 * so that ovs-vsctl returns only once the provider has seen the change.
 * Tunnel options and ports change only here, which is why the mapping
 * table cannot rely on its own change detection for them. */
void
ro_overlay_reconfigure(struct rdma_nic *nic, uint8_t dscp)
{
    ro_resolve_set_dscp(dscp);
    ro_vtep_table_refresh(nic);
    ro_mapping_table_reconfigure(nic);
}

/* Main-loop work; see overlay-map.h. */
void
ro_overlay_run(struct rdma_nic *nic)
{
    ro_mapping_table_run(nic);
    ro_resolve_run();
}

/* Arranges for the main loop to wake up for ro_overlay_run()'s work. */
void
ro_overlay_wait(void)
{
    ro_mapping_table_wait();
    ro_resolve_wait();
}

/* Replays the overlay's exports from provider instance 'old' into 'new'. */
void
ro_overlay_nic_changed(struct rdma_nic *old, struct rdma_nic *new)
{
    /* Mappings refer to VTEPs: withdraw them first, add them last. */
    ro_mapping_table_replay(old, NULL);
    ro_vtep_table_replay(old, new);
    ro_mapping_table_replay(NULL, new);
}
