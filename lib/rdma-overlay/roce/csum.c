/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/csum.h"
#include "roce/bytes.h"

/* Sums 32 bits at a time into a 64-bit accumulator (two big-endian 16-bit
 * words per step; the carries land above bit 31 and are folded by
 * roce_csum_finish()), which is several times faster than 16-bit steps on
 * the multi-kilobyte frames an IPv6 outer UDP checksum covers. */
uint64_t
roce_csum_add(uint64_t partial, const uint8_t *data, size_t len)
{
    uint64_t sum = 0;

    while (len >= 4) {
        sum += roce_get_be32(data);
        data += 4;
        len -= 4;
    }
    if (len >= 2) {
        sum += roce_get_be16(data);
        data += 2;
        len -= 2;
    }
    if (len) {
        sum += (uint32_t) data[0] << 8;
    }
    /* Fold the 32-bit-word sum into 16-bit words before adding: a 32-bit
     * word w contributes (w >> 16) + (w & 0xffff) in ones' complement. */
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    return partial + sum;
}

/* Sums the pseudo-header: source and destination addresses (bytes 12-19
 * of an IPv4 header, 8-39 of an IPv6 one), protocol and L4 length.  The
 * IPv6 form has 32-bit length and next-header fields, which sum the same
 * as these 16-bit ones. */
uint64_t
roce_csum_pseudo(const uint8_t *ip, bool ipv6, uint8_t proto, size_t l4_len)
{
    uint64_t sum = (ipv6 ? roce_csum_add(0, ip + 8, 32)
                    : roce_csum_add(0, ip + 12, 8));

    return sum + proto + (l4_len & 0xffff) + (l4_len >> 16);
}
