/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* Wireshark must decode every frame the transport sends (DESIGN §4.4).
 * A real RC exchange over VXLAN (SEND with immediate in three segments,
 * WRITE first/middle/last, WRITE only with immediate, READ request and
 * responses, an atomic and its ACK, coalesced ACKs, an RNR NAK, a remote
 * access NAK, PSNs wrapping through 0) is captured to a pcap; tshark's
 * independent decode of every frame (opcode, PSN, destination QP, pad
 * count, AETH syndrome, RETH DMA length) must equal what was sent, with
 * no malformed packet.  Exits 77 if tshark is not installed. */

#include <stdlib.h>
#include <string.h>
#include "roce/frame.h"
#include "roce-link.h"
#include "roce-pcap.h"
#include "roce-test.h"

#define MAX_FRAMES 256

struct expect {
    unsigned int opcode, psn, dqpn, pad;
    int syndrome;               /* -1 if no AETH. */
    long long dmalen;           /* -1 if no RETH. */
};

static struct expect exp_[MAX_FRAMES];
static int n_frames;
static struct roce_pcap pcap;

static void
tap(void *aux, int side, const uint8_t *frame, size_t len)
{
    struct roce_frame_opts o;
    struct roce_frame f;
    struct expect *x;

    (void) aux;
    (void) side;
    roce_frame_opts_init(&o);
    CHECK_EQ(roce_frame_parse(frame, len, &o, &f), ROCE_FRAME_OK);
    if (n_frames >= MAX_FRAMES) {
        return;
    }
    x = &exp_[n_frames++];
    x->opcode = f.opcode;
    x->psn = f.psn;
    x->dqpn = f.dqpn;
    x->pad = f.pad;
    x->syndrome = f.ext[ROCE_EXT_AETH]
                  ? roce_aeth_syndrome(f.ext[ROCE_EXT_AETH]) : -1;
    x->dmalen = f.ext[ROCE_EXT_RETH]
                ? (long long) roce_reth_len(f.ext[ROCE_EXT_RETH]) : -1;
    roce_pcap_write(&pcap, frame, len);
}

static void
post(struct roce_qp *qp, enum roce_wr_opcode op, struct roce_mr *mr,
     void *buf, uint32_t len, uint64_t raddr, uint32_t rkey)
{
    struct roce_sge sge = { (uintptr_t) buf, len, roce_mr_lkey(mr) };
    struct roce_send_wr wr, *bad;

    memset(&wr, 0, sizeof wr);
    wr.opcode = op;
    wr.sg_list = &sge;
    wr.num_sge = 1;
    wr.imm_data = 0x01020304;
    if (op == ROCE_WR_ATOMIC_FETCH_AND_ADD) {
        wr.wr.atomic.remote_addr = raddr;
        wr.wr.atomic.rkey = rkey;
        wr.wr.atomic.compare_add = 5;
    } else {
        wr.wr.rdma.remote_addr = raddr;
        wr.wr.rdma.rkey = rkey;
    }
    CHECK_EQ(roce_post_send(qp, &wr, &bad), 0);
}

static long long
num(const char *s)
{
    return *s ? strtoll(s, NULL, 0) : -1;
}

int
main(int argc, char *argv[])
{
    static uint8_t src[8192], dst[8192];
    static uint64_t counter;
    struct link_rc_params p;
    struct roce_mr *smr, *dmr, *cmr;
    struct link_pair pr;
    struct roce_link l;
    char cmd[768], line[1024];
    FILE *out;
    int n = 0;

    if (!roce_tshark_available()) {
        printf("tshark not found: skipping\n");
        return ROCE_TEST_SKIP;
    }
    if (!roce_pcap_open(&pcap)) {
        perror("pcap");
        return 1;
    }
    link_init(&l, 5, NULL);
    l.tap = tap;
    link_rc_params_init(&p);
    p.psn[0] = 0xfffffd;
    p.min_rnr_timer = 1;
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, ROCE_ACCESS_LOCAL_WRITE);
    dmr = roce_reg_mr(pr.pd[1], dst, sizeof dst, ROCE_ACCESS_ALL);
    cmr = roce_reg_mr(pr.pd[1], &counter, 8, ROCE_ACCESS_ALL);

    {
        struct roce_sge rs = { (uintptr_t) dst, sizeof dst,
                               roce_mr_lkey(dmr) };
        struct roce_recv_wr rwr = { 1, NULL, &rs, 1 }, *rbad;

        CHECK_EQ(roce_post_recv(pr.qp[1], &rwr, &rbad), 0);
        CHECK_EQ(roce_post_recv(pr.qp[1], &rwr, &rbad), 0);
    }
    post(pr.qp[0], ROCE_WR_SEND_WITH_IMM, smr, src, 3000, 0, 0);
    post(pr.qp[0], ROCE_WR_RDMA_WRITE, smr, src, 2501, (uintptr_t) dst,
         roce_mr_rkey(dmr));
    post(pr.qp[0], ROCE_WR_RDMA_WRITE_WITH_IMM, smr, src, 7,
         (uintptr_t) dst, roce_mr_rkey(dmr));
    post(pr.qp[0], ROCE_WR_RDMA_READ, smr, src, 3000, (uintptr_t) dst,
         roce_mr_rkey(dmr));
    post(pr.qp[0], ROCE_WR_ATOMIC_FETCH_AND_ADD, smr, src, 8,
         (uintptr_t) &counter, roce_mr_rkey(cmr));
    link_run(&l, UINT64_MAX);
    /* No receive posted: RNR NAK, then success once one is. */
    post(pr.qp[0], ROCE_WR_SEND, smr, src, 5, 0, 0);
    link_run(&l, l.now + 5000);
    {
        struct roce_sge rs = { (uintptr_t) dst, sizeof dst,
                               roce_mr_lkey(dmr) };
        struct roce_recv_wr rwr = { 2, NULL, &rs, 1 }, *rbad;

        CHECK_EQ(roce_post_recv(pr.qp[1], &rwr, &rbad), 0);
    }
    link_run(&l, UINT64_MAX);
    /* Remote access NAK. */
    post(pr.qp[0], ROCE_WR_RDMA_WRITE, smr, src, 10, 0, 12345);
    link_run(&l, UINT64_MAX);
    roce_pcap_close(&pcap);
    CHECK(n_frames > 20);

    /* Payloads are opaque application bytes: keep Wireshark's upper-layer
     * heuristics (RPC over RDMA, NVMe over RDMA) from guessing at them. */
    snprintf(cmd, sizeof cmd, "tshark -n -r %s "
             "--disable-protocol rpcordma --disable-protocol nvme-rdma "
             "-T fields -E separator=, "
             "-e frame.number -e infiniband.bth.opcode "
             "-e infiniband.bth.psn -e infiniband.bth.destqp "
             "-e infiniband.bth.padcnt -e infiniband.aeth.syndrome "
             "-e infiniband.reth.dmalen -e _ws.malformed 2>/dev/null",
             pcap.path);
    out = popen(cmd, "r");
    CHECK(out != NULL);
    while (out && fgets(line, sizeof line, out)) {
        char *fields[8] = { 0 };
        char *s = line;
        int i, frame;

        line[strcspn(line, "\n")] = 0;
        for (i = 0; i < 8; i++) {
            fields[i] = s;
            s = strchr(s, ',');
            if (!s) {
                for (i++; i < 8; i++) {
                    fields[i] = "";
                }
                break;
            }
            *s++ = 0;
        }
        frame = (int) num(fields[0]);
        if (frame < 1 || frame > n_frames) {
            continue;
        }
        n++;
        CHECK_EQ(num(fields[1]), exp_[frame - 1].opcode);
        CHECK_EQ(num(fields[2]), exp_[frame - 1].psn);
        CHECK_EQ(num(fields[3]), exp_[frame - 1].dqpn);
        CHECK_EQ(num(fields[4]), exp_[frame - 1].pad);
        CHECK_EQ(num(fields[5]), exp_[frame - 1].syndrome);
        CHECK_EQ(num(fields[6]), exp_[frame - 1].dmalen);
        CHECK_EQ(fields[7][0], 0);       /* Not malformed. */
        if (argc > 1) {
            printf("%d: %s op %s psn %s qp %s pad %s aeth %s dmalen %s\n",
                   frame, roce_opcode_name(exp_[frame - 1].opcode),
                   fields[1], fields[2], fields[3], fields[4], fields[5],
                   fields[6]);
        }
    }
    if (out) {
        pclose(out);
    }
    CHECK_EQ(n, n_frames);
    printf("%d frames decoded by tshark\n", n);
    if (argc > 2) {
        printf("kept %s\n", pcap.path);
    } else {
        roce_pcap_remove(&pcap);
    }
    link_destroy(&l);
    return roce_test_exit();
}
