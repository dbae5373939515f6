/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "nic/intern.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/hmap.h"
#include "util.h"

struct interned {
    struct hmap_node hmap_node;
    unsigned int refs;
    char s[];
};

static struct hmap strings = HMAP_INITIALIZER(&strings);

/* Returns a shared copy of 's', which the caller must release with
 * ro_intern_unref(). */
const char *
ro_intern(const char *s)
{
    uint32_t hash = hash_string(s, 0);
    struct interned *in;
    size_t len;

    HMAP_FOR_EACH_WITH_HASH (in, hmap_node, hash, &strings) {
        if (!strcmp(in->s, s)) {
            in->refs++;
            return in->s;
        }
    }
    len = strlen(s);
    in = xmalloc(sizeof *in + len + 1);
    in->refs = 1;
    memcpy(in->s, s, len + 1);
    hmap_insert(&strings, &in->hmap_node, hash);
    return in->s;
}

/* Releases a copy returned by ro_intern() (null is ignored). */
void
ro_intern_unref(const char *s)
{
    if (s) {
        struct interned *in = CONTAINER_OF(s, struct interned, s);

        if (!--in->refs) {
            hmap_remove(&strings, &in->hmap_node);
            free(in);
        }
    }
}
