# The rdma-overlay extension of ovs-vswitchd.  Compiled against the patched
# Open vSwitch tree's config.h and headers (OVS_CPPFLAGS).

noinst_LTLIBRARIES += lib/rdma-overlay/librdma-overlay.la
lib_rdma_overlay_librdma_overlay_la_CPPFLAGS = $(OVS_CPPFLAGS) \
	-I$(OVS_SRCDIR)/vswitchd -I$(top_srcdir)/lib/rdma-overlay
lib_rdma_overlay_librdma_overlay_la_SOURCES = \
	lib/rdma-overlay/nic-provider.h \
	lib/rdma-overlay/overlay.h \
	lib/rdma-overlay/rdma-overlay.c \
	lib/rdma-overlay/rdma-overlay.h

# (owner: nic) provider registry, soft provider, configuration, port
# binding, status, show/dump-ports/stats.
lib_rdma_overlay_librdma_overlay_la_SOURCES += \
	lib/rdma-overlay/nic-dummy.c \
	lib/rdma-overlay/nic-dummy.h \
	lib/rdma-overlay/nic-soft.c \
	lib/rdma-overlay/nic.c \
	lib/rdma-overlay/nic.h \
	lib/rdma-overlay/port-binding.c \
	lib/rdma-overlay/port-binding.h \
	lib/rdma-overlay/settings.c \
	lib/rdma-overlay/settings.h

# (owner: overlay) VTEPs, MAC->VTEP mappings, resolution, tuples.
lib_rdma_overlay_librdma_overlay_la_SOURCES += \
	lib/rdma-overlay/address.c \
	lib/rdma-overlay/address.h \
	lib/rdma-overlay/bridge-watch.c \
	lib/rdma-overlay/bridge-watch.h \
	lib/rdma-overlay/intern.c \
	lib/rdma-overlay/intern.h \
	lib/rdma-overlay/mapping.c \
	lib/rdma-overlay/mapping.h \
	lib/rdma-overlay/overlay-map.c \
	lib/rdma-overlay/overlay-map.h \
	lib/rdma-overlay/overlay.c \
	lib/rdma-overlay/resolve.c \
	lib/rdma-overlay/resolve.h \
	lib/rdma-overlay/tnl-header.c \
	lib/rdma-overlay/tnl-header.h \
	lib/rdma-overlay/vtep.c \
	lib/rdma-overlay/vtep.h \
	lib/rdma-overlay/xlate-probe.c \
	lib/rdma-overlay/xlate-probe.h
