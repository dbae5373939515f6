# ovs-vswitchd with the rdma-overlay extension: Open vSwitch's own
# ovs-vswitchd.o, bridge.o and system-stats.o from the patched tree, linked
# with the extension.  It is installed over Open vSwitch's (see
# install-exec-hook).
noinst_PROGRAMS += vswitchd/ovs-vswitchd
vswitchd_ovs_vswitchd_SOURCES = vswitchd/rdma-overlay-ext.c
vswitchd_ovs_vswitchd_CPPFLAGS = -I$(top_srcdir)/lib/rdma-overlay \
	$(OVS_CPPFLAGS) -I$(OVS_SRCDIR)/vswitchd
vswitchd_ovs_vswitchd_LDADD = \
	$(OVS_BUILDDIR)/vswitchd/ovs-vswitchd.$(OBJEXT) \
	$(OVS_BUILDDIR)/vswitchd/bridge.$(OBJEXT) \
	$(OVS_BUILDDIR)/vswitchd/system-stats.$(OBJEXT) \
	lib/rdma-overlay/librdma-overlay.la lib/rdma-overlay/libroce.la \
	$(OVS_LIBS) $(ISAL_LIBS)

install-exec-hook:
	$(MKDIR_P) "$(DESTDIR)$(sbindir)"
	$(LIBTOOL) --mode=install $(INSTALL_PROGRAM) vswitchd/ovs-vswitchd \
	    "$(DESTDIR)$(sbindir)/ovs-vswitchd"
