/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_NIC_SOFT_H
#define RDMA_OVERLAY_NIC_SOFT_H 1

/* The soft provider: the software RNIC inside ovs-vswitchd, the default
 * provider ("soft").  The module glue registers it (nic/nic.h); the
 * conversion of a tuple to the engine's templates is in tuple-encap.h. */

#include "nic/nic-provider.h"

extern const struct rdma_nic_class rdma_nic_soft_class;

#endif /* nic-soft.h */
