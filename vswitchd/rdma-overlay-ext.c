/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Links the rdma-overlay extension into ovs-vswitchd.
 *
 * This ovs-vswitchd is Open vSwitch's own main program and bridge, built
 * from the patched tree, plus this file.  A constructor registers the
 * extension with the bridge before main() runs, so Open vSwitch's
 * ovs-vswitchd.c needs no change. */

#include <config.h>

#include "bridge.h"
#include "rdma-overlay.h"
#include "util.h"

static const struct bridge_ext_class rdma_overlay_ext_class = {
    .name = "rdma-overlay",
    .init = rdma_overlay_init,
    .exit = rdma_overlay_exit,
    .reconfigure = rdma_overlay_reconfigure,
    .run = rdma_overlay_run,
    .wait = rdma_overlay_wait,
    .get_iface_status = rdma_overlay_get_iface_status,
};

OVS_CONSTRUCTOR(rdma_overlay_ext_register) {
    bridge_ext_register(&rdma_overlay_ext_class);
}
