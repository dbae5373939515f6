/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include "roce/cm-msg.h"

#include <string.h>

/* Each CM message is described by one table of fields in the "Byte[Bit]"
 * notation of IBTA Vol 1, Tables 106-113: byte offset from the start of
 * the message data (i.e. after the 24-byte MAD header), first bit counted
 * from the most significant bit of that byte, width in bits.  The same
 * table drives encoding and decoding, so the two cannot disagree, and the
 * unit test walks it to prove that no two fields overlap.  Bits not
 * covered by any field are reserved: written as zero, ignored on receive
 * (the IBTA convention for reserved fields, which Linux and Wireshark
 * follow too). */

struct cm_field {
    const char *name;
    const char *too_wide;       /* Error for encode of an oversize value. */
    uint16_t byte;
    uint8_t bit;
    uint16_t width;
    uint16_t offset;            /* offsetof() the member. */
    uint16_t size;              /* sizeof the member. */
};

#define CM_F(TYPE, MEMBER, BYTE, BIT, WIDTH)                    \
    { #MEMBER, #MEMBER " out of range", BYTE, BIT, WIDTH,       \
      offsetof(TYPE, MEMBER), sizeof(((TYPE *) 0)->MEMBER) }

/* Table 106: REQ. */
#define REQ_PATH(P, B)                                                  \
    CM_F(struct roce_cm_req, P.local_lid, (B), 0, 16),                  \
    CM_F(struct roce_cm_req, P.remote_lid, (B) + 2, 0, 16),             \
    CM_F(struct roce_cm_req, P.local_gid, (B) + 4, 0, 128),             \
    CM_F(struct roce_cm_req, P.remote_gid, (B) + 20, 0, 128),           \
    CM_F(struct roce_cm_req, P.flow_label, (B) + 36, 0, 20),            \
    CM_F(struct roce_cm_req, P.packet_rate, (B) + 39, 2, 6),            \
    CM_F(struct roce_cm_req, P.traffic_class, (B) + 40, 0, 8),          \
    CM_F(struct roce_cm_req, P.hop_limit, (B) + 41, 0, 8),              \
    CM_F(struct roce_cm_req, P.sl, (B) + 42, 0, 4),                     \
    CM_F(struct roce_cm_req, P.subnet_local, (B) + 42, 4, 1),           \
    CM_F(struct roce_cm_req, P.local_ack_timeout, (B) + 43, 0, 5)

static const struct cm_field req_fields[] = {
    CM_F(struct roce_cm_req, local_comm_id, 0, 0, 32),
    /* 4-7 reserved. */
    CM_F(struct roce_cm_req, service_id, 8, 0, 64),
    CM_F(struct roce_cm_req, local_ca_guid, 16, 0, 64),
    /* 24-27 reserved. */
    CM_F(struct roce_cm_req, local_qkey, 28, 0, 32),
    CM_F(struct roce_cm_req, local_qpn, 32, 0, 24),
    CM_F(struct roce_cm_req, responder_resources, 35, 0, 8),
    CM_F(struct roce_cm_req, local_eecn, 36, 0, 24),
    CM_F(struct roce_cm_req, initiator_depth, 39, 0, 8),
    CM_F(struct roce_cm_req, remote_eecn, 40, 0, 24),
    CM_F(struct roce_cm_req, remote_cm_response_timeout, 43, 0, 5),
    CM_F(struct roce_cm_req, transport_service_type, 43, 5, 2),
    CM_F(struct roce_cm_req, end_to_end_flow_control, 43, 7, 1),
    CM_F(struct roce_cm_req, starting_psn, 44, 0, 24),
    CM_F(struct roce_cm_req, local_cm_response_timeout, 47, 0, 5),
    CM_F(struct roce_cm_req, retry_count, 47, 5, 3),
    CM_F(struct roce_cm_req, pkey, 48, 0, 16),
    CM_F(struct roce_cm_req, path_mtu, 50, 0, 4),
    CM_F(struct roce_cm_req, rdc_exists, 50, 4, 1),
    CM_F(struct roce_cm_req, rnr_retry_count, 50, 5, 3),
    CM_F(struct roce_cm_req, max_cm_retries, 51, 0, 4),
    CM_F(struct roce_cm_req, srq, 51, 4, 1),
    CM_F(struct roce_cm_req, extended_transport_type, 51, 5, 3),
    REQ_PATH(primary, 52),
    REQ_PATH(alternate, 96),
    CM_F(struct roce_cm_req, sap_supported, 139, 5, 1),
    CM_F(struct roce_cm_req, private_data, 140, 0, ROCE_CM_REQ_PDATA * 8),
};

/* Table 107: MRA. */
static const struct cm_field mra_fields[] = {
    CM_F(struct roce_cm_mra, local_comm_id, 0, 0, 32),
    CM_F(struct roce_cm_mra, remote_comm_id, 4, 0, 32),
    CM_F(struct roce_cm_mra, message_mraed, 8, 0, 2),
    CM_F(struct roce_cm_mra, service_timeout, 9, 0, 5),
    CM_F(struct roce_cm_mra, private_data, 10, 0, ROCE_CM_MRA_PDATA * 8),
};

/* Table 108: REJ. */
static const struct cm_field rej_fields[] = {
    CM_F(struct roce_cm_rej, local_comm_id, 0, 0, 32),
    CM_F(struct roce_cm_rej, remote_comm_id, 4, 0, 32),
    CM_F(struct roce_cm_rej, message_rejected, 8, 0, 2),
    CM_F(struct roce_cm_rej, ari_length, 9, 0, 7),
    CM_F(struct roce_cm_rej, reason, 10, 0, 16),
    CM_F(struct roce_cm_rej, ari, 12, 0, ROCE_CM_REJ_ARI * 8),
    CM_F(struct roce_cm_rej, private_data, 84, 0, ROCE_CM_REJ_PDATA * 8),
};

/* Table 110: REP. */
static const struct cm_field rep_fields[] = {
    CM_F(struct roce_cm_rep, local_comm_id, 0, 0, 32),
    CM_F(struct roce_cm_rep, remote_comm_id, 4, 0, 32),
    CM_F(struct roce_cm_rep, local_qkey, 8, 0, 32),
    CM_F(struct roce_cm_rep, local_qpn, 12, 0, 24),
    CM_F(struct roce_cm_rep, local_eecn, 16, 0, 24),
    CM_F(struct roce_cm_rep, starting_psn, 20, 0, 24),
    CM_F(struct roce_cm_rep, responder_resources, 24, 0, 8),
    CM_F(struct roce_cm_rep, initiator_depth, 25, 0, 8),
    CM_F(struct roce_cm_rep, target_ack_delay, 26, 0, 5),
    CM_F(struct roce_cm_rep, failover_accepted, 26, 5, 2),
    CM_F(struct roce_cm_rep, end_to_end_flow_control, 26, 7, 1),
    CM_F(struct roce_cm_rep, rnr_retry_count, 27, 0, 3),
    CM_F(struct roce_cm_rep, srq, 27, 3, 1),
    CM_F(struct roce_cm_rep, local_ca_guid, 28, 0, 64),
    CM_F(struct roce_cm_rep, private_data, 36, 0, ROCE_CM_REP_PDATA * 8),
};

/* Table 111: RTU. */
static const struct cm_field rtu_fields[] = {
    CM_F(struct roce_cm_rtu, local_comm_id, 0, 0, 32),
    CM_F(struct roce_cm_rtu, remote_comm_id, 4, 0, 32),
    CM_F(struct roce_cm_rtu, private_data, 8, 0, ROCE_CM_RTU_PDATA * 8),
};

/* Table 112: DREQ. */
static const struct cm_field dreq_fields[] = {
    CM_F(struct roce_cm_dreq, local_comm_id, 0, 0, 32),
    CM_F(struct roce_cm_dreq, remote_comm_id, 4, 0, 32),
    CM_F(struct roce_cm_dreq, remote_qpn_eecn, 8, 0, 24),
    CM_F(struct roce_cm_dreq, private_data, 12, 0, ROCE_CM_DREQ_PDATA * 8),
};

/* Table 113: DREP. */
static const struct cm_field drep_fields[] = {
    CM_F(struct roce_cm_drep, local_comm_id, 0, 0, 32),
    CM_F(struct roce_cm_drep, remote_comm_id, 4, 0, 32),
    CM_F(struct roce_cm_drep, private_data, 8, 0, ROCE_CM_DREP_PDATA * 8),
};

struct cm_layout {
    uint16_t attr_id;
    const char *name;
    const struct cm_field *fields;
    size_t n_fields;
    const char *(*check)(const struct roce_cm_msg *);
};

static const char *check_req(const struct roce_cm_msg *);
static const char *check_mra(const struct roce_cm_msg *);
static const char *check_rej(const struct roce_cm_msg *);
static const char *check_rep(const struct roce_cm_msg *);

#define LAYOUT(ID, NAME, FIELDS, CHECK) \
    { ID, NAME, FIELDS, sizeof FIELDS / sizeof FIELDS[0], CHECK }

/* Names as Wireshark prints them, so logs and captures read alike. */
static const struct cm_layout layouts[] = {
    LAYOUT(ROCE_CM_ATTR_REQ, "ConnectRequest", req_fields, check_req),
    LAYOUT(ROCE_CM_ATTR_MRA, "MsgRcptAck", mra_fields, check_mra),
    LAYOUT(ROCE_CM_ATTR_REJ, "ConnectReject", rej_fields, check_rej),
    LAYOUT(ROCE_CM_ATTR_REP, "ConnectReply", rep_fields, check_rep),
    LAYOUT(ROCE_CM_ATTR_RTU, "ReadyToUse", rtu_fields, NULL),
    LAYOUT(ROCE_CM_ATTR_DREQ, "DisconnectRequest", dreq_fields, NULL),
    LAYOUT(ROCE_CM_ATTR_DREP, "DisconnectReply", drep_fields, NULL),
};

static const struct cm_layout *
find_layout(uint16_t attr_id)
{
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        if (layouts[i].attr_id == attr_id) {
            return &layouts[i];
        }
    }
    return NULL;
}

/* Semantic checks shared by encode and decode: values that fit their
 * width but that the spec marks reserved or invalid. */
static const char *
check_req(const struct roce_cm_msg *msg)
{
    const struct roce_cm_req *req = &msg->u.req;

    if (req->transport_service_type == ROCE_CM_TST_EXTENDED) {
        if (req->extended_transport_type != ROCE_CM_ETT_XRC) {
            return "REQ reserved extended transport type";
        }
    } else if (req->extended_transport_type != 0) {
        return "REQ extended transport type without TST 3";
    }
    if (req->path_mtu < 1 || req->path_mtu > 5) {
        return "REQ invalid path MTU";
    }
    return NULL;
}

static const char *
check_mra(const struct roce_cm_msg *msg)
{
    return (msg->u.mra.message_mraed > ROCE_CM_MSG_OTHER
            ? "MRA reserved message-MRAed value" : NULL);
}

static const char *
check_rej(const struct roce_cm_msg *msg)
{
    if (msg->u.rej.message_rejected > ROCE_CM_MSG_OTHER) {
        return "REJ reserved message-rejected value";
    }
    if (msg->u.rej.ari_length > ROCE_CM_REJ_ARI) {
        return "REJ ARI length over 72";
    }
    return NULL;
}

static const char *
check_rep(const struct roce_cm_msg *msg)
{
    return (msg->u.rep.failover_accepted > ROCE_CM_FAILOVER_REJECTED
            ? "REP reserved failover-accepted value" : NULL);
}

/* Number of bytes the field [bit, bit + width) spans; at most 8 for every
 * scalar field in the tables above. */
static unsigned int
field_span(const struct cm_field *f)
{
    return (f->bit + f->width + 7) / 8;
}

static uint64_t
get_bits(const uint8_t *data, const struct cm_field *f)
{
    unsigned int span = field_span(f);
    uint64_t acc = 0;

    for (unsigned int i = 0; i < span; i++) {
        acc = (acc << 8) | data[f->byte + i];
    }
    acc >>= span * 8 - f->bit - f->width;
    return f->width == 64 ? acc : acc & ((UINT64_C(1) << f->width) - 1);
}

static void
put_bits(uint8_t *data, const struct cm_field *f, uint64_t value)
{
    unsigned int span = field_span(f);
    unsigned int shift = span * 8 - f->bit - f->width;
    uint64_t mask = (f->width == 64 ? UINT64_MAX
                     : ((UINT64_C(1) << f->width) - 1) << shift);
    uint64_t acc = 0;

    for (unsigned int i = 0; i < span; i++) {
        acc = (acc << 8) | data[f->byte + i];
    }
    acc = (acc & ~mask) | ((value << shift) & mask);
    for (unsigned int i = span; i-- > 0; acc >>= 8) {
        data[f->byte + i] = acc;
    }
}

static uint64_t
load_member(const void *p, unsigned int size)
{
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;

    switch (size) {
    case 1:
        memcpy(&u8, p, 1);
        return u8;
    case 2:
        memcpy(&u16, p, 2);
        return u16;
    case 4:
        memcpy(&u32, p, 4);
        return u32;
    default:
        memcpy(&u64, p, 8);
        return u64;
    }
}

static void
store_member(void *p, unsigned int size, uint64_t v)
{
    uint8_t u8 = v;
    uint16_t u16 = v;
    uint32_t u32 = v;

    switch (size) {
    case 1:
        memcpy(p, &u8, 1);
        break;
    case 2:
        memcpy(p, &u16, 2);
        break;
    case 4:
        memcpy(p, &u32, 4);
        break;
    default:
        memcpy(p, &v, 8);
        break;
    }
}

static bool
field_is_bytes(const struct cm_field *f)
{
    return f->width > 64;
}

/* Encodes 'msg' as a complete 256-byte CM MAD into 'mad' (MAD header:
 * BaseVersion 1, class CM, ClassVersion 2, method Send, status 0,
 * AttributeModifier 0).  Returns NULL on success; otherwise the reason
 * (unknown attribute, a value wider than its field, or a reserved value),
 * in which case 'mad' holds garbage and must not be sent. */
const char *
roce_cm_msg_encode(const struct roce_cm_msg *msg, uint8_t mad[ROCE_MAD_SIZE])
{
    const struct cm_layout *l = find_layout(msg->attr_id);
    struct roce_mad_hdr hdr = {
        .base_version = ROCE_MAD_BASE_VERSION,
        .mgmt_class = ROCE_MAD_MGMT_CLASS_CM,
        .class_version = ROCE_MAD_CM_CLASS_VERSION,
        .method = ROCE_MAD_METHOD_SEND,
        .tid = msg->tid,
        .attr_id = msg->attr_id,
    };
    uint8_t *data = mad + ROCE_MAD_HDR_SIZE;
    const char *err;

    if (!l) {
        return "unknown CM attribute";
    }
    err = l->check ? l->check(msg) : NULL;
    if (err) {
        return err;
    }

    memset(mad, 0, ROCE_MAD_SIZE);
    roce_mad_hdr_encode(&hdr, mad);
    for (size_t i = 0; i < l->n_fields; i++) {
        const struct cm_field *f = &l->fields[i];
        const uint8_t *src = (const uint8_t *) &msg->u + f->offset;

        if (field_is_bytes(f)) {
            memcpy(data + f->byte, src, f->width / 8);
        } else {
            uint64_t v = load_member(src, f->size);

            if (f->width < 64 && v >> f->width) {
                return f->too_wide;
            }
            put_bits(data, f, v);
        }
    }
    return NULL;
}

/* Decodes the 'len'-byte buffer 'mad' (the payload of a UD SEND received
 * on QP1) into '*msg'.  Returns NULL on success, otherwise why the MAD was
 * refused: wrong length (checked before anything is read), not a CM Send
 * MAD, an AttributeID this engine does not handle, or a field holding a
 * reserved/invalid value.  '*msg' is fully initialized either way. */
const char *
roce_cm_msg_decode(const uint8_t *mad, size_t len, struct roce_cm_msg *msg)
{
    const uint8_t *data = mad + ROCE_MAD_HDR_SIZE;
    const struct cm_layout *l;
    struct roce_mad_hdr hdr;
    const char *err;

    memset(msg, 0, sizeof *msg);
    err = roce_mad_hdr_decode(mad, len, &hdr);
    if (!err) {
        err = roce_mad_cm_hdr_check(&hdr);
    }
    if (err) {
        return err;
    }
    l = find_layout(hdr.attr_id);
    if (!l) {
        return "unsupported CM attribute";
    }

    msg->attr_id = hdr.attr_id;
    msg->tid = hdr.tid;
    for (size_t i = 0; i < l->n_fields; i++) {
        const struct cm_field *f = &l->fields[i];
        uint8_t *dst = (uint8_t *) &msg->u + f->offset;

        if (field_is_bytes(f)) {
            memcpy(dst, data + f->byte, f->width / 8);
        } else {
            store_member(dst, f->size, get_bits(data, f));
        }
    }
    return l->check ? l->check(msg) : NULL;
}

/* Returns the Wireshark-style name of CM attribute 'attr_id'. */
const char *
roce_cm_attr_name(uint16_t attr_id)
{
    const struct cm_layout *l = find_layout(attr_id);

    return l ? l->name : "unknown";
}

/* Returns a short description of REJ reason 'reason' (the REJ reason codes
 * of IBTA Vol 1 12.6, numbered as in Linux's enum ib_cm_rej_reason). */
const char *
roce_cm_rej_reason_name(uint16_t reason)
{
    static const char *const names[] = {
        [ROCE_CM_REJ_NO_QP] = "no QP",
        [ROCE_CM_REJ_NO_EEC] = "no EEC",
        [ROCE_CM_REJ_NO_RESOURCES] = "no resources",
        [ROCE_CM_REJ_TIMEOUT] = "timeout",
        [ROCE_CM_REJ_UNSUPPORTED] = "unsupported request",
        [ROCE_CM_REJ_INVALID_COMM_ID] = "invalid comm ID",
        [ROCE_CM_REJ_INVALID_COMM_INSTANCE] = "invalid comm instance",
        [ROCE_CM_REJ_INVALID_SERVICE_ID] = "invalid service ID",
        [ROCE_CM_REJ_INVALID_TRANSPORT_TYPE] = "invalid transport type",
        [ROCE_CM_REJ_STALE_CONN] = "stale connection",
        [ROCE_CM_REJ_RDC_NOT_EXIST] = "RDC does not exist",
        [ROCE_CM_REJ_INVALID_GID] = "invalid GID",
        [ROCE_CM_REJ_INVALID_LID] = "invalid LID",
        [ROCE_CM_REJ_INVALID_SL] = "invalid SL",
        [ROCE_CM_REJ_INVALID_TRAFFIC_CLASS] = "invalid traffic class",
        [ROCE_CM_REJ_INVALID_HOP_LIMIT] = "invalid hop limit",
        [ROCE_CM_REJ_INVALID_PACKET_RATE] = "invalid packet rate",
        [ROCE_CM_REJ_INVALID_ALT_GID] = "invalid alternate GID",
        [ROCE_CM_REJ_INVALID_ALT_LID] = "invalid alternate LID",
        [ROCE_CM_REJ_INVALID_ALT_SL] = "invalid alternate SL",
        [ROCE_CM_REJ_INVALID_ALT_TRAFFIC_CLASS]
            = "invalid alternate traffic class",
        [ROCE_CM_REJ_INVALID_ALT_HOP_LIMIT] = "invalid alternate hop limit",
        [ROCE_CM_REJ_INVALID_ALT_PACKET_RATE]
            = "invalid alternate packet rate",
        [ROCE_CM_REJ_PORT_CM_REDIRECT] = "port and CM redirection",
        [ROCE_CM_REJ_PORT_REDIRECT] = "port redirection",
        [ROCE_CM_REJ_INVALID_MTU] = "invalid path MTU",
        [ROCE_CM_REJ_INSUFFICIENT_RESP_RESOURCES]
            = "insufficient responder resources",
        [ROCE_CM_REJ_CONSUMER_DEFINED] = "consumer reject",
        [ROCE_CM_REJ_INVALID_RNR_RETRY] = "invalid RNR retry count",
        [ROCE_CM_REJ_DUPLICATE_LOCAL_COMM_ID] = "duplicate local comm ID",
        [ROCE_CM_REJ_INVALID_CLASS_VERSION] = "invalid class version",
        [ROCE_CM_REJ_INVALID_FLOW_LABEL] = "invalid flow label",
        [ROCE_CM_REJ_INVALID_ALT_FLOW_LABEL]
            = "invalid alternate flow label",
        [ROCE_CM_REJ_VENDOR_OPTION_NOT_SUPPORTED]
            = "vendor option not supported",
    };

    return (reason < sizeof names / sizeof names[0] && names[reason]
            ? names[reason] : "unknown reason");
}

/* Stores in '*pdata' a pointer to the private data area of 'msg' and
 * returns its size in bytes (0, with '*pdata' NULL, for an unknown
 * attribute).  The consumer's data is zero-padded to that size: the wire
 * has no length field. */
size_t
roce_cm_private_data(struct roce_cm_msg *msg, uint8_t **pdata)
{
    const struct cm_layout *l = find_layout(msg->attr_id);

    if (l) {
        /* Private data is the last field of every layout. */
        const struct cm_field *f = &l->fields[l->n_fields - 1];

        *pdata = (uint8_t *) &msg->u + f->offset;
        return f->width / 8;
    }
    *pdata = NULL;
    return 0;
}

/* Describes the i'th field of the layout of 'attr_id' in '*info'.  Returns
 * false if there is no such attribute or field. */
bool
roce_cm_field_info(uint16_t attr_id, size_t i,
                   struct roce_cm_field_info *info)
{
    const struct cm_layout *l = find_layout(attr_id);

    if (!l || i >= l->n_fields) {
        return false;
    }
    info->name = l->fields[i].name;
    info->byte = l->fields[i].byte;
    info->bit = l->fields[i].bit;
    info->width = l->fields[i].width;
    return true;
}
