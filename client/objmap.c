/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Events name objects by the daemon's handles; this maps a (kind, handle)
 * pair back to the library's object.  A chained hash table that doubles
 * when it gets as many entries as buckets. */

#include "client-private.h"

#include <errno.h>
#include <stdlib.h>

struct objmap_node {
    struct objmap_node *next;
    uint64_t key;
    void *obj;
};

static uint64_t
objmap_key(enum dcn_obj_kind kind, uint32_t handle)
{
    return ((uint64_t) kind << 32) | handle;
}

static size_t
objmap_bucket(const struct objmap *map, uint64_t key)
{
    /* Handles are usually small consecutive integers; multiplying spreads
     * them and the kind across the buckets. */
    return (size_t) ((key * UINT64_C(0x9e3779b97f4a7c15)) >> 32)
           & (map->n_buckets - 1);
}

/* Initializes an empty map. */
void
objmap_init(struct objmap *map)
{
    pthread_mutex_init(&map->lock, NULL);
    map->buckets = NULL;
    map->n_buckets = 0;
    map->n = 0;
}

/* Frees the map's own memory (not the objects). */
void
objmap_destroy(struct objmap *map)
{
    size_t i;

    for (i = 0; i < map->n_buckets; i++) {
        struct objmap_node *node, *next;

        for (node = map->buckets[i]; node; node = next) {
            next = node->next;
            free(node);
        }
    }
    free(map->buckets);
    pthread_mutex_destroy(&map->lock);
}

/* Doubles the bucket array (or creates it).  On allocation failure keeps
 * the old one, which still works, only slower. */
static void
objmap_expand(struct objmap *map)
{
    size_t n_buckets = map->n_buckets ? map->n_buckets * 2 : 16;
    struct objmap_node **old = map->buckets;
    size_t old_n = map->n_buckets;
    size_t i;

    map->buckets = calloc(n_buckets, sizeof *map->buckets);
    if (!map->buckets) {
        map->buckets = old;
        return;
    }
    map->n_buckets = n_buckets;
    for (i = 0; i < old_n; i++) {
        struct objmap_node *node, *next;

        for (node = old[i]; node; node = next) {
            size_t b = objmap_bucket(map, node->key);

            next = node->next;
            node->next = map->buckets[b];
            map->buckets[b] = node;
        }
    }
    free(old);
}

/* Returns the link to the node for 'key', or NULL.  Caller holds the
 * lock. */
static struct objmap_node **
objmap_lookup(struct objmap *map, uint64_t key)
{
    struct objmap_node **np;

    if (!map->n_buckets) {
        return NULL;
    }
    for (np = &map->buckets[objmap_bucket(map, key)]; *np;
         np = &(*np)->next) {
        if ((*np)->key == key) {
            return np;
        }
    }
    return NULL;
}

/* Maps 'handle' of 'kind' to 'obj'.  Returns 0, EEXIST if the handle is
 * already mapped (the daemon reused a live handle), or ENOMEM. */
int
objmap_insert(struct objmap *map, enum dcn_obj_kind kind, uint32_t handle,
              void *obj)
{
    uint64_t key = objmap_key(kind, handle);
    struct objmap_node *node;
    int error = 0;
    size_t b;

    pthread_mutex_lock(&map->lock);
    if (objmap_lookup(map, key)) {
        error = EEXIST;
        goto out;
    }
    if (map->n >= map->n_buckets) {
        objmap_expand(map);
    }
    node = map->n_buckets ? malloc(sizeof *node) : NULL;
    if (!node) {
        error = ENOMEM;
        goto out;
    }
    node->key = key;
    node->obj = obj;
    b = objmap_bucket(map, key);
    node->next = map->buckets[b];
    map->buckets[b] = node;
    map->n++;
out:
    pthread_mutex_unlock(&map->lock);
    return error;
}

/* Returns the object mapped from 'handle' of 'kind', or NULL. */
void *
objmap_find(struct objmap *map, enum dcn_obj_kind kind, uint32_t handle)
{
    struct objmap_node **np;
    void *obj;

    pthread_mutex_lock(&map->lock);
    np = objmap_lookup(map, objmap_key(kind, handle));
    obj = np ? (*np)->obj : NULL;
    pthread_mutex_unlock(&map->lock);
    return obj;
}

/* Forgets 'handle' of 'kind', if it is mapped. */
void
objmap_remove(struct objmap *map, enum dcn_obj_kind kind, uint32_t handle)
{
    struct objmap_node **np;

    pthread_mutex_lock(&map->lock);
    np = objmap_lookup(map, objmap_key(kind, handle));
    if (np) {
        struct objmap_node *node = *np;

        *np = node->next;
        free(node);
        map->n--;
    }
    pthread_mutex_unlock(&map->lock);
}
