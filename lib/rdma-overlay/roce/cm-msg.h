/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef ROCE_CM_MSG_H
#define ROCE_CM_MSG_H 1

/* InfiniBand Communication Manager protocol messages (IBTA Vol 1, 12.6):
 * the connection-establishment and release MADs REQ, MRA, REJ, REP, RTU,
 * DREQ and DREP, with their bit-exact layouts.  Each message is one
 * 256-byte MAD: the common header (mad.h) followed by 232 bytes laid out
 * by the tables in cm-msg.c.  All fields here are host byte order; a
 * field narrower than its C type must fit in its width (encode refuses
 * wider values rather than silently truncating). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "roce/mad.h"

/* AttributeIDs of the CM class (IBTA Vol 1 12.6). */
enum roce_cm_attr_id {
    ROCE_CM_ATTR_REQ = 0x0010,
    ROCE_CM_ATTR_MRA = 0x0011,
    ROCE_CM_ATTR_REJ = 0x0012,
    ROCE_CM_ATTR_REP = 0x0013,
    ROCE_CM_ATTR_RTU = 0x0014,
    ROCE_CM_ATTR_DREQ = 0x0015,
    ROCE_CM_ATTR_DREP = 0x0016,
};

/* Private data sizes: what is left of the 232 bytes after each message's
 * defined fields. */
#define ROCE_CM_REQ_PDATA 92
#define ROCE_CM_MRA_PDATA 222
#define ROCE_CM_REJ_PDATA 148
#define ROCE_CM_REJ_ARI 72
#define ROCE_CM_REP_PDATA 196
#define ROCE_CM_RTU_PDATA 224
#define ROCE_CM_DREQ_PDATA 220
#define ROCE_CM_DREP_PDATA 224

/* Transport Service Type in REQ (2 bits).  XRC is encoded as the value 3
 * with Extended Transport Type 1. */
enum roce_cm_tst {
    ROCE_CM_TST_RC = 0,
    ROCE_CM_TST_UC = 1,
    ROCE_CM_TST_RD = 2,
    ROCE_CM_TST_EXTENDED = 3,
};
#define ROCE_CM_ETT_XRC 1

/* "Message MRAed" / "Message Rejected" (2 bits). */
enum roce_cm_msg_ref {
    ROCE_CM_MSG_REQ = 0,
    ROCE_CM_MSG_REP = 1,
    ROCE_CM_MSG_OTHER = 2,      /* LAP for MRA; anything else for REJ. */
};

/* REP Failover Accepted (2 bits). */
enum roce_cm_failover {
    ROCE_CM_FAILOVER_ACCEPTED = 0,
    ROCE_CM_FAILOVER_NOT_SUPPORTED = 1,
    ROCE_CM_FAILOVER_REJECTED = 2,
};

/* REJ Reason codes (IBTA Vol 1 12.6; Linux enum ib_cm_rej_reason). */
enum roce_cm_rej_reason {
    ROCE_CM_REJ_NO_QP = 1,
    ROCE_CM_REJ_NO_EEC = 2,
    ROCE_CM_REJ_NO_RESOURCES = 3,
    ROCE_CM_REJ_TIMEOUT = 4,
    ROCE_CM_REJ_UNSUPPORTED = 5,
    ROCE_CM_REJ_INVALID_COMM_ID = 6,
    ROCE_CM_REJ_INVALID_COMM_INSTANCE = 7,
    ROCE_CM_REJ_INVALID_SERVICE_ID = 8,
    ROCE_CM_REJ_INVALID_TRANSPORT_TYPE = 9,
    ROCE_CM_REJ_STALE_CONN = 10,
    ROCE_CM_REJ_RDC_NOT_EXIST = 11,
    ROCE_CM_REJ_INVALID_GID = 12,
    ROCE_CM_REJ_INVALID_LID = 13,
    ROCE_CM_REJ_INVALID_SL = 14,
    ROCE_CM_REJ_INVALID_TRAFFIC_CLASS = 15,
    ROCE_CM_REJ_INVALID_HOP_LIMIT = 16,
    ROCE_CM_REJ_INVALID_PACKET_RATE = 17,
    ROCE_CM_REJ_INVALID_ALT_GID = 18,
    ROCE_CM_REJ_INVALID_ALT_LID = 19,
    ROCE_CM_REJ_INVALID_ALT_SL = 20,
    ROCE_CM_REJ_INVALID_ALT_TRAFFIC_CLASS = 21,
    ROCE_CM_REJ_INVALID_ALT_HOP_LIMIT = 22,
    ROCE_CM_REJ_INVALID_ALT_PACKET_RATE = 23,
    ROCE_CM_REJ_PORT_CM_REDIRECT = 24,
    ROCE_CM_REJ_PORT_REDIRECT = 25,
    ROCE_CM_REJ_INVALID_MTU = 26,
    ROCE_CM_REJ_INSUFFICIENT_RESP_RESOURCES = 27,
    ROCE_CM_REJ_CONSUMER_DEFINED = 28,
    ROCE_CM_REJ_INVALID_RNR_RETRY = 29,
    ROCE_CM_REJ_DUPLICATE_LOCAL_COMM_ID = 30,
    ROCE_CM_REJ_INVALID_CLASS_VERSION = 31,
    ROCE_CM_REJ_INVALID_FLOW_LABEL = 32,
    ROCE_CM_REJ_INVALID_ALT_FLOW_LABEL = 33,
    ROCE_CM_REJ_VENDOR_OPTION_NOT_SUPPORTED = 35,
};

/* Path information carried in REQ, once for the primary and once for the
 * alternate path.  For RoCEv2 the LIDs are 0xffff (permissive) and the
 * GIDs are IPv6 addresses or IPv4-mapped (::ffff:a.b.c.d) IPv4
 * addresses. */
struct roce_cm_path {
    uint16_t local_lid;
    uint16_t remote_lid;
    uint8_t local_gid[16];
    uint8_t remote_gid[16];
    uint32_t flow_label;        /* 20 bits. */
    uint8_t packet_rate;        /* 6 bits. */
    uint8_t traffic_class;
    uint8_t hop_limit;
    uint8_t sl;                 /* 4 bits. */
    bool subnet_local;
    uint8_t local_ack_timeout;  /* 5 bits: 4.096 us * 2^x. */
};

/* ConnectRequest. */
struct roce_cm_req {
    uint32_t local_comm_id;
    uint64_t service_id;
    uint64_t local_ca_guid;
    uint32_t local_qkey;
    uint32_t local_qpn;                 /* 24 bits. */
    uint8_t responder_resources;
    uint32_t local_eecn;                /* 24 bits. */
    uint8_t initiator_depth;
    uint32_t remote_eecn;               /* 24 bits. */
    uint8_t remote_cm_response_timeout; /* 5 bits. */
    uint8_t transport_service_type;     /* 2 bits, enum roce_cm_tst. */
    bool end_to_end_flow_control;
    uint32_t starting_psn;              /* 24 bits. */
    uint8_t local_cm_response_timeout;  /* 5 bits. */
    uint8_t retry_count;                /* 3 bits. */
    uint16_t pkey;
    uint8_t path_mtu;                   /* 4 bits: 1=256 ... 5=4096. */
    bool rdc_exists;
    uint8_t rnr_retry_count;            /* 3 bits. */
    uint8_t max_cm_retries;             /* 4 bits. */
    bool srq;
    uint8_t extended_transport_type;    /* 3 bits. */
    struct roce_cm_path primary;
    struct roce_cm_path alternate;
    bool sap_supported;
    uint8_t private_data[ROCE_CM_REQ_PDATA];
};

/* MessageReceiptAcknowledgement. */
struct roce_cm_mra {
    uint32_t local_comm_id;
    uint32_t remote_comm_id;
    uint8_t message_mraed;              /* 2 bits, enum roce_cm_msg_ref. */
    uint8_t service_timeout;            /* 5 bits. */
    uint8_t private_data[ROCE_CM_MRA_PDATA];
};

/* ConnectReject. */
struct roce_cm_rej {
    uint32_t local_comm_id;
    uint32_t remote_comm_id;
    uint8_t message_rejected;           /* 2 bits, enum roce_cm_msg_ref. */
    uint8_t ari_length;                 /* 7 bits, at most 72. */
    uint16_t reason;                    /* enum roce_cm_rej_reason. */
    uint8_t ari[ROCE_CM_REJ_ARI];
    uint8_t private_data[ROCE_CM_REJ_PDATA];
};

/* ConnectReply. */
struct roce_cm_rep {
    uint32_t local_comm_id;
    uint32_t remote_comm_id;
    uint32_t local_qkey;
    uint32_t local_qpn;                 /* 24 bits. */
    uint32_t local_eecn;                /* 24 bits. */
    uint32_t starting_psn;              /* 24 bits. */
    uint8_t responder_resources;
    uint8_t initiator_depth;
    uint8_t target_ack_delay;           /* 5 bits. */
    uint8_t failover_accepted;          /* 2 bits, enum roce_cm_failover. */
    bool end_to_end_flow_control;
    uint8_t rnr_retry_count;            /* 3 bits. */
    bool srq;
    uint64_t local_ca_guid;
    uint8_t private_data[ROCE_CM_REP_PDATA];
};

/* ReadyToUse. */
struct roce_cm_rtu {
    uint32_t local_comm_id;
    uint32_t remote_comm_id;
    uint8_t private_data[ROCE_CM_RTU_PDATA];
};

/* DisconnectRequest. */
struct roce_cm_dreq {
    uint32_t local_comm_id;
    uint32_t remote_comm_id;
    uint32_t remote_qpn_eecn;           /* 24 bits. */
    uint8_t private_data[ROCE_CM_DREQ_PDATA];
};

/* DisconnectReply. */
struct roce_cm_drep {
    uint32_t local_comm_id;
    uint32_t remote_comm_id;
    uint8_t private_data[ROCE_CM_DREP_PDATA];
};

/* Any one CM message with the MAD header fields that vary: 'attr_id'
 * selects the union member. */
struct roce_cm_msg {
    uint16_t attr_id;           /* enum roce_cm_attr_id. */
    uint64_t tid;
    union {
        struct roce_cm_req req;
        struct roce_cm_mra mra;
        struct roce_cm_rej rej;
        struct roce_cm_rep rep;
        struct roce_cm_rtu rtu;
        struct roce_cm_dreq dreq;
        struct roce_cm_drep drep;
    } u;
};

const char *roce_cm_msg_encode(const struct roce_cm_msg *,
                               uint8_t mad[ROCE_MAD_SIZE]);
const char *roce_cm_msg_decode(const uint8_t *mad, size_t len,
                               struct roce_cm_msg *);

const char *roce_cm_attr_name(uint16_t attr_id);
const char *roce_cm_rej_reason_name(uint16_t reason);
size_t roce_cm_private_data(struct roce_cm_msg *, uint8_t **pdata);

/* Field introspection, for tests and diagnostics: the i'th field of the
 * layout of 'attr_id' (NULL past the end). */
struct roce_cm_field_info {
    const char *name;
    uint16_t byte;              /* Offset in the 232-byte message data. */
    uint8_t bit;                /* First bit, 0 = most significant. */
    uint16_t width;             /* In bits. */
};
bool roce_cm_field_info(uint16_t attr_id, size_t i,
                        struct roce_cm_field_info *);

/* CM timeouts are 4.096 us * 2^x (x is 5 bits). */
static inline uint64_t
roce_cm_timeout_ns(uint8_t x)
{
    return 4096ULL << (x > 31 ? 31 : x);
}

#endif /* roce/cm-msg.h */
