/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_VERBS_H
#define ROCE_VERBS_H 1

/* Verbs-like API of the software RNIC.
 *
 * Names, values and semantics mirror libibverbs (ibv_* -> roce_*,
 * IBV_* -> ROCE_*) so that an RDMA programmer needs no new vocabulary.
 * Differences from libibverbs:
 *
 *   - Objects belong to a 'struct roce_engine' (engine.h) instead of a
 *     device context.  Everything is single-threaded per engine: the caller
 *     must not use one engine (or its objects) from two threads at once.
 *
 *   - The address vector of a connected QP and the address handle of a UD
 *     destination are a wire-level encapsulation template (encap.h): the
 *     outer and inner headers the NIC prepends, computed by the host, never
 *     by the DCN.
 *
 *   - Functions that return int return 0 on success or a positive errno
 *     value, as libibverbs does.  Constructors return NULL and set errno.
 *
 *   - imm_data is carried as an opaque 32-bit value in network byte order,
 *     as in libibverbs. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct roce_engine;
struct roce_pd;
struct roce_mr;
struct roce_cq;
struct roce_qp;
struct roce_ah;
struct roce_encap;

/* Memory access rights (same values as IBV_ACCESS_*). */
enum roce_access_flags {
    ROCE_ACCESS_LOCAL_WRITE = 1 << 0,
    ROCE_ACCESS_REMOTE_WRITE = 1 << 1,
    ROCE_ACCESS_REMOTE_READ = 1 << 2,
    ROCE_ACCESS_REMOTE_ATOMIC = 1 << 3,
};
#define ROCE_ACCESS_ALL (ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_WRITE \
                         | ROCE_ACCESS_REMOTE_READ | ROCE_ACCESS_REMOTE_ATOMIC)

/* Work completion status (same values as enum ibv_wc_status). */
enum roce_wc_status {
    ROCE_WC_SUCCESS,
    ROCE_WC_LOC_LEN_ERR,
    ROCE_WC_LOC_QP_OP_ERR,
    ROCE_WC_LOC_EEC_OP_ERR,
    ROCE_WC_LOC_PROT_ERR,
    ROCE_WC_WR_FLUSH_ERR,
    ROCE_WC_MW_BIND_ERR,
    ROCE_WC_BAD_RESP_ERR,
    ROCE_WC_LOC_ACCESS_ERR,
    ROCE_WC_REM_INV_REQ_ERR,
    ROCE_WC_REM_ACCESS_ERR,
    ROCE_WC_REM_OP_ERR,
    ROCE_WC_RETRY_EXC_ERR,
    ROCE_WC_RNR_RETRY_EXC_ERR,
    ROCE_WC_LOC_RDD_VIOL_ERR,
    ROCE_WC_REM_INV_RD_REQ_ERR,
    ROCE_WC_REM_ABORT_ERR,
    ROCE_WC_INV_EECN_ERR,
    ROCE_WC_INV_EEC_STATE_ERR,
    ROCE_WC_FATAL_ERR,
    ROCE_WC_RESP_TIMEOUT_ERR,
    ROCE_WC_GENERAL_ERR,
};

const char *roce_wc_status_str(enum roce_wc_status);

/* Work completion opcode (same values as enum ibv_wc_opcode). */
enum roce_wc_opcode {
    ROCE_WC_SEND,
    ROCE_WC_RDMA_WRITE,
    ROCE_WC_RDMA_READ,
    ROCE_WC_COMP_SWAP,
    ROCE_WC_FETCH_ADD,
    ROCE_WC_RECV = 1 << 7,
    ROCE_WC_RECV_RDMA_WITH_IMM,
};

/* Work completion flags (same values as IBV_WC_*). */
enum {
    ROCE_WC_GRH = 1 << 0,       /* UD: the first 40 bytes hold a GRH. */
    ROCE_WC_WITH_IMM = 1 << 1,  /* imm_data is valid. */
};

struct roce_wc {
    uint64_t wr_id;
    enum roce_wc_status status;
    enum roce_wc_opcode opcode;
    uint32_t vendor_err;        /* 0, or the AETH syndrome of a NAK. */
    uint32_t byte_len;          /* Receive: bytes placed (UD: incl. GRH). */
    uint32_t imm_data;          /* Network byte order. */
    uint32_t qp_num;            /* Local QP number. */
    uint32_t src_qp;            /* UD: source QP number (from DETH). */
    unsigned int wc_flags;      /* ROCE_WC_GRH, ROCE_WC_WITH_IMM. */
    uint16_t pkey_index;
};

/* Send work request opcodes (same values as enum ibv_wr_opcode). */
enum roce_wr_opcode {
    ROCE_WR_RDMA_WRITE,
    ROCE_WR_RDMA_WRITE_WITH_IMM,
    ROCE_WR_SEND,
    ROCE_WR_SEND_WITH_IMM,
    ROCE_WR_RDMA_READ,
    ROCE_WR_ATOMIC_CMP_AND_SWP,
    ROCE_WR_ATOMIC_FETCH_AND_ADD,
};

/* Send flags (same values as enum ibv_send_flags). */
enum roce_send_flags {
    ROCE_SEND_FENCE = 1 << 0,
    ROCE_SEND_SIGNALED = 1 << 1,
    ROCE_SEND_SOLICITED = 1 << 2,
    ROCE_SEND_INLINE = 1 << 3,
};

/* Scatter/gather element.  'addr' is a virtual address inside the memory
 * region that 'lkey' names. */
struct roce_sge {
    uint64_t addr;
    uint32_t length;
    uint32_t lkey;
};

struct roce_send_wr {
    uint64_t wr_id;
    struct roce_send_wr *next;
    struct roce_sge *sg_list;
    int num_sge;
    enum roce_wr_opcode opcode;
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
            struct roce_ah *ah;
            uint32_t remote_qpn;
            uint32_t remote_qkey;
        } ud;
    } wr;
};

struct roce_recv_wr {
    uint64_t wr_id;
    struct roce_recv_wr *next;
    struct roce_sge *sg_list;
    int num_sge;
};

/* QP types (RC and UD as in enum ibv_qp_type; GSI is QP1). */
enum roce_qp_type {
    ROCE_QPT_RC = 2,
    ROCE_QPT_UD = 4,
    ROCE_QPT_GSI = 0x100,
};

enum roce_qp_state {
    ROCE_QPS_RESET,
    ROCE_QPS_INIT,
    ROCE_QPS_RTR,
    ROCE_QPS_RTS,
    ROCE_QPS_SQD,
    ROCE_QPS_SQE,
    ROCE_QPS_ERR,
};

const char *roce_qp_state_str(enum roce_qp_state);

/* Path MTU (same values as enum ibv_mtu). */
enum roce_mtu {
    ROCE_MTU_256 = 1,
    ROCE_MTU_512 = 2,
    ROCE_MTU_1024 = 3,
    ROCE_MTU_2048 = 4,
    ROCE_MTU_4096 = 5,
};

static inline uint32_t
roce_mtu_bytes(enum roce_mtu mtu)
{
    return mtu >= ROCE_MTU_256 && mtu <= ROCE_MTU_4096 ? 128u << mtu : 0;
}

/* Bytes a RoCEv2 packet adds to its payload at most: IPv6 header (40),
 * UDP (8), BTH (12), RETH (16), ImmDt (4), ICRC (4). */
#define ROCE_MAX_PKT_OVERHEAD 84

/* The largest path MTU whose packets fit in an IP MTU of 'ip_mtu' bytes,
 * or 0 if not even 256 fits. */
static inline enum roce_mtu
roce_mtu_fit(int ip_mtu)
{
    int m;

    for (m = ROCE_MTU_4096; m >= ROCE_MTU_256; m--) {
        if ((128 << m) + ROCE_MAX_PKT_OVERHEAD <= ip_mtu) {
            return (enum roce_mtu) m;
        }
    }
    return (enum roce_mtu) 0;
}

/* Attribute mask bits for roce_modify_qp() (same values as
 * enum ibv_qp_attr_mask, plus RoCE-overlay extensions from bit 24). */
enum roce_qp_attr_mask {
    ROCE_QP_STATE = 1 << 0,
    ROCE_QP_CUR_STATE = 1 << 1,
    ROCE_QP_EN_SQD_ASYNC_NOTIFY = 1 << 2,
    ROCE_QP_ACCESS_FLAGS = 1 << 3,
    ROCE_QP_PKEY_INDEX = 1 << 4,
    ROCE_QP_PORT = 1 << 5,
    ROCE_QP_QKEY = 1 << 6,
    ROCE_QP_AV = 1 << 7,         /* 'encap': the transmit template. */
    ROCE_QP_PATH_MTU = 1 << 8,
    ROCE_QP_TIMEOUT = 1 << 9,
    ROCE_QP_RETRY_CNT = 1 << 10,
    ROCE_QP_RNR_RETRY = 1 << 11,
    ROCE_QP_RQ_PSN = 1 << 12,
    ROCE_QP_MAX_QP_RD_ATOMIC = 1 << 13,
    ROCE_QP_ALT_PATH = 1 << 14,
    ROCE_QP_MIN_RNR_TIMER = 1 << 15,
    ROCE_QP_SQ_PSN = 1 << 16,
    ROCE_QP_MAX_DEST_RD_ATOMIC = 1 << 17,
    ROCE_QP_PATH_MIG_STATE = 1 << 18,
    ROCE_QP_CAP = 1 << 19,
    ROCE_QP_DEST_QPN = 1 << 20,
    ROCE_QP_RX_TUPLE = 1 << 24,  /* 'rx_tuple': receive validation. */
};

struct roce_qp_cap {
    uint32_t max_send_wr;
    uint32_t max_recv_wr;
    uint32_t max_send_sge;
    uint32_t max_recv_sge;
    uint32_t max_inline_data;
};

struct roce_qp_init_attr {
    void *qp_context;
    struct roce_cq *send_cq;
    struct roce_cq *recv_cq;
    struct roce_qp_cap cap;
    enum roce_qp_type qp_type;
    int sq_sig_all;             /* Nonzero: every send WR is signaled. */
};

/* What a received frame must carry for a QP to accept it (DESIGN §4.3).
 * The default policy (engine.h, roce_qp_set_rx_filter()) compares the
 * fields below exactly when 'bound' is true.  The receive VNI is separate
 * from the transmit template's because some overlays (OVN) use a
 * different VNI per direction. */
struct roce_rx_tuple {
    bool bound;                 /* False: accept any outer header. */
    bool tunnel;                /* Frame must (true) / must not be tunneled. */
    uint32_t vni;               /* Expected outer VNI, if 'tunnel'. */
    struct in6_addr remote_vtep; /* Outer source IP (IPv4-mapped). */
    struct in6_addr local_vtep; /* Outer destination IP; :: = any. */
    struct in6_addr inner_src;  /* Inner source IP: the peer. */
    struct in6_addr inner_dst;  /* Inner destination IP: us. */
};

struct roce_qp_attr {
    enum roce_qp_state qp_state;
    enum roce_qp_state cur_qp_state;
    enum roce_mtu path_mtu;
    uint32_t qkey;
    uint32_t rq_psn;
    uint32_t sq_psn;
    uint32_t dest_qp_num;
    unsigned int qp_access_flags;
    struct roce_qp_cap cap;
    const struct roce_encap *encap; /* ROCE_QP_AV: copied into the QP. */
    struct roce_rx_tuple rx_tuple;  /* ROCE_QP_RX_TUPLE. */
    uint16_t pkey_index;
    uint8_t sq_draining;        /* modify, EN_SQD_ASYNC_NOTIFY: nonzero
                                 * raises ROCE_EVENT_SQ_DRAINED once SQD
                                 * is drained; query: still draining. */
    uint8_t max_rd_atomic;
    uint8_t max_dest_rd_atomic;
    uint8_t min_rnr_timer;      /* 5-bit RNR timer code (IBTA table 45). */
    uint8_t port_num;
    uint8_t timeout;            /* 4.096 us * 2^timeout; 0 = infinite. */
    uint8_t retry_cnt;          /* 0..7. */
    uint8_t rnr_retry;          /* 0..7; 7 = infinite. */
};

/* Well-known Q_Key of QP1, and the bit that makes a Q_Key "controlled". */
#define ROCE_GSI_QKEY 0x80010000u
#define ROCE_QKEY_CONTROLLED 0x80000000u
/* Default P_Key. */
#define ROCE_DEFAULT_PKEY 0xffff
/* Bytes of GRH space at the start of every UD receive buffer. */
#define ROCE_GRH_LEN 40

/* Protection domains. */
struct roce_pd *roce_alloc_pd(struct roce_engine *);
int roce_dealloc_pd(struct roce_pd *);

/* Memory regions. */
struct roce_mr *roce_reg_mr(struct roce_pd *, void *addr, size_t length,
                            int access);
struct roce_mr *roce_reg_mr_iova(struct roce_pd *, void *addr,
                                 size_t length, uint64_t iova, int access);
int roce_dereg_mr(struct roce_mr *);
uint32_t roce_mr_lkey(const struct roce_mr *);
uint32_t roce_mr_rkey(const struct roce_mr *);

/* Completion queues. */
typedef void roce_comp_handler(struct roce_cq *, void *aux);
struct roce_cq *roce_create_cq(struct roce_engine *, int cqe,
                               void *cq_context);
int roce_destroy_cq(struct roce_cq *);
int roce_poll_cq(struct roce_cq *, int num_entries, struct roce_wc *);
int roce_req_notify_cq(struct roce_cq *, int solicited_only);
void roce_cq_set_handler(struct roce_cq *, roce_comp_handler *, void *aux);
void *roce_cq_context(const struct roce_cq *);

/* Address handles: a UD destination's encapsulation template. */
struct roce_ah *roce_create_ah(struct roce_pd *, const struct roce_encap *);
int roce_destroy_ah(struct roce_ah *);

/* Queue pairs. */
struct roce_qp *roce_create_qp(struct roce_pd *, struct roce_qp_init_attr *);
int roce_modify_qp(struct roce_qp *, struct roce_qp_attr *, int attr_mask);
int roce_query_qp(struct roce_qp *, struct roce_qp_attr *, int attr_mask,
                  struct roce_qp_init_attr *);
int roce_destroy_qp(struct roce_qp *);
uint32_t roce_qp_num(const struct roce_qp *);
enum roce_qp_state roce_qp_get_state(const struct roce_qp *);
void *roce_qp_context(const struct roce_qp *);

int roce_post_send(struct roce_qp *, struct roce_send_wr *,
                   struct roce_send_wr **bad_wr);
int roce_post_recv(struct roce_qp *, struct roce_recv_wr *,
                   struct roce_recv_wr **bad_wr);

#endif /* roce/verbs.h */
