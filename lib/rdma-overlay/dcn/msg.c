/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include "dcn/msg.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

/* What each request type must look like. */
struct dcn_msg_desc {
    const char *name;
    size_t req_size;            /* Exact size of the request. */
    size_t reply_size;          /* Size of a successful reply. */
    uint8_t n_fds;              /* Descriptors the request carries. */
};

#define HDR sizeof(struct ovsrdma_msg_hdr)
#define HANDLE sizeof(struct ovsrdma_handle_msg)

static const struct dcn_msg_desc descs[OVSRDMA_MSG_N_TYPES] = {
    [OVSRDMA_MSG_HELLO] = { "hello", sizeof(struct ovsrdma_hello),
                            sizeof(struct ovsrdma_hello_reply), 0 },
    [OVSRDMA_MSG_QUERY_PORT] = { "query_port", HDR,
                                 sizeof(struct ovsrdma_port_reply), 0 },
    [OVSRDMA_MSG_ALLOC_PD] = { "alloc_pd", HDR, HANDLE, 0 },
    [OVSRDMA_MSG_DEALLOC_PD] = { "dealloc_pd", HANDLE, HDR, 0 },
    [OVSRDMA_MSG_REG_MR] = { "reg_mr", sizeof(struct ovsrdma_reg_mr),
                             sizeof(struct ovsrdma_reg_mr_reply), 1 },
    [OVSRDMA_MSG_DEREG_MR] = { "dereg_mr", HANDLE, HDR, 0 },
    [OVSRDMA_MSG_CREATE_CHANNEL] = {
        "create_channel", HDR, sizeof(struct ovsrdma_create_channel_reply),
        0 },
    [OVSRDMA_MSG_DESTROY_CHANNEL] = { "destroy_channel", HANDLE, HDR, 0 },
    [OVSRDMA_MSG_CREATE_CQ] = { "create_cq", sizeof(struct ovsrdma_create_cq),
                                sizeof(struct ovsrdma_create_cq_reply), 0 },
    [OVSRDMA_MSG_DESTROY_CQ] = { "destroy_cq", HANDLE, HDR, 0 },
    [OVSRDMA_MSG_CREATE_QP] = { "create_qp", sizeof(struct ovsrdma_create_qp),
                                sizeof(struct ovsrdma_create_qp_reply), 0 },
    [OVSRDMA_MSG_MODIFY_QP] = { "modify_qp", sizeof(struct ovsrdma_modify_qp),
                                HDR, 0 },
    [OVSRDMA_MSG_QUERY_QP] = { "query_qp", HANDLE,
                               sizeof(struct ovsrdma_query_qp_reply), 0 },
    [OVSRDMA_MSG_DESTROY_QP] = { "destroy_qp", HANDLE, HDR, 0 },
    [OVSRDMA_MSG_CM_CREATE_ID] = { "cm_create_id", HANDLE, HANDLE, 0 },
    [OVSRDMA_MSG_CM_DESTROY_ID] = { "cm_destroy_id", HANDLE, HDR, 0 },
    [OVSRDMA_MSG_CM_BIND_ADDR] = {
        "cm_bind_addr", sizeof(struct ovsrdma_cm_addr_msg), HDR, 0 },
    [OVSRDMA_MSG_CM_RESOLVE_ADDR] = {
        "cm_resolve_addr", sizeof(struct ovsrdma_cm_addr_msg), HDR, 0 },
    [OVSRDMA_MSG_CM_RESOLVE_ROUTE] = { "cm_resolve_route", HANDLE, HDR, 0 },
    [OVSRDMA_MSG_CM_LISTEN] = { "cm_listen", HANDLE, HDR, 0 },
    [OVSRDMA_MSG_CM_CONNECT] = {
        "cm_connect", sizeof(struct ovsrdma_cm_conn_msg), HDR, 0 },
    [OVSRDMA_MSG_CM_ACCEPT] = {
        "cm_accept", sizeof(struct ovsrdma_cm_conn_msg), HDR, 0 },
    [OVSRDMA_MSG_CM_REJECT] = {
        "cm_reject", sizeof(struct ovsrdma_cm_conn_msg), HDR, 0 },
    [OVSRDMA_MSG_CM_DISCONNECT] = { "cm_disconnect", HANDLE, HDR, 0 },
};

static const struct dcn_msg_desc *
desc_of(uint16_t type)
{
    return type < OVSRDMA_MSG_N_TYPES && descs[type].name
           ? &descs[type] : NULL;
}

/* Returns the name of request 'type' for logs and errors. */
const char *
dcn_msg_type_name(uint16_t type)
{
    const struct dcn_msg_desc *d = desc_of(type & ~OVSRDMA_MSG_REPLY);

    return d ? d->name : "unknown";
}

/* Returns the size of a successful reply to request 'type' (which must be
 * a type dcn_msg_decode() accepted). */
size_t
dcn_msg_reply_size(uint16_t type)
{
    const struct dcn_msg_desc *d = desc_of(type);

    return d ? d->reply_size : HDR;
}

static bool
sockaddr_ok(const struct ovsrdma_sockaddr *sa)
{
    return sa->family == AF_INET || sa->family == AF_INET6;
}

static bool
conn_param_ok(const struct ovsrdma_abi_conn_param *p)
{
    return p->private_data_len <= OVSRDMA_MAX_PRIVATE_DATA
           && p->retry_count <= 7 && p->rnr_retry_count <= 7;
}

/* Validates the fields of a request of a known type whose size is right. */
static const char *
check_fields(const struct dcn_request *r)
{
    switch (r->type) {
    case OVSRDMA_MSG_REG_MR: {
        const struct ovsrdma_reg_mr *m = r->u.reg_mr;

        if (m->access & ~UINT32_C(0xf)) {
            return "unsupported access flags";
        }
        if (m->addr + m->length < m->addr
            || m->fd_offset + m->length < m->fd_offset) {
            return "memory region wraps around";
        }
        return NULL;
    }
    case OVSRDMA_MSG_CREATE_CQ:
        if (!r->u.create_cq->cqe || r->u.create_cq->cqe > OVSRDMA_MAX_RING) {
            return "bad number of CQ entries";
        }
        return NULL;
    case OVSRDMA_MSG_CREATE_QP: {
        const struct ovsrdma_create_qp *m = r->u.create_qp;

        if (m->qp_type != 2 && m->qp_type != 4) {
            return "unsupported QP type (RC and UD only)";
        }
        if (m->cap.max_send_wr > OVSRDMA_MAX_RING
            || m->cap.max_recv_wr > OVSRDMA_MAX_RING
            || m->cap.max_send_sge > OVSRDMA_MAX_SEND_SGE
            || m->cap.max_recv_sge > OVSRDMA_MAX_RECV_SGE
            || m->cap.max_inline_data > OVSRDMA_MAX_INLINE) {
            return "QP capabilities beyond the device's";
        }
        return NULL;
    }
    case OVSRDMA_MSG_MODIFY_QP: {
        const struct ovsrdma_abi_qp_attr *a = &r->u.modify_qp->attr;

        if (a->qp_state > 6 || a->cur_qp_state > 6) {
            return "bad QP state";
        }
        return NULL;
    }
    case OVSRDMA_MSG_CM_BIND_ADDR:
    case OVSRDMA_MSG_CM_RESOLVE_ADDR:
        return sockaddr_ok(&r->u.cm_addr->addr) ? NULL
               : "address family must be AF_INET or AF_INET6";
    case OVSRDMA_MSG_CM_CONNECT:
    case OVSRDMA_MSG_CM_ACCEPT:
    case OVSRDMA_MSG_CM_REJECT:
        return conn_param_ok(&r->u.cm_conn->param) ? NULL
               : "bad connection parameters";
    default:
        return NULL;
    }
}

/* Decodes the 'len'-byte message in 'buf' that arrived with 'n_fds' file
 * descriptors into 'r'.  Returns NULL if it is a well-formed request, else
 * a static string that says what is wrong with it (and 'r->type' and
 * 'r->seq' are still set when the header could be read, so that the
 * caller can reply with an error). */
const char *
dcn_msg_decode(const void *buf, size_t len, size_t n_fds,
               struct dcn_request *r)
{
    const struct dcn_msg_desc *d;
    struct ovsrdma_msg_hdr hdr;

    memset(r, 0, sizeof *r);
    if (len < sizeof hdr) {
        return "message shorter than its header";
    }
    memcpy(&hdr, buf, sizeof hdr);
    r->type = hdr.type;
    r->seq = hdr.seq;
    r->u.hdr = buf;
    if (hdr.len != len) {
        return "message length does not match its header";
    }
    d = desc_of(hdr.type);
    if (!d) {
        return "unknown request type";
    }
    if (len != d->req_size) {
        return "request has the wrong size for its type";
    }
    if (n_fds != d->n_fds || hdr.n_fds != d->n_fds) {
        return "request carries the wrong number of file descriptors";
    }
    return check_fields(r);
}
