/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* Internet checksum helpers against a naive RFC 1071 reference on random
 * data of every length and alignment, RFC 1624 incremental updates and
 * the pseudo-header sum. */

#include <stdlib.h>
#include <string.h>
#include "roce-test.h"
#include "roce/bytes.h"
#include "roce/csum.h"

/* Big-endian 16-bit words, one at a time, folded at the end. */
static uint16_t
naive_csum(const uint8_t *p, size_t len)
{
    uint64_t sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    if (len & 1) {
        sum += (uint32_t) p[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

static void
test_against_naive(void)
{
    uint8_t *buf = malloc(4096 + 8);
    int wrong = 0;

    roce_test_fill(buf, 4096 + 8, 7);
    for (size_t len = 0; len <= 4096; len += len < 300 ? 1 : 97) {
        for (size_t align = 0; align < 8; align++) {
            const uint8_t *p = buf + align;
            size_t split = (len / 3) & ~(size_t) 1;   /* Even split. */
            uint64_t a = roce_csum_add(0, p, len);
            uint64_t b = roce_csum_add(roce_csum_add(0, p, split),
                                       p + split, len - split);

            if (roce_csum_finish(a) != naive_csum(p, len)
                || roce_csum_finish(b) != naive_csum(p, len)) {
                wrong++;
            }
        }
    }
    CHECK_EQ(wrong, 0);

    /* All ones and all zeros: the +0/-0 corners. */
    memset(buf, 0xff, 64);
    CHECK_EQ(roce_csum_finish(roce_csum_add(0, buf, 64)), naive_csum(buf, 64));
    memset(buf, 0, 64);
    CHECK_EQ(roce_csum_finish(roce_csum_add(0, buf, 64)), 0xffff);
    free(buf);
}

static void
test_update_and_pseudo(void)
{
    /* An IPv4 header; its checksum verifies to zero; a changed total
     * length updated incrementally equals a full recomputation. */
    uint8_t ip[20] = {
        0x45, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0, 0,
        0xc0, 0xa8, 0x01, 0x01, 0xc0, 0xa8, 0x01, 0x02,
    };
    uint16_t c0 = naive_csum(ip, 20);

    roce_put_be16(ip + 10, c0);
    CHECK_EQ(roce_csum_finish(roce_csum_add(0, ip, 20)), 0);
    for (uint32_t len = 0; len <= 0xffff; len += 251) {
        uint16_t inc = roce_csum_update16(c0, 0, len);

        roce_put_be16(ip + 2, len);
        roce_put_be16(ip + 10, 0);
        CHECK_EQ(inc, naive_csum(ip, 20));
    }

    /* Pseudo-header: addresses + protocol + length. */
    uint8_t pseudo[12] = { 0xc0, 0xa8, 0x01, 0x01, 0xc0, 0xa8, 0x01, 0x02,
                           0, 17, 0x12, 0x34 };
    CHECK_EQ(roce_csum_finish(roce_csum_pseudo(ip, false, 17, 0x1234)),
             naive_csum(pseudo, 12));
    uint8_t ip6[40] = { 0x60 }, pseudo6[40];
    for (int i = 8; i < 40; i++) {
        ip6[i] = i * 13;
    }
    memcpy(pseudo6, ip6 + 8, 32);
    memset(pseudo6 + 32, 0, 8);
    pseudo6[33] = 0x01;             /* Length 0x10000 + 0x0203. */
    pseudo6[34] = 0x02;
    pseudo6[35] = 0x03;
    pseudo6[39] = 17;
    CHECK_EQ(roce_csum_finish(roce_csum_pseudo(ip6, true, 17, 0x10203)),
             naive_csum(pseudo6, 40));
}

int
main(void)
{
    test_against_naive();
    test_update_and_pseudo();
    return roce_test_exit();
}
