/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_TNL_HEADER_H
#define RDMA_OVERLAY_TNL_HEADER_H 1

/* Reading and adjusting the outer header template of an Open vSwitch
 * tnl_push action (VXLAN or Geneve over IPv4 or IPv6). */

#include <stdint.h>
#include "nic/overlay.h"
#include "odp-netlink.h"
#include "openvswitch/compiler.h"

char *ro_push_to_tuple(const struct ovs_action_push_tnl *, struct ro_tuple *)
    OVS_WARN_UNUSED_RESULT;
void ro_push_set_dscp(struct ovs_action_push_tnl *, uint8_t dscp);

#endif /* tnl-header.h */
