/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "overlay-map.h"

#include "openvswitch/vlog.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_map);

/* Entry points of the overlay map.  (First cut: the tables follow in
 * vtep.c and mapping.c.) */

void
ro_overlay_init(void)
{
}

void
ro_overlay_exit(void)
{
}

void
ro_overlay_reconfigure(void)
{
}

void
ro_overlay_run(void)
{
}

void
ro_overlay_wait(void)
{
}

void
ro_overlay_nic_changed(struct rdma_nic *old OVS_UNUSED,
                       struct rdma_nic *new OVS_UNUSED)
{
}
