/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_PORT_BINDING_H
#define RDMA_OVERLAY_PORT_BINDING_H 1

/* Port binding: which Interfaces are RDMA-enabled
 * (other_config:rdma-overlay=true) and bound to a datapath, and the
 * 'struct ro_binding' of each, kept in step with the provider instance.
 *
 * Inputs: the configuration seen at each bridge reconfiguration, the
 * bridges' OpenFlow ports, the datapath ports reported by the dpif port
 * notifier (so that a port removed from its datapath outside a
 * reconfiguration is unbound on the next main-loop pass), and the bridges'
 * MAC learning tables (MACs learned on a port are its DCN MACs, after the
 * configured ones; a change rebinds on the next main-loop pass).
 *
 * Everything here runs on the main thread of ovs-vswitchd. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct ds;
struct ovsrec_interface;
struct ovsrec_open_vswitch;
struct rdma_nic;
struct ro_binding;
struct smap;

void ro_port_binding_init(void);
void ro_port_binding_exit(struct rdma_nic *);

/* Both return true if the set of bound ports (or a binding's attributes)
 * changed, so that the caller revalidates what depends on bindings. */
bool ro_port_binding_reconfigure(const struct ovsrec_open_vswitch *,
                                 struct rdma_nic *);
bool ro_port_binding_run(struct rdma_nic *);
void ro_port_binding_wait(void);

/* Unbinds every bound port from 'old' and binds it to 'new' (either may be
 * null). */
void ro_port_binding_nic_changed(struct rdma_nic *old, struct rdma_nic *new);

/* Lookup and iteration over bound RDMA-enabled ports.  The returned
 * pointers stay valid until the next call to ro_port_binding_reconfigure()
 * or ro_port_binding_run(). */
const struct ro_binding *ro_port_binding_find(const char *bridge,
                                              const char *port);
const struct ro_binding *ro_port_binding_find_port(const char *port);
size_t ro_port_binding_get_all(const struct ro_binding ***bindingsp);
bool ro_binding_has_mac(const struct ro_binding *, struct eth_addr);

/* Counts of Interfaces that have other_config:rdma-overlay set, by state
 * ('configured' is their total). */
struct ro_port_counts {
    size_t configured;
    size_t bound;
    size_t disabled;
    size_t errors;
};
void ro_port_binding_get_counts(struct ro_port_counts *);

/* A number that changes whenever some port's status keys may have
 * changed. */
uint64_t ro_port_binding_status_seq(void);

/* Interface status keys and the rdma-overlay/dump-ports table. */
void ro_port_binding_get_status(const struct ovsrec_interface *,
                                struct smap *status);
void ro_port_binding_format(struct ds *);

#endif /* port-binding.h */
