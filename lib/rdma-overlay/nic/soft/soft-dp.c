/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>
#include "nic/soft/soft-dp.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "coverage.h"
#include "dp-packet.h"
#include "dpif.h"
#include "dpif-netdev.h"
#include "flow.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "roce/engine.h"
#include "roce/frame.h"
#include "seq.h"
#include "timeval.h"
#include "tnl-ports.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_soft_dp);

COVERAGE_DEFINE(rdma_soft_rx_claimed);
COVERAGE_DEFINE(rdma_soft_rx_queue_full);
COVERAGE_DEFINE(rdma_soft_tx);
COVERAGE_DEFINE(rdma_soft_tx_error);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* The instance the receive hook feeds: the newest one (while a provider
 * is replaced, the old and the new instance briefly coexist). */
static struct soft_dp *rx_hook_owner;

/* Claimed frames waiting for the main thread, at most. */
#define RX_QUEUE_MAX 8192

struct plain_addrs {
    size_t n;
    struct in6_addr addrs[];
};

struct egress {
    struct dpif *dpif;
    char *dp_type, *dp_name;
    odp_port_t port;
    unsigned int refcnt;        /* 0: free slot. */
};

struct soft_dp {
    struct roce_engine *engine;

    /* Receive queue, filled by the hook in any thread. */
    struct ovs_mutex rx_mutex;
    struct dp_packet **rx_queue OVS_GUARDED;    /* RX_QUEUE_MAX entries. */
    size_t rx_queued OVS_GUARDED;
    struct dp_packet **rx_work;     /* Main thread's: swapped with the
                                     * queue, then processed. */
    struct seq *rx_seq;
    uint64_t rx_seq_seen;
    atomic_uint64_t rx_claimed;
    atomic_uint64_t rx_dropped;

    /* The addresses plain RoCEv2 frames are claimed for: a sorted array
     * of struct in6_addr, read by the hook in any thread. */
    OVSRCU_TYPE(struct plain_addrs *) plain;

    /* The datapath port the frame the engine is processing arrived on
     * (ODPP_NONE for a frame the NIC delivered to itself). */
    odp_port_t rx_port;

    /* Egress table: index + 1 is the egress id (0 means none). */
    struct egress *egresses;
    size_t n_egresses;
    uint64_t tx_frames, tx_errors, tx_no_egress, tx_local;
};

/* ---- Receive ----------------------------------------------------------- */

/* Is 'f', an overlay frame, addressed to one of this host's tunnel
 * endpoints?  Open vSwitch's tunnel port map (the classifier tnl_pop uses)
 * answers; it is RCU-protected and safe in any thread. */
static bool
to_local_vtep(const struct roce_frame *f)
{
    struct flow flow;

    if (f->outer.vlan) {
        return false;
    }
    memset(&flow, 0, sizeof flow);
    memcpy(flow.dl_dst.ea, f->outer.eth_dst, ETH_ADDR_LEN);
    flow.nw_proto = IPPROTO_UDP;
    flow.tp_dst = htons(f->outer.udp_dst);
    if (f->outer.ip_version == 4) {
        flow.dl_type = htons(ETH_TYPE_IP);
        flow.nw_dst = in6_addr_get_mapped_ipv4(&f->outer.ip_dst);
    } else {
        flow.dl_type = htons(ETH_TYPE_IPV6);
        flow.ipv6_dst = f->outer.ip_dst;
    }
    return tnl_port_map_lookup(&flow, NULL) != ODPP_NONE;
}

static int
compare_addrs(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct in6_addr));
}

/* Is 'ip' an address of a DCN port that is not on an overlay? */
static bool
is_plain_addr(const struct soft_dp *dp, const struct in6_addr *ip)
{
    const struct plain_addrs *pa = ovsrcu_get(struct plain_addrs *,
                                              &dp->plain);

    return pa && pa->n && bsearch(ip, pa->addrs, pa->n, sizeof *ip,
                                  compare_addrs);
}

static bool
is_ours(const struct soft_dp *dp, const struct dp_packet *p)
{
    struct roce_frame_opts opts;
    struct roce_frame f;

    roce_frame_opts_init(&opts);
    /* Only classify here; the engine checks the ICRC on the main thread. */
    opts.verify_icrc = false;
    opts.allow_plain = true;
    opts.allow_overlay = true;
    if (roce_frame_parse(dp_packet_data(p), dp_packet_size(p), &opts, &f)) {
        return false;
    }
    return (f.tnl_type == ROCE_TNL_NONE
            ? is_plain_addr(dp, &f.inner.ip_dst)
            : to_local_vtep(&f));
}

/* Sets the addresses, 'n' of them in 'addrs', of the DCN ports that are not
 * on an overlay: plain RoCEv2 frames to them are this NIC's.  Main thread
 * only; the hook sees the new set at once and the old one is freed once
 * every polling thread quiesced. */
void
soft_dp_set_plain_addrs(struct soft_dp *dp, const struct in6_addr *addrs,
                        size_t n)
{
    struct plain_addrs *old = ovsrcu_get_protected(struct plain_addrs *,
                                                   &dp->plain);
    struct plain_addrs *new = xmalloc(sizeof *new + n * sizeof *addrs);

    new->n = n;
    memcpy(new->addrs, addrs, n * sizeof *addrs);
    qsort(new->addrs, n, sizeof *addrs, compare_addrs);
    ovsrcu_set(&dp->plain, new);
    if (old) {
        ovsrcu_postpone(free, old);
    }
}

/* The datapath port on which the frame the engine is processing arrived,
 * for the engine's callbacks (ODPP_NONE if the NIC delivered it to
 * itself). */
odp_port_t
soft_dp_rx_port(const struct soft_dp *dp)
{
    return dp->rx_port;
}

/* The dpif-netdev receive hook: runs in the thread that polls 'port_no'. */
static void
soft_dp_rx_hook(const char *dp_name OVS_UNUSED, odp_port_t port_no,
                struct dp_packet_batch *batch, void *dp_)
{
    struct soft_dp *dp = dp_;
    struct dp_packet *claimed[NETDEV_MAX_BURST];
    struct dp_packet *packet;
    size_t n_claimed = 0, n_dropped = 0, size, i;
    uint64_t unused;

    size = dp_packet_batch_size(batch);
    DP_PACKET_BATCH_REFILL_FOR_EACH (i, size, packet, batch) {
        if (is_ours(dp, packet)) {
            /* Remember where it came from: plain RoCEv2's place in the
             * bridge depends on its input port. */
            packet->md.in_port.odp_port = port_no;
            claimed[n_claimed++] = packet;
        } else {
            dp_packet_batch_refill(batch, packet, i);
        }
    }
    if (!n_claimed) {
        return;
    }

    ovs_mutex_lock(&dp->rx_mutex);
    for (i = 0; i < n_claimed; i++) {
        if (dp->rx_queued < RX_QUEUE_MAX) {
            dp->rx_queue[dp->rx_queued++] = claimed[i];
        } else {
            /* The main thread is not keeping up: drop, as a full NIC
             * queue would; RC retransmits. */
            dp_packet_delete(claimed[i]);
            n_dropped++;
        }
    }
    ovs_mutex_unlock(&dp->rx_mutex);

    atomic_add_relaxed(&dp->rx_claimed, n_claimed - n_dropped, &unused);
    COVERAGE_ADD(rdma_soft_rx_claimed, n_claimed - n_dropped);
    if (n_dropped) {
        atomic_add_relaxed(&dp->rx_dropped, n_dropped, &unused);
        COVERAGE_ADD(rdma_soft_rx_queue_full, n_dropped);
    }
    seq_change(dp->rx_seq);
}

/* ---- Transmit ---------------------------------------------------------- */

/* Delivers a frame for a DCN of this host back to the engine, through the
 * receive queue: the engine may not be re-entered from its transmit
 * callback. */
static void
soft_dp_loop_back(struct soft_dp *dp, const uint8_t *frame, size_t len)
{
    struct dp_packet *packet = dp_packet_clone_data(frame, len);
    bool queued = false;

    packet->md.in_port.odp_port = ODPP_NONE;
    ovs_mutex_lock(&dp->rx_mutex);
    if (dp->rx_queued < RX_QUEUE_MAX) {
        dp->rx_queue[dp->rx_queued++] = packet;
        queued = true;
    }
    ovs_mutex_unlock(&dp->rx_mutex);
    if (queued) {
        dp->tx_local++;
        seq_change(dp->rx_seq);
    } else {
        uint64_t unused;

        dp_packet_delete(packet);
        atomic_add_relaxed(&dp->rx_dropped, 1, &unused);
    }
}

static void
soft_dp_tx(void *dp_, const uint8_t *frame, size_t len, uint32_t egress)
{
    struct soft_dp *dp = dp_;
    struct dpif_execute execute;
    struct dp_packet *packet;
    struct egress *e;
    uint64_t actions_stub[64 / 8];
    struct ofpbuf actions;
    int error;

    if (egress == SOFT_DP_EGRESS_LOCAL) {
        soft_dp_loop_back(dp, frame, len);
        return;
    }
    if (!egress || egress > dp->n_egresses
        || !dp->egresses[egress - 1].refcnt) {
        dp->tx_no_egress++;
        return;
    }
    e = &dp->egresses[egress - 1];

    ofpbuf_use_stub(&actions, actions_stub, sizeof actions_stub);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, e->port);

    packet = dp_packet_clone_data(frame, len);
    /* The frame is complete: the datapath only has to put it on the
     * wire.  Its RSS hash is not used by an output action; set one so
     * that the datapath does not extract a flow to compute it. */
    dp_packet_set_rss_hash(packet, egress);
    memset(&execute, 0, sizeof execute);
    execute.actions = actions.data;
    execute.actions_len = actions.size;
    execute.packet = packet;
    error = dpif_execute(e->dpif, &execute);
    if (error) {
        dp->tx_errors++;
        COVERAGE_INC(rdma_soft_tx_error);
        VLOG_WARN_RL(&rl, "%s: output to port %"PRIu32" failed: %s",
                     dpif_name(e->dpif), odp_to_u32(e->port),
                     ovs_strerror(error));
    } else {
        dp->tx_frames++;
        COVERAGE_INC(rdma_soft_tx);
    }
    dp_packet_delete(packet);
    ofpbuf_uninit(&actions);
}

/* Returns the egress id for output port 'port' of datapath 'dp_name' of
 * type 'dp_type', taking a reference, or 0 if the datapath cannot be
 * opened. */
uint32_t
soft_dp_egress_ref(struct soft_dp *dp, const char *dp_type,
                   const char *dp_name, odp_port_t port)
{
    struct egress *free_slot = NULL;
    size_t i;

    for (i = 0; i < dp->n_egresses; i++) {
        struct egress *e = &dp->egresses[i];

        if (!e->refcnt) {
            free_slot = free_slot ? free_slot : e;
        } else if (e->port == port && !strcmp(e->dp_name, dp_name)
                   && !strcmp(e->dp_type, dp_type)) {
            e->refcnt++;
            return i + 1;
        }
    }
    if (!free_slot) {
        dp->egresses = xrealloc(dp->egresses,
                                (dp->n_egresses + 1) * sizeof *dp->egresses);
        free_slot = &dp->egresses[dp->n_egresses++];
        memset(free_slot, 0, sizeof *free_slot);
    }
    if (dpif_open(dp_name, dp_type, &free_slot->dpif)) {
        return 0;
    }
    free_slot->dp_type = xstrdup(dp_type);
    free_slot->dp_name = xstrdup(dp_name);
    free_slot->port = port;
    free_slot->refcnt = 1;
    return free_slot - dp->egresses + 1;
}

/* Drops a reference taken by soft_dp_egress_ref(). */
void
soft_dp_egress_unref(struct soft_dp *dp, uint32_t egress)
{
    struct egress *e;

    if (!egress || egress == SOFT_DP_EGRESS_LOCAL
        || egress > dp->n_egresses) {
        return;
    }
    e = &dp->egresses[egress - 1];
    if (e->refcnt && !--e->refcnt) {
        dpif_close(e->dpif);
        free(e->dp_type);
        free(e->dp_name);
        memset(e, 0, sizeof *e);
    }
}

/* ---- Instance ---------------------------------------------------------- */

/* Creates the engine and registers the receive hook, which from then on
 * feeds this instance (the hook is global). */
struct soft_dp *
soft_dp_create(void)
{
    struct soft_dp *dp = xzalloc(sizeof *dp);
    struct roce_engine_config cfg;

    roce_engine_config_init(&cfg);
    cfg.tx_egress = soft_dp_tx;
    cfg.tx_aux = dp;
    cfg.max_qps = 1 << 16;
    /* A window the datapath's queues can absorb: the engine hands every
     * frame a window allows to the datapath at once, and a burst larger
     * than a port's transmit queue is lost and resent by go-back-N (OVS's
     * dummy stream ports, used by the tests, queue 100 frames). */
    cfg.max_inflight = 64;
    cfg.allow_plain = true;
    cfg.allow_overlay = true;
    dp->engine = roce_engine_create(&cfg);
    if (!dp->engine) {
        free(dp);
        return NULL;
    }
    ovs_mutex_init(&dp->rx_mutex);
    dp->rx_queue = xmalloc(RX_QUEUE_MAX * sizeof *dp->rx_queue);
    dp->rx_work = xmalloc(RX_QUEUE_MAX * sizeof *dp->rx_work);
    dp->rx_seq = seq_create();
    dp->rx_seq_seen = seq_read(dp->rx_seq);
    atomic_init(&dp->rx_claimed, 0);
    ovsrcu_init(&dp->plain, NULL);
    dp->rx_port = ODPP_NONE;
    atomic_init(&dp->rx_dropped, 0);
    dpif_netdev_set_rx_hook(soft_dp_rx_hook, dp);
    rx_hook_owner = dp;
    return dp;
}

/* Unregisters the hook, then destroys the engine and what is queued. */
void
soft_dp_destroy(struct soft_dp *dp)
{
    size_t i;

    if (!dp) {
        return;
    }
    if (rx_hook_owner == dp) {
        dpif_netdev_set_rx_hook(NULL, NULL);
        rx_hook_owner = NULL;
    }
    /* Polling threads may still be inside the hook until they quiesce. */
    ovsrcu_synchronize();
    ovs_mutex_lock(&dp->rx_mutex);
    for (i = 0; i < dp->rx_queued; i++) {
        dp_packet_delete(dp->rx_queue[i]);
    }
    ovs_mutex_unlock(&dp->rx_mutex);
    free(dp->rx_queue);
    free(dp->rx_work);
    roce_engine_destroy(dp->engine);
    for (i = 0; i < dp->n_egresses; i++) {
        if (dp->egresses[i].refcnt) {
            dpif_close(dp->egresses[i].dpif);
            free(dp->egresses[i].dp_type);
            free(dp->egresses[i].dp_name);
        }
    }
    free(dp->egresses);
    seq_destroy(dp->rx_seq);
    ovs_mutex_destroy(&dp->rx_mutex);
    free(ovsrcu_get_protected(struct plain_addrs *, &dp->plain));
    free(dp);
}

struct roce_engine *
soft_dp_engine(struct soft_dp *dp)
{
    return dp ? dp->engine : NULL;
}

/* Feeds the claimed frames to the engine and runs its timers. */
void
soft_dp_run(struct soft_dp *dp)
{
    struct dp_packet **work;
    size_t n, i;

    dp->rx_seq_seen = seq_read(dp->rx_seq);
    ovs_mutex_lock(&dp->rx_mutex);
    work = dp->rx_queue;
    n = dp->rx_queued;
    dp->rx_queue = dp->rx_work;
    dp->rx_queued = 0;
    ovs_mutex_unlock(&dp->rx_mutex);
    dp->rx_work = work;

    for (i = 0; i < n; i++) {
        dp->rx_port = work[i]->md.in_port.odp_port;
        roce_engine_receive(dp->engine, dp_packet_data(work[i]),
                            dp_packet_size(work[i]));
        dp_packet_delete(work[i]);
    }
    dp->rx_port = ODPP_NONE;
    roce_engine_run(dp->engine, time_usec() * 1000);
}

void
soft_dp_wait(struct soft_dp *dp)
{
    uint64_t deadline = roce_engine_next_deadline(dp->engine);

    seq_wait(dp->rx_seq, dp->rx_seq_seen);
    if (deadline != UINT64_MAX) {
        poll_timer_wait_until(deadline / 1000000 + 1);
    }
}

/* Appends the data path's counters as "name: value" lines. */
void
soft_dp_format_stats(const struct soft_dp *dp, struct ds *ds)
{
    const struct roce_stats *st = roce_engine_stats(dp->engine);
    uint64_t claimed, dropped;
    int i;

    atomic_read_relaxed(&CONST_CAST(struct soft_dp *, dp)->rx_claimed,
                        &claimed);
    atomic_read_relaxed(&CONST_CAST(struct soft_dp *, dp)->rx_dropped,
                        &dropped);
    ds_put_format(ds, "rx_claimed: %"PRIu64"\n", claimed);
    ds_put_format(ds, "rx_queue_drops: %"PRIu64"\n", dropped);
    ds_put_format(ds, "tx_output: %"PRIu64"\n", dp->tx_frames);
    ds_put_format(ds, "tx_output_errors: %"PRIu64"\n", dp->tx_errors);
    ds_put_format(ds, "tx_no_egress: %"PRIu64"\n", dp->tx_no_egress);
    ds_put_format(ds, "tx_local: %"PRIu64"\n", dp->tx_local);
    for (i = 0; i < ROCE_CTR_N; i++) {
        ds_put_format(ds, "%s: %"PRIu64"\n", roce_counter_name(i), st->c[i]);
    }
    for (i = 1; i < ROCE_FRAME_N_ERRORS; i++) {
        const char *p;

        /* "not IP" -> rx_drop_parse_not_ip: one word, like the rest. */
        ds_put_cstr(ds, "rx_drop_parse_");
        for (p = roce_frame_error_str(i); *p; p++) {
            ds_put_char(ds, isalnum((unsigned char) *p)
                            ? tolower((unsigned char) *p) : '_');
        }
        ds_put_format(ds, ": %"PRIu64"\n",
                      roce_engine_parse_errors(dp->engine, i));
    }
}
