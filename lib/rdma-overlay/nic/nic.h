/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_NIC_H
#define RDMA_OVERLAY_NIC_H 1

/* RDMA NIC offload layer: the provider registry and the instance wrappers
 * that the rest of the extension calls.
 *
 * Callers never call a 'struct rdma_nic_class' member directly: the
 * rdma_nic_*() wrappers accept a null instance (returning ENODEV, so that
 * the extension keeps working while no provider could be opened), treat a
 * null class member as EOPNOTSUPP, count each operation in the instance's
 * 'stats', and log failures at a limited rate.
 *
 * Everything here runs on the main thread of ovs-vswitchd. */

#include <stdint.h>
#include "nic/nic-provider.h"

struct ds;
struct sset;

/* Registry. */
int rdma_nic_register(const struct rdma_nic_class *);
int rdma_nic_unregister(const char *type);
const struct rdma_nic_class *rdma_nic_class_lookup(const char *type);
void rdma_nic_enumerate_types(struct sset *types);
char *rdma_nic_known_types(void);

/* Instances. */
int rdma_nic_open(const char *type, const char *name, struct rdma_nic **,
                  char **errorp);
void rdma_nic_close(struct rdma_nic *);
const char *rdma_nic_type(const struct rdma_nic *);
const char *rdma_nic_name(const struct rdma_nic *);
void rdma_nic_get_caps(const struct rdma_nic *, struct rdma_nic_caps *);
const struct rdma_nic_stats *rdma_nic_get_stats(const struct rdma_nic *);

/* Operations (see 'struct rdma_nic_class' for their contracts). */
int rdma_nic_port_bind(struct rdma_nic *, const struct ro_binding *);
int rdma_nic_port_unbind(struct rdma_nic *, const struct ro_binding *);
int rdma_nic_vtep_add(struct rdma_nic *, const struct ro_vtep *);
int rdma_nic_vtep_del(struct rdma_nic *, const struct ro_vtep *);
int rdma_nic_mapping_add(struct rdma_nic *, const struct ro_mapping *);
int rdma_nic_mapping_del(struct rdma_nic *, const struct ro_mapping *);
int rdma_nic_mapping_flush(struct rdma_nic *, const char *bridge);
int rdma_nic_conn_program(struct rdma_nic *, uint32_t conn_id,
                          const struct ro_tuple *);
int rdma_nic_conn_unprogram(struct rdma_nic *, uint32_t conn_id);
int rdma_nic_qp_bind(struct rdma_nic *, uint32_t qpn, uint32_t conn_id);
int rdma_nic_qp_unbind(struct rdma_nic *, uint32_t qpn);
int rdma_nic_qp_rebind(struct rdma_nic *, uint32_t qpn, uint32_t conn_id);
struct roce_engine *rdma_nic_engine(struct rdma_nic *);
odp_port_t rdma_nic_rx_port(const struct rdma_nic *);
int rdma_nic_conn_encap(struct rdma_nic *, uint32_t conn_id,
                        struct roce_encap *, struct roce_rx_tuple *);

void rdma_nic_run(struct rdma_nic *);
void rdma_nic_wait(struct rdma_nic *);

/* Formatting for the rdma-overlay unixctl commands. */
void rdma_nic_format_caps(const struct rdma_nic_caps *, struct ds *);
void rdma_nic_format_stats(const struct rdma_nic *, struct ds *);
void rdma_nic_format_tables(const struct rdma_nic *, struct ds *);
void rdma_nic_format_macs(const struct ro_binding *, struct ds *);
void rdma_nic_put_indented(struct ds *, const char *text,
                           const char *prefix);

#endif /* nic.h */
