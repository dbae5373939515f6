/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* The session with ovs-vswitchd: opening and closing it, the port's
 * attributes, and the address conversions every part needs. */

#include "client-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Converts 'sa' (AF_INET or AF_INET6) into the ABI's form.  Returns 0, or
 * EAFNOSUPPORT for another family. */
int
dcn_sockaddr_to_abi(const struct sockaddr *sa, struct ovsrdma_sockaddr *out)
{
    memset(out, 0, sizeof *out);
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) sa;

        out->family = AF_INET;
        out->port = ntohs(sin->sin_port);
        memcpy(out->addr, &sin->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) sa;

        out->family = AF_INET6;
        out->port = ntohs(sin6->sin6_port);
        memcpy(out->addr, &sin6->sin6_addr, 16);
    } else {
        return EAFNOSUPPORT;
    }
    return 0;
}

/* Converts the ABI's 'in' into '*ss'.  Returns false, leaving '*ss'
 * untouched, if 'in' holds no AF_INET or AF_INET6 address. */
bool
dcn_sockaddr_from_abi(const struct ovsrdma_sockaddr *in,
                      struct sockaddr_storage *ss)
{
    if (in->family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *) ss;

        memset(ss, 0, sizeof *ss);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(in->port);
        memcpy(&sin->sin_addr, in->addr, 4);
    } else if (in->family == AF_INET6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;

        memset(ss, 0, sizeof *ss);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(in->port);
        memcpy(&sin6->sin6_addr, in->addr, 16);
    } else {
        return false;
    }
    return true;
}

/* Copies the NUL-terminated string in the fixed-size field 'src' of
 * 'size' bytes, terminating it even if the daemon did not. */
static void
copy_name(char *dst, const char *src, size_t size)
{
    memcpy(dst, src, size);
    dst[size - 1] = '\0';
}

static void
port_info_from_attr(const struct ovsrdma_port_attr *attr,
                    struct ovsrdma_port_info *info)
{
    int i, n;

    memset(info, 0, sizeof *info);
    copy_name(info->port, attr->port, sizeof info->port);
    copy_name(info->bridge, attr->bridge, sizeof info->bridge);
    memcpy(info->mac, attr->mac, sizeof info->mac);
    info->overlay = attr->overlay != 0;
    info->active_mtu = attr->active_mtu;
    info->max_mtu = attr->max_mtu;
    info->max_qp = attr->max_qp;
    info->max_cq = attr->max_cq;
    info->max_mr = attr->max_mr;
    info->max_pd = attr->max_pd;
    info->max_qp_wr = attr->max_qp_wr;
    info->max_cqe = attr->max_cqe;
    info->max_sge = attr->max_sge;
    info->max_inline = attr->max_inline;
    info->max_qp_rd_atom = attr->max_qp_rd_atom;
    info->node_guid = attr->node_guid;
    info->state = attr->state;

    n = attr->n_gids < OVSRDMA_MAX_GIDS ? attr->n_gids : OVSRDMA_MAX_GIDS;
    for (i = 0; i < n && info->n_addrs < (int) (sizeof info->addrs
                                               / sizeof info->addrs[0]);
         i++) {
        if (dcn_sockaddr_from_abi(&attr->gids[i],
                                  &info->addrs[info->n_addrs])) {
            info->n_addrs++;
        }
    }
}

/* Says HELLO: checks the ABI version and receives the doorbell. */
static int
dcn_hello(struct ovsrdma_context *ctx)
{
    struct ovsrdma_hello req;
    struct ovsrdma_hello_reply reply;
    int fd, error;

    memset(&req, 0, sizeof req);
    req.abi_version = OVSRDMA_ABI_VERSION;
    error = dcn_call(ctx, OVSRDMA_MSG_HELLO, &req, sizeof req, -1,
                     &reply, sizeof reply, sizeof reply, &fd, 1);
    if (error) {
        return error;
    }
    if (reply.abi_version != OVSRDMA_ABI_VERSION) {
        close(fd);
        return EPROTO;
    }
    ctx->doorbell_fd = fd;
    ctx->dcn_id = reply.dcn_id;
    return 0;
}

/* Attaches to the RDMA-enabled port whose DCN socket is 'path' (the
 * Interface's status:rdma_overlay_socket).  Returns the new context, or
 * NULL with errno set: EPROTO for a daemon with another ABI version. */
struct ovsrdma_context *
ovsrdma_open(const char *path)
{
    struct ovsrdma_context *ctx;
    int error;

    ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        errno = ENOMEM;
        return NULL;
    }
    ctx->doorbell_fd = -1;
    error = dcn_connect(path, &ctx->sock);
    if (error) {
        free(ctx);
        errno = error;
        return NULL;
    }
    pthread_mutex_init(&ctx->sock_lock, NULL);
    pthread_mutex_init(&ctx->cm_lock, NULL);
    pthread_cond_init(&ctx->cm_cond, NULL);
    remap_table_init(&ctx->remap);
    objmap_init(&ctx->objs);

    error = dcn_hello(ctx);
    if (error) {
        ovsrdma_close(ctx);
        errno = error;
        return NULL;
    }
    return ctx;
}

/* Detaches from the port.  Closing the socket makes the daemon destroy
 * every object of the session; the library's own objects that the caller
 * did not destroy first are leaked, as with ibv_close_device().  Memory
 * that registration moved onto memfds stays mapped (it is the
 * application's); buffers from ovsrdma_alloc_buf() stay until freed. */
int
ovsrdma_close(struct ovsrdma_context *ctx)
{
    if (!ctx) {
        return 0;
    }
    close(ctx->sock);
    if (ctx->doorbell_fd >= 0) {
        close(ctx->doorbell_fd);
    }
    remap_table_destroy(&ctx->remap);
    objmap_destroy(&ctx->objs);
    pthread_cond_destroy(&ctx->cm_cond);
    pthread_mutex_destroy(&ctx->cm_lock);
    pthread_mutex_destroy(&ctx->sock_lock);
    free(ctx);
    return 0;
}

/* Stores the port's current attributes in '*info'.  Returns 0 or an errno
 * value. */
int
ovsrdma_query_port(struct ovsrdma_context *ctx,
                   struct ovsrdma_port_info *info)
{
    struct ovsrdma_msg_hdr req;
    struct ovsrdma_port_reply reply;
    int error;

    error = dcn_call(ctx, OVSRDMA_MSG_QUERY_PORT, &req, sizeof req, -1,
                     &reply, sizeof reply, sizeof reply, NULL, 0);
    if (!error) {
        port_info_from_attr(&reply.attr, info);
    }
    return error;
}
