/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "rdma-overlay.h"

#include <errno.h>
#include <string.h>

#include "attach.h"
#include "bridge.h"
#include "nic/nic-dummy.h"
#include "nic/nic.h"
#include "nic/soft/nic-soft.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovs/overlay-map.h"
#include "ovs/port-binding.h"
#include "settings.h"
#include "smap.h"
#include "unixctl.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay);

/* The module glue: the bridge's extension hooks call in here, and this
 * file sequences configuration, the provider instance, port bindings and
 * the overlay map, and owns the nic-side unixctl commands.
 *
 * The layers below never look the provider instance up: this file owns
 * it and passes it to every call that exports to it. */

/* The provider instance in use (NULL until the first reconfiguration, or
 * if no provider could be opened). */
static struct rdma_nic *nic;

/* What the Interface status column last reflected, so that the bridge is
 * asked to refresh it only when something changed. */
static uint64_t last_status_seq;
static char *last_config_errors;

/* Why the requested provider could not be opened, or NULL. */
static char *open_error;

static void set_open_error(char *error);

static unixctl_cb_func rdma_overlay_unixctl_show;
static unixctl_cb_func rdma_overlay_unixctl_dump_ports;
static unixctl_cb_func rdma_overlay_unixctl_stats;
static unixctl_cb_func rdma_overlay_unixctl_dump_nic;

/* Registers the providers built into ovs-vswitchd, the dpif port notifier
 * and the unixctl commands.  Called at the end of bridge_init(). */
void
rdma_overlay_init(const char *remote OVS_UNUSED)
{
    rdma_nic_register(&rdma_nic_soft_class);
    ro_attach_init();
    rdma_nic_dummy_register(&rdma_nic_soft_class);
    ro_port_binding_init();

    unixctl_command_register("rdma-overlay/show", "", 0, 0,
                             rdma_overlay_unixctl_show, NULL);
    unixctl_command_register("rdma-overlay/dump-ports", "", 0, 0,
                             rdma_overlay_unixctl_dump_ports, NULL);
    unixctl_command_register("rdma-overlay/stats", "", 0, 0,
                             rdma_overlay_unixctl_stats, NULL);
    unixctl_command_register("rdma-overlay/dump-nic", "", 0, 0,
                             rdma_overlay_unixctl_dump_nic, NULL);
    ro_overlay_init();
    VLOG_DBG("rdma-overlay extension initialized");
}

/* Removes everything from the provider instance and closes it. */
void
rdma_overlay_exit(void)
{
    ro_attach_exit();
    ro_overlay_exit(nic);
    ro_port_binding_exit(nic);
    rdma_nic_close(nic);
    nic = NULL;
    ro_settings_reset();
    set_open_error(NULL);
    free(last_config_errors);
    last_config_errors = NULL;
}

/* Replaces the provider instance with 'new', moving every exported object
 * over while both are open, then closes the old one. */
static void
switch_nic(struct rdma_nic *new)
{
    struct rdma_nic *old = nic;

    nic = new;
    ro_overlay_nic_changed(old, new);
    ro_port_binding_nic_changed(old, new);
    /* The DCNs' objects live in the old instance's engine: detach them
     * before it goes. */
    ro_attach_nic_changed(new);
    rdma_nic_close(old);
    VLOG_DBG("RDMA NIC provider is now %s", rdma_nic_type(new));
}

/* Sets 'open_error' to 'error' (taking ownership), warning when the
 * message is new rather than on every reconfiguration. */
static void
set_open_error(char *error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

    if (error && !nullable_string_is_equal(error, open_error)) {
        VLOG_WARN_RL(&rl, "%s", error);
    }
    free(open_error);
    open_error = error;
}

/* Opens the provider that the settings ask for, unless it is already in
 * use.  If it cannot be opened, the instance in use (or else the default
 * provider) stays and the failure is reported as a configuration error;
 * the next reconfiguration tries again, since a device may appear. */
static void
update_nic(void)
{
    const char *type = ro_settings_provider();
    struct rdma_nic *new;
    char *error;

    if (nic && !strcmp(rdma_nic_type(nic), type)) {
        set_open_error(NULL);
        return;
    }
    if (!rdma_nic_open(type, type, &new, &error)) {
        set_open_error(NULL);
        switch_nic(new);
        return;
    }

    if (!nic && strcmp(type, RDMA_OVERLAY_DEFAULT_PROVIDER)
        && !rdma_nic_open(RDMA_OVERLAY_DEFAULT_PROVIDER,
                          RDMA_OVERLAY_DEFAULT_PROVIDER, &new, NULL)) {
        switch_nic(new);
    }
    set_open_error(xasprintf("other_config:rdma-overlay-provider: %s; "
                             "keeping \"%s\"", error, rdma_nic_type(nic)));
    free(error);
}

/* Returns the global configuration errors as one line, or NULL. */
static char *
config_errors(void)
{
    const char *errors[] = { ro_settings_provider_error(), open_error,
                             ro_settings_dscp_error() };
    struct ds ds = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < ARRAY_SIZE(errors); i++) {
        if (errors[i]) {
            ds_put_format(&ds, "%s%s", ds.length ? "; " : "", errors[i]);
        }
    }
    return ds.length ? ds_steal_cstr(&ds) : NULL;
}

/* Asks the bridge to refresh Interface status if what we report changed.
 * The global configuration errors can only change in a reconfiguration,
 * so only then ('reconfigured') are they recomputed. */
static void
check_status(bool reconfigured)
{
    uint64_t seq = ro_port_binding_status_seq() + ro_attach_status_seq();
    bool changed = seq != last_status_seq;

    if (reconfigured) {
        char *errors = config_errors();

        if (!nullable_string_is_equal(errors, last_config_errors)) {
            free(last_config_errors);
            last_config_errors = errors;
            changed = true;
        } else {
            free(errors);
        }
    }
    if (changed) {
        last_status_seq = seq;
        bridge_ext_status_changed();
    }
}

/* Applies 'cfg': global settings, provider instance, port bindings, then
 * the overlay map, which depends on all three.  Runs at the end of each
 * bridge reconfiguration, before ovs-vsctl is told it is complete, so
 * that everything here is visible as soon as ovs-vsctl returns. */
void
rdma_overlay_reconfigure(const struct ovsrec_open_vswitch *cfg)
{
    ro_settings_update(&cfg->other_config);
    update_nic();
    ro_port_binding_reconfigure(cfg, nic);
    ro_overlay_reconfigure(nic, rdma_overlay_dscp());
    ro_attach_set_dscp(rdma_overlay_dscp());
    /* DCN sockets exist (and show in Interface status) by the time
     * ovs-vsctl returns; live connections follow the new configuration. */
    ro_attach_reconfigured();
    ro_attach_run();
    check_status(true);
}

void
rdma_overlay_run(void)
{
    if (ro_port_binding_run(nic)) {
        ro_overlay_reconfigure(nic, rdma_overlay_dscp());
    }
    ro_overlay_run(nic);
    rdma_nic_run(nic);
    ro_attach_run();
    check_status(false);
}

void
rdma_overlay_wait(void)
{
    ro_port_binding_wait();
    ro_overlay_wait();
    rdma_nic_wait(nic);
    ro_attach_wait();
}

/* Adds the rdma_overlay* keys to the status of 'iface' (see
 * ovs-rdma-overlay(7)). */
void
rdma_overlay_get_iface_status(const struct ovsrec_interface *iface,
                              struct smap *status)
{
    ro_port_binding_get_status(iface, status);
    ro_attach_get_status(iface, status);
    if (last_config_errors && smap_get(status, "rdma_overlay")) {
        smap_replace(status, "rdma_overlay_config_error",
                     last_config_errors);
    }
}

static void
rdma_overlay_unixctl_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
                          const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    const struct ro_binding **bindings;
    struct rdma_nic_caps caps;
    struct ro_port_counts counts;
    char *errors = config_errors();
    size_t n;

    if (nic) {
        ds_put_format(&ds, "provider: %s (%s)\n", rdma_nic_type(nic),
                      nic->class->description);
    } else {
        ds_put_cstr(&ds, "provider: none (no RDMA NIC provider instance)\n");
    }
    rdma_nic_get_caps(nic, &caps);
    ds_put_cstr(&ds, "capabilities: ");
    rdma_nic_format_caps(&caps, &ds);
    ds_put_format(&ds, "\ndscp: %"PRIu8"\n", rdma_overlay_dscp());
    if (errors) {
        ds_put_format(&ds, "config error: %s\n", errors);
        free(errors);
    }

    ro_port_binding_get_counts(&counts);
    ds_put_format(&ds, "ports: %"PRIuSIZE" configured, %"PRIuSIZE" bound, "
                  "%"PRIuSIZE" disabled, %"PRIuSIZE" error\n",
                  counts.configured, counts.bound, counts.disabled,
                  counts.errors);
    n = ro_port_binding_get_all(&bindings);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&ds, "  %s %s macs=", bindings[i]->bridge,
                      bindings[i]->port);
        rdma_nic_format_macs(bindings[i], &ds);
        ds_put_char(&ds, '\n');
    }
    free(bindings);

    if (nic && nic->class->format_stats) {
        struct ds state = DS_EMPTY_INITIALIZER;

        ds_put_cstr(&ds, "provider state:\n");
        nic->class->format_stats(nic, &state);
        rdma_nic_put_indented(&ds, ds_cstr(&state), "  ");
        ds_destroy(&state);
    }

    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
rdma_overlay_unixctl_dump_ports(struct unixctl_conn *conn,
                                int argc OVS_UNUSED,
                                const char *argv[] OVS_UNUSED,
                                void *aux OVS_UNUSED)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    ro_port_binding_format(&ds);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

/* Replies to 'conn' with the provider type of the current instance
 * followed by what 'format' says about it, or with an error if there is no
 * instance. */
static void
reply_nic_report(struct unixctl_conn *conn,
                 void (*format)(const struct rdma_nic *, struct ds *))
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    if (!nic) {
        unixctl_command_reply_error(conn, "no RDMA NIC provider instance");
        return;
    }
    ds_put_format(&ds, "provider: %s\n", rdma_nic_type(nic));
    format(nic, &ds);
    unixctl_command_reply(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

static void
rdma_overlay_unixctl_stats(struct unixctl_conn *conn, int argc OVS_UNUSED,
                           const char *argv[] OVS_UNUSED,
                           void *aux OVS_UNUSED)
{
    reply_nic_report(conn, rdma_nic_format_stats);
}

static void
rdma_overlay_unixctl_dump_nic(struct unixctl_conn *conn, int argc OVS_UNUSED,
                              const char *argv[] OVS_UNUSED,
                              void *aux OVS_UNUSED)
{
    reply_nic_report(conn, rdma_nic_format_tables);
}
