/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_NIC_DUMMY_H
#define RDMA_OVERLAY_NIC_DUMMY_H 1

/* Test NIC providers ("dummy", "dummy-absent"), registered only when
 * ovs-vswitchd runs with --enable-dummy. */

struct rdma_nic_class;

void rdma_nic_dummy_register(const struct rdma_nic_class *base);

#endif /* nic-dummy.h */
