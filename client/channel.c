/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* The control channel: requests and replies over the port's
 * SOCK_SEQPACKET socket, with file descriptors as SCM_RIGHTS.  One request
 * is outstanding at a time and the daemon answers in order, so a call is
 * just sendmsg() then recvmsg() under the session's socket lock. */

#include "client-private.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* More descriptors than any reply carries, so that a misbehaving daemon's
 * extra descriptors arrive (and get closed) instead of being dropped with
 * MSG_CTRUNC. */
#define DCN_MAX_RECV_FDS 8

/* Connects to the socket at 'path' and stores it in '*sockp'.  Returns 0
 * or an errno value. */
int
dcn_connect(const char *path, int *sockp)
{
    struct sockaddr_un sun;
    int fd, error;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun.sun_path) {
        return ENAMETOOLONG;
    }
    strcpy(sun.sun_path, path);

    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }
    while (connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
        if (errno != EINTR) {
            error = errno;
            close(fd);
            return error;
        }
    }
    *sockp = fd;
    return 0;
}

static void
close_fds(const int *fds, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        close(fds[i]);
    }
}

/* Sends the 'len' bytes at 'msg' with 'send_fd' attached unless it is
 * negative.  Returns 0 or an errno value. */
static int
dcn_send(int sock, const void *msg, size_t len, int send_fd)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } cmsg;
    struct iovec iov = { .iov_base = (void *) msg, .iov_len = len };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t n;

    if (send_fd >= 0) {
        struct cmsghdr *c;

        memset(&cmsg, 0, sizeof cmsg);
        mh.msg_control = cmsg.buf;
        mh.msg_controllen = sizeof cmsg.buf;
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &send_fd, sizeof(int));
    }
    do {
        n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return errno;
    }
    return (size_t) n == len ? 0 : EPROTO;
}

/* Receives one message into 'buf' (OVSRDMA_MAX_MSG bytes) and its
 * descriptors into 'fds', storing their count in '*n_fdsp'.  Returns the
 * message's length, or a negative errno value (then no fd is open). */
static ssize_t
dcn_recv(int sock, void *buf, int fds[DCN_MAX_RECV_FDS], int *n_fdsp)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * DCN_MAX_RECV_FDS)];
    } cmsg;
    struct iovec iov = { .iov_base = buf, .iov_len = OVSRDMA_MAX_MSG };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = cmsg.buf, .msg_controllen = sizeof cmsg.buf,
    };
    struct cmsghdr *c;
    ssize_t n;

    *n_fdsp = 0;
    do {
        n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    }
    for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            size_t bytes = c->cmsg_len - CMSG_LEN(0);
            int k = bytes / sizeof(int);

            if (*n_fdsp + k > DCN_MAX_RECV_FDS) {
                k = DCN_MAX_RECV_FDS - *n_fdsp;
            }
            memcpy(&fds[*n_fdsp], CMSG_DATA(c), k * sizeof(int));
            *n_fdsp += k;
        }
    }
    if (!n) {
        close_fds(fds, *n_fdsp);
        return -ECONNRESET;
    }
    if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        close_fds(fds, *n_fdsp);
        return -EPROTO;
    }
    return n;
}

/* Checks the reply header in the 'n' bytes at 'buf' against the request
 * ('type', 'seq') and the descriptors that came with it.  Returns 0 if the
 * reply is well formed (whatever its status), otherwise EPROTO. */
static int
dcn_check_reply(const void *buf, ssize_t n, uint16_t type, uint32_t seq,
                int n_fds_got)
{
    struct ovsrdma_msg_hdr hdr;

    if (n < (ssize_t) sizeof hdr) {
        return EPROTO;
    }
    memcpy(&hdr, buf, sizeof hdr);
    if (hdr.type != (type | OVSRDMA_MSG_REPLY) || hdr.seq != seq
        || hdr.len != n || hdr.status < 0 || hdr.n_fds != n_fds_got) {
        return EPROTO;
    }
    return 0;
}

/* Sends request 'req' ('req_len' bytes, starting with a struct
 * ovsrdma_msg_hdr that this function fills in) of 'type', with 'send_fd'
 * attached unless it is negative, and waits for the reply.
 *
 * On status 0 the reply must be at least 'reply_min' bytes and carry
 * exactly 'n_fds' descriptors: up to 'reply_len' bytes of it are copied to
 * 'reply' (zero-filled beyond what came) and its descriptors stored in
 * 'fds', for the caller to close.  Any other descriptors are closed.
 *
 * Returns 0, the reply's status (a positive errno value), or an errno
 * value of the transport.  A reply that does not match its request leaves
 * the socket out of step, so it makes every later call fail too. */
int
dcn_call(struct ovsrdma_context *ctx, uint16_t type,
         void *req, size_t req_len, int send_fd,
         void *reply, size_t reply_len, size_t reply_min,
         int *fds, int n_fds)
{
    struct ovsrdma_msg_hdr *hdr = req;
    uint64_t buf[OVSRDMA_MAX_MSG / sizeof(uint64_t)];
    int got[DCN_MAX_RECV_FDS];
    int n_got = 0;
    int error;
    ssize_t n;

    pthread_mutex_lock(&ctx->sock_lock);
    if (ctx->broken) {
        error = ctx->broken;
        goto out;
    }
    hdr->type = type;
    hdr->n_fds = send_fd >= 0;
    hdr->len = req_len;
    hdr->seq = ++ctx->seq;
    hdr->status = 0;

    error = dcn_send(ctx->sock, req, req_len, send_fd);
    if (error) {
        goto fail;
    }
    n = dcn_recv(ctx->sock, buf, got, &n_got);
    if (n < 0) {
        error = -n;
        goto fail;
    }
    error = dcn_check_reply(buf, n, type, hdr->seq, n_got);
    if (error) {
        close_fds(got, n_got);
        goto fail;
    }

    error = ((struct ovsrdma_msg_hdr *) buf)->status;
    if (!error && (n < (ssize_t) reply_min || n_got != n_fds)) {
        error = EPROTO;
    }
    if (error) {
        close_fds(got, n_got);
    } else {
        if (reply) {
            size_t copy = (size_t) n < reply_len ? (size_t) n : reply_len;

            memcpy(reply, buf, copy);
            memset((char *) reply + copy, 0, reply_len - copy);
        }
        memcpy(fds, got, n_fds * sizeof *fds);
    }
    goto out;

fail:
    /* Transport errors and malformed replies: the next reply could be
     * this request's, so the session cannot be trusted any more. */
    ctx->broken = error == EPROTO ? EPROTO : ECONNRESET;
out:
    pthread_mutex_unlock(&ctx->sock_lock);
    return error;
}

/* Sends a struct ovsrdma_handle_msg request ('handle', 'arg') of 'type'
 * and, if 'reply_handle' is nonnull, stores the handle of the reply (which
 * must then be a struct ovsrdma_handle_msg).  Returns like dcn_call(). */
int
dcn_call_handle(struct ovsrdma_context *ctx, uint16_t type,
                uint32_t handle, uint32_t arg, uint32_t *reply_handle)
{
    struct ovsrdma_handle_msg req, reply;
    int error;

    memset(&req, 0, sizeof req);
    req.handle = handle;
    req.arg = arg;
    error = dcn_call(ctx, type, &req, sizeof req, -1,
                     &reply, sizeof reply,
                     reply_handle ? sizeof reply : sizeof reply.hdr,
                     NULL, 0);
    if (!error && reply_handle) {
        *reply_handle = reply.handle;
    }
    return error;
}

/* Wakes the daemon for a ring it stopped polling.  The eventfd counts, so
 * a write can only fail if 2^64 - 2 wake-ups are pending. */
void
dcn_ring_doorbell(struct ovsrdma_context *ctx)
{
    uint64_t one = 1;

    while (write(ctx->doorbell_fd, &one, sizeof one) < 0
           && errno == EINTR) {
        continue;
    }
}
