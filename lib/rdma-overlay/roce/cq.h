/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_CQ_H
#define ROCE_CQ_H 1

/* Completion queue internals. */

#include <stdbool.h>
#include <stdint.h>
#include "roce/engine-private.h"
#include "roce/verbs.h"

struct roce_cq {
    struct roce_list node;      /* In engine->cqs. */
    struct roce_engine *engine;
    void *context;
    struct roce_wc *ring;
    uint32_t size;              /* Capacity ('cqe'). */
    uint32_t head;              /* Next entry to poll. */
    uint32_t count;             /* Entries queued. */
    bool overflow;              /* Overflowed: in error, accepts nothing. */
    int armed;                  /* 0, 1 (any), 2 (solicited only). */
    roce_comp_handler *handler;
    void *handler_aux;
    uint32_t refcnt;            /* QPs using this CQ. */
};

bool roce_cq_push(struct roce_cq *, const struct roce_wc *, bool solicited);

#endif /* roce/cq.h */
