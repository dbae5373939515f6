# The connection manager: rdma_cm semantics for the DCNs on IB CM MADs
# over QP1, every path resolved through the bridge (ovs/resolve.h,
# ovs/rx-verdict.h), programmed into the NIC (nic/) and bound to the
# DCN's QP (dcn/); and the per-port neighbor table.
lib_rdma_overlay_librdma_overlay_la_SOURCES += \
	lib/rdma-overlay/conn/conn.c \
	lib/rdma-overlay/conn/conn.h \
	lib/rdma-overlay/conn/neigh.c \
	lib/rdma-overlay/conn/neigh.h
