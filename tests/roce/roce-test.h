/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef ROCE_TEST_H
#define ROCE_TEST_H 1

/* Tiny header-only helpers for the RoCE engine's unit tests.  A test
 * calls CHECK*() as often as it likes; each failure is reported with its
 * location and counted, and the test ends with "return roce_test_exit();"
 * (exit status 0 pass, 1 fail; 77 means skipped, for automake). */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int roce_test_failures;
static int roce_test_checks;

#define ROCE_TEST_SKIP 77

#define CHECK(COND)                                                     \
    do {                                                                \
        roce_test_checks++;                                             \
        if (!(COND)) {                                                  \
            roce_test_failures++;                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n",                \
                    __FILE__, __LINE__, #COND);                         \
        }                                                               \
    } while (0)

/* Compares two integers of any width and prints both on mismatch. */
#define CHECK_EQ(A, B)                                                  \
    do {                                                                \
        /* Implicit conversions: a cast of a call trips              \
         * -Wbad-function-cast. */                                    \
        uint64_t a_ = (A), b_ = (B);                                    \
        roce_test_checks++;                                             \
        if (a_ != b_) {                                                 \
            roce_test_failures++;                                       \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s "         \
                    "(0x%" PRIx64 " != 0x%" PRIx64 ")\n",               \
                    __FILE__, __LINE__, #A, #B, a_, b_);                \
        }                                                               \
    } while (0)

/* Compares N bytes and prints the first difference. */
#define CHECK_MEM(A, B, N)                                              \
    do {                                                                \
        const uint8_t *a_ = (const void *) (A);                         \
        const uint8_t *b_ = (const void *) (B);                         \
        size_t n_ = (N);                                                \
        roce_test_checks++;                                             \
        for (size_t i_ = 0; i_ < n_; i_++) {                            \
            if (a_[i_] != b_[i_]) {                                     \
                roce_test_failures++;                                   \
                fprintf(stderr, "%s:%d: CHECK_MEM failed: %s vs %s at " \
                        "byte %zu: 0x%02x != 0x%02x\n", __FILE__,       \
                        __LINE__, #A, #B, i_, a_[i_], b_[i_]);          \
                break;                                                  \
            }                                                           \
        }                                                               \
    } while (0)

/* Checks that a "const char *error" result is NULL (success), printing
 * the error otherwise. */
#define CHECK_OK(ERR)                                                   \
    do {                                                                \
        const char *e_ = (ERR);                                         \
        roce_test_checks++;                                             \
        if (e_) {                                                       \
            roce_test_failures++;                                       \
            fprintf(stderr, "%s:%d: %s failed: %s\n",                   \
                    __FILE__, __LINE__, #ERR, e_);                      \
        }                                                               \
    } while (0)

/* Fills 'buf' with 'n' pseudo-random bytes from a linear congruential
 * generator seeded with 'seed', so that a test's data is the same on every
 * run. */
static inline void
roce_test_fill(uint8_t *buf, size_t n, unsigned int seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245 + 12345;
        buf[i] = seed >> 16;
    }
}

static inline int
roce_test_exit(void)
{
    if (roce_test_failures) {
        fprintf(stderr, "%d of %d checks FAILED\n",
                roce_test_failures, roce_test_checks);
        return 1;
    }
    printf("all %d checks passed\n", roce_test_checks);
    return 0;
}

#endif /* roce-test.h */
