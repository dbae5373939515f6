/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_INTERN_H
#define RDMA_OVERLAY_INTERN_H 1

/* Shared, reference-counted copies of the few distinct strings (bridge and
 * port names) that large tables repeat in every entry.  Main thread only. */

const char *ro_intern(const char *);
void ro_intern_unref(const char *);

#endif /* intern.h */
