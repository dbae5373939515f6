# The RoCEv2 engine (software RNIC core).  Self-contained: plain C, no Open
# vSwitch headers, so it builds, unit-tests, fuzzes and runs under
# sanitizers on its own.  Each part appends its sources below.

noinst_LTLIBRARIES += lib/rdma-overlay/libroce.la
lib_rdma_overlay_libroce_la_CPPFLAGS = -I$(top_srcdir)/lib/rdma-overlay
lib_rdma_overlay_libroce_la_CFLAGS = $(ROCE_CFLAGS)
lib_rdma_overlay_libroce_la_LIBADD = $(ISAL_LIBS)
lib_rdma_overlay_libroce_la_SOURCES =

# Wire formats: opcode table, headers, ICRC, encapsulation templates.
lib_rdma_overlay_libroce_la_SOURCES += \
	lib/rdma-overlay/roce/bytes.h \
	lib/rdma-overlay/roce/csum.c \
	lib/rdma-overlay/roce/csum.h \
	lib/rdma-overlay/roce/encap.c \
	lib/rdma-overlay/roce/encap.h \
	lib/rdma-overlay/roce/frame.c \
	lib/rdma-overlay/roce/frame.h \
	lib/rdma-overlay/roce/hdr.c \
	lib/rdma-overlay/roce/hdr.h \
	lib/rdma-overlay/roce/icrc.c \
	lib/rdma-overlay/roce/icrc.h \
	lib/rdma-overlay/roce/net.c \
	lib/rdma-overlay/roce/net.h \
	lib/rdma-overlay/roce/opcode.c \
	lib/rdma-overlay/roce/opcode.h \
	lib/rdma-overlay/roce/pkt.c \
	lib/rdma-overlay/roce/pkt.h

# Transport: PD/MR, CQ, QP state machine, RC requester/responder/
# completer, UD, engine I/O and timers.
lib_rdma_overlay_libroce_la_SOURCES += \
	lib/rdma-overlay/roce/cq.c \
	lib/rdma-overlay/roce/cq.h \
	lib/rdma-overlay/roce/engine.c \
	lib/rdma-overlay/roce/engine.h \
	lib/rdma-overlay/roce/engine-private.h \
	lib/rdma-overlay/roce/mr.c \
	lib/rdma-overlay/roce/mr.h \
	lib/rdma-overlay/roce/qp.c \
	lib/rdma-overlay/roce/qp.h \
	lib/rdma-overlay/roce/rc-comp.c \
	lib/rdma-overlay/roce/rc-req.c \
	lib/rdma-overlay/roce/rc-resp.c \
	lib/rdma-overlay/roce/ud.c \
	lib/rdma-overlay/roce/verbs.h

# IB CM: MADs on QP1, CM messages, RDMA IP CM private data, state machine.
lib_rdma_overlay_libroce_la_SOURCES += \
	lib/rdma-overlay/roce/mad.c \
	lib/rdma-overlay/roce/mad.h \
	lib/rdma-overlay/roce/cm-msg.c \
	lib/rdma-overlay/roce/cm-msg.h \
	lib/rdma-overlay/roce/cm-ip.c \
	lib/rdma-overlay/roce/cm-ip.h \
	lib/rdma-overlay/roce/cm.c \
	lib/rdma-overlay/roce/cm.h
