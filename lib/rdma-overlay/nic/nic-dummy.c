/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Test providers, registered only when ovs-vswitchd runs with
 * --enable-dummy (as Open vSwitch registers its dummy datapath and netdev
 * classes), so that the testsuite can exercise what a single real provider
 * cannot: switching providers with state to move, and a provider whose
 * device is absent.
 *
 *   "dummy"         a copy of a real provider's class (the soft
 *                   provider's, as the module glue registers it) under
 *                   another name;
 *   "dummy-absent"  a provider whose 'open' always fails with ENODEV, as a
 *                   hardware provider does when its device is missing. */

#include <config.h>

#include "nic/nic-dummy.h"

#include <errno.h>

#include "dpif.h"
#include "nic/nic.h"
#include "sset.h"
#include "util.h"

static int
absent_open(const char *name, struct rdma_nic **nicp OVS_UNUSED,
            char **errorp)
{
    *errorp = xasprintf("%s: no such device (test provider)", name);
    return ENODEV;
}

static void
absent_close(struct rdma_nic *nic OVS_UNUSED)
{
    /* Never opened. */
}

static const struct rdma_nic_class absent_class = {
    .type = "dummy-absent",
    .description = "test provider whose device is always absent",
    .open = absent_open,
    .close = absent_close,
};

/* Registers the test providers if the dummy datapath is enabled, i.e. if
 * ovs-vswitchd runs with --enable-dummy: "dummy" behaves as 'base'.  Call
 * after option parsing. */
void
rdma_nic_dummy_register(const struct rdma_nic_class *base)
{
    static struct rdma_nic_class dummy_class;
    struct sset types = SSET_INITIALIZER(&types);

    dp_enumerate_types(&types);
    if (sset_contains(&types, "dummy") && !dummy_class.type) {
        dummy_class = *base;
        dummy_class.type = "dummy";
        dummy_class.description = xasprintf("%s provider registered for "
                                            "tests", base->type);
        rdma_nic_register(&dummy_class);
        rdma_nic_register(&absent_class);
    }
    sset_destroy(&types);
}
