/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_CSUM_H
#define ROCE_CSUM_H 1

/* Internet (ones' complement) checksum, RFC 1071 and RFC 1624, on data in
 * network byte order.  Partial sums are 32-bit or wider accumulators of
 * big-endian 16-bit words; results are host-order values to be stored
 * with roce_put_be16(). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Adds 'len' bytes at 'data' to 'partial' (an odd trailing byte counts as
 * the high byte of a zero-padded word). */
uint64_t roce_csum_add(uint64_t partial, const uint8_t *data, size_t len);

/* Partial sum of the UDP/TCP pseudo-header of the IP header at 'ip'
 * (IPv6 if 'ipv6', else IPv4) for 'l4_len' bytes of protocol 'proto'. */
uint64_t roce_csum_pseudo(const uint8_t *ip, bool ipv6, uint8_t proto,
                          size_t l4_len);

/* Folds and complements 'partial' into a checksum. */
static inline uint16_t
roce_csum_finish(uint64_t partial)
{
    while (partial >> 16) {
        partial = (partial & 0xffff) + (partial >> 16);
    }
    return (uint16_t) ~partial;
}

/* RFC 1624 incremental update: the checksum of data whose 16-bit word
 * 'old_word' changed to 'new_word', given the old checksum. */
static inline uint16_t
roce_csum_update16(uint16_t old_csum, uint16_t old_word, uint16_t new_word)
{
    return roce_csum_finish((uint32_t) (uint16_t) ~old_csum
                            + (uint16_t) ~old_word + new_word);
}

#endif /* roce/csum.h */
