/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Event channels: a ring of struct ovsrdma_event that the daemon produces
 * into, plus an eventfd it writes after producing.  Completion channels
 * (cq.c) and CM event channels (cm.c) are both built on this. */

#include "client-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define EVENT_SIZE sizeof(struct ovsrdma_event)

/* Creates a channel in the daemon and maps its ring into 'ch'.  Returns 0
 * or an errno value. */
int
dcn_evchan_open(struct ovsrdma_context *ctx, struct dcn_evchan *ch)
{
    struct ovsrdma_msg_hdr req;
    struct ovsrdma_create_channel_reply reply;
    int fds[2];
    int error, flags;

    error = dcn_call(ctx, OVSRDMA_MSG_CREATE_CHANNEL, &req, sizeof req, -1,
                     &reply, sizeof reply, sizeof reply, fds, 2);
    if (error) {
        return error;
    }
    ch->ctx = ctx;
    ch->handle = reply.channel;
    ch->efd = fds[1];
    ch->map = NULL;
    ch->map_len = reply.mmap_len;
    error = dcn_map_fd(fds[0], reply.mmap_len,
                       ovsrdma_ring_bytes(reply.size, EVENT_SIZE), &ch->map);
    if (!error) {
        error = (reply.size
                 ? dcn_ring_attach(&ch->ring, ch->map, reply.size,
                                   EVENT_SIZE, false)
                 : EPROTO);
    }

    /* The eventfd's O_NONBLOCK belongs to the open file, which the daemon
     * shares: make the channel blocking, as the API promises, whatever
     * the daemon created it with.  (The daemon only writes it, and writing
     * an eventfd does not block short of 2^64 - 2 pending events.) */
    flags = fcntl(ch->efd, F_GETFL);
    if (!error && (flags < 0
                   || fcntl(ch->efd, F_SETFL, flags & ~O_NONBLOCK))) {
        error = errno;
    }
    if (error) {
        if (ch->map) {
            munmap(ch->map, ch->map_len);
        }
        close(ch->efd);
        dcn_call_handle(ctx, OVSRDMA_MSG_DESTROY_CHANNEL, ch->handle, 0,
                        NULL);
        return error;
    }
    pthread_mutex_init(&ch->lock, NULL);
    return 0;
}

/* Allocates a zeroed 'size'-byte channel object that embeds a struct
 * dcn_evchan at offset 'ofs' (a completion channel's or a CM event
 * channel's private structure) and opens that event channel.  Returns the
 * object, or NULL with errno set. */
void *
dcn_evchan_new(struct ovsrdma_context *ctx, size_t size, size_t ofs)
{
    char *obj = calloc(1, size);
    int error;

    if (!obj) {
        errno = ENOMEM;
        return NULL;
    }
    error = dcn_evchan_open(ctx, (struct dcn_evchan *) (obj + ofs));
    if (error) {
        free(obj);
        errno = error;
        return NULL;
    }
    return obj;
}

/* Destroys the channel in the daemon and unmaps it.  Returns 0 or an errno
 * value; on failure the channel is left intact unless 'force', which
 * releases the local side anyway (for callers that cannot report). */
int
dcn_evchan_close(struct dcn_evchan *ch, bool force)
{
    int error = dcn_call_handle(ch->ctx, OVSRDMA_MSG_DESTROY_CHANNEL,
                                ch->handle, 0, NULL);

    if (!error || force) {
        munmap(ch->map, ch->map_len);
        close(ch->efd);
        pthread_mutex_destroy(&ch->lock);
    }
    return error;
}

/* Copies the next event into '*ev' and consumes it, blocking until there
 * is one.  Returns 0, EAGAIN if the channel's fd was made non-blocking and
 * no event is pending, EINTR if a signal interrupted the wait, or EIO for
 * a corrupt ring. */
int
dcn_evchan_get(struct dcn_evchan *ch, struct ovsrdma_event *ev)
{
    for (;;) {
        uint64_t count;
        int avail;

        pthread_mutex_lock(&ch->lock);
        avail = dcn_ring_avail(&ch->ring);
        if (avail > 0) {
            memcpy(ev, dcn_ring_slot(&ch->ring, ch->ring.head), sizeof *ev);
            dcn_ring_consume(&ch->ring, 1);
        }
        pthread_mutex_unlock(&ch->lock);
        if (avail) {
            return avail > 0 ? 0 : EIO;
        }

        /* The daemon writes the eventfd after it produces, so if an event
         * arrives after we found the ring empty, this read returns.  A
         * count left from events consumed earlier only costs one more
         * trip around the loop. */
        if (read(ch->efd, &count, sizeof count) < 0) {
            return errno == EWOULDBLOCK ? EAGAIN : errno;
        }
    }
}
