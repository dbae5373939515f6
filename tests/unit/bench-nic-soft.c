/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* The soft provider's share of the export benchmark: time and heap
 * to hold 100,000 MAC->VTEP mappings spread over 1,000 VTEPs, then to
 * delete them one by one (what revalidation does).  Prints "name: value
 * unit" lines; run by "make bench". */

#include <config.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "nic/nic.h"
#include "nic/soft/nic-soft.h"
#include "timeval.h"
#include "util.h"

#define N_VTEPS 1000
#define N_MAPPINGS 100000

int
main(void)
{
    struct ro_mapping *maps = xcalloc(N_MAPPINGS, sizeof *maps);
    char **tnl_names = xcalloc(N_VTEPS, sizeof *tnl_names);
    struct rdma_nic *nic;
    long long int start, added, deleted;
    size_t heap_before, heap_after;

    rdma_nic_register(&rdma_nic_soft_class);
    if (rdma_nic_open("soft", "soft", &nic, NULL)) {
        ovs_fatal(0, "cannot open the soft provider");
    }

    for (int i = 0; i < N_VTEPS; i++) {
        tnl_names[i] = xasprintf("vtep%d", i);
    }
    for (int i = 0; i < N_MAPPINGS; i++) {
        struct ro_mapping *m = &maps[i];

        m->bridge = "br-int";
        m->port = "vm1";
        m->mac = (struct eth_addr) ETH_ADDR_C(02, 00, 00, 00, 00, 00);
        m->mac.ea[3] = i >> 16;
        m->mac.ea[4] = i >> 8;
        m->mac.ea[5] = i;
        m->tnl_port = tnl_names[i % N_VTEPS];
        in6_addr_set_mapped_ipv4(&m->local_ip, htonl(0x0a000001));
        in6_addr_set_mapped_ipv4(&m->remote_ip,
                                 htonl(0x0a010000 + i % N_VTEPS));
        m->vni = 1000 + i % N_VTEPS;
        m->origin = RO_MAPPING_LEARNED;
    }

    heap_before = mallinfo2().uordblks;
    start = time_usec();
    for (int i = 0; i < N_MAPPINGS; i++) {
        if (rdma_nic_mapping_add(nic, &maps[i])) {
            ovs_fatal(0, "mapping_add failed");
        }
    }
    added = time_usec();
    heap_after = mallinfo2().uordblks;
    for (int i = 0; i < N_MAPPINGS; i++) {
        if (rdma_nic_mapping_del(nic, &maps[i])) {
            ovs_fatal(0, "mapping_del failed");
        }
    }
    deleted = time_usec();

    printf("soft_mapping_add_100k_over_1k_vteps: %.1f ms\n",
           (added - start) / 1000.0);
    printf("soft_mapping_del_100k: %.1f ms\n", (deleted - added) / 1000.0);
    printf("soft_mapping_heap: %.1f bytes/mapping\n",
           (double) (heap_after - heap_before) / N_MAPPINGS);

    rdma_nic_close(nic);
    for (int i = 0; i < N_VTEPS; i++) {
        free(tnl_names[i]);
    }
    free(tnl_names);
    free(maps);
    return 0;
}
