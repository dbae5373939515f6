/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* Cross-check with Wireshark: frames built by roce_pkt + roce_encap
 * (VXLAN and Geneve overlays, IPv4 and IPv6, and plain RoCEv2) are written
 * to a pcap and decoded by tshark, which must agree on every header field
 * we set, call no checksum bad and report nothing malformed.
 *
 * tshark 4.0 displays the ICRC but does not verify it; ICRC values are
 * checked independently in test-icrc (zlib and scapy generated vectors).
 * IPv6 RoCEv2 carries a zero UDP checksum (as Linux rxe and RoCE NICs
 * send it), so tshark's ignore_ipv6_zero_checksum preference is set.
 * Skips (77) if tshark is not installed. */

#include <stdlib.h>
#include <string.h>
#include "roce-pcap.h"
#include "roce-test.h"
#include "roce/bytes.h"
#include "roce/frame.h"
#include "roce/hdr.h"
#include "wire-test.h"

enum overlay { VXLAN4, GENEVE6, PLAIN };

struct sample {
    enum overlay overlay;
    bool inner_v6;
    struct roce_pkt pkt;
    const char *opcode_text;    /* As tshark -V spells the opcode. */
};

static uint8_t payload[1000];

static struct sample samples[] = {
    { VXLAN4, false, { .opcode = ROCE_OP_RC_WRITE_FIRST, .pkey = 0xffff,
      .dqpn = 0xabcdef, .psn = 0xffffff, .ackreq = true,
      .va = 0xfedcba9876543210ull, .rkey = 0x89abcdef, .dma_len = 123456,
      .payload = payload, .payload_len = 1000 },
      "Reliable Connection (RC) - RDMA WRITE First (6)" },
    { VXLAN4, false, { .opcode = ROCE_OP_RC_ACKNOWLEDGE, .pkey = 0xffff,
      .dqpn = 0x000011, .psn = 0x000000, .syndrome = 0x60 | 2,
      .msn = 0xffffff },
      "Reliable Connection (RC) - Acknowledge (17)" },
    { VXLAN4, false, { .opcode = ROCE_OP_UD_SEND_ONLY, .pkey = 0xffff,
      .dqpn = 0x000101, .psn = 0x123456, .qkey = 0x11111111,
      .sqpn = 0xfffffe, .payload = payload, .payload_len = 257 },
      "Unreliable Datagram (UD) - SEND only (100)" },
    { VXLAN4, false, { .opcode = ROCE_OP_RC_SEND_ONLY_IMM, .pkey = 0x8001,
      .dqpn = 0x000102, .psn = 7, .se = true, .imm = 0xdeadbeef,
      .payload = payload, .payload_len = 3 },
      "Reliable Connection (RC) - SEND Only with Immediate (5)" },
    { VXLAN4, false, { .opcode = ROCE_OP_RC_READ_REQUEST, .pkey = 0xffff,
      .dqpn = 0x000102, .psn = 8, .va = 0x1000, .rkey = 0x42,
      .dma_len = 0x10000 },
      "Reliable Connection (RC) - RDMA READ Request (12)" },
    { VXLAN4, false, { .opcode = ROCE_OP_RC_READ_RESPONSE_ONLY,
      .pkey = 0xffff, .dqpn = 0x000203, .psn = 8, .syndrome = 0x1f,
      .msn = 5, .payload = payload, .payload_len = 64 },
      "Reliable Connection (RC) - RDMA READ response Only (16)" },
    { GENEVE6, true, { .opcode = ROCE_OP_RC_WRITE_ONLY_IMM, .pkey = 0xffff,
      .dqpn = 0x000304, .psn = 0x800000, .va = UINT64_MAX,
      .rkey = UINT32_MAX, .dma_len = 17, .imm = 0x01020304,
      .payload = payload, .payload_len = 17 },
      "Reliable Connection (RC) - RDMA WRITE Only with Immediate (11)" },
    { GENEVE6, false, { .opcode = ROCE_OP_RC_COMPARE_SWAP, .pkey = 0xffff,
      .dqpn = 0x000405, .psn = 9, .va = 0x2000, .rkey = 0x77,
      .swap_add = 0x1111222233334444ull, .compare = 0x5555666677778888ull },
      "Reliable Connection (RC) - CmpSwap (19)" },
    { PLAIN, false, { .opcode = ROCE_OP_RC_ATOMIC_ACKNOWLEDGE,
      .pkey = 0xffff, .dqpn = 0x000506, .psn = 9, .syndrome = 0x00,
      .msn = 9, .orig = 0x0123456789abcdefull },
      "Reliable Connection (RC) - ATOMIC Acknowledge (18)" },
    { PLAIN, true, { .opcode = ROCE_OP_RC_SEND_ONLY_INV, .pkey = 0xffff,
      .dqpn = 0x000607, .psn = 10, .inv_rkey = 0xcafef00d,
      .payload = payload, .payload_len = 8 },
      "Reliable Connection (RC) - SEND Only with Invalidate (23)" },
};
#define N_SAMPLES (sizeof samples / sizeof samples[0])

static size_t
build(const struct sample *s, uint8_t *frame, size_t size)
{
    struct roce_encap_params prm;
    struct roce_encap e;
    uint8_t prefix[400];

    if (s->inner_v6) {
        wt_inner_v6(&prm);
    } else {
        wt_inner_v4(&prm);
    }
    if (s->overlay == VXLAN4) {
        prm.tnl.header_len = wt_tnl_prefix(prefix, sizeof prefix,
                                           ROCE_TNL_VXLAN, false, true,
                                           5001, 0);
        prm.tnl.type = ROCE_TNL_VXLAN;
        prm.tnl.header = prefix;
    } else if (s->overlay == GENEVE6) {
        prm.tnl.header_len = wt_tnl_prefix(prefix, sizeof prefix,
                                           ROCE_TNL_GENEVE, true, true,
                                           0x123456, 8);
        prm.tnl.type = ROCE_TNL_GENEVE;
        prm.tnl.header = prefix;
    }
    prm.outer_dscp = 26;
    if (roce_encap_init(&e, &prm) != ROCE_ENCAP_OK) {
        abort();
    }
    return wt_build(&e, &s->pkt, frame, size);
}

/* Writes every sample to a new pcap; false on failure. */
static bool
write_pcap(struct roce_pcap *pcap)
{
    uint8_t frame[2048];

    if (!roce_pcap_open(pcap)) {
        return false;
    }
    for (size_t i = 0; i < N_SAMPLES; i++) {
        size_t n = build(&samples[i], frame, sizeof frame);

        if (!n) {
            roce_pcap_remove(pcap);
            return false;
        }
        roce_pcap_write(pcap, frame, n);
    }
    roce_pcap_close(pcap);
    return true;
}

/* Wireshark hands SEND payloads to heuristic upper-layer dissectors
 * (RPC-over-RDMA, SMB Direct, ...), which call our test pattern
 * malformed; they are not what is being checked. */
#define TSHARK "tshark --disable-protocol rpcordma --disable-protocol " \
    "smb_direct --disable-protocol nvme-rdma --disable-protocol iser "   \
    "--disable-protocol lnet --disable-protocol smc --disable-protocol " \
    "infiniband_sdp --disable-protocol fcoib " \
    "--disable-protocol infiniband.eoib"

#define FIELDS                                                           \
    F(vni, "vxlan.vni") F(gvni, "geneve.vni")                            \
    F(opcode, "infiniband.bth.opcode")                                   \
    F(destqp, "infiniband.bth.destqp") F(psn, "infiniband.bth.psn")      \
    F(pad, "infiniband.bth.padcnt") F(se, "infiniband.bth.se")           \
    F(ackreq, "infiniband.bth.a") F(pkey, "infiniband.bth.p_key")        \
    F(va, "infiniband.reth.va") F(rkey, "infiniband.reth.r_key")         \
    F(dmalen, "infiniband.reth.dmalen")                                  \
    F(syndrome, "infiniband.aeth.syndrome") F(msn, "infiniband.aeth.msn")\
    F(qkey, "infiniband.deth.q_key") F(srcqp, "infiniband.deth.srcqp")   \
    F(immdt, "infiniband.immdt") F(ieth, "infiniband.ieth")              \
    F(swap, "infiniband.atomiceth.swapdt")                               \
    F(cmp, "infiniband.atomiceth.cmpdt")                                 \
    F(orig, "infiniband.atomicacketh.origremdt")                         \
    F(icrc, "infiniband.invariant.crc")                                  \
    F(ipck, "ip.checksum.status") F(udpck, "udp.checksum.status")        \
    F(dscp, "ip.dsfield.dscp") F(malformed, "_ws.malformed")             \
    F(expert, "_ws.expert.severity")

enum {
#define F(NAME, FIELD) FI_##NAME,
    FIELDS
#undef F
    N_FIELDS
};

static const char *const field_names[] = {
#define F(NAME, FIELD) FIELD,
    FIELDS
#undef F
};

/* Splits 'line' at tabs into 'cols'. */
static void
split(char *line, char *cols[N_FIELDS])
{
    for (int i = 0; i < N_FIELDS; i++) {
        char *tab = line ? strchr(line, '\t') : NULL;

        cols[i] = line ? line : "";
        if (tab) {
            *tab = '\0';
            line = tab + 1;
        } else {
            line = NULL;
        }
    }
    if (cols[N_FIELDS - 1][0]) {
        cols[N_FIELDS - 1][strcspn(cols[N_FIELDS - 1], "\n")] = '\0';
    }
}

#define CHECK_COL(COL, ...)                                              \
    do {                                                                 \
        char want_[64];                                                  \
        snprintf(want_, sizeof want_, __VA_ARGS__);                      \
        roce_test_checks++;                                              \
        if (strcmp(cols[COL], want_)) {                                  \
            roce_test_failures++;                                        \
            fprintf(stderr, "%s:%d: frame %zu %s: tshark says \"%s\", "  \
                    "expected \"%s\"\n", __FILE__, __LINE__, i + 1,      \
                    field_names[COL], cols[COL], want_);                 \
        }                                                                \
    } while (0)

static void
check_fields(const char *pcap)
{
    char cmd[4096], line[4096];
    size_t i = 0;
    FILE *p;
    int n;

    n = snprintf(cmd, sizeof cmd, TSHARK " -r '%s' -o ip.check_checksum:TRUE"
                 " -o udp.check_checksum:TRUE"
                 " -o udp.ignore_ipv6_zero_checksum:TRUE"
                 " -T fields -E separator=/t -E occurrence=l", pcap);
    for (int k = 0; k < N_FIELDS; k++) {
        n += snprintf(cmd + n, sizeof cmd - n, " -e %s", field_names[k]);
    }
    snprintf(cmd + n, sizeof cmd - n, " 2>/dev/null");
    p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p) {
        return;
    }
    while (fgets(line, sizeof line, p) && i < N_SAMPLES) {
        const struct sample *s = &samples[i];
        const struct roce_pkt *k = &s->pkt;
        const struct roce_opcode_info *op = roce_opcode_info(k->opcode);
        char *cols[N_FIELDS];
        uint8_t frame[2048];
        size_t flen = build(s, frame, sizeof frame);
        struct roce_frame_opts o;
        struct roce_frame rf;

        split(line, cols);
        roce_frame_opts_init(&o);
        CHECK_EQ(roce_frame_parse(frame, flen, &o, &rf), ROCE_FRAME_OK);

        CHECK_COL(FI_vni, "%s", s->overlay == VXLAN4 ? "5001" : "");
        CHECK_COL(FI_gvni, "%s", s->overlay == GENEVE6 ? "0x123456" : "");
        CHECK_COL(FI_opcode, "%u", k->opcode);
        CHECK_COL(FI_destqp, "0x%06x", k->dqpn);
        CHECK_COL(FI_psn, "%u", k->psn);
        CHECK_COL(FI_pad, "%u", roce_pad_len(k->payload_len));
        CHECK_COL(FI_se, "%d", k->se);
        CHECK_COL(FI_ackreq, "%d", k->ackreq);
        CHECK_COL(FI_pkey, "%u", k->pkey);
        if (op->ext_mask & (1u << ROCE_EXT_RETH)) {
            CHECK_COL(FI_va, "0x%016llx", (unsigned long long) k->va);
            CHECK_COL(FI_rkey, "0x%08x", k->rkey);
            CHECK_COL(FI_dmalen, "%u", k->dma_len);
        } else if (op->ext_mask & (1u << ROCE_EXT_ATOMIC_ETH)) {
            /* Wireshark files AtomicETH's VA and R_Key under reth. */
            CHECK_COL(FI_va, "0x%016llx", (unsigned long long) k->va);
            CHECK_COL(FI_rkey, "0x%08x", k->rkey);
        } else {
            CHECK_COL(FI_va, "%s", "");
        }
        if (op->ext_mask & (1u << ROCE_EXT_AETH)) {
            CHECK_COL(FI_syndrome, "%u", k->syndrome);
            CHECK_COL(FI_msn, "%u", k->msn);
        } else {
            CHECK_COL(FI_syndrome, "%s", "");
        }
        if (op->ext_mask & (1u << ROCE_EXT_DETH)) {
            CHECK_COL(FI_qkey, "0x%016x", k->qkey);
            CHECK_COL(FI_srcqp, "0x%08x", k->sqpn);
        }
        if (op->ext_mask & (1u << ROCE_EXT_IMMDT)) {
            CHECK_COL(FI_immdt, "%08x", k->imm);
        }
        if (op->ext_mask & (1u << ROCE_EXT_IETH)) {
            CHECK_COL(FI_ieth, "%08x", k->inv_rkey);
        }
        if (op->ext_mask & (1u << ROCE_EXT_ATOMIC_ETH)) {
            CHECK_COL(FI_swap, "%llu", (unsigned long long) k->swap_add);
            CHECK_COL(FI_cmp, "%llu", (unsigned long long) k->compare);
        }
        if (op->ext_mask & (1u << ROCE_EXT_ATOMIC_ACK)) {
            CHECK_COL(FI_orig, "%llu", (unsigned long long) k->orig);
        }
        /* tshark shows the 4 ICRC bytes as a big-endian number. */
        CHECK_COL(FI_icrc, "0x%08x", roce_get_be32(frame + flen - 4));
        CHECK_EQ(rf.icrc, roce_get_le32(frame + flen - 4));
        /* Last IPv4 header's checksum good (1) if there is one; last UDP
         * checksum absent (3, RoCEv2 sends 0) or good (1). */
        if (!s->inner_v6 || s->overlay == VXLAN4) {
            CHECK_COL(FI_ipck, "1");
        }
        CHECK_COL(FI_udpck, "%s", "3");
        CHECK_COL(FI_malformed, "%s", "");
        CHECK_COL(FI_expert, "%s", "");
        i++;
    }
    CHECK_EQ(i, N_SAMPLES);
    CHECK_EQ(pclose(p), 0);
}

/* Outer checksums (the last occurrence above is the inner one). */
static void
check_outer(const char *pcap)
{
    char cmd[1024], line[1024];
    size_t i = 0;
    FILE *p;

    snprintf(cmd, sizeof cmd, TSHARK " -r '%s' -o ip.check_checksum:TRUE"
             " -o udp.check_checksum:TRUE"
             " -o udp.ignore_ipv6_zero_checksum:TRUE"
             " -T fields -E occurrence=f -e udp.checksum.status"
             " -e ip.dsfield.dscp -e ipv6.tclass.dscp 2>/dev/null", pcap);
    p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p) {
        return;
    }
    while (fgets(line, sizeof line, p) && i < N_SAMPLES) {
        const struct sample *s = &samples[i];
        char want[64];

        line[strcspn(line, "\n")] = '\0';
        if (s->overlay == PLAIN) {
            /* Plain RoCEv2: zero UDP checksum, inner DSCP. */
            snprintf(want, sizeof want, "3\t%s", s->inner_v6 ? "\t26"
                                                             : "26\t");
        } else if (s->overlay == VXLAN4) {
            /* Outer checksum requested (csum=true) and good; AF31. */
            snprintf(want, sizeof want, "1\t26\t%s",
                     s->inner_v6 ? "26" : "");
        } else {
            snprintf(want, sizeof want, "1\t%s\t26",
                     s->inner_v6 ? "" : "26");
        }
        roce_test_checks++;
        if (strcmp(line, want)) {
            roce_test_failures++;
            fprintf(stderr, "frame %zu outer: tshark \"%s\" want \"%s\"\n",
                    i + 1, line, want);
        }
        i++;
    }
    CHECK_EQ(i, N_SAMPLES);
    pclose(p);
}

/* Opcode names in the verbose dissection, one per frame, in order. */
static void
check_names(const char *pcap)
{
    char cmd[1024], line[4096];
    size_t i = 0;
    FILE *p;

    snprintf(cmd, sizeof cmd, TSHARK " -r '%s' -V 2>/dev/null", pcap);
    p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p) {
        return;
    }
    while (fgets(line, sizeof line, p)) {
        char *o = strstr(line, "Opcode: ");
        if (o && strstr(line, "(") && i < N_SAMPLES
            && !strstr(line, "OpCode")) {
            o += strlen("Opcode: ");
            o[strcspn(o, "\n")] = '\0';
            roce_test_checks++;
            if (strcmp(o, samples[i].opcode_text)) {
                roce_test_failures++;
                fprintf(stderr, "frame %zu: opcode \"%s\" want \"%s\"\n",
                        i + 1, o, samples[i].opcode_text);
            }
            i++;
        }
    }
    CHECK_EQ(i, N_SAMPLES);
    pclose(p);
}

int
main(void)
{
    struct roce_pcap pcap;

    if (!roce_tshark_available()) {
        printf("tshark not found: skipped\n");
        return ROCE_TEST_SKIP;
    }
    for (size_t i = 0; i < sizeof payload; i++) {
        payload[i] = i;
    }
    CHECK(write_pcap(&pcap));
    if (roce_test_failures) {
        return roce_test_exit();
    }
    check_fields(pcap.path);
    check_outer(pcap.path);
    check_names(pcap.path);
    if (roce_test_failures) {
        fprintf(stderr, "pcap kept for inspection: %s\n", pcap.path);
    } else {
        roce_pcap_remove(&pcap);
    }
    return roce_test_exit();
}
