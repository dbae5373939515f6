/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef ROCE_PCAP_H
#define ROCE_PCAP_H 1

/* Header-only test helpers: write Ethernet frames to a temporary classic
 * pcap file and read back what "tshark -V" makes of them, frame by frame,
 * so that tests can check that Wireshark decodes what the engine sends.
 * Used by the CM tests; usable by any test (frames are only bytes). */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct roce_pcap {
    char path[64];
    FILE *f;
    uint32_t n;                 /* Frames written. */
};

static inline bool
roce_tshark_available(void)
{
    return !system("tshark -v >/dev/null 2>&1");
}

static inline void
roce_pcap_le32(FILE *f, uint32_t v)
{
    uint8_t b[4] = { (uint8_t) v, (uint8_t) (v >> 8), (uint8_t) (v >> 16),
                     (uint8_t) (v >> 24) };

    fwrite(b, 1, 4, f);
}

/* Creates an empty pcap (microsecond timestamps, LINKTYPE_ETHERNET) in
 * /tmp.  Returns false on failure. */
static inline bool
roce_pcap_open(struct roce_pcap *p)
{
    int fd;

    memset(p, 0, sizeof *p);
    strcpy(p->path, "/tmp/roce-pcap-XXXXXX");
    fd = mkstemp(p->path);
    if (fd < 0 || !(p->f = fdopen(fd, "wb"))) {
        return false;
    }
    roce_pcap_le32(p->f, 0xa1b2c3d4);
    fwrite("\x02\x00\x04\x00", 1, 4, p->f);     /* Version 2.4. */
    roce_pcap_le32(p->f, 0);
    roce_pcap_le32(p->f, 0);
    roce_pcap_le32(p->f, 65535);
    roce_pcap_le32(p->f, 1);
    return true;
}

/* Appends a frame; frame N (1-based, as tshark numbers them) is
 * timestamped N seconds. */
static inline void
roce_pcap_write(struct roce_pcap *p, const uint8_t *frame, size_t len)
{
    p->n++;
    roce_pcap_le32(p->f, p->n);
    roce_pcap_le32(p->f, 0);
    roce_pcap_le32(p->f, len);
    roce_pcap_le32(p->f, len);
    fwrite(frame, 1, len, p->f);
}

/* Closes the file; it stays on disk until roce_pcap_remove(). */
static inline void
roce_pcap_close(struct roce_pcap *p)
{
    if (p->f) {
        fclose(p->f);
        p->f = NULL;
    }
}

static inline void
roce_pcap_remove(struct roce_pcap *p)
{
    roce_pcap_close(p);
    unlink(p->path);
}

/* Returns the "tshark -n -V" text of the closed pcap 'p' (malloc'd, never
 * NULL). */
static inline char *
roce_tshark_text(const struct roce_pcap *p)
{
    char cmd[160];
    size_t size = 0, cap = 1 << 16;
    char *out = malloc(cap);
    FILE *pipe;

    if (!out) {
        abort();
    }
    out[0] = 0;
    snprintf(cmd, sizeof cmd, "tshark -n -V -r %s 2>&1", p->path);
    pipe = popen(cmd, "r");
    if (!pipe) {
        return out;
    }
    for (;;) {
        size_t n;

        if (cap - size < 4096) {
            cap *= 2;
            out = realloc(out, cap);
            if (!out) {
                abort();
            }
        }
        n = fread(out + size, 1, cap - size - 1, pipe);
        if (!n) {
            break;
        }
        size += n;
    }
    out[size] = 0;
    pclose(pipe);
    return out;
}

/* Returns the part of tshark -V output 'text' about frame 'n' (malloc'd),
 * or NULL if there is no such frame. */
static inline char *
roce_tshark_frame(const char *text, uint32_t n)
{
    char hdr[32];
    const char *start, *end;

    snprintf(hdr, sizeof hdr, "Frame %u:", n);
    start = strstr(text, hdr);
    if (!start) {
        return NULL;
    }
    snprintf(hdr, sizeof hdr, "\nFrame %u:", n + 1);
    end = strstr(start, hdr);
    return strndup(start, end ? (size_t) (end - start) : strlen(start));
}

#endif /* roce-pcap.h */
