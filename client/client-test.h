/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef OVSRDMA_CLIENT_TEST_H
#define OVSRDMA_CLIENT_TEST_H 1

/* What libovsrdma's unit tests share: a check that fails the test at the
 * first false condition, naming it. */

#include <stdio.h>
#include <stdlib.h>

#define CHECK(COND)                                                     \
    do {                                                                \
        if (!(COND)) {                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n",                \
                    __FILE__, __LINE__, #COND);                         \
            exit(1);                                                    \
        }                                                               \
    } while (0)

#endif /* client-test.h */
