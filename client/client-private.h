/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef OVSRDMA_CLIENT_PRIVATE_H
#define OVSRDMA_CLIENT_PRIVATE_H 1

/* memfd_create(), F_ADD_SEALS, MSG_CMSG_CLOEXEC.  Every file of client/
 * includes this header first, before any system header. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

/* libovsrdma internals, shared by the files of client/ and its unit tests.
 *
 * dcn-abi.h names the wire form of what ovs-rdma.h shows users
 * 'struct ovsrdma_abi_*' (SGEs, QP capabilities and attributes,
 * connection parameters, CM events), so both headers can be included
 * together. */

#include "dcn-abi.h"

#include "ovs-rdma.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DCN_CONTAINER_OF(PTR, STRUCT, MEMBER) \
    ((STRUCT *) (void *) ((char *) (PTR) - offsetof(STRUCT, MEMBER)))

/* ---- Rings (ring.c) --------------------------------------------------- */

/* One side's view of a shared ring.  'size' and 'stride' are private
 * copies: the shared header is writable by the other process, so it is
 * never trusted for bounds. */
struct dcn_ring {
    struct ovsrdma_ring *hdr;   /* NULL for an absent (0-entry) ring. */
    uint32_t size;              /* Entries, 0 or a power of 2. */
    uint32_t stride;            /* Bytes per entry. */
    uint32_t head;              /* The index this side owns: the next entry
                                 * to produce or to consume. */
};

int dcn_ring_attach(struct dcn_ring *, void *base, uint32_t size,
                    uint32_t stride, bool producer);
void *dcn_ring_slot(const struct dcn_ring *, uint32_t idx);
uint32_t dcn_ring_space(const struct dcn_ring *);
void dcn_ring_produce(struct dcn_ring *, uint32_t n);
bool dcn_ring_need_wakeup(const struct dcn_ring *);
int dcn_ring_avail(const struct dcn_ring *);
void dcn_ring_consume(struct dcn_ring *, uint32_t n);
int dcn_map_fd(int fd, uint64_t len, size_t need, void **mapp);

/* ---- Remapping memory onto memfds (remap.c) --------------------------- */

/* A page-aligned range of this process's address space that is a
 * MAP_SHARED mapping of 'fd' from offset 0. */
struct remap_range {
    struct remap_range *next;
    uintptr_t start;
    size_t len;
    int fd;                     /* Kept open to send with each REG_MR. */
    bool allocated;             /* From remap_alloc(), not moved memory. */
};

struct remap_table {
    pthread_mutex_t lock;
    struct remap_range *ranges;
    size_t page_size;
};

void remap_table_init(struct remap_table *);
void remap_table_destroy(struct remap_table *);
int remap_prepare(struct remap_table *, void *addr, size_t len,
                  int *fdp, uint64_t *offsetp);
void *remap_alloc(struct remap_table *, size_t len);
int remap_free(struct remap_table *, void *buf, size_t len);

/* ---- Handle to object maps (objmap.c) --------------------------------- */

/* The daemon numbers each kind of object separately. */
enum dcn_obj_kind {
    DCN_OBJ_CQ,
    DCN_OBJ_CM_ID,
};

struct objmap_node;

struct objmap {
    pthread_mutex_t lock;
    struct objmap_node **buckets;
    size_t n_buckets;           /* A power of 2. */
    size_t n;
};

void objmap_init(struct objmap *);
void objmap_destroy(struct objmap *);
int objmap_insert(struct objmap *, enum dcn_obj_kind, uint32_t handle,
                  void *obj);
void *objmap_find(struct objmap *, enum dcn_obj_kind, uint32_t handle);
void objmap_remove(struct objmap *, enum dcn_obj_kind, uint32_t handle);

/* ---- The session (context.c, channel.c) ------------------------------- */

struct ovsrdma_context {
    int sock;                   /* SOCK_SEQPACKET to ovs-vswitchd. */
    pthread_mutex_t sock_lock;  /* One request outstanding at a time. */
    uint32_t seq;               /* Last request's sequence number. */
    int broken;                 /* Nonzero: errno of a protocol failure
                                 * that desynchronized the socket. */
    int doorbell_fd;            /* Session eventfd (HELLO reply). */
    uint32_t dcn_id;

    struct remap_table remap;   /* Memory moved onto or allocated as
                                 * memfds, for registration. */
    struct objmap objs;         /* Daemon handle -> object, for events. */

    pthread_mutex_t cm_lock;    /* Protects cm_id_priv's 'events'. */
    pthread_cond_t cm_cond;     /* Signalled when an event is acked. */
};

int dcn_connect(const char *path, int *sockp);
int dcn_call(struct ovsrdma_context *, uint16_t type,
             void *req, size_t req_len, int send_fd,
             void *reply, size_t reply_len, size_t reply_min,
             int *fds, int n_fds);
int dcn_call_handle(struct ovsrdma_context *, uint16_t type,
                    uint32_t handle, uint32_t arg, uint32_t *reply_handle);
void dcn_ring_doorbell(struct ovsrdma_context *);

int dcn_sockaddr_to_abi(const struct sockaddr *, struct ovsrdma_sockaddr *);
bool dcn_sockaddr_from_abi(const struct ovsrdma_sockaddr *,
                           struct sockaddr_storage *);

/* ---- Event channels (evchan.c) ---------------------------------------- */

/* The mechanism under both completion channels and CM event channels. */
struct dcn_evchan {
    struct ovsrdma_context *ctx;
    uint32_t handle;
    int efd;                    /* Eventfd the daemon writes. */
    void *map;
    size_t map_len;
    pthread_mutex_t lock;       /* Serializes consumers. */
    struct dcn_ring ring;
};

int dcn_evchan_open(struct ovsrdma_context *, struct dcn_evchan *);
void *dcn_evchan_new(struct ovsrdma_context *, size_t size, size_t ofs);
int dcn_evchan_close(struct dcn_evchan *, bool force);
int dcn_evchan_get(struct dcn_evchan *, struct ovsrdma_event *);

/* ---- Objects --------------------------------------------------------- */

struct comp_channel_priv {
    struct ovsrdma_comp_channel pub;
    struct dcn_evchan ev;
};

struct cq_priv {
    struct ovsrdma_cq pub;
    struct dcn_ring ring;       /* Consumer side. */
    void *map;
    size_t map_len;
    pthread_mutex_t lock;       /* Serializes pollers. */
    unsigned int events;        /* Delivered by ovsrdma_get_cq_event(). */
    unsigned int acks;
};

struct qp_priv {
    struct ovsrdma_qp pub;
    struct dcn_ring sq;         /* Producer sides. */
    struct dcn_ring rq;
    pthread_mutex_t sq_lock;
    pthread_mutex_t rq_lock;
    struct ovsrdma_qp_cap cap;  /* Granted by the daemon. */
    int sq_sig_all;
    void *map;
    size_t map_len;
};

struct event_channel_priv {
    struct ovsrdma_event_channel pub;
    struct dcn_evchan ev;
};

struct cm_id_priv {
    struct ovsrdma_cm_id pub;
    unsigned int events;        /* Delivered and not yet acked; under the
                                 * context's 'cm_lock'. */
};

static inline struct cq_priv *
cq_priv(struct ovsrdma_cq *cq)
{
    return DCN_CONTAINER_OF(cq, struct cq_priv, pub);
}

static inline struct qp_priv *
qp_priv(struct ovsrdma_qp *qp)
{
    return DCN_CONTAINER_OF(qp, struct qp_priv, pub);
}

struct ovsrdma_qp *dcn_create_qp(struct ovsrdma_pd *,
                                 struct ovsrdma_qp_init_attr *,
                                 uint32_t cm_id);

#endif /* client-private.h */
