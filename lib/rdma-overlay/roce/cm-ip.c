/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include "roce/cm-ip.h"

#include <string.h>

/* The Service ID prefix that marks an IP CM Service ID: Annex A11 reserves
 * 0x0000000001xxxxxx; the Linux kernel's cma.c and librdmacm build it as
 * ((u64) port_space << 16) + port with port spaces 0x01xx. */
#define IP_CM_SID_PREFIX_MASK UINT64_C(0xFFFFFFFFFF000000)
#define IP_CM_SID_PREFIX UINT64_C(0x0000000001000000)

/* Returns the IP CM Service ID for 'port' (host order) in 'port_space'
 * (e.g. ROCE_RDMA_PS_TCP). */
uint64_t
roce_cm_ip_service_id(uint16_t port_space, uint16_t port)
{
    return ((uint64_t) port_space << 16) | port;
}

/* Splits an IP CM Service ID into port space and destination port.
 * Returns NULL on success, or why 'service_id' is not an IP CM one. */
const char *
roce_cm_ip_parse_service_id(uint64_t service_id, uint16_t *port_space,
                            uint16_t *port)
{
    if ((service_id & IP_CM_SID_PREFIX_MASK) != IP_CM_SID_PREFIX) {
        return "not an IP CM service ID";
    }
    *port_space = service_id >> 16;
    *port = service_id;
    return NULL;
}

/* Stores IPv4 address 'ipv4_be' (network byte order, as in struct
 * in_addr) in a 16-byte A11 address field: last 4 bytes, rest zero. */
void
roce_cm_ip_set_ipv4(uint8_t field[16], uint32_t ipv4_be)
{
    memset(field, 0, 12);
    memcpy(field + 12, &ipv4_be, 4);
}

/* Returns the IPv4 address (network byte order) in an A11 address field. */
uint32_t
roce_cm_ip_get_ipv4(const uint8_t field[16])
{
    uint32_t ipv4_be;

    memcpy(&ipv4_be, field + 12, 4);
    return ipv4_be;
}

static const char *
check_hdr(const struct roce_cm_ip_hdr *hdr)
{
    if (hdr->major != 0 || hdr->minor != 0) {
        return "unsupported IP CM header version";
    }
    if (hdr->ip_version != 4 && hdr->ip_version != 6) {
        return "IP CM header IP version is neither 4 nor 6";
    }
    return NULL;
}

/* Writes 'hdr' into the first ROCE_CM_IP_HDR_SIZE bytes of the 'size'-byte
 * private data 'pdata' (normally a REQ's).  For IPv4 the first 12 bytes of
 * each address field are written as zero whatever 'hdr' holds there.
 * Returns NULL on success, else the reason nothing was written. */
const char *
roce_cm_ip_hdr_encode(const struct roce_cm_ip_hdr *hdr, uint8_t *pdata,
                      size_t size)
{
    const char *err = check_hdr(hdr);

    if (err) {
        return err;
    }
    if (size < ROCE_CM_IP_HDR_SIZE) {
        return "private data too short for IP CM header";
    }
    pdata[0] = (hdr->major << 4) | hdr->minor;
    pdata[1] = hdr->ip_version << 4;
    roce_put_be16(pdata + 2, hdr->src_port);
    memcpy(pdata + 4, hdr->src_ip, 16);
    memcpy(pdata + 20, hdr->dst_ip, 16);
    if (hdr->ip_version == 4) {
        memset(pdata + 4, 0, 12);
        memset(pdata + 20, 0, 12);
    }
    return NULL;
}

/* Parses the IP CM header at the start of the 'size'-byte private data
 * 'pdata'.  Returns NULL on success, otherwise why the header is unusable
 * (too short, version other than 0.0, IP version neither 4 nor 6).  As in
 * Linux's cma.c, only the last 4 bytes of an IPv4 address field count;
 * the reserved low nibble of byte 1 is ignored. */
const char *
roce_cm_ip_hdr_decode(const uint8_t *pdata, size_t size,
                      struct roce_cm_ip_hdr *hdr)
{
    memset(hdr, 0, sizeof *hdr);
    if (size < ROCE_CM_IP_HDR_SIZE) {
        return "private data too short for IP CM header";
    }
    hdr->major = pdata[0] >> 4;
    hdr->minor = pdata[0] & 0xf;
    hdr->ip_version = pdata[1] >> 4;
    hdr->src_port = roce_get_be16(pdata + 2);
    memcpy(hdr->src_ip, pdata + 4, 16);
    memcpy(hdr->dst_ip, pdata + 20, 16);
    if (hdr->ip_version == 4) {
        memset(hdr->src_ip, 0, 12);
        memset(hdr->dst_ip, 0, 12);
    }
    return check_hdr(hdr);
}
