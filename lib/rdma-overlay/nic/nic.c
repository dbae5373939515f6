/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "nic/nic.h"

#include <errno.h>
#include <string.h>

#include "coverage.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rdma_nic);

COVERAGE_DEFINE(rdma_nic_error);

/* Provider errors are worth seeing, but a misbehaving provider must not
 * flood the log: revalidation can issue thousands of operations. */
static struct vlog_rate_limit error_rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Registered 'struct rdma_nic_class'es, by type. */
static struct shash nic_classes = SHASH_INITIALIZER(&nic_classes);

/* Registers 'class'.  Returns 0, EINVAL if 'class' lacks a type or the
 * mandatory 'open'/'close' members, or EEXIST if its type is taken. */
int
rdma_nic_register(const struct rdma_nic_class *class)
{
    if (!class->type || !class->type[0] || !class->open || !class->close) {
        VLOG_WARN("attempted to register an incomplete RDMA NIC provider");
        return EINVAL;
    }
    if (shash_find(&nic_classes, class->type)) {
        VLOG_WARN("attempted to register duplicate RDMA NIC provider: %s",
                  class->type);
        return EEXIST;
    }
    shash_add(&nic_classes, class->type, class);
    return 0;
}

/* Unregisters provider 'type'.  Returns 0 or ENOENT.  Instances of the
 * provider that are still open keep working: they point to the class, which
 * the provider must keep alive. */
int
rdma_nic_unregister(const char *type)
{
    struct shash_node *node = shash_find(&nic_classes, type);

    if (!node) {
        return ENOENT;
    }
    shash_delete(&nic_classes, node);
    return 0;
}

/* Returns the provider registered as 'type', or NULL. */
const struct rdma_nic_class *
rdma_nic_class_lookup(const char *type)
{
    return type ? shash_find_data(&nic_classes, type) : NULL;
}

/* Adds the type of every registered provider to 'types'. */
void
rdma_nic_enumerate_types(struct sset *types)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &nic_classes) {
        sset_add(types, node->name);
    }
}

/* Returns the registered provider types, sorted and separated by ", ", in
 * a string the caller frees. */
char *
rdma_nic_known_types(void)
{
    struct sset types = SSET_INITIALIZER(&types);
    struct ds known = DS_EMPTY_INITIALIZER;
    const char **sorted;

    rdma_nic_enumerate_types(&types);
    sorted = sset_sort(&types);
    for (size_t i = 0; i < sset_count(&types); i++) {
        ds_put_format(&known, "%s%s", i ? ", " : "", sorted[i]);
    }
    free(sorted);
    sset_destroy(&types);
    return ds_steal_cstr(&known);
}

/* Opens an instance named 'name' of provider 'type' in '*nicp'.  Returns 0
 * on success.  Otherwise stores NULL in '*nicp', returns a positive errno
 * (ENOENT for an unregistered type) and, if 'errorp' is nonnull, a one-line
 * explanation in '*errorp' that the caller must free. */
int
rdma_nic_open(const char *type, const char *name, struct rdma_nic **nicp,
              char **errorp)
{
    const struct rdma_nic_class *class = rdma_nic_class_lookup(type);
    char *error = NULL;
    int retval;

    *nicp = NULL;
    if (!class) {
        char *known = rdma_nic_known_types();

        error = xasprintf("unknown RDMA NIC provider '%s' (known: %s)",
                          type ? type : "", known);
        free(known);
        retval = ENOENT;
    } else {
        retval = class->open(name, nicp, &error);
        if (!retval && !*nicp) {
            retval = EPROTO;
        }
        if (!retval) {
            struct rdma_nic *nic = *nicp;

            nic->class = class;
            free(nic->name);
            nic->name = xstrdup(name);
            memset(&nic->stats, 0, sizeof nic->stats);
        } else {
            *nicp = NULL;
            if (!error) {
                error = xasprintf("RDMA NIC provider '%s' failed to open "
                                  "'%s': %s", type, name,
                                  ovs_strerror(retval));
            }
        }
    }

    if (error) {
        if (errorp) {
            *errorp = error;
        } else {
            free(error);
        }
    } else if (errorp) {
        *errorp = NULL;
    }
    return retval;
}

/* Closes 'nic' (which may be NULL). */
void
rdma_nic_close(struct rdma_nic *nic)
{
    if (nic) {
        char *name = nic->name;

        nic->name = NULL;
        nic->class->close(nic);
        free(name);
    }
}

/* Returns the provider type of 'nic', or "none" if 'nic' is NULL. */
const char *
rdma_nic_type(const struct rdma_nic *nic)
{
    return nic ? nic->class->type : "none";
}

/* Returns the instance name of 'nic', or "none" if 'nic' is NULL. */
const char *
rdma_nic_name(const struct rdma_nic *nic)
{
    return nic && nic->name ? nic->name : "none";
}

/* Stores the capabilities of 'nic' in 'caps': all false and zero if 'nic'
 * is NULL or does not report any. */
void
rdma_nic_get_caps(const struct rdma_nic *nic, struct rdma_nic_caps *caps)
{
    memset(caps, 0, sizeof *caps);
    if (nic && nic->class->get_caps) {
        nic->class->get_caps(nic, caps);
    }
}

/* Returns the wrapper-maintained counters of 'nic', or NULL. */
const struct rdma_nic_stats *
rdma_nic_get_stats(const struct rdma_nic *nic)
{
    return nic ? &nic->stats : NULL;
}

/* Accounts for the result 'error' of operation 'op' on 'nic': on success
 * increments '*counter', otherwise 'nic->stats.errors', and logs.  'what'
 * describes the object for the log.  Returns 'error'. */
static int
account(struct rdma_nic *nic, const char *op, int error, uint64_t *counter,
        const char *what)
{
    if (!error) {
        (*counter)++;
    } else {
        nic->stats.errors++;
        COVERAGE_INC(rdma_nic_error);
        VLOG_WARN_RL(&error_rl, "%s: %s %s failed: %s", nic->name, op, what,
                     ovs_strerror(error));
    }
    return error;
}

/* The checks every wrapper makes before calling 'MEMBER': a null instance
 * means no provider (ENODEV), a null member an unsupported operation. */
#define NIC_CHECK(NIC, MEMBER)                          \
    do {                                                \
        if (!(NIC)) {                                   \
            return ENODEV;                              \
        }                                               \
        if (!(NIC)->class->MEMBER) {                    \
            (NIC)->stats.errors++;                      \
            return EOPNOTSUPP;                          \
        }                                               \
    } while (0)

static char *
binding_what(const struct ro_binding *b)
{
    return xasprintf("port %s of %s", b->port, b->bridge);
}

static char *
vtep_what(const struct ro_vtep *v)
{
    return xasprintf("VTEP %s of %s", v->port, v->bridge);
}

static char *
mapping_what(const struct ro_mapping *m)
{
    return xasprintf("mapping "ETH_ADDR_FMT" from %s of %s",
                     ETH_ADDR_ARGS(m->mac), m->port, m->bridge);
}

/* Runs provider member 'MEMBER' on 'NIC' with the object 'OBJ', accounting
 * the result in 'COUNTER' and describing 'OBJ' with 'WHAT_FN' on failure
 * (only then: formatting costs more than most operations). */
#define NIC_OBJ_OP(NIC, MEMBER, OBJ, COUNTER, WHAT_FN)                  \
    do {                                                                \
        char *what_;                                                    \
        int error_;                                                     \
                                                                        \
        NIC_CHECK(NIC, MEMBER);                                         \
        if (!(OBJ)) {                                                   \
            (NIC)->stats.errors++;                                      \
            return EINVAL;                                              \
        }                                                               \
        error_ = (NIC)->class->MEMBER(NIC, OBJ);                        \
        what_ = error_ ? WHAT_FN(OBJ) : NULL;                           \
        account(NIC, #MEMBER, error_, &(NIC)->stats.COUNTER, what_);    \
        free(what_);                                                    \
        return error_;                                                  \
    } while (0)

/* Runs provider member 'MEMBER' on 'NIC' with the arguments that follow
 * 'ID', accounting the result in 'COUNTER'; a failure is logged as about
 * 'KIND' (a string literal: "QP", "connection") number 'ID'. */
#define NIC_ID_OP(NIC, MEMBER, COUNTER, KIND, ID, ...)                  \
    do {                                                                \
        char what_[32];                                                 \
                                                                        \
        NIC_CHECK(NIC, MEMBER);                                         \
        snprintf(what_, sizeof what_, KIND" %"PRIu32, ID);              \
        return account(NIC, #MEMBER,                                    \
                       (NIC)->class->MEMBER(NIC, __VA_ARGS__),          \
                       &(NIC)->stats.COUNTER, what_);                   \
    } while (0)

/* Binds 'b' to 'nic'.  Returns 0 or a positive errno. */
int
rdma_nic_port_bind(struct rdma_nic *nic, const struct ro_binding *b)
{
    NIC_OBJ_OP(nic, port_bind, b, port_binds, binding_what);
}

/* Unbinds 'b' from 'nic'.  Returns 0 or a positive errno. */
int
rdma_nic_port_unbind(struct rdma_nic *nic, const struct ro_binding *b)
{
    NIC_OBJ_OP(nic, port_unbind, b, port_unbinds, binding_what);
}

/* Adds VTEP 'v' to 'nic'.  Returns 0 or a positive errno. */
int
rdma_nic_vtep_add(struct rdma_nic *nic, const struct ro_vtep *v)
{
    NIC_OBJ_OP(nic, vtep_add, v, vtep_adds, vtep_what);
}

/* Deletes VTEP 'v' from 'nic'.  Returns 0 or a positive errno. */
int
rdma_nic_vtep_del(struct rdma_nic *nic, const struct ro_vtep *v)
{
    NIC_OBJ_OP(nic, vtep_del, v, vtep_dels, vtep_what);
}

/* Adds mapping 'm' to 'nic'.  Returns 0 or a positive errno. */
int
rdma_nic_mapping_add(struct rdma_nic *nic, const struct ro_mapping *m)
{
    NIC_OBJ_OP(nic, mapping_add, m, mapping_adds, mapping_what);
}

/* Deletes mapping 'm' from 'nic'.  Returns 0 or a positive errno. */
int
rdma_nic_mapping_del(struct rdma_nic *nic, const struct ro_mapping *m)
{
    NIC_OBJ_OP(nic, mapping_del, m, mapping_dels, mapping_what);
}

/* Deletes every mapping of 'bridge' (every mapping, if 'bridge' is NULL)
 * from 'nic'.  Returns 0 or a positive errno. */
int
rdma_nic_mapping_flush(struct rdma_nic *nic, const char *bridge)
{
    char *what;
    int error;

    NIC_CHECK(nic, mapping_flush);
    error = nic->class->mapping_flush(nic, bridge);
    what = xasprintf("of %s", bridge ? bridge : "every bridge");
    account(nic, "mapping_flush", error, &nic->stats.mapping_flushes, what);
    free(what);
    return error;
}

/* Programs connection 'conn_id' of 'nic' with tuple 't'.  Returns 0 or a
 * positive errno. */
int
rdma_nic_conn_program(struct rdma_nic *nic, uint32_t conn_id,
                      const struct ro_tuple *t)
{
    NIC_ID_OP(nic, conn_program, conn_programs, "connection", conn_id,
              conn_id, t);
}

/* Removes connection 'conn_id' from 'nic'.  Returns 0 or a positive
 * errno. */
int
rdma_nic_conn_unprogram(struct rdma_nic *nic, uint32_t conn_id)
{
    NIC_ID_OP(nic, conn_unprogram, conn_unprograms, "connection", conn_id,
              conn_id);
}

/* Binds QP 'qpn' of 'nic' to connection 'conn_id'.  Returns 0 or a
 * positive errno. */
int
rdma_nic_qp_bind(struct rdma_nic *nic, uint32_t qpn, uint32_t conn_id)
{
    NIC_ID_OP(nic, qp_bind, qp_binds, "QP", qpn, qpn, conn_id);
}

/* Unbinds QP 'qpn' of 'nic'.  Returns 0 or a positive errno. */
int
rdma_nic_qp_unbind(struct rdma_nic *nic, uint32_t qpn)
{
    NIC_ID_OP(nic, qp_unbind, qp_unbinds, "QP", qpn, qpn);
}

/* Moves live QP 'qpn' of 'nic' to connection 'conn_id'.  Returns 0 or a
 * positive errno. */
int
rdma_nic_qp_rebind(struct rdma_nic *nic, uint32_t qpn, uint32_t conn_id)
{
    NIC_ID_OP(nic, qp_rebind, qp_rebinds, "QP", qpn, qpn, conn_id);
}

/* Returns the software engine of 'nic' (which may be NULL), or NULL if it
 * runs none. */
struct roce_engine *
rdma_nic_engine(struct rdma_nic *nic)
{
    return nic && nic->class->engine ? nic->class->engine(nic) : NULL;
}

/* Returns the datapath port on which the frame that the engine of 'nic' is
 * processing arrived (ODPP_NONE if unknown or local). */
odp_port_t
rdma_nic_rx_port(const struct rdma_nic *nic)
{
    return nic && nic->class->rx_port ? nic->class->rx_port(nic) : ODPP_NONE;
}

/* Stores the templates of programmed connection 'conn_id' of 'nic' in
 * 'encap' and 'rx'.  Returns 0 or a positive errno value. */
int
rdma_nic_conn_encap(struct rdma_nic *nic, uint32_t conn_id,
                    struct roce_encap *encap, struct roce_rx_tuple *rx)
{
    NIC_CHECK(nic, conn_encap);
    return nic->class->conn_encap(nic, conn_id, encap, rx);
}

/* Gives 'nic' (which may be NULL) a chance to do periodic work. */
void
rdma_nic_run(struct rdma_nic *nic)
{
    if (nic && nic->class->run) {
        nic->class->run(nic);
    }
}

/* Arranges for poll_block() to wake up when 'nic' has work to do. */
void
rdma_nic_wait(struct rdma_nic *nic)
{
    if (nic && nic->class->wait) {
        nic->class->wait(nic);
    }
}

/* Appends 'caps' to 'ds' as one line of space-separated words: the names
 * of the features present followed by the limits. */
void
rdma_nic_format_caps(const struct rdma_nic_caps *caps, struct ds *ds)
{
    static const struct {
        size_t offset;
        const char *name;
    } features[] = {
#define F(MEMBER, NAME) { offsetof(struct rdma_nic_caps, MEMBER), NAME }
        F(vxlan, "vxlan"),
        F(geneve, "geneve"),
        F(ipv6_underlay, "ipv6-underlay"),
        F(plain_roce, "plain-roce"),
        F(rx_validation, "rx-validation"),
        F(mapping_table, "mapping-table"),
#undef F
    };

    for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
        const bool *present = (const bool *) ((const char *) caps
                                              + features[i].offset);
        if (*present) {
            ds_put_format(ds, "%s ", features[i].name);
        }
    }
    ds_put_format(ds, "max-qps=%"PRIu32" max-mappings=%"PRIu32,
                  caps->max_qps, caps->max_mappings);
}

/* Appends the wrapper counters of 'nic' to 'ds', one "name: value" line
 * each, followed by the provider's own counters. */
void
rdma_nic_format_stats(const struct rdma_nic *nic, struct ds *ds)
{
    if (!nic) {
        ds_put_cstr(ds, "no RDMA NIC provider instance\n");
        return;
    }

    const struct rdma_nic_stats *s = &nic->stats;
#define S(NAME) ds_put_format(ds, "%-16s %"PRIu64"\n", #NAME":", s->NAME)
    S(port_binds);
    S(port_unbinds);
    S(vtep_adds);
    S(vtep_dels);
    S(mapping_adds);
    S(mapping_dels);
    S(mapping_flushes);
    S(conn_programs);
    S(conn_unprograms);
    S(qp_binds);
    S(qp_unbinds);
    S(qp_rebinds);
    S(errors);
#undef S
    if (nic->class->format_stats) {
        nic->class->format_stats(nic, ds);
    }
    if (nic->class->format_datapath) {
        ds_put_cstr(ds, "datapath:\n");
        nic->class->format_datapath(nic, ds);
    }
}

/* Appends the provider's own view of its tables to 'ds'. */
void
rdma_nic_format_tables(const struct rdma_nic *nic, struct ds *ds)
{
    if (!nic) {
        ds_put_cstr(ds, "no RDMA NIC provider instance\n");
    } else if (nic->class->format_tables) {
        nic->class->format_tables(nic, ds);
    } else {
        ds_put_format(ds, "provider %s does not report its tables\n",
                      nic->class->type);
    }
}

/* Appends the DCN MACs of 'b' to 'ds', comma-separated, or "-" if none is
 * known (the format of every rdma-overlay dump). */
void
rdma_nic_format_macs(const struct ro_binding *b, struct ds *ds)
{
    if (!b->n_macs) {
        ds_put_char(ds, '-');
    }
    for (size_t i = 0; i < b->n_macs; i++) {
        ds_put_format(ds, "%s"ETH_ADDR_FMT, i ? "," : "",
                      ETH_ADDR_ARGS(b->macs[i]));
    }
}

/* Appends each line of 'text' to 'ds' preceded by 'prefix' (used to nest
 * one dump inside another). */
void
rdma_nic_put_indented(struct ds *ds, const char *text, const char *prefix)
{
    while (*text) {
        size_t len = strcspn(text, "\n");

        ds_put_format(ds, "%s%.*s\n", prefix, (int) len, text);
        text += len + (text[len] == '\n');
    }
}
