/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Completion channels and completion queues.  The daemon produces CQEs
 * into a shared ring that ovsrdma_poll_cq() consumes without a system
 * call; notification goes through an event channel (evchan.c). */

#include "client-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Creates a completion channel, like ibv_create_comp_channel().  Its 'fd'
 * becomes readable when a CQ of the channel has an event.  Returns NULL
 * with errno set on failure. */
struct ovsrdma_comp_channel *
ovsrdma_create_comp_channel(struct ovsrdma_context *ctx)
{
    struct comp_channel_priv *ch;

    ch = dcn_evchan_new(ctx, sizeof *ch,
                        offsetof(struct comp_channel_priv, ev));
    if (!ch) {
        return NULL;
    }
    ch->pub.context = ctx;
    ch->pub.fd = ch->ev.efd;
    ch->pub.handle = ch->ev.handle;
    return &ch->pub;
}

/* Destroys 'channel', like ibv_destroy_comp_channel() (EBUSY while a CQ
 * uses it). */
int
ovsrdma_destroy_comp_channel(struct ovsrdma_comp_channel *channel)
{
    struct comp_channel_priv *ch
        = DCN_CONTAINER_OF(channel, struct comp_channel_priv, pub);
    int error = dcn_evchan_close(&ch->ev, false);

    if (!error) {
        free(ch);
    }
    return error;
}

/* Creates a CQ of at least 'cqe' entries, like ibv_create_cq().  Returns
 * NULL with errno set on failure. */
struct ovsrdma_cq *
ovsrdma_create_cq(struct ovsrdma_context *ctx, int cqe, void *cq_context,
                  struct ovsrdma_comp_channel *channel)
{
    struct ovsrdma_create_cq req;
    struct ovsrdma_create_cq_reply reply;
    struct cq_priv *cq;
    int fd, error;

    if (cqe < 1) {
        errno = EINVAL;
        return NULL;
    }
    cq = calloc(1, sizeof *cq);
    if (!cq) {
        errno = ENOMEM;
        return NULL;
    }
    memset(&req, 0, sizeof req);
    req.cqe = cqe;
    req.channel = channel ? channel->handle : 0;
    error = dcn_call(ctx, OVSRDMA_MSG_CREATE_CQ, &req, sizeof req, -1,
                     &reply, sizeof reply, sizeof reply, &fd, 1);
    if (error) {
        free(cq);
        errno = error;
        return NULL;
    }
    cq->pub.context = ctx;
    cq->pub.channel = channel;
    cq->pub.cq_context = cq_context;
    cq->pub.cqe = reply.size;
    cq->pub.handle = reply.cq;
    cq->map_len = reply.mmap_len;
    error = dcn_map_fd(fd, reply.mmap_len,
                       ovsrdma_ring_bytes(reply.size,
                                          sizeof(struct ovsrdma_cqe)),
                       &cq->map);
    if (!error) {
        error = (reply.size
                 ? dcn_ring_attach(&cq->ring, cq->map, reply.size,
                                   sizeof(struct ovsrdma_cqe), false)
                 : EPROTO);
        if (!error) {
            error = objmap_insert(&ctx->objs, DCN_OBJ_CQ, reply.cq, cq);
        }
        if (error) {
            munmap(cq->map, cq->map_len);
        }
    }
    if (error) {
        dcn_call_handle(ctx, OVSRDMA_MSG_DESTROY_CQ, reply.cq, 0, NULL);
        free(cq);
        errno = error;
        return NULL;
    }
    pthread_mutex_init(&cq->lock, NULL);
    return &cq->pub;
}

/* Destroys 'cq', like ibv_destroy_cq() (EBUSY while a QP uses it).  Unlike
 * libibverbs it does not wait for its events to be acknowledged: the
 * caller must not destroy a CQ while another thread may still be in
 * ovsrdma_get_cq_event() for it. */
int
ovsrdma_destroy_cq(struct ovsrdma_cq *cq_)
{
    struct cq_priv *cq = cq_priv(cq_);
    struct ovsrdma_context *ctx = cq_->context;
    int error;

    error = dcn_call_handle(ctx, OVSRDMA_MSG_DESTROY_CQ, cq_->handle, 0,
                            NULL);
    if (!error) {
        objmap_remove(&ctx->objs, DCN_OBJ_CQ, cq_->handle);
        munmap(cq->map, cq->map_len);
        pthread_mutex_destroy(&cq->lock);
        free(cq);
    }
    return error;
}

static void
wc_from_cqe(struct ovsrdma_wc *wc, const struct ovsrdma_cqe *cqe)
{
    wc->wr_id = cqe->wr_id;
    wc->status = cqe->status;
    wc->opcode = cqe->opcode;
    wc->vendor_err = cqe->vendor_err;
    wc->byte_len = cqe->byte_len;
    wc->imm_data = cqe->imm_data;
    wc->qp_num = cqe->qp_num;
    wc->src_qp = cqe->src_qp;
    wc->wc_flags = cqe->wc_flags;
    wc->pkey_index = cqe->pkey_index;
}

/* Stores up to 'num_entries' completions of 'cq' in 'wc', like
 * ibv_poll_cq().  Returns how many, or a negative errno value (-EINVAL for
 * a negative 'num_entries', -EIO for a corrupt ring). */
int
ovsrdma_poll_cq(struct ovsrdma_cq *cq_, int num_entries,
                struct ovsrdma_wc *wc)
{
    struct cq_priv *cq = cq_priv(cq_);
    int avail, i;

    if (num_entries < 0) {
        return -EINVAL;
    }
    pthread_mutex_lock(&cq->lock);
    avail = dcn_ring_avail(&cq->ring);
    if (avail > num_entries) {
        avail = num_entries;
    }
    for (i = 0; i < avail; i++) {
        wc_from_cqe(&wc[i], dcn_ring_slot(&cq->ring, cq->ring.head + i));
    }
    if (avail > 0) {
        dcn_ring_consume(&cq->ring, avail);
    }
    pthread_mutex_unlock(&cq->lock);
    return avail;
}

/* Asks for one event on the CQ's channel when the next completion (with
 * 'solicited_only', the next solicited or error completion) arrives, like
 * ibv_req_notify_cq(). */
int
ovsrdma_req_notify_cq(struct ovsrdma_cq *cq_, int solicited_only)
{
    struct cq_priv *cq = cq_priv(cq_);

    if (!cq_->channel) {
        return EINVAL;
    }
    ovsrdma_store_release(&cq->ring.hdr->armed, solicited_only ? 2 : 1);
    return 0;
}

/* Waits for the next CQ event of 'channel', like ibv_get_cq_event(), and
 * returns the CQ and its context.  Events for CQs already destroyed are
 * skipped.  Returns 0 or an errno value (EAGAIN: non-blocking fd and no
 * event). */
int
ovsrdma_get_cq_event(struct ovsrdma_comp_channel *channel,
                     struct ovsrdma_cq **cqp, void **cq_context)
{
    struct comp_channel_priv *ch
        = DCN_CONTAINER_OF(channel, struct comp_channel_priv, pub);
    struct ovsrdma_event ev;

    for (;;) {
        struct ovsrdma_cq *cq;
        int error;

        error = dcn_evchan_get(&ch->ev, &ev);
        if (error) {
            return error;
        }
        if (ev.type != OVSRDMA_EV_COMP) {
            continue;
        }
        cq = objmap_find(&channel->context->objs, DCN_OBJ_CQ, ev.handle);
        if (cq) {
            __atomic_add_fetch(&cq_priv(cq)->events, 1, __ATOMIC_RELAXED);
            *cqp = cq;
            *cq_context = cq->cq_context;
            return 0;
        }
    }
}

/* Acknowledges 'nevents' events of 'cq' from ovsrdma_get_cq_event(), like
 * ibv_ack_cq_events().  Only counted: nothing waits for the count. */
void
ovsrdma_ack_cq_events(struct ovsrdma_cq *cq, unsigned int nevents)
{
    __atomic_add_fetch(&cq_priv(cq)->acks, nevents, __ATOMIC_RELAXED);
}
