/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Names of values, worded exactly as libibverbs and librdmacm word them,
 * so that programs ported to libovsrdma print what they used to. */

#include "client-private.h"

#define ARRAY_SIZE(ARRAY) (sizeof (ARRAY) / sizeof *(ARRAY))

/* Returns libibverbs' description of work completion status 'status'
 * (ibv_wc_status_str()). */
const char *
ovsrdma_wc_status_str(enum ovsrdma_wc_status status)
{
    static const char *const names[] = {
        [OVSRDMA_WC_SUCCESS] = "success",
        [OVSRDMA_WC_LOC_LEN_ERR] = "local length error",
        [OVSRDMA_WC_LOC_QP_OP_ERR] = "local QP operation error",
        [OVSRDMA_WC_LOC_EEC_OP_ERR] = "local EE context operation error",
        [OVSRDMA_WC_LOC_PROT_ERR] = "local protection error",
        [OVSRDMA_WC_WR_FLUSH_ERR] = "Work Request Flushed Error",
        [OVSRDMA_WC_MW_BIND_ERR] = "memory management operation error",
        [OVSRDMA_WC_BAD_RESP_ERR] = "bad response error",
        [OVSRDMA_WC_LOC_ACCESS_ERR] = "local access error",
        [OVSRDMA_WC_REM_INV_REQ_ERR] = "remote invalid request error",
        [OVSRDMA_WC_REM_ACCESS_ERR] = "remote access error",
        [OVSRDMA_WC_REM_OP_ERR] = "remote operation error",
        [OVSRDMA_WC_RETRY_EXC_ERR] = "transport retry counter exceeded",
        [OVSRDMA_WC_RNR_RETRY_EXC_ERR] = "RNR retry counter exceeded",
        [OVSRDMA_WC_LOC_RDD_VIOL_ERR] = "local RDD violation error",
        [OVSRDMA_WC_REM_INV_RD_REQ_ERR] = "remote invalid RD request",
        [OVSRDMA_WC_REM_ABORT_ERR] = "aborted error",
        [OVSRDMA_WC_INV_EECN_ERR] = "invalid EE context number",
        [OVSRDMA_WC_INV_EEC_STATE_ERR] = "invalid EE context state",
        [OVSRDMA_WC_FATAL_ERR] = "fatal error",
        [OVSRDMA_WC_RESP_TIMEOUT_ERR] = "response timeout error",
        [OVSRDMA_WC_GENERAL_ERR] = "general error",
    };
    unsigned int i = status;

    return i < ARRAY_SIZE(names) ? names[i] : "unknown";
}

/* Returns librdmacm's name of CM event type 'event' (rdma_event_str()). */
const char *
ovsrdma_event_str(enum ovsrdma_cm_event_type event)
{
    static const char *const names[] = {
#define CM_EVENT_NAME(NAME) \
        [OVSRDMA_CM_EVENT_##NAME] = "RDMA_CM_EVENT_" #NAME
        CM_EVENT_NAME(ADDR_RESOLVED),
        CM_EVENT_NAME(ADDR_ERROR),
        CM_EVENT_NAME(ROUTE_RESOLVED),
        CM_EVENT_NAME(ROUTE_ERROR),
        CM_EVENT_NAME(CONNECT_REQUEST),
        CM_EVENT_NAME(CONNECT_RESPONSE),
        CM_EVENT_NAME(CONNECT_ERROR),
        CM_EVENT_NAME(UNREACHABLE),
        CM_EVENT_NAME(REJECTED),
        CM_EVENT_NAME(ESTABLISHED),
        CM_EVENT_NAME(DISCONNECTED),
        CM_EVENT_NAME(DEVICE_REMOVAL),
        CM_EVENT_NAME(MULTICAST_JOIN),
        CM_EVENT_NAME(MULTICAST_ERROR),
        CM_EVENT_NAME(ADDR_CHANGE),
        CM_EVENT_NAME(TIMEWAIT_EXIT),
#undef CM_EVENT_NAME
    };
    unsigned int i = event;

    return i < ARRAY_SIZE(names) ? names[i] : "UNKNOWN EVENT";
}
