/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef OVSRDMA_DCN_ABI_H
#define OVSRDMA_DCN_ABI_H 1

/* The DCN channel ABI: what a DCN process (through libovsrdma) and
 * ovs-vswitchd's DCN channel server (lib/rdma-overlay/dcn/) exchange.
 *
 * Transport.  Each RDMA-enabled Interface has a SOCK_SEQPACKET unix socket
 * in ovs-vswitchd's run directory (its path is the Interface's
 * status:rdma_overlay_socket).  A process that connects is a DCN of that
 * port: the daemon identifies it by the socket and SO_PEERCRED, never by
 * anything a message says.  Every message is one datagram that starts with
 * 'struct ovsrdma_msg_hdr'.  The client sends requests; the daemon answers
 * each with exactly one reply (same 'type' | OVSRDMA_MSG_REPLY, same
 * 'seq', 'status' 0 or a positive errno value) in order.  The daemon sends
 * nothing else on the socket: asynchronous things (completion
 * notifications, connection-manager events, QP errors) go through event
 * channels, below.  File descriptors travel as SCM_RIGHTS ancillary data;
 * the message that carries them says which.
 *
 * Shared memory.  Queues live in memory shared by both processes:
 *
 *   - a QP's send queue and receive queue, a CQ's completion queue and an
 *     event channel's event queue are each a 'struct ovsrdma_ring' header
 *     followed by its entries, in a memfd the daemon creates and passes to
 *     the client (the client maps it, the daemon keeps its own mapping);
 *
 *   - a memory region is memory of the client that is backed by a memfd
 *     the client passes at registration, sealed against shrinking
 *     (F_SEAL_SHRINK, checked by the daemon) so that the daemon's mapping
 *     can never fault.  libovsrdma allocates such memory directly
 *     (ovsrdma_alloc_buf(), zero copy) or, for arbitrary memory such as a
 *     malloc()ed buffer, moves the pages that cover it onto a memfd at
 *     the same virtual address before registering it.
 *
 * Rings.  'prod' is written only by the producer, 'cons' only by the
 * consumer; both are free-running 32-bit counters (entry i lives at
 * index i & (size - 1)).  A producer writes the entry, then stores 'prod'
 * with release semantics; a consumer loads 'prod' with acquire semantics,
 * reads the entries, then stores 'cons' with release semantics.  The
 * daemon never trusts what the client can write: it keeps its own copy of
 * 'size', 'stride' and of the index it owns, and treats a 'prod' that is
 * more than 'size' ahead of its 'cons' as a corrupt ring (the QP or CQ
 * goes to error; the daemon and other DCNs are unaffected).
 *
 * Doorbells.  After producing send or receive WQEs the client looks at
 * the ring's 'flags' (after a full fence): if OVSRDMA_RING_NEED_WAKEUP is
 * set, the daemon is not polling that ring and the client writes 1 to the
 * session's doorbell eventfd (passed in the HELLO reply); otherwise no
 * system call is needed.  A daemon that polls a ring clears the flag while
 * it does, sets it before it stops, then polls once more, so a wake-up is
 * never lost.  (This daemon runs the rings from its main loop and does not
 * busy-poll: it keeps the flag set.)
 *
 * Blocking waits.  An event channel is a ring of 'struct ovsrdma_event'
 * plus an eventfd that the daemon writes after producing events; the
 * client reads the eventfd to block (or polls it), then consumes the ring.
 * A CQ created with a channel and armed with ovsrdma_req_notify_cq()
 * (the client sets 'armed' in the CQ ring, 1 = any, 2 = solicited) raises
 * one OVSRDMA_EV_COMP event when the next (solicited) completion arrives;
 * the daemon clears 'armed' when it does so.
 *
 * Values.  Opcodes, flags, status codes and enumerations use libibverbs'
 * and librdmacm's numeric values (IBV_WR_*, IBV_SEND_*, IBV_WC_*,
 * IBV_QPS_*, IBV_QP_* attribute mask bits, IBV_ACCESS_*, IBV_MTU_*,
 * RDMA_CM_EVENT_*), so that a library mapping the standard ABI onto this
 * one copies them unchanged.  All fields are in host byte order except
 * 'imm_data', which is opaque (network order, as in libibverbs).
 *
 * Versioning.  OVSRDMA_ABI_VERSION changes whenever a layout or a meaning
 * changes; the daemon refuses a HELLO with another version (EPROTO). */

#include <stddef.h>
#include <stdint.h>

#define OVSRDMA_ABI_VERSION 1

#define OVSRDMA_MAX_SEND_SGE 8
#define OVSRDMA_MAX_RECV_SGE 8
#define OVSRDMA_MAX_INLINE 128     /* Inline data overlays the SGE array. */
#define OVSRDMA_MAX_PRIVATE_DATA 196 /* REQ's private data (IBTA 12.6.5)
                                      * less the 36-byte IP CM header is
                                      * 56; REP's is 196: the CM enforces
                                      * the per-message limit. */
#define OVSRDMA_MAX_MSG 1024       /* Largest control message. */
#define OVSRDMA_MAX_GIDS 8         /* Addresses a port may carry. */
#define OVSRDMA_MAX_RING 16384     /* Largest ring, in entries. */

/* ---- Rings ------------------------------------------------------------ */

#define OVSRDMA_RING_NEED_WAKEUP 0x1

struct ovsrdma_ring {
    uint32_t prod;              /* Producer index. */
    uint32_t pad0[15];          /* 'prod' and 'cons' in their own cache
                                 * lines, so that the two sides never
                                 * write the same line. */
    uint32_t cons;              /* Consumer index. */
    uint32_t pad1[15];
    uint32_t flags;             /* OVSRDMA_RING_*, written by the daemon. */
    uint32_t armed;             /* CQ only: 0, 1 (any), 2 (solicited);
                                 * set by the client, cleared by the
                                 * daemon. */
    uint32_t size;              /* Entries, a power of 2 (informational:
                                 * the daemon uses its own copy). */
    uint32_t stride;            /* Bytes per entry. */
    uint32_t pad2[12];
    /* Entries follow, at offset sizeof(struct ovsrdma_ring). */
};

static inline void *
ovsrdma_ring_entry(struct ovsrdma_ring *ring, uint32_t size,
                   uint32_t stride, uint32_t idx)
{
    return (uint8_t *) (ring + 1) + (size_t) (idx & (size - 1)) * stride;
}

static inline uint32_t
ovsrdma_load_acquire(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void
ovsrdma_store_release(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Bytes of a ring of 'size' entries of 'stride' bytes, header included. */
static inline size_t
ovsrdma_ring_bytes(uint32_t size, uint32_t stride)
{
    return sizeof(struct ovsrdma_ring) + (size_t) size * stride;
}

struct ovsrdma_abi_sge {
    uint64_t addr;              /* Client virtual address. */
    uint32_t length;
    uint32_t lkey;
};

/* Send queue entry. */
struct ovsrdma_send_wqe {
    uint64_t wr_id;
    uint32_t opcode;            /* IBV_WR_*. */
    uint32_t send_flags;        /* IBV_SEND_*. */
    uint32_t imm_data;          /* Network byte order. */
    uint32_t num_sge;           /* SGEs, or inline bytes if IBV_SEND_INLINE. */
    uint64_t remote_addr;       /* RDMA and atomic operations. */
    uint32_t rkey;
    uint32_t ah;                /* UD: address handle. */
    uint64_t compare_add;       /* Atomics. */
    uint64_t swap;
    uint32_t remote_qpn;        /* UD. */
    uint32_t remote_qkey;       /* UD. */
    uint32_t pad[6];
    union {
        struct ovsrdma_abi_sge sge[OVSRDMA_MAX_SEND_SGE];
        uint8_t inline_data[OVSRDMA_MAX_INLINE];
    } u;
};

/* Receive queue entry. */
struct ovsrdma_recv_wqe {
    uint64_t wr_id;
    uint32_t num_sge;
    uint32_t pad;
    struct ovsrdma_abi_sge sge[OVSRDMA_MAX_RECV_SGE];
};

/* Completion queue entry (the fields of struct ibv_wc). */
struct ovsrdma_cqe {
    uint64_t wr_id;
    uint32_t status;            /* IBV_WC_*. */
    uint32_t opcode;            /* IBV_WC_* opcode. */
    uint32_t vendor_err;
    uint32_t byte_len;
    uint32_t imm_data;          /* Network byte order. */
    uint32_t qp_num;
    uint32_t src_qp;
    uint32_t wc_flags;          /* IBV_WC_GRH, IBV_WC_WITH_IMM. */
    uint16_t pkey_index;
    uint16_t pad0;
    uint32_t pad1[3];
};

/* ---- Event channels --------------------------------------------------- */

enum ovsrdma_event_type {
    OVSRDMA_EV_COMP = 1,        /* 'handle' is the CQ. */
    OVSRDMA_EV_CM = 2,          /* 'u.cm' is a connection-manager event. */
    OVSRDMA_EV_ASYNC = 3,       /* 'handle' is the QP or CQ; 'u.async'. */
};

struct ovsrdma_sockaddr {
    uint16_t family;            /* AF_INET or AF_INET6. */
    uint16_t port;              /* Host order. */
    uint8_t addr[16];           /* IPv4 in the first 4 bytes. */
};

/* Connection parameters (struct rdma_conn_param), both directions. */
struct ovsrdma_abi_conn_param {
    uint8_t responder_resources;
    uint8_t initiator_depth;
    uint8_t flow_control;
    uint8_t retry_count;
    uint8_t rnr_retry_count;
    uint8_t private_data_len;
    uint8_t pad[2];
    uint32_t qp_num;            /* Event: the remote QPN. */
    uint32_t pad1;
    uint8_t private_data[OVSRDMA_MAX_PRIVATE_DATA];
};

/* Connection-manager event types: librdmacm's enum rdma_cm_event_type. */
enum ovsrdma_abi_cm_event_type {
    OVSRDMA_ABI_CM_ADDR_RESOLVED = 0,
    OVSRDMA_ABI_CM_ADDR_ERROR = 1,
    OVSRDMA_ABI_CM_ROUTE_RESOLVED = 2,
    OVSRDMA_ABI_CM_ROUTE_ERROR = 3,
    OVSRDMA_ABI_CM_CONNECT_REQUEST = 4,
    OVSRDMA_ABI_CM_CONNECT_RESPONSE = 5,
    OVSRDMA_ABI_CM_CONNECT_ERROR = 6,
    OVSRDMA_ABI_CM_UNREACHABLE = 7,
    OVSRDMA_ABI_CM_REJECTED = 8,
    OVSRDMA_ABI_CM_ESTABLISHED = 9,
    OVSRDMA_ABI_CM_DISCONNECTED = 10,
    OVSRDMA_ABI_CM_DEVICE_REMOVAL = 11,
    OVSRDMA_ABI_CM_TIMEWAIT_EXIT = 15,
};

struct ovsrdma_abi_cm_event {
    uint32_t event;             /* RDMA_CM_EVENT_*. */
    int32_t status;             /* 0, a negative errno value, or for
                                 * REJECTED the IBTA reject reason. */
    uint32_t id;                /* The CM ID the event is for; for
                                 * CONNECT_REQUEST the new ID. */
    uint32_t listen_id;         /* CONNECT_REQUEST: the listening ID. */
    struct ovsrdma_sockaddr src;
    struct ovsrdma_sockaddr dst;
    struct ovsrdma_abi_conn_param param;
};

struct ovsrdma_event {
    uint32_t type;              /* OVSRDMA_EV_*. */
    uint32_t handle;
    union {
        struct ovsrdma_abi_cm_event cm;
        struct {
            uint32_t event_type; /* IBV_EVENT_*. */
        } async;
        uint8_t pad[512 - 8];
    } u;
};

/* ---- Control messages ------------------------------------------------- */

#define OVSRDMA_MSG_REPLY 0x8000

enum ovsrdma_msg_type {
    OVSRDMA_MSG_HELLO = 1,
    OVSRDMA_MSG_QUERY_PORT,
    OVSRDMA_MSG_ALLOC_PD,
    OVSRDMA_MSG_DEALLOC_PD,
    OVSRDMA_MSG_REG_MR,         /* Request carries the memfd. */
    OVSRDMA_MSG_DEREG_MR,
    OVSRDMA_MSG_CREATE_CHANNEL, /* Reply carries memfd, then eventfd. */
    OVSRDMA_MSG_DESTROY_CHANNEL,
    OVSRDMA_MSG_CREATE_CQ,      /* Reply carries the memfd. */
    OVSRDMA_MSG_DESTROY_CQ,
    OVSRDMA_MSG_CREATE_QP,      /* Reply carries the memfd. */
    OVSRDMA_MSG_MODIFY_QP,
    OVSRDMA_MSG_QUERY_QP,
    OVSRDMA_MSG_DESTROY_QP,
    OVSRDMA_MSG_CM_CREATE_ID,
    OVSRDMA_MSG_CM_DESTROY_ID,
    OVSRDMA_MSG_CM_BIND_ADDR,
    OVSRDMA_MSG_CM_RESOLVE_ADDR,
    OVSRDMA_MSG_CM_RESOLVE_ROUTE,
    OVSRDMA_MSG_CM_LISTEN,
    OVSRDMA_MSG_CM_CONNECT,
    OVSRDMA_MSG_CM_ACCEPT,
    OVSRDMA_MSG_CM_REJECT,
    OVSRDMA_MSG_CM_DISCONNECT,
    OVSRDMA_MSG_N_TYPES
};

struct ovsrdma_msg_hdr {
    uint16_t type;              /* OVSRDMA_MSG_*, | OVSRDMA_MSG_REPLY. */
    uint16_t n_fds;             /* File descriptors attached. */
    uint32_t len;               /* Whole message, header included. */
    uint32_t seq;               /* Chosen by the client, echoed. */
    int32_t status;             /* Reply: 0 or a positive errno value. */
};

/* HELLO.  Reply carries the session's doorbell eventfd. */
struct ovsrdma_hello {
    struct ovsrdma_msg_hdr hdr;
    uint32_t abi_version;
    uint32_t pad;
};

/* Port attributes (HELLO and QUERY_PORT replies).  Everything here is
 * decided by the host from the port's configuration: the DCN may only use
 * these addresses. */
struct ovsrdma_port_attr {
    char port[64];              /* Interface name, NUL-terminated. */
    char bridge[64];
    uint8_t mac[6];
    uint8_t overlay;            /* 1: VXLAN/Geneve tunnel port, 0: plain. */
    uint8_t n_gids;
    uint32_t active_mtu;        /* IBV_MTU_*. */
    uint32_t max_mtu;           /* IBV_MTU_*. */
    uint32_t max_qp, max_cq, max_mr, max_pd;
    uint32_t max_qp_wr, max_cqe, max_sge, max_inline;
    uint32_t max_qp_rd_atom;
    uint32_t state;             /* IBV_PORT_ACTIVE etc. */
    uint64_t node_guid;
    struct ovsrdma_sockaddr gids[OVSRDMA_MAX_GIDS];
};

struct ovsrdma_hello_reply {
    struct ovsrdma_msg_hdr hdr;
    uint32_t abi_version;
    uint32_t dcn_id;
    struct ovsrdma_port_attr attr;
};

struct ovsrdma_port_reply {
    struct ovsrdma_msg_hdr hdr;
    struct ovsrdma_port_attr attr;
};

/* A request or reply that names one object: DEALLOC_PD, DEREG_MR,
 * DESTROY_CHANNEL, DESTROY_CQ, DESTROY_QP, CM_DESTROY_ID, CM_LISTEN
 * ('arg' = backlog), CM_RESOLVE_ROUTE ('arg' = timeout in ms),
 * CM_DISCONNECT; ALLOC_PD's and CM_CREATE_ID's replies ('handle' = the
 * new object); CM_CREATE_ID's request ('handle' = event channel,
 * 'arg' = RDMA_PS_*). */
struct ovsrdma_handle_msg {
    struct ovsrdma_msg_hdr hdr;
    uint32_t handle;
    uint32_t arg;
};

struct ovsrdma_reg_mr {
    struct ovsrdma_msg_hdr hdr;
    uint32_t pd;
    uint32_t access;            /* IBV_ACCESS_*. */
    uint64_t addr;              /* Client virtual address of the MR. */
    uint64_t length;
    uint64_t fd_offset;         /* Offset of 'addr' in the memfd. */
};

struct ovsrdma_reg_mr_reply {
    struct ovsrdma_msg_hdr hdr;
    uint32_t mr;
    uint32_t lkey;
    uint32_t rkey;
    uint32_t pad;
};

struct ovsrdma_create_channel_reply {
    struct ovsrdma_msg_hdr hdr;
    uint32_t channel;
    uint32_t size;              /* Entries of struct ovsrdma_event. */
    uint64_t mmap_len;
};

struct ovsrdma_create_cq {
    struct ovsrdma_msg_hdr hdr;
    uint32_t cqe;               /* Minimum entries wanted. */
    uint32_t channel;           /* 0: none. */
};

struct ovsrdma_create_cq_reply {
    struct ovsrdma_msg_hdr hdr;
    uint32_t cq;
    uint32_t size;              /* Entries (>= cqe, a power of 2). */
    uint64_t mmap_len;
};

struct ovsrdma_abi_qp_cap {
    uint32_t max_send_wr;
    uint32_t max_recv_wr;
    uint32_t max_send_sge;
    uint32_t max_recv_sge;
    uint32_t max_inline_data;
};

struct ovsrdma_create_qp {
    struct ovsrdma_msg_hdr hdr;
    uint32_t pd;
    uint32_t send_cq;
    uint32_t recv_cq;
    uint32_t qp_type;           /* IBV_QPT_RC or IBV_QPT_UD. */
    uint32_t sq_sig_all;
    uint32_t cm_id;             /* 0, or the CM ID that owns the QP
                                 * (rdma_create_qp()). */
    struct ovsrdma_abi_qp_cap cap;
};

/* The memfd holds the send ring at offset 0 and the receive ring at
 * 'rq_offset'. */
struct ovsrdma_create_qp_reply {
    struct ovsrdma_msg_hdr hdr;
    uint32_t qp;
    uint32_t qpn;
    struct ovsrdma_abi_qp_cap cap;  /* What was granted. */
    uint32_t sq_size;
    uint32_t rq_size;
    uint32_t pad;               /* Explicit: 'rq_offset' is 8-aligned. */
    uint64_t rq_offset;
    uint64_t mmap_len;
};

/* MODIFY_QP request and QUERY_QP reply: the fields of struct ibv_qp_attr
 * that a RoCEv2 RC/UD QP uses.  The address vector is a destination GID
 * only: the host resolves it through the bridge like a connection. */
struct ovsrdma_abi_qp_attr {
    uint32_t qp_state;          /* IBV_QPS_*. */
    uint32_t cur_qp_state;
    uint32_t path_mtu;          /* IBV_MTU_*. */
    uint32_t qkey;
    uint32_t rq_psn;
    uint32_t sq_psn;
    uint32_t dest_qp_num;
    uint32_t qp_access_flags;
    uint8_t max_rd_atomic;
    uint8_t max_dest_rd_atomic;
    uint8_t min_rnr_timer;
    uint8_t timeout;
    uint8_t retry_cnt;
    uint8_t rnr_retry;
    uint8_t sgid_index;
    uint8_t pad;
    uint16_t pkey_index;
    uint16_t pad1;
    uint8_t dgid[16];           /* IBV_QP_AV: destination GID. */
};

struct ovsrdma_modify_qp {
    struct ovsrdma_msg_hdr hdr;
    uint32_t qp;
    uint32_t attr_mask;         /* IBV_QP_*. */
    struct ovsrdma_abi_qp_attr attr;
};

struct ovsrdma_query_qp_reply {
    struct ovsrdma_msg_hdr hdr;
    struct ovsrdma_abi_qp_attr attr;
    struct ovsrdma_abi_qp_cap cap;
    uint32_t pad;
};

/* CM_BIND_ADDR, CM_RESOLVE_ADDR ('addr' = destination, 'timeout_ms'). */
struct ovsrdma_cm_addr_msg {
    struct ovsrdma_msg_hdr hdr;
    uint32_t id;
    uint32_t timeout_ms;
    struct ovsrdma_sockaddr addr;
};

/* CM_CONNECT, CM_ACCEPT ('qp' = the QP to connect), CM_REJECT (only
 * private data is used). */
struct ovsrdma_cm_conn_msg {
    struct ovsrdma_msg_hdr hdr;
    uint32_t id;
    uint32_t qp;
    struct ovsrdma_abi_conn_param param;
};

/* Compile-time checks of the layout: the same on every compiler and
 * architecture the project builds for (x86-64, aarch64, both LP64). */
#define OVSRDMA_ABI_ASSERT(EXPR) _Static_assert(EXPR, #EXPR)
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_ring) == 192);
OVSRDMA_ABI_ASSERT(offsetof(struct ovsrdma_ring, cons) == 64);
OVSRDMA_ABI_ASSERT(offsetof(struct ovsrdma_ring, flags) == 128);
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_abi_sge) == 16);

OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_recv_wqe) == 144);
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_cqe) == 56);

OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_msg_hdr) == 16);
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_sockaddr) == 20);
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_abi_conn_param) == 212);
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_abi_cm_event) == 268);
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_event) == 512);
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_send_wqe) == 216);
OVSRDMA_ABI_ASSERT(offsetof(struct ovsrdma_send_wqe, u) == 88);
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_port_attr) <= 512);
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_abi_qp_attr) == 60);
OVSRDMA_ABI_ASSERT(offsetof(struct ovsrdma_create_qp_reply, rq_offset) == 56);
OVSRDMA_ABI_ASSERT(sizeof(struct ovsrdma_create_qp_reply) == 72);

#endif /* dcn-abi.h */
