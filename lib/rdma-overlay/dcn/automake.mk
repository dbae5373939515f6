# The DCN channel server: one unix socket per RDMA-enabled port, one
# session per attached process, its verbs objects in the engine and its
# queues in memory shared with it (the ABI is client/dcn-abi.h).  Depends
# on roce/ and Open vSwitch's library (poll loop, sockets, logging); the
# control-message decoder (msg.c) depends on nothing but the ABI header,
# so that it is fuzzed on its own (tests/fuzz/fuzz-dcn-msg.c).
lib_rdma_overlay_librdma_overlay_la_SOURCES += \
	lib/rdma-overlay/dcn/msg.c \
	lib/rdma-overlay/dcn/msg.h \
	lib/rdma-overlay/dcn/server.c \
	lib/rdma-overlay/dcn/server.h
