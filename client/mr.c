/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Protection domains and memory registration.  How memory becomes
 * reachable by the daemon is remap.c's business; this file speaks the
 * protocol. */

#include "client-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Allocates a protection domain, like ibv_alloc_pd().  Returns NULL with
 * errno set on failure. */
struct ovsrdma_pd *
ovsrdma_alloc_pd(struct ovsrdma_context *ctx)
{
    struct ovsrdma_msg_hdr req;
    struct ovsrdma_handle_msg reply;
    struct ovsrdma_pd *pd;
    int error;

    pd = calloc(1, sizeof *pd);
    if (!pd) {
        errno = ENOMEM;
        return NULL;
    }
    error = dcn_call(ctx, OVSRDMA_MSG_ALLOC_PD, &req, sizeof req, -1,
                     &reply, sizeof reply, sizeof reply, NULL, 0);
    if (error) {
        free(pd);
        errno = error;
        return NULL;
    }
    pd->context = ctx;
    pd->handle = reply.handle;
    return pd;
}

/* Deallocates 'pd', like ibv_dealloc_pd() (EBUSY while objects use it). */
int
ovsrdma_dealloc_pd(struct ovsrdma_pd *pd)
{
    int error = dcn_call_handle(pd->context, OVSRDMA_MSG_DEALLOC_PD,
                                pd->handle, 0, NULL);

    if (!error) {
        free(pd);
    }
    return error;
}

/* Registers [addr, addr + length) with 'access' (OVSRDMA_ACCESS_*), like
 * ibv_reg_mr().  Memory that is not yet backed by a memfd is moved onto one
 * in place first (see remap.c and ovs-rdma.h).  Returns NULL with errno
 * set on failure: EINVAL also for memory that overlaps an earlier
 * registration's pages without lying inside them. */
struct ovsrdma_mr *
ovsrdma_reg_mr(struct ovsrdma_pd *pd, void *addr, size_t length, int access)
{
    struct ovsrdma_context *ctx = pd->context;
    struct ovsrdma_reg_mr req;
    struct ovsrdma_reg_mr_reply reply;
    struct ovsrdma_mr *mr;
    uint64_t offset;
    int fd, error;

    /* Remote write and atomic access need local write (IBTA 10.6.3.1). */
    if ((access & (OVSRDMA_ACCESS_REMOTE_WRITE
                   | OVSRDMA_ACCESS_REMOTE_ATOMIC))
        && !(access & OVSRDMA_ACCESS_LOCAL_WRITE)) {
        errno = EINVAL;
        return NULL;
    }
    mr = calloc(1, sizeof *mr);
    if (!mr) {
        errno = ENOMEM;
        return NULL;
    }
    error = remap_prepare(&ctx->remap, addr, length, &fd, &offset);
    if (error) {
        free(mr);
        errno = error;
        return NULL;
    }

    memset(&req, 0, sizeof req);
    req.pd = pd->handle;
    req.access = access;
    req.addr = (uintptr_t) addr;
    req.length = length;
    req.fd_offset = offset;
    error = dcn_call(ctx, OVSRDMA_MSG_REG_MR, &req, sizeof req, fd,
                     &reply, sizeof reply, sizeof reply, NULL, 0);
    close(fd);
    if (error) {
        free(mr);
        errno = error;
        return NULL;
    }
    mr->context = ctx;
    mr->pd = pd;
    mr->addr = addr;
    mr->length = length;
    mr->handle = reply.mr;
    mr->lkey = reply.lkey;
    mr->rkey = reply.rkey;
    return mr;
}

/* Deregisters 'mr', like ibv_dereg_mr().  The memory stays where it is
 * (and, if it was moved, shared). */
int
ovsrdma_dereg_mr(struct ovsrdma_mr *mr)
{
    int error = dcn_call_handle(mr->context, OVSRDMA_MSG_DEREG_MR,
                                mr->handle, 0, NULL);

    if (!error) {
        free(mr);
    }
    return error;
}

/* Allocates 'length' bytes of page-aligned, zeroed memory that can be
 * registered without being moved.  Returns NULL with errno set on
 * failure. */
void *
ovsrdma_alloc_buf(struct ovsrdma_context *ctx, size_t length)
{
    return remap_alloc(&ctx->remap, length);
}

/* Frees a buffer from ovsrdma_alloc_buf().  Its MRs should be deregistered
 * first: the daemon's mapping of a still-registered buffer survives, but
 * the application no longer sees it. */
void
ovsrdma_free_buf(struct ovsrdma_context *ctx, void *buf, size_t length)
{
    if (buf) {
        remap_free(&ctx->remap, buf, length);
    }
}
