/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_SETTINGS_H
#define RDMA_OVERLAY_SETTINGS_H 1

/* The extension's configuration keys and their validation.
 *
 * (Named "settings" rather than "config" so that no header of the
 * extension can be mistaken for Open vSwitch's <config.h>.)
 *
 * Global keys, Open_vSwitch other_config:
 *   rdma-overlay-provider  NIC provider type (default "soft").
 *   rdma-overlay-dscp      DSCP of the outer IP header, 0-63 (default 26).
 * An invalid value is rejected: the previous value stays in effect and the
 * error is kept for rdma-overlay/show and the Interface status column.
 *
 * The per-Interface keys are parsed where the port bindings read them
 * (ovs/iface-settings.h). */

#include <stdbool.h>

struct smap;

/* Open_vSwitch other_config.  Returns true if the requested provider type
 * changed.  ro_settings_provider() is the last valid type requested; an
 * unknown type is a settings error, while a known provider that fails to
 * open is the caller's to report. */
bool ro_settings_update(const struct smap *other_config);
void ro_settings_reset(void);

const char *ro_settings_provider(void);
const char *ro_settings_provider_error(void);
const char *ro_settings_dscp_error(void);

#endif /* settings.h */
