/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Unit test of the shared ring discipline (ring.c): one view produces and
 * another consumes the same memory, as the library and the daemon do. */

#include "client-private.h"
#include "client-test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define SIZE 8

struct entry {
    uint64_t seq;
    uint32_t check;
    uint32_t pad;
};

static struct ovsrdma_ring *
ring_new(uint32_t start)
{
    struct ovsrdma_ring *hdr = aligned_alloc(64, ovsrdma_ring_bytes(
                                                 SIZE, sizeof(struct entry)));

    CHECK(hdr);
    memset(hdr, 0, sizeof *hdr);
    hdr->prod = hdr->cons = start;
    hdr->size = SIZE;
    hdr->stride = sizeof(struct entry);
    return hdr;
}

static void
produce_n(struct dcn_ring *p, uint32_t n, uint64_t *seq)
{
    uint32_t i;

    CHECK(dcn_ring_space(p) >= n);
    for (i = 0; i < n; i++) {
        struct entry *e = dcn_ring_slot(p, p->head + i);

        e->seq = *seq;
        e->check = ~(uint32_t) *seq;
        ++*seq;
    }
    dcn_ring_produce(p, n);
}

static void
consume_n(struct dcn_ring *c, uint32_t n, uint64_t *seq)
{
    uint32_t i;

    CHECK(dcn_ring_avail(c) >= (int) n);
    for (i = 0; i < n; i++) {
        const struct entry *e = dcn_ring_slot(c, c->head + i);

        CHECK(e->seq == *seq && e->check == ~(uint32_t) *seq);
        ++*seq;
    }
    dcn_ring_consume(c, n);
}

/* Produces and consumes in uneven batches across many laps of the ring,
 * starting the free-running indices at 'start' so that they also wrap
 * around 2^32. */
static void
test_laps(uint32_t start)
{
    struct ovsrdma_ring *hdr = ring_new(start);
    struct dcn_ring p, c;
    uint64_t pseq = 0, cseq = 0;
    int i;

    CHECK(!dcn_ring_attach(&p, hdr, SIZE, sizeof(struct entry), true));
    CHECK(!dcn_ring_attach(&c, hdr, SIZE, sizeof(struct entry), false));
    CHECK(p.head == start && c.head == start);
    CHECK(dcn_ring_avail(&c) == 0 && dcn_ring_space(&p) == SIZE);

    for (i = 0; i < 100; i++) {
        uint32_t n = 1 + i % SIZE;

        produce_n(&p, n, &pseq);
        CHECK(dcn_ring_avail(&c) == (int) n);
        CHECK(dcn_ring_space(&p) == SIZE - n);
        consume_n(&c, n / 2, &cseq);
        consume_n(&c, n - n / 2, &cseq);
        CHECK(dcn_ring_avail(&c) == 0);
    }
    CHECK(hdr->prod == hdr->cons && hdr->prod == start + (uint32_t) pseq);
    free(hdr);
}

/* A full ring has no space until the consumer frees some; entries then go
 * in the freed slots without overwriting unconsumed ones. */
static void
test_full(void)
{
    struct ovsrdma_ring *hdr = ring_new(UINT32_MAX - 2);
    struct dcn_ring p, c;
    uint64_t pseq = 0, cseq = 0;

    CHECK(!dcn_ring_attach(&p, hdr, SIZE, sizeof(struct entry), true));
    CHECK(!dcn_ring_attach(&c, hdr, SIZE, sizeof(struct entry), false));
    produce_n(&p, SIZE, &pseq);
    CHECK(dcn_ring_space(&p) == 0);
    CHECK(dcn_ring_avail(&c) == SIZE);
    consume_n(&c, 3, &cseq);
    CHECK(dcn_ring_space(&p) == 3);
    produce_n(&p, 3, &pseq);
    CHECK(dcn_ring_space(&p) == 0);
    consume_n(&c, SIZE, &cseq);
    CHECK(dcn_ring_avail(&c) == 0 && dcn_ring_space(&p) == SIZE);
    free(hdr);
}

/* Indices from the other side that claim more than a ring's worth are
 * corruption: the consumer reports it, the producer sees no space. */
static void
test_corrupt(void)
{
    struct ovsrdma_ring *hdr = ring_new(0);
    struct dcn_ring p, c;

    CHECK(!dcn_ring_attach(&p, hdr, SIZE, sizeof(struct entry), true));
    CHECK(!dcn_ring_attach(&c, hdr, SIZE, sizeof(struct entry), false));
    hdr->prod = SIZE + 1;
    CHECK(dcn_ring_avail(&c) == -EIO);
    hdr->prod = 0;
    hdr->cons = 5;              /* Consumer ahead of producer. */
    CHECK(dcn_ring_space(&p) == 0);
    free(hdr);
}

static void
test_attach(void)
{
    struct ovsrdma_ring *hdr = ring_new(0);
    struct dcn_ring r;

    CHECK(dcn_ring_attach(&r, hdr, 6, 16, true) == EPROTO);
    CHECK(dcn_ring_attach(&r, hdr, 2 * OVSRDMA_MAX_RING, 16, true)
          == EPROTO);
    CHECK(dcn_ring_attach(&r, hdr, 8, 0, true) == EPROTO);

    /* A 0-entry ring is always empty and always full. */
    CHECK(!dcn_ring_attach(&r, NULL, 0, 16, true));
    CHECK(dcn_ring_space(&r) == 0 && dcn_ring_avail(&r) == 0);
    free(hdr);
}

/* The doorbell is needed exactly when the consumer set NEED_WAKEUP. */
static void
test_wakeup(void)
{
    struct ovsrdma_ring *hdr = ring_new(0);
    struct dcn_ring p;
    uint64_t seq = 0;

    CHECK(!dcn_ring_attach(&p, hdr, SIZE, sizeof(struct entry), true));
    produce_n(&p, 1, &seq);
    CHECK(!dcn_ring_need_wakeup(&p));
    hdr->flags = OVSRDMA_RING_NEED_WAKEUP;
    CHECK(dcn_ring_need_wakeup(&p));
    free(hdr);
}

int
main(void)
{
    test_laps(0);
    test_laps(UINT32_MAX - 13);
    test_full();
    test_corrupt();
    test_attach();
    test_wakeup();
    printf("test-client-ring: ok\n");
    return 0;
}
