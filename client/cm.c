/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* The connection manager, librdmacm's way: requests only start things,
 * and results arrive as events on the ID's event channel.  The daemon
 * runs the IB CM and moves the QPs it owns (created on an ID) through
 * their states; the library only keeps qp->state in step with the events
 * and IDs' addresses up to date. */

#include "client-private.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* An event handed to the application, with the private data it points
 * into. */
struct cm_event_priv {
    struct ovsrdma_cm_event pub;
    struct cm_id_priv *counted; /* The ID whose 'events' this holds. */
    uint8_t private_data[OVSRDMA_MAX_PRIVATE_DATA];
};

static struct cm_id_priv *
cm_id_priv(struct ovsrdma_cm_id *id)
{
    return DCN_CONTAINER_OF(id, struct cm_id_priv, pub);
}

static struct event_channel_priv *
event_channel_priv(struct ovsrdma_event_channel *channel)
{
    return DCN_CONTAINER_OF(channel, struct event_channel_priv, pub);
}

/* Creates a CM event channel, like rdma_create_event_channel().  Returns
 * NULL with errno set on failure. */
struct ovsrdma_event_channel *
ovsrdma_create_event_channel(struct ovsrdma_context *ctx)
{
    struct event_channel_priv *ch;

    ch = dcn_evchan_new(ctx, sizeof *ch,
                        offsetof(struct event_channel_priv, ev));
    if (!ch) {
        return NULL;
    }
    ch->pub.context = ctx;
    ch->pub.fd = ch->ev.efd;
    ch->pub.handle = ch->ev.handle;
    return &ch->pub;
}

/* Destroys 'channel', like rdma_destroy_event_channel().  Its IDs must be
 * destroyed first. */
void
ovsrdma_destroy_event_channel(struct ovsrdma_event_channel *channel)
{
    struct event_channel_priv *ch = event_channel_priv(channel);

    dcn_evchan_close(&ch->ev, true);
    free(ch);
}

/* Creates the library's side of the daemon's CM ID 'handle'.  Returns it,
 * or NULL with errno set. */
static struct cm_id_priv *
cm_id_new(struct ovsrdma_event_channel *channel, void *context,
          enum ovsrdma_port_space ps, uint32_t handle)
{
    struct ovsrdma_context *ctx = channel->context;
    struct cm_id_priv *id = calloc(1, sizeof *id);
    int error;

    if (!id) {
        errno = ENOMEM;
        return NULL;
    }
    id->pub.context = ctx;
    id->pub.channel = channel;
    id->pub.context_ptr = context;
    id->pub.ps = ps;
    id->pub.handle = handle;
    error = objmap_insert(&ctx->objs, DCN_OBJ_CM_ID, handle, id);
    if (error) {
        free(id);
        errno = error;
        return NULL;
    }
    return id;
}

/* Creates a CM ID on 'channel' for port space 'ps', like rdma_create_id(),
 * and stores it in '*idp'. */
int
ovsrdma_create_id(struct ovsrdma_event_channel *channel,
                  struct ovsrdma_cm_id **idp, void *context,
                  enum ovsrdma_port_space ps)
{
    struct ovsrdma_context *ctx = channel->context;
    struct cm_id_priv *id;
    uint32_t handle;
    int error;

    error = dcn_call_handle(ctx, OVSRDMA_MSG_CM_CREATE_ID, channel->handle,
                            ps, &handle);
    if (error) {
        return error;
    }
    id = cm_id_new(channel, context, ps, handle);
    if (!id) {
        error = errno;
        dcn_call_handle(ctx, OVSRDMA_MSG_CM_DESTROY_ID, handle, 0, NULL);
        return error;
    }
    *idp = &id->pub;
    return 0;
}

/* Destroys 'id', like rdma_destroy_id(): its QP must be destroyed first,
 * and this waits until every event delivered for it has been acked. */
int
ovsrdma_destroy_id(struct ovsrdma_cm_id *id_)
{
    struct ovsrdma_context *ctx = id_->context;
    struct cm_id_priv *id = cm_id_priv(id_);
    int error;

    error = dcn_call_handle(ctx, OVSRDMA_MSG_CM_DESTROY_ID, id_->handle, 0,
                            NULL);
    if (error) {
        return error;
    }
    objmap_remove(&ctx->objs, DCN_OBJ_CM_ID, id_->handle);

    pthread_mutex_lock(&ctx->cm_lock);
    while (id->events) {
        pthread_cond_wait(&ctx->cm_cond, &ctx->cm_lock);
    }
    pthread_mutex_unlock(&ctx->cm_lock);
    free(id);
    return 0;
}

/* Copies 'sa' (an AF_INET or AF_INET6 address) into '*ss'. */
static void
store_sockaddr(struct sockaddr_storage *ss, const struct sockaddr *sa)
{
    memset(ss, 0, sizeof *ss);
    memcpy(ss, sa, (sa->sa_family == AF_INET
                    ? sizeof(struct sockaddr_in)
                    : sizeof(struct sockaddr_in6)));
}

/* Sends a CM_BIND_ADDR or CM_RESOLVE_ADDR request for 'id' and 'addr'. */
static int
cm_addr_request(struct ovsrdma_cm_id *id, uint16_t type,
                const struct sockaddr *addr, uint32_t timeout_ms)
{
    struct ovsrdma_cm_addr_msg req;
    int error;

    memset(&req, 0, sizeof req);
    error = addr ? dcn_sockaddr_to_abi(addr, &req.addr) : EINVAL;
    if (error) {
        return error;
    }
    req.id = id->handle;
    req.timeout_ms = timeout_ms;
    return dcn_call(id->context, type, &req, sizeof req, -1,
                    NULL, 0, 0, NULL, 0);
}

/* Binds 'id' to local address 'addr' (one of the port's, or a wildcard),
 * like rdma_bind_addr(). */
int
ovsrdma_bind_addr(struct ovsrdma_cm_id *id, const struct sockaddr *addr)
{
    int error = cm_addr_request(id, OVSRDMA_MSG_CM_BIND_ADDR, addr, 0);

    if (!error) {
        store_sockaddr(&id->src_addr, addr);
    }
    return error;
}

/* Starts resolving 'dst', like rdma_resolve_addr(): binds to 'src' first
 * if it is nonnull.  The result is an ADDR_RESOLVED or ADDR_ERROR event. */
int
ovsrdma_resolve_addr(struct ovsrdma_cm_id *id, const struct sockaddr *src,
                     const struct sockaddr *dst, int timeout_ms)
{
    int error;

    if (timeout_ms < 0) {
        return EINVAL;
    }
    if (src) {
        error = ovsrdma_bind_addr(id, src);
        if (error) {
            return error;
        }
    }
    error = cm_addr_request(id, OVSRDMA_MSG_CM_RESOLVE_ADDR, dst,
                            timeout_ms);
    if (!error) {
        store_sockaddr(&id->dst_addr, dst);
    }
    return error;
}

/* Starts resolving the route to the ID's destination, like
 * rdma_resolve_route().  The result is a ROUTE_RESOLVED or ROUTE_ERROR
 * event. */
int
ovsrdma_resolve_route(struct ovsrdma_cm_id *id, int timeout_ms)
{
    if (timeout_ms < 0) {
        return EINVAL;
    }
    return dcn_call_handle(id->context, OVSRDMA_MSG_CM_RESOLVE_ROUTE,
                           id->handle, timeout_ms, NULL);
}

/* Listens for connection requests on the ID's bound address, like
 * rdma_listen().  Each arrives as a CONNECT_REQUEST event with a new ID. */
int
ovsrdma_listen(struct ovsrdma_cm_id *id, int backlog)
{
    return dcn_call_handle(id->context, OVSRDMA_MSG_CM_LISTEN, id->handle,
                           backlog > 0 ? backlog : 0, NULL);
}

/* Creates the QP of 'id' in 'pd', like rdma_create_qp().  The daemon owns
 * the QP's state transitions from then on: it is in INIT now, RTS once
 * connected. */
int
ovsrdma_create_qp_on_id(struct ovsrdma_cm_id *id, struct ovsrdma_pd *pd,
                        struct ovsrdma_qp_init_attr *attr)
{
    struct ovsrdma_qp *qp;

    if (id->qp || !pd) {
        return EINVAL;
    }
    qp = dcn_create_qp(pd, attr, id->handle);
    if (!qp) {
        return errno;
    }
    qp->state = OVSRDMA_QPS_INIT;
    id->qp = qp;
    id->pd = pd;
    id->send_cq = attr->send_cq;
    id->recv_cq = attr->recv_cq;
    return 0;
}

/* Destroys the QP of 'id', like rdma_destroy_qp(). */
void
ovsrdma_destroy_qp_on_id(struct ovsrdma_cm_id *id)
{
    if (id->qp && !ovsrdma_destroy_qp(id->qp)) {
        id->qp = NULL;
    }
}

/* Converts 'p' (may be null: all defaults) into the ABI's form.  Returns
 * 0 or EINVAL for too much private data. */
static int
conn_param_to_abi(const struct ovsrdma_conn_param *p,
                  struct ovsrdma_abi_conn_param *w)
{
    memset(w, 0, sizeof *w);
    if (!p) {
        return 0;
    }
    if (p->private_data_len > OVSRDMA_MAX_PRIVATE_DATA
        || (p->private_data_len && !p->private_data)) {
        return EINVAL;
    }
    w->responder_resources = p->responder_resources;
    w->initiator_depth = p->initiator_depth;
    w->flow_control = p->flow_control;
    w->retry_count = p->retry_count;
    w->rnr_retry_count = p->rnr_retry_count;
    w->private_data_len = p->private_data_len;
    w->qp_num = p->qp_num;
    memcpy(w->private_data, p->private_data, p->private_data_len);
    return 0;
}

/* Sends a CM_CONNECT, CM_ACCEPT or CM_REJECT request for 'id'. */
static int
cm_conn_request(struct ovsrdma_cm_id *id, uint16_t type,
                const struct ovsrdma_conn_param *param)
{
    struct ovsrdma_cm_conn_msg req;
    int error;

    memset(&req, 0, sizeof req);
    error = conn_param_to_abi(param, &req.param);
    if (error) {
        return error;
    }
    req.id = id->handle;
    req.qp = id->qp ? id->qp->handle : 0;
    return dcn_call(id->context, type, &req, sizeof req, -1,
                    NULL, 0, 0, NULL, 0);
}

/* Starts connecting 'id' to the resolved destination, like
 * rdma_connect().  The result is an ESTABLISHED, REJECTED, UNREACHABLE or
 * CONNECT_ERROR event. */
int
ovsrdma_connect(struct ovsrdma_cm_id *id, struct ovsrdma_conn_param *param)
{
    return cm_conn_request(id, OVSRDMA_MSG_CM_CONNECT, param);
}

/* Accepts the connection request that created 'id', like rdma_accept().
 * The ID's QP can receive from now on; ESTABLISHED follows. */
int
ovsrdma_accept(struct ovsrdma_cm_id *id, struct ovsrdma_conn_param *param)
{
    int error = cm_conn_request(id, OVSRDMA_MSG_CM_ACCEPT, param);

    if (!error && id->qp) {
        id->qp->state = OVSRDMA_QPS_RTR;
    }
    return error;
}

/* Rejects the connection request that created 'id', like rdma_reject(). */
int
ovsrdma_reject(struct ovsrdma_cm_id *id, const void *private_data,
               uint8_t private_data_len)
{
    struct ovsrdma_conn_param param;

    memset(&param, 0, sizeof param);
    param.private_data = private_data;
    param.private_data_len = private_data_len;
    return cm_conn_request(id, OVSRDMA_MSG_CM_REJECT, &param);
}

/* Disconnects 'id', like rdma_disconnect(): its QP goes to the error
 * state, and both sides get DISCONNECTED. */
int
ovsrdma_disconnect(struct ovsrdma_cm_id *id)
{
    int error = dcn_call_handle(id->context, OVSRDMA_MSG_CM_DISCONNECT,
                                id->handle, 0, NULL);

    if (!error && id->qp) {
        id->qp->state = OVSRDMA_QPS_ERR;
    }
    return error;
}

/* Follows, in id->qp->state, the transition that the daemon made on the
 * ID's QP when it produced CM event 'event'. */
static void
cm_track_qp_state(struct ovsrdma_cm_id *id, uint32_t event)
{
    if (!id->qp) {
        return;
    }
    switch (event) {
    case OVSRDMA_CM_EVENT_ESTABLISHED:
        id->qp->state = OVSRDMA_QPS_RTS;
        break;
    case OVSRDMA_CM_EVENT_REJECTED:
    case OVSRDMA_CM_EVENT_UNREACHABLE:
    case OVSRDMA_CM_EVENT_CONNECT_ERROR:
    case OVSRDMA_CM_EVENT_DISCONNECTED:
        id->qp->state = OVSRDMA_QPS_ERR;
        break;
    default:
        break;
    }
}

/* Finds the ID that CM event 'w' is for: for CONNECT_REQUEST, creates the
 * new ID, which inherits the listener's channel, context and port space,
 * and stores the listener in '*listenp'.  Returns NULL if the event is to
 * be skipped (its ID was destroyed). */
static struct cm_id_priv *
cm_event_id(struct ovsrdma_context *ctx,
            const struct ovsrdma_abi_cm_event *w, struct cm_id_priv **listenp)
{
    struct cm_id_priv *listen, *id;

    *listenp = NULL;
    if (w->event != OVSRDMA_CM_EVENT_CONNECT_REQUEST) {
        return objmap_find(&ctx->objs, DCN_OBJ_CM_ID, w->id);
    }

    listen = objmap_find(&ctx->objs, DCN_OBJ_CM_ID, w->listen_id);
    id = (listen
          ? cm_id_new(listen->pub.channel, listen->pub.context_ptr,
                      listen->pub.ps, w->id)
          : NULL);
    if (!id) {
        /* Nobody will ever see the daemon's new ID: give it back. */
        dcn_call_handle(ctx, OVSRDMA_MSG_CM_DESTROY_ID, w->id, 0, NULL);
        return NULL;
    }
    *listenp = listen;
    return id;
}

/* Fills 'ev' from 'w', for 'id' (and 'listen', for CONNECT_REQUEST). */
static void
cm_event_fill(struct cm_event_priv *ev, const struct ovsrdma_abi_cm_event *w,
              struct cm_id_priv *id, struct cm_id_priv *listen)
{
    const struct ovsrdma_abi_conn_param *wp = &w->param;
    struct ovsrdma_conn_param *p = &ev->pub.param;
    uint8_t len = wp->private_data_len < OVSRDMA_MAX_PRIVATE_DATA
                  ? wp->private_data_len : OVSRDMA_MAX_PRIVATE_DATA;

    ev->pub.id = &id->pub;
    ev->pub.listen_id = listen ? &listen->pub : NULL;
    ev->pub.event = w->event;
    ev->pub.status = w->status;
    memcpy(ev->private_data, wp->private_data, len);
    p->private_data = len ? ev->private_data : NULL;
    p->private_data_len = len;
    p->responder_resources = wp->responder_resources;
    p->initiator_depth = wp->initiator_depth;
    p->flow_control = wp->flow_control;
    p->retry_count = wp->retry_count;
    p->rnr_retry_count = wp->rnr_retry_count;
    p->qp_num = wp->qp_num;

    dcn_sockaddr_from_abi(&w->src, &id->pub.src_addr);
    dcn_sockaddr_from_abi(&w->dst, &id->pub.dst_addr);
    cm_track_qp_state(&id->pub, w->event);

    /* Like librdmacm, a connection request counts against the listener:
     * the new ID may be destroyed (after a reject) before the ack. */
    ev->counted = listen ? listen : id;
    pthread_mutex_lock(&id->pub.context->cm_lock);
    ev->counted->events++;
    pthread_mutex_unlock(&id->pub.context->cm_lock);
}

/* Waits for the next CM event of 'channel', like rdma_get_cm_event(), and
 * stores it in '*eventp'; it must be given back with ovsrdma_ack_cm_event().
 * Events for IDs already destroyed are skipped.  Returns 0 or an errno
 * value (EAGAIN: non-blocking fd and no event). */
int
ovsrdma_get_cm_event(struct ovsrdma_event_channel *channel,
                     struct ovsrdma_cm_event **eventp)
{
    struct event_channel_priv *ch = event_channel_priv(channel);
    struct ovsrdma_context *ctx = channel->context;
    struct ovsrdma_event ev;

    for (;;) {
        struct cm_id_priv *id, *listen;
        struct cm_event_priv *event;
        int error;

        error = dcn_evchan_get(&ch->ev, &ev);
        if (error) {
            return error;
        }
        if (ev.type != OVSRDMA_EV_CM) {
            continue;
        }
        event = malloc(sizeof *event);
        if (!event) {
            /* The event is gone; so is whatever ID it created. */
            if (ev.u.cm.event == OVSRDMA_CM_EVENT_CONNECT_REQUEST) {
                dcn_call_handle(ctx, OVSRDMA_MSG_CM_DESTROY_ID, ev.u.cm.id,
                                0, NULL);
            }
            return ENOMEM;
        }
        id = cm_event_id(ctx, &ev.u.cm, &listen);
        if (!id) {
            free(event);
            continue;
        }
        cm_event_fill(event, &ev.u.cm, id, listen);
        *eventp = &event->pub;
        return 0;
    }
}

/* Gives back an event from ovsrdma_get_cm_event(), like
 * rdma_ack_cm_event(); its private data goes with it. */
int
ovsrdma_ack_cm_event(struct ovsrdma_cm_event *event_)
{
    struct cm_event_priv *event
        = DCN_CONTAINER_OF(event_, struct cm_event_priv, pub);
    struct ovsrdma_context *ctx = event->counted->pub.context;

    pthread_mutex_lock(&ctx->cm_lock);
    event->counted->events--;
    pthread_cond_broadcast(&ctx->cm_cond);
    pthread_mutex_unlock(&ctx->cm_lock);
    free(event);
    return 0;
}
