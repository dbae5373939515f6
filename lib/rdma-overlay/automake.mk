# The rdma-overlay extension of ovs-vswitchd, one folder per layer, each
# depending only on the layers below it (see DESIGN.md section 3):
#
#   roce/       the RoCEv2 engine (libroce.la, roce/automake.mk)
#   nic/        the NIC provider interface and registry, and the value
#               types the layers exchange (nic/automake.mk)
#   nic/soft/   the soft provider (nic/soft/automake.mk)
#   ovs/        everything that needs ofproto/xlate (ovs/automake.mk)
#   dcn/        the DCN channel server: sockets, sessions, shared rings,
#               memory registration (dcn/automake.mk)
#   conn/       the connection manager: rdma_cm on IB CM MADs, per-port
#               neighbors (conn/automake.mk)
#   .           the module glue and unixctl commands (rdma-overlay.c,
#               attach.c) and the global settings, on top.
#
# The DCN-side library (client/, no Open vSwitch dependency) shares only
# the ABI header client/dcn-abi.h with dcn/.
#
# The extension is one convenience library, compiled against the patched
# Open vSwitch tree's config.h and headers (OVS_CPPFLAGS).  Includes name
# a header by its path below lib/rdma-overlay ("nic/nic.h",
# "ovs/resolve.h", "roce/encap.h"), so that its layer is visible at every
# include site.  Programs link it before libroce.la.

noinst_LTLIBRARIES += lib/rdma-overlay/librdma-overlay.la
lib_rdma_overlay_librdma_overlay_la_CPPFLAGS = \
	-I$(top_srcdir)/lib/rdma-overlay -I$(top_srcdir)/client \
	$(OVS_CPPFLAGS) -I$(OVS_SRCDIR)/vswitchd
lib_rdma_overlay_librdma_overlay_la_SOURCES = \
	lib/rdma-overlay/attach.c \
	lib/rdma-overlay/attach.h \
	lib/rdma-overlay/rdma-overlay.c \
	lib/rdma-overlay/rdma-overlay.h \
	lib/rdma-overlay/settings.c \
	lib/rdma-overlay/settings.h
