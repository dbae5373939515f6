/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* PDs and MRs: registration arguments, keys, and every failure mode of the
 * one checked lookup (key, stale key, PD, permission, bounds, wrap), plus
 * SGE gather/scatter through it. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "roce/engine-private.h"
#include "roce/mr.h"
#include "roce-link.h"
#include "roce-test.h"

static int
st_of(struct roce_engine *e, const struct roce_pd *pd, uint32_t key,
      uint64_t va, uint64_t len, enum roce_mr_op op)
{
    enum roce_mr_status st;
    uint8_t *p = roce_mr_check(e, pd, key, va, len, op, &st);

    /* A pointer comes back exactly when the access is allowed. */
    CHECK_EQ(p != NULL, st == ROCE_MR_OK);
    return st;
}

int
main(void)
{
    struct roce_engine_config cfg;
    struct roce_engine *e;
    struct roce_pd *pd, *pd2;
    struct roce_mr *mr, *ro, *mr2, *many[200];
    uint8_t buf[1000], buf2[100], out[300];
    uintptr_t b = (uintptr_t) buf;
    enum roce_mr_status st;
    uint32_t key, old_key;
    size_t i;

    roce_engine_config_init(&cfg);
    cfg.tx = link_no_tx;
    e = roce_engine_create(&cfg);
    CHECK(e != NULL);
    pd = roce_alloc_pd(e);
    pd2 = roce_alloc_pd(e);
    CHECK(pd && pd2);

    /* Registration arguments. */
    CHECK(!roce_reg_mr(NULL, buf, sizeof buf, 0));
    CHECK(!roce_reg_mr(pd, buf, sizeof buf, 1 << 7));
    errno = 0;
    CHECK(!roce_reg_mr(pd, buf, sizeof buf, ROCE_ACCESS_REMOTE_WRITE));
    CHECK_EQ(errno, EINVAL);
    CHECK(!roce_reg_mr(pd, buf, sizeof buf, ROCE_ACCESS_REMOTE_ATOMIC));
    CHECK(!roce_reg_mr(pd, (void *) (uintptr_t) (UINT64_MAX - 10), 100, 0));

    mr = roce_reg_mr(pd, buf, sizeof buf, ROCE_ACCESS_ALL);
    ro = roce_reg_mr(pd, buf, 500, ROCE_ACCESS_REMOTE_READ);
    mr2 = roce_reg_mr(pd2, buf2, sizeof buf2, ROCE_ACCESS_ALL);
    CHECK(mr && ro && mr2);
    key = roce_mr_rkey(mr);
    CHECK(key != 0);
    CHECK_EQ(roce_mr_lkey(mr), key);
    CHECK(roce_mr_rkey(ro) != key);

    /* Success returns the right address. */
    CHECK(roce_mr_check(e, pd, key, b + 10, 20, ROCE_MR_REMOTE_WRITE, &st)
          == buf + 10);
    CHECK_EQ(st_of(e, pd, key, b, sizeof buf, ROCE_MR_REMOTE_READ),
             ROCE_MR_OK);
    CHECK_EQ(st_of(e, pd, key, b + sizeof buf, 0, ROCE_MR_REMOTE_READ),
             ROCE_MR_OK);

    /* Keys. */
    CHECK_EQ(st_of(e, pd, 0, b, 1, ROCE_MR_LOCAL_READ), ROCE_MR_BAD_KEY);
    CHECK_EQ(st_of(e, pd, key ^ 1, b, 1, ROCE_MR_LOCAL_READ),
             ROCE_MR_BAD_KEY);
    CHECK_EQ(st_of(e, pd, 0xffffff00u, b, 1, ROCE_MR_LOCAL_READ),
             ROCE_MR_BAD_KEY);

    /* PD. */
    CHECK_EQ(st_of(e, pd2, key, b, 1, ROCE_MR_REMOTE_READ), ROCE_MR_BAD_PD);
    CHECK_EQ(st_of(e, pd, roce_mr_rkey(mr2), (uintptr_t) buf2, 1,
                   ROCE_MR_REMOTE_READ), ROCE_MR_BAD_PD);

    /* Permissions. */
    CHECK_EQ(st_of(e, pd, roce_mr_rkey(ro), b, 1, ROCE_MR_REMOTE_READ),
             ROCE_MR_OK);
    CHECK_EQ(st_of(e, pd, roce_mr_rkey(ro), b, 1, ROCE_MR_LOCAL_READ),
             ROCE_MR_OK);
    CHECK_EQ(st_of(e, pd, roce_mr_rkey(ro), b, 1, ROCE_MR_REMOTE_WRITE),
             ROCE_MR_BAD_ACCESS);
    CHECK_EQ(st_of(e, pd, roce_mr_rkey(ro), b, 8, ROCE_MR_REMOTE_ATOMIC),
             ROCE_MR_BAD_ACCESS);
    CHECK_EQ(st_of(e, pd, roce_mr_rkey(ro), b, 1, ROCE_MR_LOCAL_WRITE),
             ROCE_MR_BAD_ACCESS);

    /* Bounds, including overflow of va + len. */
    CHECK_EQ(st_of(e, pd, key, b - 1, 1, ROCE_MR_LOCAL_READ),
             ROCE_MR_BAD_BOUNDS);
    CHECK_EQ(st_of(e, pd, key, b + 1, sizeof buf, ROCE_MR_LOCAL_READ),
             ROCE_MR_BAD_BOUNDS);
    CHECK_EQ(st_of(e, pd, key, b + sizeof buf, 1, ROCE_MR_LOCAL_READ),
             ROCE_MR_BAD_BOUNDS);
    CHECK_EQ(st_of(e, pd, key, b, sizeof buf + 1, ROCE_MR_LOCAL_READ),
             ROCE_MR_BAD_BOUNDS);
    CHECK_EQ(st_of(e, pd, key, b + 10, UINT64_MAX, ROCE_MR_LOCAL_READ),
             ROCE_MR_BAD_BOUNDS);
    CHECK_EQ(st_of(e, pd, key, UINT64_MAX, 2, ROCE_MR_LOCAL_READ),
             ROCE_MR_BAD_BOUNDS);
    CHECK_EQ(st_of(e, pd, roce_mr_rkey(ro), b + 499, 2, ROCE_MR_REMOTE_READ),
             ROCE_MR_BAD_BOUNDS);

    /* A deregistered key stays dead even when its slot is reused. */
    old_key = roce_mr_rkey(mr2);
    CHECK_EQ(roce_dereg_mr(mr2), 0);
    CHECK_EQ(st_of(e, pd2, old_key, (uintptr_t) buf2, 1, ROCE_MR_LOCAL_READ),
             ROCE_MR_BAD_KEY);
    mr2 = roce_reg_mr(pd2, buf2, sizeof buf2, ROCE_ACCESS_ALL);
    CHECK((roce_mr_rkey(mr2) >> 8) == (old_key >> 8));
    CHECK(roce_mr_rkey(mr2) != old_key);
    CHECK_EQ(st_of(e, pd2, old_key, (uintptr_t) buf2, 1, ROCE_MR_LOCAL_READ),
             ROCE_MR_BAD_KEY);

    /* The table grows; all keys stay valid and distinct. */
    for (i = 0; i < ARRAY_N(many); i++) {
        many[i] = roce_reg_mr(pd, buf + i % 100, 10, 0);
        CHECK(many[i] != NULL);
    }
    for (i = 0; i < ARRAY_N(many); i++) {
        CHECK_EQ(st_of(e, pd, roce_mr_lkey(many[i]),
                       (uintptr_t) (buf + i % 100), 10, ROCE_MR_LOCAL_READ),
                 ROCE_MR_OK);
        if (i) {
            CHECK(roce_mr_lkey(many[i]) != roce_mr_lkey(many[i - 1]));
        }
    }

    /* SGE gather / scatter across elements, with an offset. */
    {
        struct roce_sge sge[3] = {
            { b, 100, key },
            { b + 500, 50, roce_mr_lkey(ro) },
            { (uintptr_t) buf2, 100, roce_mr_lkey(mr2) },   /* Other PD. */
        };

        for (i = 0; i < sizeof buf; i++) {
            buf[i] = (uint8_t) i;
        }
        /* Second SGE: 'ro' only covers [0, 500), so b + 500 is out. */
        CHECK_EQ(roce_sge_gather(e, pd, sge, 2, 90, out, 40),
                 ROCE_MR_BAD_BOUNDS);
        CHECK_MEM(out, buf + 90, 10);
        sge[1].lkey = key;
        CHECK_EQ(roce_sge_gather(e, pd, sge, 2, 90, out, 40), ROCE_MR_OK);
        CHECK_MEM(out + 10, buf + 500, 30);
        /* Past the end of the list. */
        CHECK_EQ(roce_sge_gather(e, pd, sge, 2, 100, out, 51),
                 ROCE_MR_BAD_BOUNDS);
        /* Into the other PD's MR. */
        CHECK_EQ(roce_sge_gather(e, pd, sge, 3, 140, out, 20),
                 ROCE_MR_BAD_PD);
        /* Scatter needs LOCAL_WRITE. */
        memset(out, 0xab, sizeof out);
        CHECK_EQ(roce_sge_scatter(e, pd, sge, 2, 95, out, 10), ROCE_MR_OK);
        CHECK_EQ(buf[95], 0xab);
        CHECK_EQ(buf[500 + 4], 0xab);
        CHECK_EQ(buf[500 + 5], (uint8_t) (500 + 5));
        sge[0].lkey = roce_mr_lkey(ro);
        CHECK_EQ(roce_sge_scatter(e, pd, sge, 1, 0, out, 1),
                 ROCE_MR_BAD_ACCESS);
        CHECK_EQ(buf[0], 0);
    }

    /* A PD with MRs cannot go away. */
    CHECK_EQ(roce_dealloc_pd(pd2), EBUSY);
    CHECK_EQ(roce_dereg_mr(mr2), 0);
    CHECK_EQ(roce_dealloc_pd(pd2), 0);

    roce_engine_destroy(e);     /* Frees what is left. */
    return roce_test_exit();
}
