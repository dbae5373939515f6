/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* CRC-32 and ICRC: standard check values, ISA-L against the portable
 * implementation on every length 0..2048, known-answer RoCEv2 frames built
 * independently (wire-kat.h), and exactly the Annex A17 fields masked. */

#include <stdlib.h>
#include <string.h>
#include "roce-test.h"
#include "roce/icrc.h"
#include "roce/net.h"
#include "wire-kat.h"

typedef uint32_t crc_fn(uint32_t, const void *, size_t);

static void
test_check_values(void)
{
    static crc_fn *const fns[] = { roce_crc32_portable, roce_crc32_isal,
                                   roce_crc32 };
    static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff };

    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        /* The CRC-32 catalogue check value. */
        CHECK_EQ(fns[i](0, "123456789", 9), 0xcbf43926);
        CHECK_EQ(fns[i](0, "", 0), 0);
        /* Linux rxe seeds its ICRC with 0xdebb20e3, "the CRC of 8 bytes
         * of 0xff" before the final inversion. */
        CHECK_EQ(~fns[i](0, ones, 8), 0xdebb20e3);
        /* Chaining. */
        CHECK_EQ(fns[i](fns[i](0, "1234", 4), "56789", 5), 0xcbf43926);
    }
    printf("ISA-L %s\n", roce_crc32_have_isal() ? "built in" : "absent");
}

/* ISA-L and the portable tables agree on random data of every length and
 * alignment, whole or split at a random point. */
static void
test_isal_vs_portable(void)
{
    uint8_t *buf = malloc(2048 + 8);
    int mismatches = 0;

    roce_test_fill(buf, 2048 + 8, 12345);
    for (size_t len = 0; len <= 2048; len++) {
        size_t align = len % 8;
        const uint8_t *p = buf + align;
        size_t split = len ? (len * 7919) % len : 0;
        uint32_t a = roce_crc32_portable(0, p, len);
        uint32_t b = roce_crc32_isal(0, p, len);
        uint32_t c = roce_crc32_isal(roce_crc32_portable(0, p, split),
                                     p + split, len - split);

        if (a != b || a != c) {
            mismatches++;
        }
    }
    CHECK_EQ(mismatches, 0);
    free(buf);
}

/* One known-answer frame: its ICRC with both implementations and with
 * fill/check. */
static void
check_kat(const uint8_t *frame, size_t len, size_t l3_ofs, uint32_t icrc)
{
    uint8_t *copy = malloc(len);
    size_t roce_len = len - l3_ofs - 4;

    memcpy(copy, frame, len);
    for (int impl = ROCE_CRC_PORTABLE; impl <= ROCE_CRC_ISAL; impl++) {
        roce_crc_set_impl(impl);
        CHECK_EQ(roce_icrc_compute(copy + l3_ofs, roce_len), icrc);
        CHECK(roce_icrc_check(copy + l3_ofs, roce_len));
        memset(copy + len - 4, 0, 4);
        roce_icrc_fill(copy + l3_ofs, roce_len);
        CHECK_MEM(copy, frame, len);
    }
    roce_crc_set_impl(ROCE_CRC_AUTO);
    /* Transmitted least significant byte first. */
    CHECK_EQ(frame[len - 4], icrc & 0xff);
    CHECK_EQ(frame[len - 1], icrc >> 24);
    free(copy);
}

static void
test_known_answers(void)
{
    check_kat(kat_v4_write, sizeof kat_v4_write, 14, KAT_V4_WRITE_ICRC);
    check_kat(kat_v6_ud_send, sizeof kat_v6_ud_send, 14,
              KAT_V6_UD_SEND_ICRC);
    /* The inner packet of a VXLAN frame: outer Eth 14 + IPv4 20 + UDP 8 +
     * VXLAN 8 + inner Eth 14. */
    check_kat(kat_vxlan_ack, sizeof kat_vxlan_ack, 64, KAT_VXLAN_ACK_ICRC);
    /* IPv4 options are covered, unmasked (value also checked with scapy). */
    check_kat(kat_v4_options_write, sizeof kat_v4_options_write, 14,
              KAT_V4_OPTIONS_WRITE_ICRC);
}

/* Flips every bit of every byte covered by the ICRC: the ICRC must change
 * unless the byte is one of the masked (variant) fields, and must not
 * change for those.  'masked' lists masked bits per byte offset from the
 * IP header. */
static void
check_masking(const uint8_t *frame, size_t len, const uint8_t *masked,
              size_t n_masked)
{
    size_t roce_len = len - 14 - 4;
    uint8_t *copy = malloc(len);
    uint32_t good;
    int wrong = 0;

    memcpy(copy, frame, len);
    good = roce_icrc_compute(copy + 14, roce_len);
    for (size_t i = 0; i < roce_len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            bool is_masked = i < n_masked && (masked[i] >> bit) & 1;
            uint32_t crc;

            copy[14 + i] ^= 1u << bit;
            if (i == 0 && frame[14] >> 4 == 4 && bit >= 4) {
                /* Changing the IPv4 version/IHL changes the layout. */
                copy[14 + i] ^= 1u << bit;
                continue;
            }
            if (i == 0 && frame[14] >> 4 == 6 && bit >= 4) {
                copy[14 + i] ^= 1u << bit;
                continue;
            }
            crc = roce_icrc_compute(copy + 14, roce_len);
            if ((crc == good) != is_masked) {
                fprintf(stderr, "byte %zu bit %d: masked=%d crc=%08x\n",
                        i, bit, is_masked, crc);
                wrong++;
            }
            copy[14 + i] ^= 1u << bit;
        }
    }
    CHECK_EQ(wrong, 0);
    free(copy);
}

static void
test_masking(void)
{
    /* IPv4: TOS (1), TTL (8), checksum (10-11); UDP checksum (26-27);
     * BTH byte 4 (20 + 8 + 4 = 32). */
    uint8_t m4[33];
    memset(m4, 0, sizeof m4);
    m4[1] = m4[8] = m4[10] = m4[11] = m4[26] = m4[27] = m4[32] = 0xff;
    check_masking(kat_v4_write, sizeof kat_v4_write, m4, sizeof m4);

    /* IPv6: traffic class + flow label (low nibble of 0, 1-3), hop limit
     * (7); UDP checksum (46-47); BTH byte 4 (40 + 8 + 4 = 52). */
    uint8_t m6[53];
    memset(m6, 0, sizeof m6);
    m6[0] = 0x0f;
    m6[1] = m6[2] = m6[3] = m6[7] = m6[46] = m6[47] = m6[52] = 0xff;
    check_masking(kat_v6_ud_send, sizeof kat_v6_ud_send, m6, sizeof m6);
}

/* Too short to hold IP + UDP + BTH: no ICRC, never a match. */
static void
test_short(void)
{
    uint8_t buf[80];

    memcpy(buf, kat_v4_write + 14, 68);
    CHECK(!roce_icrc_check(buf, 39));
    CHECK_EQ(roce_icrc_compute(buf, 39), 0);
    buf[0] = 0x44;                      /* IHL 4: invalid. */
    CHECK(!roce_icrc_check(buf, 64));
    memset(buf, 0, sizeof buf);
    CHECK(!roce_icrc_check(buf, 0));
}

int
main(void)
{
    test_check_values();
    test_isal_vs_portable();
    test_known_answers();
    test_masking();
    test_short();
    return roce_test_exit();
}
