/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_TUPLE_ENCAP_H
#define RDMA_OVERLAY_TUPLE_ENCAP_H 1

/* The one conversion from an overlay tuple (nic/overlay.h) to the RoCEv2
 * engine's per-QP templates: the encapsulation template that transmit
 * copies before every BTH (roce/encap.h) and the receive tuple that
 * received frames must match (roce/verbs.h, roce_rx_tuple_match()). */

#include "nic/overlay.h"
#include "openvswitch/compiler.h"
#include "roce/encap.h"
#include "roce/verbs.h"

int ro_tuple_to_encap(const struct ro_tuple *, uint16_t udp_sport,
                      struct roce_encap *, char **errorp)
    OVS_WARN_UNUSED_RESULT;
void ro_tuple_to_rx(const struct ro_tuple *, struct roce_rx_tuple *);

#endif /* tuple-encap.h */
