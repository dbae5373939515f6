# The soft provider: the software RNIC inside ovs-vswitchd, and the one
# conversion from an overlay tuple to the engine's encapsulation and
# receive templates (tuple-encap.h).  Depends on nic/ and roce/ only.
lib_rdma_overlay_librdma_overlay_la_SOURCES += \
	lib/rdma-overlay/nic/soft/nic-soft.c \
	lib/rdma-overlay/nic/soft/nic-soft.h \
	lib/rdma-overlay/nic/soft/tuple-encap.c \
	lib/rdma-overlay/nic/soft/tuple-encap.h
