/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include "roce/mad.h"

#include <string.h>

/* Common MAD header layout (IBTA Vol 1, chapter 13.4):
 *
 *   0  BaseVersion      1  MgmtClass     2  ClassVersion   3  R|Method
 *   4  Status (16)                       6  ClassSpecific (16)
 *   8  TransactionID (64)
 *  16  AttributeID (16)                 18  Reserved (16)
 *  20  AttributeModifier (32)
 */

/* Writes 'hdr' into the first ROCE_MAD_HDR_SIZE bytes of 'mad', with the
 * reserved field zeroed as senders must. */
void
roce_mad_hdr_encode(const struct roce_mad_hdr *hdr, uint8_t *mad)
{
    mad[0] = hdr->base_version;
    mad[1] = hdr->mgmt_class;
    mad[2] = hdr->class_version;
    mad[3] = hdr->method;
    roce_put_be16(mad + 4, hdr->status);
    roce_put_be16(mad + 6, hdr->class_specific);
    roce_put_be64(mad + 8, hdr->tid);
    roce_put_be16(mad + 16, hdr->attr_id);
    roce_put_be16(mad + 18, 0);
    roce_put_be32(mad + 20, hdr->attr_mod);
}

/* Parses the common header of the 'len'-byte MAD at 'mad' into '*hdr'.
 * Returns NULL on success, otherwise a static string saying why the buffer
 * is not a MAD.  A GMP on QP1 is exactly ROCE_MAD_SIZE bytes long (IBTA
 * Vol 1 13.4), so any other length is refused before anything is read.  Only
 * BaseVersion is checked here: the class is the caller's business (see
 * roce_mad_cm_hdr_check()).  The reserved field is ignored, as IBTA
 * requires of receivers. */
const char *
roce_mad_hdr_decode(const uint8_t *mad, size_t len, struct roce_mad_hdr *hdr)
{
    if (len != ROCE_MAD_SIZE) {
        return len < ROCE_MAD_SIZE ? "MAD too short" : "MAD too long";
    }
    memset(hdr, 0, sizeof *hdr);
    hdr->base_version = mad[0];
    hdr->mgmt_class = mad[1];
    hdr->class_version = mad[2];
    hdr->method = mad[3];
    hdr->status = roce_get_be16(mad + 4);
    hdr->class_specific = roce_get_be16(mad + 6);
    hdr->tid = roce_get_be64(mad + 8);
    hdr->attr_id = roce_get_be16(mad + 16);
    hdr->attr_mod = roce_get_be32(mad + 20);
    if (hdr->base_version != ROCE_MAD_BASE_VERSION) {
        return "unsupported MAD BaseVersion";
    }
    return NULL;
}

/* Checks that 'hdr' is a Communication Management MAD this engine can
 * handle: CM class, ClassVersion 2, method Send, status 0.  Every CM
 * protocol message is a Send (IBTA Vol 1 12.6); nothing here expects a
 * response MAD.  Returns NULL if acceptable, else the reason. */
const char *
roce_mad_cm_hdr_check(const struct roce_mad_hdr *hdr)
{
    if (hdr->mgmt_class != ROCE_MAD_MGMT_CLASS_CM) {
        return "MAD is not of the CM class";
    }
    if (hdr->class_version != ROCE_MAD_CM_CLASS_VERSION) {
        return "unsupported CM ClassVersion";
    }
    if (hdr->method != ROCE_MAD_METHOD_SEND) {
        return "CM MAD method is not Send";
    }
    if (hdr->status != 0) {
        return "CM MAD has nonzero status";
    }
    return NULL;
}
