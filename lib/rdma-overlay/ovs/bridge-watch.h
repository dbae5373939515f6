/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_BRIDGE_WATCH_H
#define RDMA_OVERLAY_BRIDGE_WATCH_H 1

/* Notices that bridges changed in ways that can change how Open vSwitch
 * translates a flow through them: their OpenFlow tables (the tables
 * version, bumped by every flow add, modify and delete) and their MAC
 * learning table (learned, expired, evicted, moved, static entries).
 *
 * Both the mapping table and the port bindings (learned DCN MACs) derive
 * state from translations; each keeps its own set of watches so that each
 * sees every change once.  Main thread only. */

#include <stdbool.h>
#include "openvswitch/hmap.h"

struct sset;

struct ro_bridge_watches {
    struct hmap map;            /* Contains "struct ro_bridge_watch"es. */
};

#define RO_BRIDGE_WATCHES_INITIALIZER(W) { HMAP_INITIALIZER(&(W)->map) }

bool ro_bridge_watches_update(struct ro_bridge_watches *,
                              const struct sset *bridges);
bool ro_bridge_watches_is_empty(const struct ro_bridge_watches *);
void ro_bridge_watches_clear(struct ro_bridge_watches *);

/* Adds the name of every bridge, of every datapath type, to 'bridges'. */
void ro_bridges_enumerate(struct sset *bridges);

#endif /* bridge-watch.h */
