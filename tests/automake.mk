# The autotest suite.  tests/testsuite.at includes Open vSwitch's own
# tests/ovs-macros.at, tests/ovsdb-macros.at and tests/ofproto-macros.at,
# unmodified, from the patched tree (autom4te -I ovs), then our .at files.
# It runs with our vswitchd/ first in AUTOTEST_PATH so that the
# ovs-vswitchd under test is the one that contains the extension; the
# rest of the tools come from the patched tree.

TESTSUITE_AT = \
	tests/testsuite.at \
	tests/rdma-overlay-macros.at \
	tests/rdma-overlay-build.at

# Provider registry, soft provider, configuration, port binding.
TESTSUITE_AT += \
	tests/rdma-overlay-config.at \
	tests/rdma-overlay-learned.at \
	tests/rdma-overlay-ports.at \
	tests/rdma-overlay-show.at
check_PROGRAMS += tests/unit/test-nic
TESTS += tests/unit/test-nic
tests_unit_test_nic_SOURCES = tests/unit/test-nic.c
tests_unit_test_nic_CPPFLAGS = -I$(top_srcdir)/lib/rdma-overlay \
	$(OVS_CPPFLAGS) -I$(OVS_SRCDIR)/vswitchd
tests_unit_test_nic_LDADD = lib/rdma-overlay/librdma-overlay.la \
	lib/rdma-overlay/libroce.la $(OVS_LIBS) $(ISAL_LIBS)
BENCHES += tests/unit/bench-nic-soft
tests_unit_bench_nic_soft_SOURCES = tests/unit/bench-nic-soft.c
tests_unit_bench_nic_soft_CPPFLAGS = $(tests_unit_test_nic_CPPFLAGS)
tests_unit_bench_nic_soft_LDADD = $(tests_unit_test_nic_LDADD)

# VTEPs, MAC->VTEP mappings, resolution, tuples.
TESTSUITE_AT += \
	tests/rdma-overlay-mapping.at \
	tests/rdma-overlay-resolve.at \
	tests/rdma-overlay-twohost.at \
	tests/rdma-overlay-vtep.at
TESTSUITE_AT += tests/rdma-overlay-e2e.at
TESTSUITE_AT += tests/rdma-overlay-wire.at
EXTRA_DIST += tests/roce-wire-check.py
check_PROGRAMS += tests/unit/test-overlay
TESTS += tests/unit/test-overlay
tests_unit_test_overlay_SOURCES = tests/unit/test-overlay.c
tests_unit_test_overlay_CPPFLAGS = $(tests_unit_test_nic_CPPFLAGS)
tests_unit_test_overlay_LDADD = $(tests_unit_test_nic_LDADD)

# The conversion of a tuple to the engine's templates (nic/soft/), checked
# with the engine's own frame parser and receive-tuple match.
check_PROGRAMS += tests/unit/test-tuple-encap
TESTS += tests/unit/test-tuple-encap
tests_unit_test_tuple_encap_SOURCES = tests/unit/test-tuple-encap.c
tests_unit_test_tuple_encap_CPPFLAGS = $(tests_unit_test_nic_CPPFLAGS) \
	-I$(top_srcdir)/tests/roce
tests_unit_test_tuple_encap_LDADD = $(tests_unit_test_nic_LDADD)
# "make bench-overlay" (and "make bench"): mapping export and resolution
# figures on a private ovs-vswitchd.
EXTRA_DIST += tests/bench-overlay.sh
bench-overlay: vswitchd/ovs-vswitchd
	@echo "== tests/bench-overlay.sh"
	@$(SHELL) $(srcdir)/tests/bench-overlay.sh $(abs_top_builddir) \
	    $(OVS_SRCDIR) $(OVS_BUILDDIR)
bench: bench-overlay
.PHONY: bench-overlay

# "make check-system": two hosts and four tenant DCNs in network namespaces,
# each host its own ovsdb-server and ovs-vswitchd on the userspace datapath
# with real kernel interfaces (veths), ovs-rdma across the VXLAN overlay,
# tenant isolation and a tshark check of the underlay.  Needs root, ip,
# tshark and ping; exits 77 when it cannot run.
EXTRA_DIST += tests/system-rdma-overlay.sh
check-system: vswitchd/ovs-vswitchd utilities/ovs-rdma
	bash '$(srcdir)/tests/system-rdma-overlay.sh' '$(abs_top_builddir)' \
	    '$(OVS_BUILDDIR)'
.PHONY: check-system

EXTRA_DIST += $(TESTSUITE_AT) tests/atlocal.in tests/dcn-bad-input.py \
	tests/roce-forge.py
TESTSUITE = tests/testsuite
DISTCLEANFILES += tests/atconfig tests/atlocal
CLEANFILES += $(TESTSUITE) tests/package.m4

AUTOTEST = $(AUTOM4TE) --language=autotest
AUTOTEST_PATH = $(abs_top_builddir)/vswitchd:$(abs_top_builddir)/utilities:$(OVS_BUILDDIR)/utilities:$(OVS_BUILDDIR)/ovsdb:$(OVS_BUILDDIR)/tests

tests/package.m4: $(top_srcdir)/configure.ac
	$(AM_V_GEN){ \
	  echo '# Signature of the current package.'; \
	  echo 'm4_define([AT_PACKAGE_NAME],      [$(PACKAGE_NAME)])'; \
	  echo 'm4_define([AT_PACKAGE_TARNAME],   [$(PACKAGE_TARNAME)])'; \
	  echo 'm4_define([AT_PACKAGE_VERSION],   [$(PACKAGE_VERSION)])'; \
	  echo 'm4_define([AT_PACKAGE_STRING],    [$(PACKAGE_STRING)])'; \
	  echo 'm4_define([AT_PACKAGE_BUGREPORT], [$(PACKAGE_BUGREPORT)])'; \
	} > $@

$(TESTSUITE): $(TESTSUITE_AT) tests/package.m4 ovs/.ro-patched
	$(AM_V_GEN)$(AUTOTEST) -I '$(srcdir)' -I tests -I '$(OVS_SRCDIR)' \
	    -o $@.tmp $(srcdir)/tests/testsuite.at && mv $@.tmp $@

# "make check TESTSUITEFLAGS='-k resolve -v'" narrows or details a run.
check-local: $(TESTSUITE) tests/atconfig tests/atlocal vswitchd/ovs-vswitchd \
		utilities/ovs-rdma
	$(SHELL) '$(TESTSUITE)' -C tests AUTOTEST_PATH='$(AUTOTEST_PATH)' \
	    $(TESTSUITEFLAGS)

# Runs the autotest suite only.
check-autotest: $(TESTSUITE) tests/atconfig tests/atlocal vswitchd/ovs-vswitchd \
		utilities/ovs-rdma
	$(SHELL) '$(TESTSUITE)' -C tests AUTOTEST_PATH='$(AUTOTEST_PATH)' \
	    $(TESTSUITEFLAGS)
.PHONY: check-autotest

clean-local: clean-testsuite
clean-testsuite:
	test ! -f '$(TESTSUITE)' || $(SHELL) '$(TESTSUITE)' -C tests --clean
.PHONY: clean-testsuite
