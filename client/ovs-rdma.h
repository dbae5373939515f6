/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef OVS_RDMA_H
#define OVS_RDMA_H 1

/* libovsrdma: RDMA for a DCN (a tenant process, container or VM agent)
 * attached to an RDMA-enabled port of Open vSwitch with ovs-rdma-overlay.
 *
 * The names and semantics mirror libibverbs and librdmacm (ibv_* and
 * rdma_* become ovsrdma_*, and every numeric value -- opcodes, flags,
 * work completion status codes, QP states and attribute masks, access
 * flags, MTUs, CM event types -- is libibverbs' or librdmacm's), so an RDMA
 * programmer needs no new vocabulary.  What differs:
 *
 *   - A device is opened by the path of its port's socket
 *     (Interface status:rdma_overlay_socket), not from a device list.
 *     The port decides the DCN's MAC and IP addresses; the overlay (VNI,
 *     tunnel endpoints, DSCP) is never the DCN's to choose.
 *
 *   - Connections are made with the connection manager calls
 *     (ovsrdma_resolve_addr() ... ovsrdma_connect()/ovsrdma_accept()),
 *     which resolve the peer through the Open vSwitch bridge.
 *
 *   - Every function that returns int returns 0 on success or a positive
 *     errno value (as libibverbs' verbs do), except the polling calls,
 *     which return a count or a negative errno value.  Constructors return
 *     NULL and set errno.
 *
 * Thread safety: a context and its objects may be used from several
 * threads, as in libibverbs; posting to one QP or polling one CQ from two
 * threads at once needs the caller's own lock, as in libibverbs. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Values (libibverbs' and librdmacm's) ----------------------------- */

enum ovsrdma_access_flags {
    OVSRDMA_ACCESS_LOCAL_WRITE = 1,
    OVSRDMA_ACCESS_REMOTE_WRITE = 2,
    OVSRDMA_ACCESS_REMOTE_READ = 4,
    OVSRDMA_ACCESS_REMOTE_ATOMIC = 8,
};

enum ovsrdma_wc_status {
    OVSRDMA_WC_SUCCESS, OVSRDMA_WC_LOC_LEN_ERR, OVSRDMA_WC_LOC_QP_OP_ERR,
    OVSRDMA_WC_LOC_EEC_OP_ERR, OVSRDMA_WC_LOC_PROT_ERR,
    OVSRDMA_WC_WR_FLUSH_ERR, OVSRDMA_WC_MW_BIND_ERR,
    OVSRDMA_WC_BAD_RESP_ERR, OVSRDMA_WC_LOC_ACCESS_ERR,
    OVSRDMA_WC_REM_INV_REQ_ERR, OVSRDMA_WC_REM_ACCESS_ERR,
    OVSRDMA_WC_REM_OP_ERR, OVSRDMA_WC_RETRY_EXC_ERR,
    OVSRDMA_WC_RNR_RETRY_EXC_ERR, OVSRDMA_WC_LOC_RDD_VIOL_ERR,
    OVSRDMA_WC_REM_INV_RD_REQ_ERR, OVSRDMA_WC_REM_ABORT_ERR,
    OVSRDMA_WC_INV_EECN_ERR, OVSRDMA_WC_INV_EEC_STATE_ERR,
    OVSRDMA_WC_FATAL_ERR, OVSRDMA_WC_RESP_TIMEOUT_ERR,
    OVSRDMA_WC_GENERAL_ERR,
};
const char *ovsrdma_wc_status_str(enum ovsrdma_wc_status);

enum ovsrdma_wc_opcode {
    OVSRDMA_WC_SEND, OVSRDMA_WC_RDMA_WRITE, OVSRDMA_WC_RDMA_READ,
    OVSRDMA_WC_COMP_SWAP, OVSRDMA_WC_FETCH_ADD,
    OVSRDMA_WC_RECV = 1 << 7, OVSRDMA_WC_RECV_RDMA_WITH_IMM,
};

enum { OVSRDMA_WC_GRH = 1, OVSRDMA_WC_WITH_IMM = 2 };

enum ovsrdma_wr_opcode {
    OVSRDMA_WR_RDMA_WRITE, OVSRDMA_WR_RDMA_WRITE_WITH_IMM, OVSRDMA_WR_SEND,
    OVSRDMA_WR_SEND_WITH_IMM, OVSRDMA_WR_RDMA_READ,
    OVSRDMA_WR_ATOMIC_CMP_AND_SWP, OVSRDMA_WR_ATOMIC_FETCH_AND_ADD,
};

enum ovsrdma_send_flags {
    OVSRDMA_SEND_FENCE = 1, OVSRDMA_SEND_SIGNALED = 2,
    OVSRDMA_SEND_SOLICITED = 4, OVSRDMA_SEND_INLINE = 8,
};

enum ovsrdma_qp_type { OVSRDMA_QPT_RC = 2, OVSRDMA_QPT_UD = 4 };

enum ovsrdma_qp_state {
    OVSRDMA_QPS_RESET, OVSRDMA_QPS_INIT, OVSRDMA_QPS_RTR, OVSRDMA_QPS_RTS,
    OVSRDMA_QPS_SQD, OVSRDMA_QPS_SQE, OVSRDMA_QPS_ERR,
};

enum ovsrdma_mtu {
    OVSRDMA_MTU_256 = 1, OVSRDMA_MTU_512, OVSRDMA_MTU_1024,
    OVSRDMA_MTU_2048, OVSRDMA_MTU_4096,
};

enum ovsrdma_qp_attr_mask {
    OVSRDMA_QP_STATE = 1 << 0, OVSRDMA_QP_CUR_STATE = 1 << 1,
    OVSRDMA_QP_ACCESS_FLAGS = 1 << 3, OVSRDMA_QP_PKEY_INDEX = 1 << 4,
    OVSRDMA_QP_PORT = 1 << 5, OVSRDMA_QP_QKEY = 1 << 6,
    OVSRDMA_QP_AV = 1 << 7, OVSRDMA_QP_PATH_MTU = 1 << 8,
    OVSRDMA_QP_TIMEOUT = 1 << 9, OVSRDMA_QP_RETRY_CNT = 1 << 10,
    OVSRDMA_QP_RNR_RETRY = 1 << 11, OVSRDMA_QP_RQ_PSN = 1 << 12,
    OVSRDMA_QP_MAX_QP_RD_ATOMIC = 1 << 13,
    OVSRDMA_QP_MIN_RNR_TIMER = 1 << 15, OVSRDMA_QP_SQ_PSN = 1 << 16,
    OVSRDMA_QP_MAX_DEST_RD_ATOMIC = 1 << 17, OVSRDMA_QP_CAP = 1 << 19,
    OVSRDMA_QP_DEST_QPN = 1 << 20,
};

/* librdmacm's enum rdma_cm_event_type. */
enum ovsrdma_cm_event_type {
    OVSRDMA_CM_EVENT_ADDR_RESOLVED, OVSRDMA_CM_EVENT_ADDR_ERROR,
    OVSRDMA_CM_EVENT_ROUTE_RESOLVED, OVSRDMA_CM_EVENT_ROUTE_ERROR,
    OVSRDMA_CM_EVENT_CONNECT_REQUEST, OVSRDMA_CM_EVENT_CONNECT_RESPONSE,
    OVSRDMA_CM_EVENT_CONNECT_ERROR, OVSRDMA_CM_EVENT_UNREACHABLE,
    OVSRDMA_CM_EVENT_REJECTED, OVSRDMA_CM_EVENT_ESTABLISHED,
    OVSRDMA_CM_EVENT_DISCONNECTED, OVSRDMA_CM_EVENT_DEVICE_REMOVAL,
    OVSRDMA_CM_EVENT_MULTICAST_JOIN, OVSRDMA_CM_EVENT_MULTICAST_ERROR,
    OVSRDMA_CM_EVENT_ADDR_CHANGE, OVSRDMA_CM_EVENT_TIMEWAIT_EXIT,
};
const char *ovsrdma_event_str(enum ovsrdma_cm_event_type);

/* librdmacm's port spaces. */
enum ovsrdma_port_space { OVSRDMA_PS_TCP = 0x0106, OVSRDMA_PS_UDP = 0x0111 };

/* ---- Device ----------------------------------------------------------- */

struct ovsrdma_port_info {
    char port[64];              /* Open vSwitch Interface name. */
    char bridge[64];
    uint8_t mac[6];             /* The DCN's inner MAC. */
    bool overlay;               /* Port is on a VXLAN/Geneve overlay. */
    enum ovsrdma_mtu active_mtu;
    enum ovsrdma_mtu max_mtu;
    int n_addrs;
    struct sockaddr_storage addrs[8]; /* The DCN's IP addresses (GIDs). */
    uint32_t max_qp, max_cq, max_mr, max_pd;
    uint32_t max_qp_wr, max_cqe, max_sge, max_inline;
    uint32_t max_qp_rd_atom;
    uint64_t node_guid;
    uint32_t state;             /* IBV_PORT_* (4: IBV_PORT_ACTIVE). */
};

struct ovsrdma_context;

/* Attaches to the port whose socket is 'path'. */
struct ovsrdma_context *ovsrdma_open(const char *path);
int ovsrdma_close(struct ovsrdma_context *);
int ovsrdma_query_port(struct ovsrdma_context *, struct ovsrdma_port_info *);

/* ---- Protection domains and memory ------------------------------------ */

struct ovsrdma_pd {
    struct ovsrdma_context *context;
    uint32_t handle;
};

struct ovsrdma_mr {
    struct ovsrdma_context *context;
    struct ovsrdma_pd *pd;
    void *addr;
    size_t length;
    uint32_t handle;
    uint32_t lkey;
    uint32_t rkey;
};

struct ovsrdma_pd *ovsrdma_alloc_pd(struct ovsrdma_context *);
int ovsrdma_dealloc_pd(struct ovsrdma_pd *);

/* Registers [addr, addr + length).  Any memory of the process works,
 * including malloc()ed memory: the pages that cover it are moved onto
 * memory shared with the RNIC, at the same address and with the same
 * contents (so the rest of those pages is shared too, and stays so after
 * deregistration).  Memory from ovsrdma_alloc_buf() needs no move.
 * Memory inside an earlier registration's pages reuses them; memory that
 * overlaps them without lying inside fails with EINVAL (not supported
 * yet).  See libovsrdma(3) for the caveats of moving memory. */
struct ovsrdma_mr *ovsrdma_reg_mr(struct ovsrdma_pd *, void *addr,
                                  size_t length, int access);
int ovsrdma_dereg_mr(struct ovsrdma_mr *);

/* Allocates 'length' bytes (page-aligned, zeroed) that the RNIC can
 * access without copying or moving: the zero-copy path. */
void *ovsrdma_alloc_buf(struct ovsrdma_context *, size_t length);
void ovsrdma_free_buf(struct ovsrdma_context *, void *buf, size_t length);

/* ---- Completion queues and channels ----------------------------------- */

struct ovsrdma_comp_channel {
    struct ovsrdma_context *context;
    int fd;                     /* Readable when an event is pending. */
    uint32_t handle;
};

struct ovsrdma_cq {
    struct ovsrdma_context *context;
    struct ovsrdma_comp_channel *channel;
    void *cq_context;
    int cqe;
    uint32_t handle;
};

struct ovsrdma_wc {
    uint64_t wr_id;
    enum ovsrdma_wc_status status;
    enum ovsrdma_wc_opcode opcode;
    uint32_t vendor_err;
    uint32_t byte_len;
    uint32_t imm_data;          /* Network byte order. */
    uint32_t qp_num;
    uint32_t src_qp;
    unsigned int wc_flags;
    uint16_t pkey_index;
};

struct ovsrdma_comp_channel *ovsrdma_create_comp_channel(
    struct ovsrdma_context *);
int ovsrdma_destroy_comp_channel(struct ovsrdma_comp_channel *);

struct ovsrdma_cq *ovsrdma_create_cq(struct ovsrdma_context *, int cqe,
                                     void *cq_context,
                                     struct ovsrdma_comp_channel *);
int ovsrdma_destroy_cq(struct ovsrdma_cq *);

/* Returns the number of completions stored in 'wc' (0 if none), or a
 * negative errno value. */
int ovsrdma_poll_cq(struct ovsrdma_cq *, int num_entries,
                    struct ovsrdma_wc *wc);
int ovsrdma_req_notify_cq(struct ovsrdma_cq *, int solicited_only);

/* Blocks until a CQ of 'channel' has an event (unless the channel's fd
 * was made non-blocking: then EAGAIN), and returns it like
 * ibv_get_cq_event(). */
int ovsrdma_get_cq_event(struct ovsrdma_comp_channel *,
                         struct ovsrdma_cq **cq, void **cq_context);
void ovsrdma_ack_cq_events(struct ovsrdma_cq *, unsigned int nevents);

/* ---- Queue pairs ------------------------------------------------------ */

struct ovsrdma_sge {
    uint64_t addr;
    uint32_t length;
    uint32_t lkey;
};

struct ovsrdma_send_wr {
    uint64_t wr_id;
    struct ovsrdma_send_wr *next;
    struct ovsrdma_sge *sg_list;
    int num_sge;
    enum ovsrdma_wr_opcode opcode;
    unsigned int send_flags;
    uint32_t imm_data;          /* Network byte order. */
    union {
        struct {
            uint64_t remote_addr;
            uint32_t rkey;
        } rdma;
        struct {
            uint64_t remote_addr;
            uint64_t compare_add;
            uint64_t swap;
            uint32_t rkey;
        } atomic;
        struct {
            uint32_t ah;
            uint32_t remote_qpn;
            uint32_t remote_qkey;
        } ud;
    } wr;
};

struct ovsrdma_recv_wr {
    uint64_t wr_id;
    struct ovsrdma_recv_wr *next;
    struct ovsrdma_sge *sg_list;
    int num_sge;
};

struct ovsrdma_qp_cap {
    uint32_t max_send_wr;
    uint32_t max_recv_wr;
    uint32_t max_send_sge;
    uint32_t max_recv_sge;
    uint32_t max_inline_data;
};

struct ovsrdma_qp_init_attr {
    void *qp_context;
    struct ovsrdma_cq *send_cq;
    struct ovsrdma_cq *recv_cq;
    struct ovsrdma_qp_cap cap;
    enum ovsrdma_qp_type qp_type;
    int sq_sig_all;
};

struct ovsrdma_qp_attr {
    enum ovsrdma_qp_state qp_state;
    enum ovsrdma_qp_state cur_qp_state;
    enum ovsrdma_mtu path_mtu;
    uint32_t qkey;
    uint32_t rq_psn;
    uint32_t sq_psn;
    uint32_t dest_qp_num;
    unsigned int qp_access_flags;
    struct ovsrdma_qp_cap cap;
    uint8_t dgid[16];           /* OVSRDMA_QP_AV: the peer's GID. */
    uint16_t pkey_index;
    uint8_t max_rd_atomic;
    uint8_t max_dest_rd_atomic;
    uint8_t min_rnr_timer;
    uint8_t timeout;
    uint8_t retry_cnt;
    uint8_t rnr_retry;
};

struct ovsrdma_qp {
    struct ovsrdma_context *context;
    void *qp_context;
    struct ovsrdma_pd *pd;
    struct ovsrdma_cq *send_cq;
    struct ovsrdma_cq *recv_cq;
    uint32_t handle;
    uint32_t qp_num;
    enum ovsrdma_qp_state state;
    enum ovsrdma_qp_type qp_type;
};

struct ovsrdma_qp *ovsrdma_create_qp(struct ovsrdma_pd *,
                                     struct ovsrdma_qp_init_attr *);
int ovsrdma_modify_qp(struct ovsrdma_qp *, struct ovsrdma_qp_attr *,
                      int attr_mask);
int ovsrdma_query_qp(struct ovsrdma_qp *, struct ovsrdma_qp_attr *,
                     int attr_mask, struct ovsrdma_qp_init_attr *);
int ovsrdma_destroy_qp(struct ovsrdma_qp *);

int ovsrdma_post_send(struct ovsrdma_qp *, struct ovsrdma_send_wr *,
                      struct ovsrdma_send_wr **bad_wr);
int ovsrdma_post_recv(struct ovsrdma_qp *, struct ovsrdma_recv_wr *,
                      struct ovsrdma_recv_wr **bad_wr);

/* ---- Connection manager ----------------------------------------------- */

struct ovsrdma_event_channel {
    struct ovsrdma_context *context;
    int fd;                     /* Readable when an event is pending. */
    uint32_t handle;
};

struct ovsrdma_cm_id {
    struct ovsrdma_context *context;
    struct ovsrdma_event_channel *channel;
    void *context_ptr;          /* The user's (rdma_cm_id's 'context'). */
    struct ovsrdma_qp *qp;      /* Set by ovsrdma_create_qp_on_id(). */
    struct ovsrdma_pd *pd;
    struct ovsrdma_cq *send_cq;
    struct ovsrdma_cq *recv_cq;
    enum ovsrdma_port_space ps;
    uint32_t handle;
    struct sockaddr_storage src_addr;
    struct sockaddr_storage dst_addr;
};

struct ovsrdma_conn_param {
    const void *private_data;
    uint8_t private_data_len;
    uint8_t responder_resources;
    uint8_t initiator_depth;
    uint8_t flow_control;
    uint8_t retry_count;
    uint8_t rnr_retry_count;
    uint32_t qp_num;            /* Events: the remote QPN. */
};

struct ovsrdma_cm_event {
    struct ovsrdma_cm_id *id;           /* CONNECT_REQUEST: a new ID. */
    struct ovsrdma_cm_id *listen_id;
    enum ovsrdma_cm_event_type event;
    int status;                 /* 0, a negative errno value, or for
                                 * REJECTED the IBTA reject reason. */
    struct ovsrdma_conn_param param;    /* private_data points into the
                                         * event until it is acked. */
};

struct ovsrdma_event_channel *ovsrdma_create_event_channel(
    struct ovsrdma_context *);
void ovsrdma_destroy_event_channel(struct ovsrdma_event_channel *);

int ovsrdma_create_id(struct ovsrdma_event_channel *,
                      struct ovsrdma_cm_id **id, void *context,
                      enum ovsrdma_port_space);
int ovsrdma_destroy_id(struct ovsrdma_cm_id *);

int ovsrdma_bind_addr(struct ovsrdma_cm_id *, const struct sockaddr *);
int ovsrdma_resolve_addr(struct ovsrdma_cm_id *, const struct sockaddr *src,
                         const struct sockaddr *dst, int timeout_ms);
int ovsrdma_resolve_route(struct ovsrdma_cm_id *, int timeout_ms);
int ovsrdma_listen(struct ovsrdma_cm_id *, int backlog);

/* Creates the ID's QP (like rdma_create_qp()): after this the CM moves the
 * QP through its states itself. */
int ovsrdma_create_qp_on_id(struct ovsrdma_cm_id *, struct ovsrdma_pd *,
                            struct ovsrdma_qp_init_attr *);
void ovsrdma_destroy_qp_on_id(struct ovsrdma_cm_id *);

int ovsrdma_connect(struct ovsrdma_cm_id *, struct ovsrdma_conn_param *);
int ovsrdma_accept(struct ovsrdma_cm_id *, struct ovsrdma_conn_param *);
int ovsrdma_reject(struct ovsrdma_cm_id *, const void *private_data,
                   uint8_t private_data_len);
int ovsrdma_disconnect(struct ovsrdma_cm_id *);

/* Blocks for the next event (EAGAIN if the channel's fd is non-blocking
 * and none is pending); every event must be acked. */
int ovsrdma_get_cm_event(struct ovsrdma_event_channel *,
                         struct ovsrdma_cm_event **);
int ovsrdma_ack_cm_event(struct ovsrdma_cm_event *);

#ifdef __cplusplus
}
#endif

#endif /* ovs-rdma.h */
