# libovsrdma: the DCN-side client library (RDMA for a tenant process
# attached to an RDMA-enabled Open vSwitch port).  Plain C11 + POSIX +
# pthread: no Open vSwitch headers or libraries.  Installed with its header
# and a pkg-config file; see libovsrdma(3).
#
# configure.ac has LT_INIT([disable-shared]), so by default this builds
# only libovsrdma.a; "configure --enable-shared" adds libovsrdma.so.

lib_LTLIBRARIES += client/libovsrdma.la
client_libovsrdma_la_CPPFLAGS = -I$(top_srcdir)/client
client_libovsrdma_la_CFLAGS = -std=gnu11 -pthread
client_libovsrdma_la_LDFLAGS = -version-info 0:0:0 -pthread
client_libovsrdma_la_SOURCES = \
	client/channel.c \
	client/client-private.h \
	client/cm.c \
	client/context.c \
	client/cq.c \
	client/dcn-abi.h \
	client/evchan.c \
	client/mr.c \
	client/objmap.c \
	client/qp.c \
	client/remap.c \
	client/ring.c \
	client/strings.c

include_HEADERS = client/ovs-rdma.h

pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = client/libovsrdma.pc
EXTRA_DIST += client/libovsrdma.pc.in
CLEANFILES += client/libovsrdma.pc

# Generated here rather than by AC_CONFIG_FILES so that the client needs
# nothing from configure.ac.
client/libovsrdma.pc: client/libovsrdma.pc.in Makefile
	$(AM_V_GEN)$(MKDIR_P) client && \
	sed -e 's|@prefix[@]|$(prefix)|g' \
	    -e 's|@exec_prefix[@]|$(exec_prefix)|g' \
	    -e 's|@libdir[@]|$(libdir)|g' \
	    -e 's|@includedir[@]|$(includedir)|g' \
	    -e 's|@VERSION[@]|$(VERSION)|g' \
	    < $(srcdir)/client/libovsrdma.pc.in > $@.tmp && mv $@.tmp $@

dist_man_MANS += Documentation/libovsrdma.3

# Unit tests that need no daemon: the registration remap path and the
# shared ring discipline.
check_PROGRAMS += client/test-client-mr client/test-client-ring
TESTS += client/test-client-mr client/test-client-ring
client_test_client_mr_SOURCES = client/test-client-mr.c client/client-test.h
client_test_client_mr_CPPFLAGS = -I$(top_srcdir)/client
client_test_client_mr_LDADD = client/libovsrdma.la
client_test_client_ring_SOURCES = client/test-client-ring.c client/client-test.h
client_test_client_ring_CPPFLAGS = -I$(top_srcdir)/client
client_test_client_ring_LDADD = client/libovsrdma.la
