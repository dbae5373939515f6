/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* The client's side of the shared rings of dcn-abi.h.  The library
 * produces into send and receive queues and consumes completion and event
 * queues; the memory ordering rules are the ABI's (see dcn-abi.h). */

#include "client-private.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Makes 'ring' a view of the ring whose header is at 'base', with 'size'
 * entries (0, or a power of 2 up to OVSRDMA_MAX_RING) of 'stride' bytes.
 * 'producer' says which index this side owns.  A 0-entry ring has no
 * header: it is always full and always empty.  Returns 0 or EPROTO. */
int
dcn_ring_attach(struct dcn_ring *ring, void *base, uint32_t size,
                uint32_t stride, bool producer)
{
    if (size > OVSRDMA_MAX_RING || (size & (size - 1)) || !stride) {
        return EPROTO;
    }
    ring->size = size;
    ring->stride = stride;
    if (!size) {
        ring->hdr = NULL;
        ring->head = 0;
        return 0;
    }
    ring->hdr = base;
    ring->head = ovsrdma_load_acquire(producer ? &ring->hdr->prod
                                      : &ring->hdr->cons);
    return 0;
}

/* Returns the entry for free-running index 'idx'. */
void *
dcn_ring_slot(const struct dcn_ring *ring, uint32_t idx)
{
    return ovsrdma_ring_entry(ring->hdr, ring->size, ring->stride, idx);
}

/* Producer: how many entries may be written, starting at index 'head'.
 * A consumer index that claims more than 'size' entries consumed ahead of
 * us is nonsense from the other side; treat the ring as full. */
uint32_t
dcn_ring_space(const struct dcn_ring *ring)
{
    uint32_t used;

    if (!ring->hdr) {
        return 0;
    }
    used = ring->head - ovsrdma_load_acquire(&ring->hdr->cons);
    return used <= ring->size ? ring->size - used : 0;
}

/* Producer: publishes the 'n' entries written at 'head' onwards.  The
 * release store orders the entries' contents before the index. */
void
dcn_ring_produce(struct dcn_ring *ring, uint32_t n)
{
    if (n) {
        ring->head += n;
        ovsrdma_store_release(&ring->hdr->prod, ring->head);
    }
}

/* Producer, after dcn_ring_produce(): whether the consumer has stopped
 * polling and must be woken.  The full fence pairs with the daemon's fence
 * between setting OVSRDMA_RING_NEED_WAKEUP and polling 'prod' once more:
 * without it our load of 'flags' could be ordered before our store of
 * 'prod', and both sides could miss each other's write. */
bool
dcn_ring_need_wakeup(const struct dcn_ring *ring)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return (__atomic_load_n(&ring->hdr->flags, __ATOMIC_RELAXED)
            & OVSRDMA_RING_NEED_WAKEUP) != 0;
}

/* Consumer: the number of entries ready at 'head' onwards, or -EIO if the
 * producer's index is more than a ring ahead (a corrupt ring). */
int
dcn_ring_avail(const struct dcn_ring *ring)
{
    uint32_t n;

    if (!ring->hdr) {
        return 0;
    }
    n = ovsrdma_load_acquire(&ring->hdr->prod) - ring->head;
    return n <= ring->size ? (int) n : -EIO;
}

/* Consumer: gives the 'n' entries read at 'head' onwards back to the
 * producer.  The release store orders our reads before the index. */
void
dcn_ring_consume(struct dcn_ring *ring, uint32_t n)
{
    if (n) {
        ring->head += n;
        ovsrdma_store_release(&ring->hdr->cons, ring->head);
    }
}

/* Maps the memfd 'fd' of a reply, 'len' bytes long of which the rings in
 * it need 'need', shared and writable into '*mapp'; closes 'fd' either
 * way.  Checks the file's size first, so that a short file is an error now
 * instead of a SIGBUS later.  Returns 0 or an errno value. */
int
dcn_map_fd(int fd, uint64_t len, size_t need, void **mapp)
{
    struct stat st;
    void *map;
    int error = 0;

    if (!len || len < need || len > SIZE_MAX || fstat(fd, &st)
        || st.st_size < 0 || (uint64_t) st.st_size < len) {
        error = EPROTO;
    } else {
        map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) {
            error = errno;
        } else {
            *mapp = map;
        }
    }
    close(fd);
    return error;
}
