/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/hdr.h"

/* Flow label for a QP pair: the product of the QPNs folded to 20 bits, the
 * way Linux's rdma_calc_flow_label() does, so that a peer computing its
 * own label for the same pair agrees. */
uint32_t
roce_flow_label(uint32_t lqpn, uint32_t rqpn)
{
    uint64_t v = (uint64_t) lqpn * rqpn;

    v ^= v >> 20;
    v ^= v >> 40;
    return (uint32_t) (v & 0xfffff);
}

/* RoCEv2 UDP source port for a QP pair: the flow label folded into 14 bits
 * and placed in 0xc000..0xffff, the range IBTA reserves for RoCEv2 source
 * ports (as Linux's rdma_flow_label_to_udp_sport() does). */
uint16_t
roce_udp_sport(uint32_t lqpn, uint32_t rqpn)
{
    uint32_t fl = roce_flow_label(lqpn, rqpn);
    uint32_t low = fl & 0x3fff;

    low ^= (fl & 0xfc000) >> 14;
    return (uint16_t) (0xc000 | low);
}
