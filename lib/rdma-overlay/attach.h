/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_ATTACH_H
#define RDMA_OVERLAY_ATTACH_H 1

/* DCN attachment: the module glue between the port bindings and the DCN
 * channel server and connection manager.  Every bound RDMA-enabled port
 * whose provider runs a software engine gets a DCN socket (Interface
 * status:rdma_overlay_socket); its DCNs' addresses are what the port's
 * configuration says.  Owns the rdma-overlay/dump-dcns, dump-conns,
 * dump-qps, neigh-add, neigh-del and dump-neigh commands.
 *
 * Main thread only. */

#include <stdint.h>

struct rdma_nic;
struct ovsrec_interface;
struct smap;

void ro_attach_init(void);
void ro_attach_nic_changed(struct rdma_nic *);
void ro_attach_set_dscp(uint8_t dscp);
void ro_attach_run(void);
void ro_attach_reconfigured(void);
void ro_attach_wait(void);
void ro_attach_exit(void);
void ro_attach_get_status(const struct ovsrec_interface *, struct smap *);
uint64_t ro_attach_status_seq(void);

#endif /* attach.h */
