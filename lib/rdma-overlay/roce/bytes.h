/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_BYTES_H
#define ROCE_BYTES_H 1

/* Big-endian (network order) loads and stores on byte pointers.
 *
 * Wire headers are never accessed through struct casts: frames arrive at
 * arbitrary alignment (a VXLAN-encapsulated BTH sits at offset 92 of an
 * Ethernet frame, a Geneve one wherever the options end), and an unaligned
 * struct access is undefined behaviour that UBSan reports.  Compilers turn
 * these shift sequences into single (byte-swapping) loads. */

#include <stdint.h>

static inline uint16_t
roce_get_be16(const uint8_t *p)
{
    return (uint16_t) ((p[0] << 8) | p[1]);
}

static inline uint32_t
roce_get_be24(const uint8_t *p)
{
    return ((uint32_t) p[0] << 16) | ((uint32_t) p[1] << 8) | p[2];
}

static inline uint32_t
roce_get_be32(const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
           | ((uint32_t) p[2] << 8) | p[3];
}

static inline uint64_t
roce_get_be64(const uint8_t *p)
{
    return ((uint64_t) roce_get_be32(p) << 32) | roce_get_be32(p + 4);
}

static inline void
roce_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static inline void
roce_put_be24(uint8_t *p, uint32_t v)
{
    p[0] = v >> 16;
    p[1] = v >> 8;
    p[2] = v;
}

static inline void
roce_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static inline void
roce_put_be64(uint8_t *p, uint64_t v)
{
    roce_put_be32(p, v >> 32);
    roce_put_be32(p + 4, v);
}

/* Little-endian 32-bit store/load: the ICRC is the one little-endian field
 * of a RoCEv2 packet. */
static inline uint32_t
roce_get_le32(const uint8_t *p)
{
    return ((uint32_t) p[3] << 24) | ((uint32_t) p[2] << 16)
           | ((uint32_t) p[1] << 8) | p[0];
}

static inline void
roce_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

#endif /* roce/bytes.h */
