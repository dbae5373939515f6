/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "overlay-map.h"

#include "mapping.h"
#include "ofproto/ofproto.h"
#include "openvswitch/vlog.h"
#include "rdma-overlay.h"
#include "resolve.h"
#include "sset.h"
#include "vtep.h"

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
ro_overlay_exit(void)
{
    struct rdma_nic *nic = rdma_overlay_nic();

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
ro_overlay_reconfigure(void)
{
    struct rdma_nic *nic = rdma_overlay_nic();

    ro_vtep_table_refresh(nic);
    ro_mapping_table_reconfigure(nic);
}

/* Main-loop work; see overlay-map.h. */
void
ro_overlay_run(void)
{
    ro_mapping_table_run(rdma_overlay_nic());
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

/* Adds the name of every bridge (of every datapath type) to 'bridges'. */
void
ro_overlay_enumerate_bridges(struct sset *bridges)
{
    struct sset types = SSET_INITIALIZER(&types);
    const char *type;

    ofproto_enumerate_types(&types);
    SSET_FOR_EACH (type, &types) {
        /* ofproto_enumerate_names() clears the set it fills. */
        struct sset names = SSET_INITIALIZER(&names);
        const char *name;

        ofproto_enumerate_names(type, &names);
        SSET_FOR_EACH (name, &names) {
            sset_add(bridges, name);
        }
        sset_destroy(&names);
    }
    sset_destroy(&types);
}
