/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/mr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "roce/engine-private.h"

/* Allocates a protection domain. */
struct roce_pd *
roce_alloc_pd(struct roce_engine *e)
{
    struct roce_pd *pd = calloc(1, sizeof *pd);

    if (!pd) {
        errno = ENOMEM;
        return NULL;
    }
    pd->engine = e;
    pd->id = ++e->next_pd_id;
    roce_list_push(&e->pds, &pd->node);
    return pd;
}

/* Frees 'pd'; fails with EBUSY while MRs, QPs or AHs still use it. */
int
roce_dealloc_pd(struct roce_pd *pd)
{
    if (!pd) {
        return EINVAL;
    }
    if (pd->refcnt) {
        return EBUSY;
    }
    roce_list_remove(&pd->node);
    free(pd);
    return 0;
}

/* Registers [addr, addr + length) with 'access' rights.  Peers address the
 * region by its virtual address, as with ibv_reg_mr().  The key (lkey ==
 * rkey) is the table slot in the upper 24 bits and a per-slot generation
 * in the low 8 bits, so a key of a deregistered MR does not silently
 * reach the next MR registered in the same slot. */
struct roce_mr *
roce_reg_mr(struct roce_pd *pd, void *addr, size_t length, int access)
{
    return roce_reg_mr_iova(pd, addr, length, (uintptr_t) addr, access);
}

/* Like roce_reg_mr(), but local SGEs and peers address the region by
 * 'iova' instead of 'addr' (ibv_reg_mr_iova()): the RNIC reaches memory
 * of another process through its own mapping at 'addr', while the owner
 * and its peers keep using the owner's addresses. */
struct roce_mr *
roce_reg_mr_iova(struct roce_pd *pd, void *addr, size_t length,
                 uint64_t iova, int access)
{
    struct roce_engine *e;
    struct roce_mr *mr;
    uint32_t slot;

    if (!pd || (!addr && length) || (access & ~ROCE_ACCESS_ALL)
        || (uint64_t) (uintptr_t) addr + length < (uintptr_t) addr
        || iova + length < iova) {
        errno = EINVAL;
        return NULL;
    }
    /* As in the IB spec, remote write/atomic need local write. */
    if ((access & (ROCE_ACCESS_REMOTE_WRITE | ROCE_ACCESS_REMOTE_ATOMIC))
        && !(access & ROCE_ACCESS_LOCAL_WRITE)) {
        errno = EINVAL;
        return NULL;
    }
    e = pd->engine;
    /* Slot 0 is never used, so that key 0 is always invalid. */
    for (slot = 1; slot < e->n_mr_slots; slot++) {
        if (!e->mrs[slot]) {
            break;
        }
    }
    if (slot >= e->n_mr_slots) {
        uint32_t n = e->n_mr_slots ? e->n_mr_slots * 2 : 64;
        struct roce_mr **mrs;
        uint8_t *gen;

        if (n > (1u << 24)) {
            errno = ENOMEM;
            return NULL;
        }
        mrs = realloc(e->mrs, n * sizeof *mrs);
        if (!mrs) {
            errno = ENOMEM;
            return NULL;
        }
        e->mrs = mrs;
        gen = realloc(e->mr_gen, n);
        if (!gen) {
            errno = ENOMEM;
            return NULL;
        }
        e->mr_gen = gen;
        memset(&mrs[e->n_mr_slots], 0, (n - e->n_mr_slots) * sizeof *mrs);
        memset(&gen[e->n_mr_slots], 0, n - e->n_mr_slots);
        e->n_mr_slots = n;
    }

    mr = calloc(1, sizeof *mr);
    if (!mr) {
        errno = ENOMEM;
        return NULL;
    }
    mr->pd = pd;
    mr->addr = addr;
    mr->iova = iova;
    mr->length = length;
    mr->access = access;
    mr->key = (slot << 8) | e->mr_gen[slot]++;
    e->mrs[slot] = mr;
    pd->refcnt++;
    return mr;
}

/* Deregisters 'mr'.  Work requests still referring to its key fail their
 * checked accesses afterwards instead of touching the memory. */
int
roce_dereg_mr(struct roce_mr *mr)
{
    struct roce_engine *e;

    if (!mr) {
        return EINVAL;
    }
    e = mr->pd->engine;
    e->mrs[mr->key >> 8] = NULL;
    mr->pd->refcnt--;
    free(mr);
    return 0;
}

uint32_t
roce_mr_lkey(const struct roce_mr *mr)
{
    return mr->key;
}

uint32_t
roce_mr_rkey(const struct roce_mr *mr)
{
    return mr->key;
}

/* The one checked lookup through which every access to registered memory
 * goes.  Returns the host address of 'va' if 'key' names a live MR of
 * 'pd' that grants 'op' and contains [va, va + len); otherwise NULL with
 * the reason in '*status'.  Checks are overflow-safe for any 64-bit 'va'
 * and 'len' a peer may send. */
uint8_t *
roce_mr_check(struct roce_engine *e, const struct roce_pd *pd, uint32_t key,
              uint64_t va, uint64_t len, enum roce_mr_op op,
              enum roce_mr_status *status)
{
    uint32_t slot = key >> 8;
    const struct roce_mr *mr;

    mr = slot < e->n_mr_slots ? e->mrs[slot] : NULL;
    if (!mr || mr->key != key) {
        *status = ROCE_MR_BAD_KEY;
        return NULL;
    }
    if (mr->pd != pd) {
        *status = ROCE_MR_BAD_PD;
        return NULL;
    }
    if ((mr->access & (int) op) != (int) op) {
        *status = ROCE_MR_BAD_ACCESS;
        return NULL;
    }
    if (va < mr->iova || len > mr->length
        || va - mr->iova > mr->length - len) {
        *status = ROCE_MR_BAD_BOUNDS;
        return NULL;
    }
    *status = ROCE_MR_OK;
    return mr->addr + (va - mr->iova);
}

/* Finds the SGE that contains byte 'offset' of the SGE list; returns its
 * index (n_sge if none) and the offset within it in '*inner'. */
static uint32_t
sge_seek(const struct roce_sge *sge, uint32_t n_sge, uint64_t offset,
         uint64_t *inner)
{
    uint32_t i;

    for (i = 0; i < n_sge; i++) {
        if (offset < sge[i].length) {
            break;
        }
        offset -= sge[i].length;
    }
    *inner = offset;
    return i;
}

static enum roce_mr_status
sge_copy(struct roce_engine *e, const struct roce_pd *pd,
         const struct roce_sge *sge, uint32_t n_sge, uint64_t offset,
         uint8_t *buf, size_t len, bool to_sge)
{
    enum roce_mr_op op = to_sge ? ROCE_MR_LOCAL_WRITE : ROCE_MR_LOCAL_READ;
    uint64_t inner;
    uint32_t i;

    for (i = sge_seek(sge, n_sge, offset, &inner); len && i < n_sge; i++) {
        size_t chunk = sge[i].length - inner;
        enum roce_mr_status st;
        uint8_t *p;

        if (chunk > len) {
            chunk = len;
        }
        p = roce_mr_check(e, pd, sge[i].lkey, sge[i].addr + inner, chunk,
                          op, &st);
        if (!p) {
            return st;
        }
        if (to_sge) {
            memcpy(p, buf, chunk);
        } else {
            memcpy(buf, p, chunk);
        }
        buf += chunk;
        len -= chunk;
        inner = 0;
    }
    return len ? ROCE_MR_BAD_BOUNDS : ROCE_MR_OK;
}

/* Copies 'len' bytes at 'offset' of the SGE list into 'dst'. */
enum roce_mr_status
roce_sge_gather(struct roce_engine *e, const struct roce_pd *pd,
                const struct roce_sge *sge, uint32_t n_sge, uint64_t offset,
                void *dst, size_t len)
{
    return sge_copy(e, pd, sge, n_sge, offset, dst, len, false);
}

/* Copies 'len' bytes from 'src' to 'offset' of the SGE list; needs
 * LOCAL_WRITE on every MR it touches. */
enum roce_mr_status
roce_sge_scatter(struct roce_engine *e, const struct roce_pd *pd,
                 const struct roce_sge *sge, uint32_t n_sge, uint64_t offset,
                 const void *src, size_t len)
{
    return sge_copy(e, pd, sge, n_sge, offset, (uint8_t *) src, len, true);
}

/* Frees whatever MRs the application left registered. */
void
roce_mr_table_destroy(struct roce_engine *e)
{
    uint32_t i;

    for (i = 0; i < e->n_mr_slots; i++) {
        free(e->mrs[i]);
    }
    free(e->mrs);
    free(e->mr_gen);
    e->mrs = NULL;
    e->mr_gen = NULL;
    e->n_mr_slots = 0;
}
