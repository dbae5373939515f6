/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Unit test of the registration remap path (remap.c), without a daemon:
 * moving malloc()ed memory onto a memfd in place, reusing a range for
 * memory inside it, refusing partial overlaps, and zero-copy buffers. */

#include "client-private.h"
#include "client-test.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>


static size_t page;

/* Maps the whole memfd 'fd' a second time, as the daemon would. */
static uint8_t *
map_again(int fd, size_t *lenp)
{
    off_t len = lseek(fd, 0, SEEK_END);
    void *p;

    CHECK(len > 0);
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    *lenp = len;
    return p;
}

/* Moving unaligned malloc()ed memory keeps its address and contents, and
 * makes it shared with the memfd in both directions. */
static void
test_move(struct remap_table *t)
{
    size_t len = 3 * page + 100;
    uint8_t *buf = malloc(len + 2 * page);
    uint8_t *mr = buf + 123;    /* Unaligned on purpose. */
    uint8_t *other;
    uint64_t offset;
    size_t i, other_len;
    int fd, seals;

    CHECK(buf);
    for (i = 0; i < len; i++) {
        mr[i] = i * 7 + 1;
    }
    CHECK(!remap_prepare(t, mr, len, &fd, &offset));

    /* The daemon's requirements: sealed against shrinking, and 'offset'
     * locates 'mr' in the file. */
    seals = fcntl(fd, F_GET_SEALS);
    CHECK(seals >= 0 && (seals & F_SEAL_SHRINK));
    CHECK(offset == ((uintptr_t) mr & (page - 1)));

    for (i = 0; i < len; i++) {
        CHECK(mr[i] == (uint8_t) (i * 7 + 1));
    }

    other = map_again(fd, &other_len);
    CHECK(other_len >= offset + len && other_len % page == 0);
    CHECK(!memcmp(other + offset, mr, len));

    /* A write through the second mapping shows at the malloc()ed address,
     * and the other way round. */
    other[offset] = 0xa5;
    other[offset + len - 1] = 0x5a;
    CHECK(mr[0] == 0xa5 && mr[len - 1] == 0x5a);
    mr[page] = 0xc3;
    CHECK(other[offset + page] == 0xc3);

    /* Memory inside the range reuses the same memfd, without a copy. */
    {
        uint64_t offset2;
        int fd2;

        CHECK(!remap_prepare(t, mr + page + 5, 10, &fd2, &offset2));
        CHECK(offset2 == offset + page + 5);
        other[offset2] = 0x11;
        CHECK(mr[page + 5] == 0x11);
        close(fd2);
    }

    /* Overlapping the range without fitting inside it is refused, from
     * either side, and so is memory that covers it entirely.  (Refused
     * before any memory is touched, so the neighbours need not exist.) */
    {
        uintptr_t start = (uintptr_t) mr & ~(uintptr_t) (page - 1);
        uint8_t *range_start = (uint8_t *) start;
        uint8_t *range_end = range_start + other_len;
        uint64_t off;
        int fd3 = -1, fd4;

        CHECK(remap_prepare(t, range_end - 8, 16, &fd3, &off) == EINVAL);
        CHECK(remap_prepare(t, range_start - 8, 16, &fd3, &off) == EINVAL);
        CHECK(remap_prepare(t, range_start - page, other_len + 2 * page,
                            &fd3, &off) == EINVAL);
        CHECK(fd3 == -1);

        /* The page after the range is separate: moved onto its own memfd,
         * contents kept. */
        range_end[0] = 0x77;
        CHECK(!remap_prepare(t, range_end, 8, &fd4, &off));
        CHECK(off == 0 && range_end[0] == 0x77);
        close(fd4);
    }

    munmap(other, other_len);
    close(fd);
    /* The heap goes on working over the moved pages. */
    free(buf);
    buf = malloc(64);
    CHECK(buf);
    free(buf);
}

/* A range whose mapping disappeared is forgotten, not reused. */
static void
test_stale(struct remap_table *t)
{
    uint8_t *area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t off;
    int fd, fd2;

    CHECK(area != MAP_FAILED);
    area[10] = 42;
    CHECK(!remap_prepare(t, area, 2 * page, &fd, &off));
    close(fd);
    munmap(area, 2 * page);

    /* New memory at the same place: moved afresh, contents kept. */
    CHECK(mmap(area, 2 * page, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == area);
    area[10] = 43;
    CHECK(!remap_prepare(t, area + 10, 100, &fd2, &off));
    CHECK(off == 10 && area[10] == 43);
    close(fd2);
}

/* Zero-copy buffers are memfd mappings already; registering inside one
 * reuses it, and freeing it forgets it. */
static void
test_alloc(struct remap_table *t)
{
    size_t len = 2 * page + 1;
    uint8_t *buf = remap_alloc(t, len);
    uint8_t *other;
    uint64_t off;
    size_t i, other_len;
    int fd;

    CHECK(buf && (uintptr_t) buf % page == 0);
    for (i = 0; i < len; i++) {
        CHECK(buf[i] == 0);
    }
    buf[page + 3] = 9;
    CHECK(!remap_prepare(t, buf + page, 100, &fd, &off));
    CHECK(off == page);
    other = map_again(fd, &other_len);
    CHECK(other_len == 3 * page && other[page + 3] == 9);
    other[5] = 6;
    CHECK(buf[5] == 6);
    munmap(other, other_len);
    close(fd);

    CHECK(remap_prepare(t, buf + 2 * page, 2 * page, &fd, &off) == EINVAL);
    CHECK(remap_free(t, buf + page, len) == EINVAL);
    CHECK(!remap_free(t, buf, len));
    CHECK(remap_free(t, buf, len) == EINVAL);
}

static void
test_bad_args(struct remap_table *t)
{
    uint64_t off;
    int fd;

    CHECK(remap_prepare(t, &fd, 0, &fd, &off) == EINVAL);
    CHECK(remap_prepare(t, (void *) (UINTPTR_MAX - 10), 100, &fd, &off)
          == EINVAL);
    CHECK(remap_alloc(t, 0) == NULL && errno == EINVAL);
}

int
main(void)
{
    struct remap_table t;

    page = sysconf(_SC_PAGESIZE);
    remap_table_init(&t);
    test_move(&t);
    test_stale(&t);
    test_alloc(&t);
    test_bad_args(&t);
    remap_table_destroy(&t);
    printf("test-client-mr: ok\n");
    return 0;
}
