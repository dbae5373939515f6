/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "ovs/bridge-watch.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mac-learning.h"
#include "ofproto/ofproto-dpif.h"
#include "ofproto/ofproto.h"
#include "sset.h"
#include "util.h"

/* What was last seen of one bridge. */
struct ro_bridge_watch {
    struct hmap_node hmap_node;     /* In ro_bridge_watches, by name. */
    char *name;
    ovs_version_t version;          /* OpenFlow tables version. */
    uint64_t ml_fp[6];              /* ml_fingerprint(). */
    bool seen;                      /* Mark-and-sweep in update. */
};

/* Stores in 'fp' numbers that change whenever 'ml''s entries change: its
 * size and its learned, expired, evicted and moved counters and number of
 * static entries.  Mac learning has no sequence number of its own, and a
 * move changes no size. */
static void
ml_fingerprint(const struct mac_learning *ml_, uint64_t fp[6])
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    struct mac_learning *ml = CONST_CAST(struct mac_learning *, ml_);

    memset(fp, 0, 6 * sizeof *fp);
    if (ml) {
        ovs_rwlock_rdlock(&ml->rwlock);
        fp[0] = hmap_count(&ml->table);
        fp[1] = ml->total_learned;
        fp[2] = ml->total_expired;
        fp[3] = ml->total_evicted;
        fp[4] = ml->total_moved;
        fp[5] = ml->static_entries;
        ovs_rwlock_unlock(&ml->rwlock);
    }
}

static struct ro_bridge_watch *
watch_find(const struct ro_bridge_watches *watches, const char *name)
{
    struct ro_bridge_watch *w;

    HMAP_FOR_EACH_WITH_HASH (w, hmap_node, hash_string(name, 0),
                             &watches->map) {
        if (!strcmp(w->name, name)) {
            return w;
        }
    }
    return NULL;
}

static void
watch_destroy(struct ro_bridge_watches *watches, struct ro_bridge_watch *w)
{
    hmap_remove(&watches->map, &w->hmap_node);
    free(w->name);
    free(w);
}

/* Notes the state of each bridge named in 'bridges' (names without an
 * ofproto are ignored) and stops watching the others.  Returns true if
 * any watched bridge appeared, disappeared, or changed its flow tables or
 * its MAC learning table since the previous call with 'watches'. */
bool
ro_bridge_watches_update(struct ro_bridge_watches *watches,
                         const struct sset *bridges)
{
    struct ro_bridge_watch *w;
    const char *name;
    bool changed = false;

    HMAP_FOR_EACH (w, hmap_node, &watches->map) {
        w->seen = false;
    }
    SSET_FOR_EACH (name, bridges) {
        struct ofproto_dpif *ofproto = ofproto_dpif_lookup_by_name(name);
        ovs_version_t version;
        uint64_t fp[6];

        if (!ofproto) {
            continue;
        }
        version = ofproto_dpif_get_tables_version(ofproto);
        ml_fingerprint(ofproto->ml, fp);

        w = watch_find(watches, name);
        if (!w) {
            w = xzalloc(sizeof *w);
            w->name = xstrdup(name);
            hmap_insert(&watches->map, &w->hmap_node, hash_string(name, 0));
            changed = true;
        } else if (w->version != version || memcmp(w->ml_fp, fp, sizeof fp)) {
            changed = true;
        }
        w->version = version;
        memcpy(w->ml_fp, fp, sizeof fp);
        w->seen = true;
    }
    HMAP_FOR_EACH_SAFE (w, hmap_node, &watches->map) {
        if (!w->seen) {
            watch_destroy(watches, w);
            changed = true;
        }
    }
    return changed;
}

/* Returns true if 'watches' watches no bridge. */
bool
ro_bridge_watches_is_empty(const struct ro_bridge_watches *watches)
{
    return hmap_is_empty(&watches->map);
}

/* Stops watching every bridge (the next update reports a change if it
 * names any bridge). */
void
ro_bridge_watches_clear(struct ro_bridge_watches *watches)
{
    struct ro_bridge_watch *w;

    HMAP_FOR_EACH_SAFE (w, hmap_node, &watches->map) {
        watch_destroy(watches, w);
    }
}

/* Adds the name of every bridge (of every datapath type) to 'bridges'. */
void
ro_bridges_enumerate(struct sset *bridges)
{
    struct sset types = SSET_INITIALIZER(&types);
    const char *type;

    ofproto_enumerate_types(&types);
    SSET_FOR_EACH (type, &types) {
        /* ofproto_enumerate_names() clears the set it fills. */
        struct sset names = SSET_INITIALIZER(&names);
        const char *name;

        ofproto_enumerate_names(type, &names);
        SSET_FOR_EACH (name, &names) {
            sset_add(bridges, name);
        }
        sset_destroy(&names);
    }
    sset_destroy(&types);
}
