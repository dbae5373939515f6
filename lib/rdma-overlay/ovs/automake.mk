# The Open vSwitch layer: everything that needs ofproto/xlate.  It depends
# on nic/ (and so may use roce/), never on the module glue above it; the
# NIC instance is passed in by the glue, never looked up.
#
# Dependencies inside the layer point one way: a file includes only
# headers of the rows below its own.
#
#   overlay-map   entry points for the module glue: ties the tables and
#                 resolution to the main loop
#   resolve, rx-verdict
#                 the tuple of one connection (rdma-overlay/resolve);
#                 where the bridge delivers a received frame
#   mapping       the MAC->VTEP mapping table and its static entries
#   vtep          the VTEP table;
#   port-binding  the RDMA-enabled ports bound to datapaths
#   bridge-watch  bridge enumeration and change detection;
#   iface-settings  Interface other_config keys;
#   tnl-header    tnl_push header <-> tuple;
#   xlate-probe   OVS's translation of a synthetic RoCEv2 flow
#                 (ro_synthetic_flow())
lib_rdma_overlay_librdma_overlay_la_SOURCES += \
	lib/rdma-overlay/ovs/bridge-watch.c \
	lib/rdma-overlay/ovs/bridge-watch.h \
	lib/rdma-overlay/ovs/iface-settings.c \
	lib/rdma-overlay/ovs/iface-settings.h \
	lib/rdma-overlay/ovs/mapping.c \
	lib/rdma-overlay/ovs/mapping.h \
	lib/rdma-overlay/ovs/overlay-map.c \
	lib/rdma-overlay/ovs/overlay-map.h \
	lib/rdma-overlay/ovs/port-binding.c \
	lib/rdma-overlay/ovs/port-binding.h \
	lib/rdma-overlay/ovs/resolve.c \
	lib/rdma-overlay/ovs/resolve.h \
	lib/rdma-overlay/ovs/rx-verdict.c \
	lib/rdma-overlay/ovs/rx-verdict.h \
	lib/rdma-overlay/ovs/tnl-header.c \
	lib/rdma-overlay/ovs/tnl-header.h \
	lib/rdma-overlay/ovs/vtep.c \
	lib/rdma-overlay/ovs/vtep.h \
	lib/rdma-overlay/ovs/xlate-probe.c \
	lib/rdma-overlay/ovs/xlate-probe.h
