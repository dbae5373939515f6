/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/cq.h"

#include <errno.h>
#include <stdlib.h>
#include "roce/engine-private.h"

/* Creates a CQ that holds 'cqe' completions. */
struct roce_cq *
roce_create_cq(struct roce_engine *e, int cqe, void *cq_context)
{
    struct roce_cq *cq;

    if (cqe < 1 || cqe > (1 << 22)) {
        errno = EINVAL;
        return NULL;
    }
    cq = calloc(1, sizeof *cq);
    if (!cq) {
        errno = ENOMEM;
        return NULL;
    }
    cq->ring = calloc(cqe, sizeof *cq->ring);
    if (!cq->ring) {
        free(cq);
        errno = ENOMEM;
        return NULL;
    }
    cq->engine = e;
    cq->context = cq_context;
    cq->size = cqe;
    roce_list_push(&e->cqs, &cq->node);
    return cq;
}

/* Destroys 'cq'; fails with EBUSY while a QP uses it. */
int
roce_destroy_cq(struct roce_cq *cq)
{
    if (!cq) {
        return EINVAL;
    }
    if (cq->refcnt) {
        return EBUSY;
    }
    roce_list_remove(&cq->node);
    free(cq->ring);
    free(cq);
    return 0;
}

/* Moves up to 'n' completions, oldest first, into 'wc'.  Returns how many,
 * or -1 once the CQ has overflowed (as a real CQ in error does). */
int
roce_poll_cq(struct roce_cq *cq, int n, struct roce_wc *wc)
{
    int i;

    if (cq->overflow) {
        return -1;
    }
    for (i = 0; i < n && cq->count; i++) {
        wc[i] = cq->ring[cq->head];
        cq->head = cq->head + 1 == cq->size ? 0 : cq->head + 1;
        cq->count--;
    }
    return i;
}

/* Arms the CQ: the handler (roce_cq_set_handler()) runs once for the next
 * completion (only a solicited or error one if 'solicited_only'). */
int
roce_req_notify_cq(struct roce_cq *cq, int solicited_only)
{
    cq->armed = solicited_only ? 2 : 1;
    return 0;
}

/* Sets the function the engine calls, from within whatever engine call
 * produced the completion, when an armed CQ gets a completion.  It plays
 * the role of a completion channel for the caller's event loop. */
void
roce_cq_set_handler(struct roce_cq *cq, roce_comp_handler *handler,
                    void *aux)
{
    cq->handler = handler;
    cq->handler_aux = aux;
}

void *
roce_cq_context(const struct roce_cq *cq)
{
    return cq->context;
}

/* Queues 'wc'.  Returns false, and puts the CQ into its overflow error
 * state, if it is full: the IB spec makes CQ overrun an error of the CQ
 * (and of the QPs that complete into it), never a silent drop. */
bool
roce_cq_push(struct roce_cq *cq, const struct roce_wc *wc, bool solicited)
{
    uint32_t tail;

    if (cq->overflow) {
        return false;
    }
    if (cq->count == cq->size) {
        cq->overflow = true;
        roce_count(cq->engine, NULL, ROCE_CTR_CQ_OVERFLOW, 1);
        roce_engine_event(cq->engine, ROCE_EVENT_CQ_ERR, NULL, cq);
        return false;
    }
    tail = cq->head + cq->count;
    if (tail >= cq->size) {
        tail -= cq->size;
    }
    cq->ring[tail] = *wc;
    cq->count++;

    if (cq->armed
        && (cq->armed == 1 || solicited || wc->status != ROCE_WC_SUCCESS)) {
        cq->armed = 0;
        if (cq->handler) {
            cq->handler(cq, cq->handler_aux);
        }
    }
    return true;
}
