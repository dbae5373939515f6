# Scripts: the README's quick start (demo.sh, check.sh), what both use to
# install dependencies and build (bootstrap.sh), and the demo itself.
EXTRA_DIST += \
	utilities/bootstrap.sh \
	utilities/check.sh \
	utilities/demo.sh \
	utilities/ovs-rdma-overlay-demo

# ovs-rdma(8): perftest-like RDMA benchmarks for a DCN, built on libovsrdma
# only (no Open vSwitch headers or libraries).
bin_PROGRAMS += utilities/ovs-rdma
utilities_ovs_rdma_SOURCES = \
	utilities/ovs-rdma.c \
	utilities/ovs-rdma-bw.c \
	utilities/ovs-rdma-conn.c \
	utilities/ovs-rdma-io.c \
	utilities/ovs-rdma-lat.c \
	utilities/ovs-rdma-perf.h \
	utilities/ovs-rdma-report.c
utilities_ovs_rdma_CPPFLAGS = -I$(top_srcdir)/client \
	-DOVS_RDMA_VERSION='"$(PACKAGE_VERSION)"'
utilities_ovs_rdma_CFLAGS = $(AM_CFLAGS) -std=gnu11
utilities_ovs_rdma_LDADD = client/libovsrdma.la -lm

dist_man_MANS += utilities/ovs-rdma.8
