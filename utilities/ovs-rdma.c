/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* ovs-rdma: RDMA benchmarks for a DCN of an ovs-rdma-overlay port, shaped
 * like perftest's ib_write_bw, ib_write_lat and their siblings.  This file
 * holds the command line, the table of tests and the top-level flow; see
 * ovs-rdma-perf.h for the others. */

#include "ovs-rdma-perf.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef OVS_RDMA_VERSION
#define OVS_RDMA_VERSION "unknown"
#endif

/* The tests, indexed by enum perf_test. */
static const struct {
    const char *name;           /* On the command line. */
    const char *title;          /* As perftest titles its tests. */
    bool latency;
} perf_tests[N_PERF_TESTS] = {
    [PERF_WRITE_BW] = { "write-bw", "RDMA_Write BW Test", false },
    [PERF_READ_BW] = { "read-bw", "RDMA_Read BW Test", false },
    [PERF_SEND_BW] = { "send-bw", "Send BW Test", false },
    [PERF_WRITE_LAT] = { "write-lat", "RDMA_Write Latency Test", true },
    [PERF_READ_LAT] = { "read-lat", "RDMA_Read Latency Test", true },
    [PERF_SEND_LAT] = { "send-lat", "Send Latency Test", true },
};

/* Returns the command-line name of 'test' ("unknown" for a value that a
 * peer sent and that is no test). */
const char *
perf_test_name(enum perf_test test)
{
    return (unsigned int) test < N_PERF_TESTS ? perf_tests[test].name
                                               : "unknown";
}

/* Returns the title of 'test' in the header. */
const char *
perf_test_title(enum perf_test test)
{
    return perf_tests[test].title;
}

/* Sets '*test' to the test called 'name', if there is one. */
bool
perf_test_from_name(const char *name, enum perf_test *test)
{
    int i;

    for (i = 0; i < N_PERF_TESTS; i++) {
        if (!strcmp(name, perf_tests[i].name)) {
            *test = i;
            return true;
        }
    }
    return false;
}

/* Returns whether 'test' measures latency (rather than bandwidth). */
bool
perf_test_is_latency(enum perf_test test)
{
    return perf_tests[test].latency;
}

/* Computes the number of buffer slots of each QP: the tx depth (so that
 * --verify can keep that many messages in flight, each in its own slot),
 * but no more than fit in 16 MiB shared by all QPs, and at least one. */
void
perf_params_set_window(struct perf_params *p)
{
    size_t fit = (16u << 20) / p->n_qps / perf_stride(p->size);

    p->window = (fit < 1 ? 1 : fit < p->tx_depth ? fit : p->tx_depth);
}

/* Prints the --help message. */
static void
usage(void)
{
    printf("ovs-rdma: RDMA benchmarks for a DCN of an ovs-rdma-overlay "
           "port\n"
           "usage: ovs-rdma TEST [OPTIONS] [SERVER_IP]\n"
           "\n"
           "Without SERVER_IP, serves one run of TEST and exits; with it, "
           "runs TEST\n"
           "against the server at SERVER_IP.\n"
           "\n"
           "Tests:\n"
           "  write-bw, read-bw, send-bw     bandwidth (RDMA WRITE, READ, "
           "SEND)\n"
           "  write-lat, read-lat, send-lat  latency\n"
           "\n"
           "Options:\n"
           "  -S, --socket=SOCKET   port's socket (default: "
           "$OVS_RDMA_SOCKET)\n"
           "  -s, --size=BYTES      message size (default: 65536 for "
           "bandwidth, 2 for\n"
           "                        latency; 0 to %u)\n"
           "  -n, --iters=ITERS     messages per QP (default: 1000)\n"
           "  -q, --qps=QPS         number of QPs (default: 1)\n"
           "  -t, --tx-depth=DEPTH  outstanding WRs per QP (default: 128)\n"
           "  -p, --port=PORT       rdma_cm port (default: 18515)\n"
           "  --verify              check every byte received\n"
           "  --malloc              use malloc()ed buffers (default: "
           "zero-copy buffers)\n"
           "  --timeout=SECS        fail after SECS without progress "
           "(default: 30;\n"
           "                        0: never)\n"
           "  -h, --help            display this help message\n"
           "  -V, --version         display version information\n",
           PERF_MAX_SIZE);
}

/* Parses 'arg', the argument of 'option', as an integer between 'min' and
 * 'max'. */
static uint32_t
parse_uint(const char *option, const char *arg, uint32_t min, uint32_t max)
{
    unsigned long long value;
    char *end;

    errno = 0;
    value = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-' || value < min
        || value > max) {
        perf_fatal(0, "%s: \"%s\" is not an integer between %"PRIu32" and "
                   "%"PRIu32, option, arg, min, max);
    }
    return value;
}

/* Parses the command line into 'opts'.  Exits on an error, or after
 * --help or --version. */
static void
parse_options(int argc, char *argv[], struct perf_options *opts)
{
    enum {
        OPT_VERIFY = UCHAR_MAX + 1,
        OPT_MALLOC,
        OPT_TIMEOUT,
    };
    static const struct option long_options[] = {
        {"socket", required_argument, NULL, 'S'},
        {"size", required_argument, NULL, 's'},
        {"iters", required_argument, NULL, 'n'},
        {"qps", required_argument, NULL, 'q'},
        {"tx-depth", required_argument, NULL, 't'},
        {"port", required_argument, NULL, 'p'},
        {"verify", no_argument, NULL, OPT_VERIFY},
        {"malloc", no_argument, NULL, OPT_MALLOC},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct perf_params *p = &opts->params;
    const char *args[2];
    int n_args = 0;

    memset(opts, 0, sizeof *opts);
    opts->port = 18515;
    opts->timeout = 30;
    p->iters = 1000;
    p->n_qps = 1;
    p->tx_depth = 128;

    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":S:s:n:q:t:p:hV", long_options,
                            NULL);

        if (c == -1) {
            break;
        }
        switch (c) {
        case 'S':
            opts->socket = optarg;
            break;
        case 's':
            p->size = parse_uint("-s", optarg, 0, PERF_MAX_SIZE);
            opts->size_set = true;
            break;
        case 'n':
            p->iters = parse_uint("-n", optarg, 1, PERF_MAX_ITERS);
            opts->iters_set = true;
            break;
        case 'q':
            p->n_qps = parse_uint("-q", optarg, 1, PERF_MAX_QPS);
            opts->qps_set = true;
            break;
        case 't':
            p->tx_depth = parse_uint("-t", optarg, 1, PERF_MAX_TX_DEPTH);
            opts->depth_set = true;
            break;
        case 'p':
            opts->port = parse_uint("-p", optarg, 1, 65535);
            break;
        case OPT_VERIFY:
            p->verify = true;
            opts->verify_set = true;
            break;
        case OPT_MALLOC:
            opts->use_malloc = true;
            break;
        case OPT_TIMEOUT:
            opts->timeout = parse_uint("--timeout", optarg, 0, 86400);
            break;
        case 'h':
            usage();
            exit(EXIT_SUCCESS);
        case 'V':
            printf("ovs-rdma (ovs-rdma-overlay) %s\n", OVS_RDMA_VERSION);
            exit(EXIT_SUCCESS);
        case ':':
            perf_fatal(0, "option %s requires an argument (use --help)",
                       argv[optind - 1]);
        case '?':
        default:
            if (optopt && optopt <= UCHAR_MAX) {
                perf_fatal(0, "unknown option -%c (use --help)", optopt);
            }
            perf_fatal(0, "unknown option %s (use --help)",
                       argv[optind - 1]);
        }
    }
    for (; optind < argc; optind++) {
        if (n_args >= 2) {
            perf_fatal(0, "too many arguments (use --help)");
        }
        args[n_args++] = argv[optind];
    }

    if (!n_args) {
        perf_fatal(0, "missing test name (use --help)");
    } else if (!perf_test_from_name(args[0], &p->test)) {
        perf_fatal(0, "unknown test \"%s\" (use --help)", args[0]);
    }
    opts->server = n_args > 1 ? args[1] : NULL;
    if (!opts->size_set) {
        p->size = perf_test_is_latency(p->test) ? 2 : 65536;
    }
    perf_params_set_window(p);

    if (!opts->socket) {
        opts->socket = getenv("OVS_RDMA_SOCKET");
        if (!opts->socket || !opts->socket[0]) {
            perf_fatal(0, "no port socket: use -S SOCKET or set "
                       "OVS_RDMA_SOCKET");
        }
    }
}

int
main(int argc, char *argv[])
{
    struct perf_options opts;
    struct perf_run run;
    bool latency;

    parse_options(argc, argv, &opts);
    latency = perf_test_is_latency(opts.params.test);

    perf_open(&run, &opts);
    if (run.server) {
        perf_serve(&run);
        perf_print_header(&run);
        if (latency) {
            perf_lat_server(&run);
        } else {
            perf_bw_server(&run);
        }
        perf_read_results(&run);
    } else {
        perf_connect(&run);
        perf_print_header(&run);
        if (latency) {
            perf_lat_client(&run);
        } else {
            perf_bw_client(&run);
        }
        perf_send_results(&run);
    }
    perf_print_results(&run);
    perf_close(&run);
    return EXIT_SUCCESS;
}
