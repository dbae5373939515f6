/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_MR_H
#define ROCE_MR_H 1

/* Protection domains and memory regions: the engine-internal view.
 *
 * Every access to registered memory, local (SGEs of work requests) or
 * remote (RETH/AtomicETH of received requests), goes through
 * roce_mr_check(), which validates key, PD, permission and bounds before
 * any byte is touched and returns the host pointer to use. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "roce/engine-private.h"
#include "roce/verbs.h"

struct roce_pd {
    struct roce_list node;      /* In engine->pds. */
    struct roce_engine *engine;
    uint32_t id;
    uint32_t refcnt;            /* MRs, QPs and AHs using this PD. */
};

struct roce_mr {
    struct roce_pd *pd;
    uint8_t *addr;              /* Host address of the first byte. */
    uint64_t iova;              /* Virtual address peers use. */
    uint64_t length;
    int access;                 /* ROCE_ACCESS_*. */
    uint32_t key;               /* lkey == rkey: slot << 8 | generation. */
};

/* Why roce_mr_check() refused an access. */
enum roce_mr_status {
    ROCE_MR_OK,
    ROCE_MR_BAD_KEY,            /* No such key (or a stale generation). */
    ROCE_MR_BAD_PD,             /* MR belongs to another PD. */
    ROCE_MR_BAD_ACCESS,         /* Permission missing. */
    ROCE_MR_BAD_BOUNDS,         /* [va, va + len) not inside the MR. */
};

/* What the access is for: local accesses need no permission to read and
 * LOCAL_WRITE to write; remote ones need the REMOTE_* right. */
enum roce_mr_op {
    ROCE_MR_LOCAL_READ = 0,
    ROCE_MR_LOCAL_WRITE = ROCE_ACCESS_LOCAL_WRITE,
    ROCE_MR_REMOTE_WRITE = ROCE_ACCESS_REMOTE_WRITE,
    ROCE_MR_REMOTE_READ = ROCE_ACCESS_REMOTE_READ,
    ROCE_MR_REMOTE_ATOMIC = ROCE_ACCESS_REMOTE_ATOMIC,
};

uint8_t *roce_mr_check(struct roce_engine *, const struct roce_pd *,
                       uint32_t key, uint64_t va, uint64_t len,
                       enum roce_mr_op, enum roce_mr_status *);

/* Scatter/gather through a list of SGEs, each piece checked with
 * roce_mr_check().  'offset' is the byte offset into the concatenation of
 * the SGEs.  Return ROCE_MR_OK or the first failure (nothing copied for
 * the failing piece). */
enum roce_mr_status roce_sge_gather(struct roce_engine *,
                                    const struct roce_pd *,
                                    const struct roce_sge *, uint32_t n_sge,
                                    uint64_t offset, void *dst, size_t len);
enum roce_mr_status roce_sge_scatter(struct roce_engine *,
                                     const struct roce_pd *,
                                     const struct roce_sge *, uint32_t n_sge,
                                     uint64_t offset, const void *src,
                                     size_t len);

/* Engine-level MR table, called by engine.c. */
void roce_mr_table_destroy(struct roce_engine *);

#endif /* roce/mr.h */
