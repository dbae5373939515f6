/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* libFuzzer harness for the DCN control-message decoder (dcn/msg.c): the
 * first thing that touches what a DCN sends.  The first input byte is the
 * number of file descriptors the message claims to have arrived with (0
 * to 3), the rest is the message.  An accepted request must have exactly
 * the size of its type's structure, a header that agrees with it, and
 * fields in range; reading the whole typed structure must stay inside the
 * input (ASan checks). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dcn/msg.h"

#define REQUIRE(COND) do { if (!(COND)) { abort(); } } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    union {
        uint64_t align[OVSRDMA_MAX_MSG / 8];
        uint8_t buf[OVSRDMA_MAX_MSG];
    } in;
    struct dcn_request r;
    volatile uint8_t sink = 0;
    const char *error;
    size_t n_fds, len, i;
    uint8_t *copy;

    if (!size) {
        return 0;
    }
    n_fds = data[0] & 3;
    len = size - 1;
    if (len > sizeof in.buf) {
        return 0;
    }
    /* Exactly 'len' bytes, so that ASan sees any read past the message. */
    copy = malloc(len ? len : 1);
    memcpy(copy, data + 1, len);
    memcpy(in.buf, data + 1, len);

    error = dcn_msg_decode(copy, len, n_fds, &r);
    if (!error) {
        const struct ovsrdma_msg_hdr *hdr = r.u.hdr;

        REQUIRE(hdr->len == len && hdr->type == r.type);
        REQUIRE(hdr->n_fds == n_fds);
        REQUIRE(dcn_msg_reply_size(r.type) >= sizeof *hdr);
        for (i = 0; i < len; i++) {
            sink ^= ((const uint8_t *) r.u.hdr)[i];
        }
        if (r.type == OVSRDMA_MSG_CREATE_QP) {
            REQUIRE(r.u.create_qp->cap.max_send_sge <= OVSRDMA_MAX_SEND_SGE);
            REQUIRE(r.u.create_qp->cap.max_inline_data
                    <= OVSRDMA_MAX_INLINE);
        } else if (r.type == OVSRDMA_MSG_CM_CONNECT) {
            REQUIRE(r.u.cm_conn->param.private_data_len
                    <= OVSRDMA_MAX_PRIVATE_DATA);
        }
        /* The aligned copy decodes the same way. */
        REQUIRE(!dcn_msg_decode(in.buf, len, n_fds, &r));
    } else {
        REQUIRE(strlen(error) > 0);
        (void) dcn_msg_type_name(r.type);
    }
    free(copy);
    (void) sink;
    return 0;
}
