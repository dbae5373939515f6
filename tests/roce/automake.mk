# Unit tests of the RoCEv2 engine.  Every program in ROCE_UNIT_TESTS is
# built from exactly one tests/roce/NAME.c (plus the header-only
# tests/roce/roce-test.h) and linked with libroce, so that
# "make check-sanitize" can rebuild each of them with ASan + UBSan.
#
# Each part appends its tests below, as:
#   ROCE_UNIT_TESTS += tests/roce/test-foo
#   tests_roce_test_foo_SOURCES = tests/roce/test-foo.c

EXTRA_DIST += tests/roce/roce-test.h

EXTRA_DIST += \
	tests/roce/gen-wire-kat.py \
	tests/roce/wire-kat.h \
	tests/roce/wire-test.h
ROCE_UNIT_TESTS += tests/roce/test-opcode
tests_roce_test_opcode_SOURCES = tests/roce/test-opcode.c
ROCE_UNIT_TESTS += tests/roce/test-hdr
tests_roce_test_hdr_SOURCES = tests/roce/test-hdr.c
ROCE_UNIT_TESTS += tests/roce/test-icrc
tests_roce_test_icrc_SOURCES = tests/roce/test-icrc.c
ROCE_UNIT_TESTS += tests/roce/test-encap
tests_roce_test_encap_SOURCES = tests/roce/test-encap.c
ROCE_UNIT_TESTS += tests/roce/test-frame
tests_roce_test_frame_SOURCES = tests/roce/test-frame.c
ROCE_UNIT_TESTS += tests/roce/test-csum
tests_roce_test_csum_SOURCES = tests/roce/test-csum.c
ROCE_UNIT_TESTS += tests/roce/test-tshark
tests_roce_test_tshark_SOURCES = tests/roce/test-tshark.c
BENCHES += tests/roce/bench-icrc
tests_roce_bench_icrc_SOURCES = tests/roce/bench-icrc.c

EXTRA_DIST += tests/roce/roce-link.h
ROCE_UNIT_TESTS += tests/roce/test-rc
tests_roce_test_rc_SOURCES = tests/roce/test-rc.c
ROCE_UNIT_TESTS += tests/roce/test-rc-lossy
tests_roce_test_rc_lossy_SOURCES = tests/roce/test-rc-lossy.c
ROCE_UNIT_TESTS += tests/roce/test-rc-attack
tests_roce_test_rc_attack_SOURCES = tests/roce/test-rc-attack.c
ROCE_UNIT_TESTS += tests/roce/test-mr
tests_roce_test_mr_SOURCES = tests/roce/test-mr.c
ROCE_UNIT_TESTS += tests/roce/test-cq
tests_roce_test_cq_SOURCES = tests/roce/test-cq.c
ROCE_UNIT_TESTS += tests/roce/test-qp-state
tests_roce_test_qp_state_SOURCES = tests/roce/test-qp-state.c
ROCE_UNIT_TESTS += tests/roce/test-ud
tests_roce_test_ud_SOURCES = tests/roce/test-ud.c
ROCE_UNIT_TESTS += tests/roce/test-rc-tshark
tests_roce_test_rc_tshark_SOURCES = tests/roce/test-rc-tshark.c
BENCHES += tests/roce/bench-rc
tests_roce_bench_rc_SOURCES = tests/roce/bench-rc.c
tests_roce_bench_rc_CFLAGS = $(AM_CFLAGS) -O2
tests_roce_bench_rc_LDADD = lib/rdma-overlay/libroce.la -lpthread

ROCE_UNIT_TESTS += tests/roce/test-mad
tests_roce_test_mad_SOURCES = tests/roce/test-mad.c
ROCE_UNIT_TESTS += tests/roce/test-cm-msg
tests_roce_test_cm_msg_SOURCES = tests/roce/test-cm-msg.c
ROCE_UNIT_TESTS += tests/roce/test-cm-ip
tests_roce_test_cm_ip_SOURCES = tests/roce/test-cm-ip.c
ROCE_UNIT_TESTS += tests/roce/test-cm-tshark
tests_roce_test_cm_tshark_SOURCES = tests/roce/test-cm-tshark.c
ROCE_UNIT_TESTS += tests/roce/test-cm
tests_roce_test_cm_SOURCES = tests/roce/test-cm.c
ROCE_UNIT_TESTS += tests/roce/test-cm-rc
tests_roce_test_cm_rc_SOURCES = tests/roce/test-cm-rc.c
EXTRA_DIST += tests/roce/roce-pcap.h
