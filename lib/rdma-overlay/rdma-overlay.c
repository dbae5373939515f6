/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "rdma-overlay.h"

#include "openvswitch/vlog.h"
#include "smap.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay);

/* Skeleton: replaced by the module proper. */

void
rdma_overlay_init(const char *remote OVS_UNUSED)
{
    VLOG_DBG("rdma-overlay extension initialized");
}

void
rdma_overlay_exit(void)
{
}

void
rdma_overlay_reconfigure(const struct ovsrec_open_vswitch *cfg OVS_UNUSED)
{
}

void
rdma_overlay_run(void)
{
}

void
rdma_overlay_wait(void)
{
}

void
rdma_overlay_get_iface_status(const struct ovsrec_interface *cfg OVS_UNUSED,
                              struct smap *status OVS_UNUSED)
{
}
