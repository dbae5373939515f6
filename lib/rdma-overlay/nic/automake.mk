# The NIC layer: the provider interface (nic-provider.h) and registry
# (nic.h), the test providers, and the value types the layers exchange
# (overlay.h: tuples, VTEPs, bindings, mappings; address.h: destinations;
# intern.h).  It includes engine headers (roce/) and Open vSwitch's
# library headers, never ovs/ or the module glue.
lib_rdma_overlay_librdma_overlay_la_SOURCES += \
	lib/rdma-overlay/nic/address.c \
	lib/rdma-overlay/nic/address.h \
	lib/rdma-overlay/nic/intern.c \
	lib/rdma-overlay/nic/intern.h \
	lib/rdma-overlay/nic/nic-dummy.c \
	lib/rdma-overlay/nic/nic-dummy.h \
	lib/rdma-overlay/nic/nic-provider.h \
	lib/rdma-overlay/nic/nic.c \
	lib/rdma-overlay/nic/nic.h \
	lib/rdma-overlay/nic/overlay.c \
	lib/rdma-overlay/nic/overlay.h
