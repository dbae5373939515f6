/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/icrc.h"

#include <pthread.h>
#include <string.h>
#include "roce/bytes.h"
#include "roce/net.h"
#include "roce/opcode.h"

#ifdef HAVE_ISAL
#include <isa-l/crc.h>
#endif

/* ---- Portable CRC-32: slicing-by-8 ----
 *
 * crc_tables[0] is the classic byte-at-a-time table for the reflected
 * polynomial; crc_tables[k][b] is the CRC contribution of byte 'b'
 * followed by k zero bytes, which lets the loop fold 8 input bytes per
 * step with 8 independent lookups. */
#define CRC32_POLY_REFLECTED 0xedb88320u

static uint32_t crc_tables[8][256];
static pthread_once_t crc_tables_once = PTHREAD_ONCE_INIT;

/* Fills crc_tables (once, through pthread_once()). */
static void
crc_tables_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;

        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (c & 1 ? CRC32_POLY_REFLECTED : 0);
        }
        crc_tables[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int t = 1; t < 8; t++) {
            uint32_t prev = crc_tables[t - 1][i];
            crc_tables[t][i] = (prev >> 8) ^ crc_tables[0][prev & 0xff];
        }
    }
}

/* CRC-32 of 'buf', continuing from a previous result 'crc' (0 to start),
 * computed with tables only: the reference the ISA-L path is tested
 * against and the fallback when ISA-L is absent. */
uint32_t
roce_crc32_portable(uint32_t crc, const void *buf_, size_t len)
{
    const uint8_t *p = buf_;
    const uint32_t (*t)[256] = crc_tables;

    pthread_once(&crc_tables_once, crc_tables_init);
    crc = ~crc;
    while (len >= 8) {
        uint32_t a = roce_get_le32(p) ^ crc;
        uint32_t b = roce_get_le32(p + 4);

        crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff]
              ^ t[5][(a >> 16) & 0xff] ^ t[4][a >> 24]
              ^ t[3][b & 0xff] ^ t[2][(b >> 8) & 0xff]
              ^ t[1][(b >> 16) & 0xff] ^ t[0][b >> 24];
        p += 8;
        len -= 8;
    }
    while (len--) {
        crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}

/* Same as roce_crc32_portable(), with ISA-L when it is built in.
 * crc32_gzip_refl() inverts its seed on entry and its result on exit,
 * exactly like zlib's crc32(), so chaining works the same way. */
uint32_t
roce_crc32_isal(uint32_t crc, const void *buf, size_t len)
{
#ifdef HAVE_ISAL
    return crc32_gzip_refl(crc, buf, len);
#else
    return roce_crc32_portable(crc, buf, len);
#endif
}

/* True if roce_crc32_isal() really is ISA-L. */
bool
roce_crc32_have_isal(void)
{
#ifdef HAVE_ISAL
    return true;
#else
    return false;
#endif
}

/* Implementation choice.  Written only by tests and benchmarks before any
 * engine runs; read on every CRC.  An int, not the enum, so that a racing
 * reader still sees one of the values. */
static volatile int crc_impl = ROCE_CRC_AUTO;

/* Selects the CRC implementation process-wide (tests and benchmarks). */
void
roce_crc_set_impl(enum roce_crc_impl impl)
{
    crc_impl = impl;
}

/* Returns the implementation selected by roce_crc_set_impl(). */
enum roce_crc_impl
roce_crc_get_impl(void)
{
    return (enum roce_crc_impl) crc_impl;
}

/* CRC-32 with the selected implementation. */
uint32_t
roce_crc32(uint32_t crc, const void *buf, size_t len)
{
    return (crc_impl == ROCE_CRC_PORTABLE
            ? roce_crc32_portable(crc, buf, len)
            : roce_crc32_isal(crc, buf, len));
}

/* ---- ICRC ---- */

/* CRC-32 (zlib convention) of the 8 bytes of 0xff that stand in for the
 * LRH: every ICRC starts from this state instead of hashing them.  (Linux
 * rxe's seed 0xdebb20e3 is the same register before the final inversion;
 * test-icrc checks both.) */
#define ICRC_LRH_CRC 0x2144df1cu

/* Longest masked prefix: an IPv4 header with 40 bytes of options (60),
 * UDP, BTH. */
#define ICRC_PREFIX_MAX (60 + ROCE_UDP_HDR_LEN + ROCE_BTH_LEN)

/* Copies the headers covered by the ICRC's masking into 'buf' and masks
 * the variant fields.  Returns the number of bytes copied, or 0 if 'len'
 * cannot hold the headers. */
static size_t
icrc_masked_prefix(const uint8_t *l3, size_t len,
                   uint8_t buf[ICRC_PREFIX_MAX])
{
    size_t ip_len;
    size_t n;

    if (len < 1) {
        return 0;
    }
    if (l3[0] >> 4 == 6) {
        ip_len = ROCE_IPV6_HDR_LEN;
    } else {
        ip_len = (size_t) (l3[0] & 0xf) * 4;
        if (ip_len < ROCE_IPV4_HDR_LEN) {
            return 0;
        }
    }
    n = ip_len + ROCE_UDP_HDR_LEN + ROCE_BTH_LEN;
    if (len < n) {
        return 0;
    }

    memcpy(buf, l3, n);
    if (l3[0] >> 4 == 6) {
        buf[0] |= 0x0f;                 /* Traffic class (high nibble)... */
        buf[1] = buf[2] = buf[3] = 0xff; /* ...and flow label. */
        buf[7] = 0xff;                  /* Hop limit. */
    } else {
        buf[1] = 0xff;                  /* TOS. */
        buf[8] = 0xff;                  /* TTL. */
        buf[10] = buf[11] = 0xff;       /* Header checksum. */
    }
    buf[ip_len + 6] = buf[ip_len + 7] = 0xff;           /* UDP checksum. */
    buf[ip_len + ROCE_UDP_HDR_LEN + 4] = 0xff;          /* BTH resv8a. */
    return n;
}

/* Stores in '*icrc' the ICRC of the packet at 'l3'; false if 'len' is too
 * short for its headers. */
static bool
icrc_compute(const uint8_t *l3, size_t len, uint32_t *icrc)
{
    uint8_t buf[ICRC_PREFIX_MAX];
    size_t n = icrc_masked_prefix(l3, len, buf);

    if (!n) {
        return false;
    }
    *icrc = roce_crc32(roce_crc32(ICRC_LRH_CRC, buf, n), l3 + n, len - n);
    return true;
}

/* Computes the ICRC of the RoCEv2 packet at 'l3' ('len' bytes from the IP
 * header up to the ICRC). */
uint32_t
roce_icrc_compute(const uint8_t *l3, size_t len)
{
    uint32_t icrc;

    return icrc_compute(l3, len, &icrc) ? icrc : 0;
}

/* Stores the ICRC behind the packet, least significant byte first. */
void
roce_icrc_fill(uint8_t *l3, size_t len)
{
    roce_put_le32(l3 + len, roce_icrc_compute(l3, len));
}

/* Verifies the ICRC stored behind the packet. */
bool
roce_icrc_check(const uint8_t *l3, size_t len)
{
    uint32_t icrc;

    return icrc_compute(l3, len, &icrc) && icrc == roce_get_le32(l3 + len);
}
