/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* Writes the seed corpus of fuzz-frame: one valid frame per opcode family
 * under each encapsulation.  Not part of the build; run by hand:
 *   cd lib/rdma-overlay/roce && cc -I.. -I../../../tests/roce \
 *      ../../../tests/fuzz/gen-corpus-frame.c csum.c encap.c frame.c \
 *      hdr.c icrc.c net.c opcode.c pkt.c -lpthread -o /tmp/gen && \
 *   cd - && /tmp/gen tests/fuzz/corpus-frame */

#include <stdio.h>
#include <stdlib.h>
#include "roce/opcode.h"
#include "wire-test.h"

int
main(int argc, char *argv[])
{
    static const uint8_t ops[] = {
        ROCE_OP_RC_SEND_ONLY, ROCE_OP_RC_WRITE_FIRST,
        ROCE_OP_RC_WRITE_ONLY_IMM, ROCE_OP_RC_READ_REQUEST,
        ROCE_OP_RC_READ_RESPONSE_FIRST, ROCE_OP_RC_ACKNOWLEDGE,
        ROCE_OP_RC_ATOMIC_ACKNOWLEDGE, ROCE_OP_RC_FETCH_ADD,
        ROCE_OP_RC_SEND_ONLY_INV, ROCE_OP_UC_SEND_LAST_IMM,
        ROCE_OP_UD_SEND_ONLY_IMM, ROCE_OP_CNP,
    };
    static const uint8_t payload[61] = { 1, 2, 3 };
    int n = 0;

    if (argc != 2) {
        return 1;
    }
    for (int kind = 0; kind < 4; kind++) {
        struct roce_encap_params prm;
        struct roce_encap e;
        uint8_t prefix[400];

        if (kind & 1) {
            wt_inner_v6(&prm);
        } else {
            wt_inner_v4(&prm);
        }
        if (kind >= 2) {
            prm.tnl.type = kind == 2 ? ROCE_TNL_VXLAN : ROCE_TNL_GENEVE;
            prm.tnl.header = prefix;
            prm.tnl.header_len = wt_tnl_prefix(prefix, sizeof prefix,
                                               prm.tnl.type, kind == 3,
                                               kind == 3, 42, 8);
        }
        if (roce_encap_init(&e, &prm)) {
            return 1;
        }
        for (size_t i = 0; i < sizeof ops; i++) {
            const struct roce_opcode_info *op = roce_opcode_info(ops[i]);
            struct roce_pkt p = {
                .opcode = ops[i], .pkey = 0xffff, .dqpn = 0x11, .psn = i,
                .payload = payload,
                .payload_len = op->flags & ROCE_OPF_PAYLOAD ? i * 5 : 0,
            };
            uint8_t frame[1024];
            size_t len = wt_build(&e, &p, frame, sizeof frame);
            char name[512];
            FILE *f;

            if ((kind + i) % 3 && kind) {
                continue;               /* Keep the corpus small. */
            }
            snprintf(name, sizeof name, "%s/seed-%02d", argv[1], n++);
            f = fopen(name, "wb");
            if (!f || fwrite(frame, 1, len, f) != len || fclose(f)) {
                return 1;
            }
        }
    }
    return 0;
}
