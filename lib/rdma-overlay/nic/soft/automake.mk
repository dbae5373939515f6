# The soft provider: the software RNIC inside ovs-vswitchd, its data path
# (soft-dp.h: the engine, the datapath receive hook, output of finished
# frames) and the one conversion from an overlay tuple to the engine's
# encapsulation and receive templates (tuple-encap.h).  Depends on nic/,
# roce/ and Open vSwitch's datapath interface (dpif, dpif-netdev's receive
# hook), never on ofproto or ovs/.
lib_rdma_overlay_librdma_overlay_la_SOURCES += \
	lib/rdma-overlay/nic/soft/nic-soft.c \
	lib/rdma-overlay/nic/soft/nic-soft.h \
	lib/rdma-overlay/nic/soft/soft-dp.c \
	lib/rdma-overlay/nic/soft/soft-dp.h \
	lib/rdma-overlay/nic/soft/tuple-encap.c \
	lib/rdma-overlay/nic/soft/tuple-encap.h
