# Open vSwitch, built in the build tree.
#
# The sources named by --with-ovs-source (by default Debian's
# openvswitch-source tarball) are copied into ovs/, the patches below are
# applied in order, and the tree is configured with our installation
# directories and built.  The extension and our ovs-vswitchd are then
# compiled against that tree's config.h and linked with its libraries,
# which is what keeps struct layouts identical (see DESIGN.md §3).

OVS_PATCHES = \
	ovs-patches/0001-dpif-Add-port-notifiers.patch \
	ovs-patches/0002-bridge-Add-extension-hooks.patch \
	ovs-patches/0003-dpif-netdev-Add-a-receive-hook.patch
EXTRA_DIST += $(OVS_PATCHES)

OVS_SRCDIR = $(abs_top_builddir)/ovs
OVS_BUILDDIR = $(OVS_SRCDIR)
OVS_CONFIGURE_FLAGS = --enable-silent-rules
OVS_STAMP = ovs/.ro-built
BUILT_SOURCES += $(OVS_STAMP)

ovs/.ro-patched: $(OVS_PATCHES)
	@echo "  OVS      unpack $(OVS_SOURCE) into ovs/"
	@rm -rf ovs ovs.tmp && $(MKDIR_P) ovs.tmp
	@if test -d "$(OVS_SOURCE)"; then \
	    cp -a "$(OVS_SOURCE)"/. ovs.tmp/; \
	else \
	    tar -xzf "$(OVS_SOURCE)" -C ovs.tmp --strip-components=1; \
	fi
	@for p in $(OVS_PATCHES); do \
	    echo "  OVS      patch $$p"; \
	    patch -d ovs.tmp -p1 --forward --silent < $(srcdir)/$$p || exit 1; \
	done
	@mv ovs.tmp ovs && touch $@

ovs/.ro-configured: ovs/.ro-patched
	@echo "  OVS      configure"
	@cd ovs && ./configure --prefix="$(prefix)" \
	    --exec-prefix="$(exec_prefix)" --bindir="$(bindir)" \
	    --sbindir="$(sbindir)" --libdir="$(libdir)" \
	    --sysconfdir="$(sysconfdir)" --localstatedir="$(localstatedir)" \
	    --datarootdir="$(datarootdir)" --mandir="$(mandir)" \
	    --enable-silent-rules CC="$(CC)" $(OVS_CONFIGURE_FLAGS) \
	    > configure.log 2>&1 || { tail -30 configure.log; exit 1; }
	@touch $@

$(OVS_STAMP): ovs/.ro-configured
	@echo "  OVS      make"
	@$(MAKE) -C ovs
	@touch $@

# Libraries and objects of the patched tree that ovs-vswitchd links.
OVS_LIBS = $(OVS_BUILDDIR)/ofproto/libofproto.la \
	$(OVS_BUILDDIR)/lib/libsflow.la $(OVS_BUILDDIR)/lib/libopenvswitch.la
OVS_CPPFLAGS = -I$(OVS_BUILDDIR) -I$(OVS_SRCDIR)/include \
	-I$(OVS_BUILDDIR)/include -I$(OVS_SRCDIR)/lib -I$(OVS_BUILDDIR)/lib \
	-I$(OVS_SRCDIR) -D_FILE_OFFSET_BITS=64

# Open vSwitch's own tests that exercise what the patches touch; they must
# still pass on the patched tree, with the ovs-vswitchd that contains the
# extension (ours comes first in AUTOTEST_PATH; the rest is OVS's usual
# path, relative to ovs/).  The release tarball ships a generated
# tests/testsuite; "make check" in ovs/ builds the helper programs.
OVS_CHECK_FILES = tunnel|tunnel-push-pop|dpif-netdev
OVS_CHECK_PATH = utilities:vswitchd:ovsdb:vtep:tests:ipsec
check-ovs: $(OVS_STAMP) vswitchd/ovs-vswitchd
	@nums=`cd ovs/tests && ./testsuite -l | \
	    awk '$$2 ~ /^($(OVS_CHECK_FILES))\.at:/ { sub(":", "", $$1); print $$1 }' | \
	    tr '\n' ' '`; \
	test -n "$$nums" || { echo "check-ovs: no tests selected"; exit 1; }; \
	echo "check-ovs: running Open vSwitch tests $$nums"; \
	$(MAKE) -C ovs check TESTSUITEFLAGS="$(TESTSUITEFLAGS) $$nums" \
	    AUTOTEST_PATH="$(abs_top_builddir)/vswitchd:$(OVS_CHECK_PATH)"
	@grep -q ': $(abs_top_builddir)/vswitchd/ovs-vswitchd --version' \
	    ovs/tests/testsuite.log || { \
	    echo "check-ovs: the tests did not run our ovs-vswitchd"; exit 1; }
.PHONY: check-ovs

clean-ovs:
	rm -rf ovs ovs.tmp

# Open vSwitch's tools (ovsdb-server, ovs-vsctl, ovs-appctl, ...) install
# from the patched tree; our ovs-vswitchd then replaces theirs.
install-exec-local: $(OVS_STAMP)
	$(MAKE) -C ovs install DESTDIR="$(DESTDIR)"
uninstall-local:
	$(MAKE) -C ovs uninstall DESTDIR="$(DESTDIR)"
