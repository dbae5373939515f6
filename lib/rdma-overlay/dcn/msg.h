/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_DCN_MSG_H
#define RDMA_OVERLAY_DCN_MSG_H 1

/* Decoding of the control messages a DCN sends (client/dcn-abi.h).
 *
 * Everything a DCN sends is untrusted: dcn_msg_decode() checks the length
 * first, then the type, the number of file descriptors attached, and every
 * field whose value the daemon uses as a size, count or enumeration, so
 * that the request handlers see only well-formed requests.  Handles (which
 * name objects of the session) are checked by the handlers against the
 * session's tables.  Plain C, no Open vSwitch dependency: it is fuzzed on
 * its own (tests/fuzz/fuzz-dcn-msg.c). */

#include <stddef.h>
#include <stdint.h>
#include "dcn-abi.h"

/* A decoded request: 'hdr' points into the caller's buffer, which holds at
 * least the request's full structure (shorter messages are rejected), so
 * the request may be read through the typed pointer of its type. */
struct dcn_request {
    uint16_t type;                  /* OVSRDMA_MSG_*. */
    uint32_t seq;
    union {
        const struct ovsrdma_msg_hdr *hdr;
        const struct ovsrdma_hello *hello;
        const struct ovsrdma_handle_msg *handle;
        const struct ovsrdma_reg_mr *reg_mr;
        const struct ovsrdma_create_cq *create_cq;
        const struct ovsrdma_create_qp *create_qp;
        const struct ovsrdma_modify_qp *modify_qp;
        const struct ovsrdma_cm_addr_msg *cm_addr;
        const struct ovsrdma_cm_conn_msg *cm_conn;
    } u;
};

const char *dcn_msg_decode(const void *buf, size_t len, size_t n_fds,
                           struct dcn_request *);
const char *dcn_msg_type_name(uint16_t type);
size_t dcn_msg_reply_size(uint16_t type);

#endif /* dcn/msg.h */
