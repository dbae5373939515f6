/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef ROCE_MAD_H
#define ROCE_MAD_H 1

/* Management Datagrams (IBTA Vol 1 13.4): the 256-byte payload of a UD
 * SEND to QP1 (the GSI), which carries the Communication Manager's
 * messages.  This file knows only the 24-byte common MAD header; the CM
 * attribute layouts are in cm-msg.h. */

#include <stddef.h>
#include <stdint.h>

#include "roce/bytes.h"

#define ROCE_MAD_SIZE 256         /* Every GMP is exactly this long. */
#define ROCE_MAD_HDR_SIZE 24      /* Common MAD header. */
#define ROCE_MAD_DATA_SIZE 232    /* Class-specific data after it. */

#define ROCE_MAD_BASE_VERSION 1
#define ROCE_MAD_MGMT_CLASS_CM 0x07
#define ROCE_MAD_CM_CLASS_VERSION 2

/* Method values (IBTA Vol 1 13.4); the high bit is the R (response) bit. */
#define ROCE_MAD_METHOD_GET 0x01
#define ROCE_MAD_METHOD_SET 0x02
#define ROCE_MAD_METHOD_SEND 0x03
#define ROCE_MAD_METHOD_GET_RESP 0x81

/* QP1 is addressed with this well-known Q_Key (IBTA Vol 1 chapter 13). */
#define ROCE_GSI_QPN 1
#define ROCE_GSI_QKEY 0x80010000u

/* The common MAD header, host byte order.  "method" includes the R bit. */
struct roce_mad_hdr {
    uint8_t base_version;
    uint8_t mgmt_class;
    uint8_t class_version;
    uint8_t method;
    uint16_t status;
    uint16_t class_specific;
    uint64_t tid;               /* TransactionID. */
    uint16_t attr_id;
    uint32_t attr_mod;
};

void roce_mad_hdr_encode(const struct roce_mad_hdr *, uint8_t *mad);
const char *roce_mad_hdr_decode(const uint8_t *mad, size_t len,
                                struct roce_mad_hdr *);
const char *roce_mad_cm_hdr_check(const struct roce_mad_hdr *);

#endif /* roce/mad.h */
