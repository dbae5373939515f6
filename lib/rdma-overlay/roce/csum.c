/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/csum.h"
#include <string.h>
#include "roce/bytes.h"

/* Adds the data as native-order words and converts once at the end: the
 * ones' complement sum is byte-order independent up to a final byte swap
 * (RFC 1071, section 2(B)), so 8 bytes are summed per step with plain
 * loads instead of byte-swapping every word.  That matters for the
 * IPv6 outer UDP checksum, which covers whole multi-kilobyte frames. */
uint64_t
roce_csum_add(uint64_t partial, const uint8_t *data, size_t len)
{
    uint64_t sum = 0, sum2 = 0;

    /* Each step adds less than 2^33 to an accumulator: no overflow below
     * 2^30 steps.  Two accumulators halve the dependency chain. */
    while (len >= 16) {
        uint64_t w, v;

        memcpy(&w, data, 8);
        memcpy(&v, data + 8, 8);
        sum += (w & 0xffffffff) + (w >> 32);
        sum2 += (v & 0xffffffff) + (v >> 32);
        data += 16;
        len -= 16;
    }
    if (len >= 8) {
        uint64_t w;

        memcpy(&w, data, 8);
        sum += (w & 0xffffffff) + (w >> 32);
        data += 8;
        len -= 8;
    }
    sum = (sum & 0xffffffff) + (sum >> 32) + (sum2 & 0xffffffff)
          + (sum2 >> 32);
    while (len >= 2) {
        uint16_t h;

        memcpy(&h, data, 2);
        sum += h;
        data += 2;
        len -= 2;
    }
    if (len) {
        /* The odd byte is the first byte of a zero-padded word. */
        uint8_t pad[2] = { data[0], 0 };
        uint16_t h;

        memcpy(&h, pad, 2);
        sum += h;
    }
    /* Fold to 16 bits (2^16 and 2^32 are both 1 in ones' complement). */
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    sum = ((sum & 0xff) << 8) | (sum >> 8);
#endif
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
