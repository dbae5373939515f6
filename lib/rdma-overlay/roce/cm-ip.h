/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef ROCE_CM_IP_H
#define ROCE_CM_IP_H 1

/* The RDMA IP CM Service (IBTA Vol 1 Annex A11): how rdma_cm maps an IP
 * connection onto IB CM.  The destination port travels in the REQ's
 * Service ID; the first 36 bytes of the REQ private data carry the IP
 * addresses and source port; the consumer's private data follows.
 *
 *   byte 0     MajV (4 bits) | MinV (4 bits)    -- 0.0
 *   byte 1     IPV (4 bits)  | reserved (4)     -- 4 or 6
 *   bytes 2-3  source port
 *   bytes 4-19 source IP (IPv4: last 4 bytes, first 12 zero)
 *   bytes 20-35 destination IP (same)
 */

#include <stddef.h>
#include <stdint.h>

#include "roce/cm-msg.h"

#define ROCE_CM_IP_HDR_SIZE 36
#define ROCE_CM_IP_REQ_PDATA (ROCE_CM_REQ_PDATA - ROCE_CM_IP_HDR_SIZE)

/* Port spaces (librdmacm's enum rdma_port_space). */
#define ROCE_RDMA_PS_IPOIB 0x0002
#define ROCE_RDMA_PS_IB 0x013F
#define ROCE_RDMA_PS_TCP 0x0106
#define ROCE_RDMA_PS_UDP 0x0111

/* Service ID = 0x0000000001000000 | ps << 16 | port, i.e. the port space
 * (whose high byte 0x01 is the IP CM prefix) and the destination port. */
#define ROCE_CM_IP_SID_MASK UINT64_C(0xFFFFFFFFFFFF0000)

struct roce_cm_ip_hdr {
    uint8_t major;              /* 4 bits; A11 version 0. */
    uint8_t minor;              /* 4 bits; A11 version 0. */
    uint8_t ip_version;         /* 4 or 6. */
    uint16_t src_port;
    uint8_t src_ip[16];         /* IPv6, or IPv4 in bytes 12-15. */
    uint8_t dst_ip[16];
};

uint64_t roce_cm_ip_service_id(uint16_t port_space, uint16_t port);
const char *roce_cm_ip_parse_service_id(uint64_t service_id,
                                        uint16_t *port_space,
                                        uint16_t *port);

const char *roce_cm_ip_hdr_encode(const struct roce_cm_ip_hdr *,
                                  uint8_t *pdata, size_t size);
const char *roce_cm_ip_hdr_decode(const uint8_t *pdata, size_t size,
                                  struct roce_cm_ip_hdr *);

void roce_cm_ip_set_ipv4(uint8_t field[16], uint32_t ipv4_be);
uint32_t roce_cm_ip_get_ipv4(const uint8_t field[16]);

#endif /* roce/cm-ip.h */
