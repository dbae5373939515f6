/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Memory the RNIC can reach.  ovs-vswitchd accesses a memory region
 * through a memfd that the DCN passes at registration, so every registered
 * byte must live in a memfd mapping of this process.  Two ways in:
 *
 *   - remap_alloc() hands out fresh memfd mappings (zero copy);
 *
 *   - remap_prepare() moves arbitrary memory (malloc()ed, static, ...)
 *     onto a memfd in place: it copies the covering pages into a new memfd
 *     and maps the memfd over them with MAP_FIXED, so the addresses and the
 *     contents stay the same.  Those pages stay shared for the life of the
 *     process; fork() children share them rather than copy them.
 *
 * The table remembers every such range, so that memory inside one is not
 * moved twice (moving it again would cut it off from the memfd the daemon
 * already maps).  A request that overlaps a range without fitting inside it
 * fails with EINVAL: merging ranges is not supported yet. */

#include "client-private.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Initializes an empty table. */
void
remap_table_init(struct remap_table *t)
{
    long pg = sysconf(_SC_PAGESIZE);

    pthread_mutex_init(&t->lock, NULL);
    t->ranges = NULL;
    t->page_size = pg > 0 ? pg : 4096;
}

/* Forgets every range and closes their memfds.  The mappings stay: moved
 * memory is the application's, and allocated buffers are freed with
 * remap_free(). */
void
remap_table_destroy(struct remap_table *t)
{
    struct remap_range *r, *next;

    for (r = t->ranges; r; r = next) {
        next = r->next;
        close(r->fd);
        free(r);
    }
    t->ranges = NULL;
    pthread_mutex_destroy(&t->lock);
}

/* Creates a memfd of 'size' bytes sealed against shrinking, which is what
 * the daemon requires of memory it maps.  Returns the fd or -errno. */
static int
remap_memfd(size_t size)
{
    int fd, error;

    fd = memfd_create("ovsrdma-mem", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) {
        return -errno;
    }
    if (ftruncate(fd, size) || fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK)) {
        error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

/* Copies [start, start + size) into 'fd' from offset 0.  Letting the
 * kernel read the memory (pwrite() rather than memcpy() into a second
 * mapping) turns an unreadable page into EFAULT instead of a crash.  The
 * raw system call keeps AddressSanitizer's pwrite() interceptor from
 * reporting the neighbours on the covering pages, which are copied on
 * purpose. */
static int
remap_copy_in(int fd, uintptr_t start, size_t size)
{
    size_t done = 0;

    while (done < size) {
        ssize_t n = syscall(SYS_pwrite64, fd, (const char *) start + done,
                            size - done, (off_t) done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        done += n;
    }
    return 0;
}

/* Whether 'r' is still entirely mapped from its memfd.  The application
 * may have unmapped the memory since (free() of a large block, a shrinking
 * heap) and something else may live there now; such a range must not be
 * reused.  Reads /proc/self/maps, so only call it on the slow path.  If
 * the file cannot be read, assumes the range is intact. */
static bool
remap_range_is_live(const struct remap_range *r)
{
    uintptr_t end = r->start + r->len;
    size_t covered = 0;
    struct stat st;
    char line[512];
    FILE *maps;

    if (fstat(r->fd, &st)) {
        return false;
    }
    maps = fopen("/proc/self/maps", "re");
    if (!maps) {
        return true;
    }
    while (fgets(line, sizeof line, maps)) {
        uintmax_t lo, hi, off, ino;

        if (sscanf(line, "%jx-%jx %*s %jx %*s %ju", &lo, &hi, &off, &ino)
            != 4 || hi <= r->start || lo >= end) {
            continue;
        }
        if (lo < r->start || hi > end || ino != (uintmax_t) st.st_ino
            || off != lo - r->start) {
            break;
        }
        covered += hi - lo;
    }
    fclose(maps);
    return covered == r->len;
}

/* Unlinks and frees '*rp' (a link in t->ranges), closing its memfd. */
static void
remap_drop(struct remap_range **rp)
{
    struct remap_range *r = *rp;

    *rp = r->next;
    close(r->fd);
    free(r);
}

/* Records [start, start + len) as a mapping of 'fd' from offset 0.  Takes
 * ownership of 'fd'.  Returns the new range, or NULL (fd closed). */
static struct remap_range *
remap_add(struct remap_table *t, uintptr_t start, size_t len, int fd,
          bool allocated)
{
    struct remap_range *r = malloc(sizeof *r);

    if (!r) {
        close(fd);
        return NULL;
    }
    r->start = start;
    r->len = len;
    r->fd = fd;
    r->allocated = allocated;
    r->next = t->ranges;
    t->ranges = r;
    return r;
}

/* Looks for a range that covers any of the pages [start, end).  Drops
 * stale ranges met on the way.  Returns the link that points to the range,
 * or NULL if there is none. */
static struct remap_range **
remap_find_overlap(struct remap_table *t, uintptr_t start, uintptr_t end)
{
    struct remap_range **rp = &t->ranges;

    while (*rp) {
        struct remap_range *r = *rp;

        if (r->start < end && start < r->start + r->len) {
            if (remap_range_is_live(r)) {
                return rp;
            }
            remap_drop(rp);
            continue;
        }
        rp = &r->next;
    }
    return NULL;
}

/* Moves the pages [start, start + size) onto a new memfd, in place, and
 * records them.  Returns the new range or NULL with errno set. */
static struct remap_range *
remap_move(struct remap_table *t, uintptr_t start, size_t size)
{
    struct remap_range *r;
    int fd, error;

    fd = remap_memfd(size);
    if (fd < 0) {
        errno = -fd;
        return NULL;
    }
    error = remap_copy_in(fd, start, size);
    if (!error && mmap((void *) start, size, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
        error = errno;
    }
    if (error) {
        close(fd);
        errno = error;
        return NULL;
    }
    r = remap_add(t, start, size, fd, false);
    if (!r) {
        errno = ENOMEM;
    }
    return r;
}

/* Makes [addr, addr + len) memfd-backed memory, moving its covering pages
 * onto a new memfd unless a range of the table already contains it.  On
 * success stores in '*fdp' a new descriptor of that memfd (the caller
 * closes it) and in '*offsetp' the offset of 'addr' in it.  Returns 0,
 * EINVAL if the memory overlaps a known range without fitting inside it
 * (or 'len' is 0 or wraps), or another errno value (EFAULT for memory
 * that is not readable). */
int
remap_prepare(struct remap_table *t, void *addr, size_t len,
              int *fdp, uint64_t *offsetp)
{
    uintptr_t a = (uintptr_t) addr;
    uintptr_t mask = t->page_size - 1;
    uintptr_t start, end;
    struct remap_range **rp, *r;
    int error = 0;

    if (!len || a + len < a || a + len + mask < a + len) {
        return EINVAL;
    }
    start = a & ~mask;
    end = (a + len + mask) & ~mask;

    pthread_mutex_lock(&t->lock);
    rp = remap_find_overlap(t, start, end);
    if (rp) {
        r = *rp;
        if (a < r->start || a + len > r->start + r->len) {
            error = EINVAL;
        }
    } else {
        r = remap_move(t, start, end - start);
        if (!r) {
            error = errno;
        }
    }
    if (!error) {
        *fdp = fcntl(r->fd, F_DUPFD_CLOEXEC, 0);
        if (*fdp < 0) {
            error = errno;
        }
        *offsetp = a - r->start;
    }
    pthread_mutex_unlock(&t->lock);
    return error;
}

/* Allocates 'len' zeroed bytes in a new memfd mapping and records it.
 * Returns the page-aligned buffer, or NULL with errno set. */
void *
remap_alloc(struct remap_table *t, size_t len)
{
    size_t size = (len + t->page_size - 1) & ~(t->page_size - 1);
    void *buf;
    int fd;

    if (!len || size < len) {
        errno = EINVAL;
        return NULL;
    }
    fd = remap_memfd(size);
    if (fd < 0) {
        errno = -fd;
        return NULL;
    }
    buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (buf == MAP_FAILED) {
        int error = errno;

        close(fd);
        errno = error;
        return NULL;
    }
    pthread_mutex_lock(&t->lock);
    if (!remap_add(t, (uintptr_t) buf, size, fd, true)) {
        munmap(buf, size);
        buf = NULL;
        errno = ENOMEM;
    }
    pthread_mutex_unlock(&t->lock);
    return buf;
}

/* Unmaps and forgets a buffer of 'len' bytes from remap_alloc().  Returns
 * 0, or EINVAL if 'buf' is not such a buffer. */
int
remap_free(struct remap_table *t, void *buf, size_t len)
{
    struct remap_range **rp;
    int error = EINVAL;

    pthread_mutex_lock(&t->lock);
    for (rp = &t->ranges; *rp; rp = &(*rp)->next) {
        struct remap_range *r = *rp;

        if (r->allocated && r->start == (uintptr_t) buf
            && len <= r->len) {
            munmap(buf, r->len);
            remap_drop(rp);
            error = 0;
            break;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return error;
}
