# Copyright (c) 2026 The ovs-rdma-overlay authors.
# Licensed under the Apache License, Version 2.0.

# RO_CHECK_OVS_SOURCE
#
# Handles --with-ovs-source=DIR|TARBALL.  By default the Open vSwitch
# tarball that Debian's openvswitch-source package installs is used.
# Checks that the sources are Open vSwitch 3.1.x, the version ovs-patches/
# is written against, and substitutes OVS_SOURCE.
AC_DEFUN([RO_CHECK_OVS_SOURCE],
  [AC_ARG_WITH([ovs-source],
     [AS_HELP_STRING([--with-ovs-source=DIR|TARBALL],
        [Open vSwitch 3.1.x sources to build against, as a source tree or
         a .tar.gz (default: /usr/src/openvswitch/openvswitch.tar.gz from
         Debian's openvswitch-source package)])],
     [], [with_ovs_source=/usr/src/openvswitch/openvswitch.tar.gz])

   AC_MSG_CHECKING([for Open vSwitch sources])
   AS_CASE([$with_ovs_source],
     [/*], [],
     [with_ovs_source=`pwd`/$with_ovs_source])
   if test -d "$with_ovs_source"; then
     ro_ovs_acinit=`grep '_INIT(openvswitch,' "$with_ovs_source/configure.ac" 2>/dev/null`
   elif test -f "$with_ovs_source"; then
     ro_ovs_acinit=`tar -xzOf "$with_ovs_source" --wildcards \
                      '*/configure.ac' 2>/dev/null | grep '_INIT(openvswitch,'`
   else
     AC_MSG_RESULT([no])
     AC_MSG_ERROR([$with_ovs_source does not exist.  Install Debian's
openvswitch-source package (apt-get install openvswitch-source) or pass
--with-ovs-source=DIR|TARBALL.])
   fi
   AC_MSG_RESULT([$with_ovs_source])

   AC_MSG_CHECKING([Open vSwitch version])
   ro_ovs_version=`echo "$ro_ovs_acinit" | \
       sed -n 's/^.*_INIT(openvswitch, *\([[0-9.]]*\).*/\1/p'`
   AC_MSG_RESULT([${ro_ovs_version:-unknown}])
   AS_CASE([$ro_ovs_version],
     [3.1.*], [],
     [AC_MSG_ERROR([$with_ovs_source is not Open vSwitch 3.1.x
(ovs-patches/ is written against 3.1.0)])])
   if test -d "$with_ovs_source" && \
      test ! -e "$with_ovs_source/configure"; then
     AC_MSG_ERROR([$with_ovs_source has no configure script; run its
boot.sh first or use a release tarball])
   fi

   OVS_SOURCE=$with_ovs_source
   AC_SUBST([OVS_SOURCE])
   AC_SUBST([OVS_VERSION], [$ro_ovs_version])])
