/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_ICRC_H
#define ROCE_ICRC_H 1

/* RoCEv2 invariant CRC (IBTA Annex A17.3.3).
 *
 * The ICRC is the Ethernet CRC-32 (reflected polynomial 0xEDB88320, initial
 * value and final XOR all ones) over: 8 bytes of 0xFF standing in for the
 * absent LRH, the IP header with its variant fields set to all ones (IPv4:
 * TOS, TTL, header checksum; IPv6: traffic class, flow label, hop limit),
 * the UDP header with its checksum set to all ones, the BTH with its
 * "resv8a" byte (FECN, BECN, reserved) set to all ones, and everything up
 * to the ICRC.  The result goes on the wire least significant byte first.
 *
 * Two implementations: ISA-L's crc32_gzip_refl() when built with
 * HAVE_ISAL, and a portable slicing-by-8 table CRC. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum roce_crc_impl {
    ROCE_CRC_AUTO,          /* ISA-L if available, else portable. */
    ROCE_CRC_PORTABLE,      /* Always the table implementation. */
    ROCE_CRC_ISAL,          /* ISA-L (falls back if not built in). */
};

/* zlib-compatible CRC-32: 'crc' is a previous result (0 to start), i.e.
 * the pre/post inversion happens inside, so calls chain. */
uint32_t roce_crc32(uint32_t crc, const void *buf, size_t len);
uint32_t roce_crc32_portable(uint32_t crc, const void *buf, size_t len);
uint32_t roce_crc32_isal(uint32_t crc, const void *buf, size_t len);
bool roce_crc32_have_isal(void);

/* Process-wide choice used by roce_crc32() and the ICRC functions.  For
 * tests and benchmarks: set it before any engine runs. */
void roce_crc_set_impl(enum roce_crc_impl);
enum roce_crc_impl roce_crc_get_impl(void);

/* ICRC of the RoCEv2 packet whose IP header starts at 'l3' and that is
 * 'len' bytes long from the first byte of the IP header up to (not
 * including) the ICRC.  'l3' must hold a well-formed IPv4 (any IHL) or
 * IPv6 header (version taken from the first nibble) directly followed by
 * the UDP header and the BTH; the caller (frame parser or encapsulator)
 * has checked that.  Returns 0 if 'len' is too short to hold the headers
 * (never a meaningful ICRC check since the caller validated lengths). */
uint32_t roce_icrc_compute(const uint8_t *l3, size_t len);

/* Writes the ICRC of the packet described above at l3 + len. */
void roce_icrc_fill(uint8_t *l3, size_t len);

/* True if the 4 bytes at l3 + len hold the right ICRC. */
bool roce_icrc_check(const uint8_t *l3, size_t len);

#endif /* roce/icrc.h */
