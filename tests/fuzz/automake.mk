# libFuzzer harnesses.  Each tests/fuzz/fuzz-NAME.c defines
# LLVMFuzzerTestOneInput() and is listed in FUZZ_TARGETS; a seed corpus,
# if any, lives in tests/fuzz/corpus-NAME/.  "make check-fuzz" builds every
# harness with clang -fsanitize=fuzzer,address,undefined against the engine
# sources and runs each for FUZZ_SECONDS.

FUZZ_TARGETS += tests/fuzz/fuzz-frame
EXTRA_DIST += \
	tests/fuzz/fuzz-frame.c \
	tests/fuzz/gen-corpus-frame.c \
	tests/fuzz/corpus-frame/seed-00 \
	tests/fuzz/corpus-frame/seed-01 \
	tests/fuzz/corpus-frame/seed-02 \
	tests/fuzz/corpus-frame/seed-03 \
	tests/fuzz/corpus-frame/seed-04 \
	tests/fuzz/corpus-frame/seed-05 \
	tests/fuzz/corpus-frame/seed-06 \
	tests/fuzz/corpus-frame/seed-07 \
	tests/fuzz/corpus-frame/seed-08 \
	tests/fuzz/corpus-frame/seed-09 \
	tests/fuzz/corpus-frame/seed-10 \
	tests/fuzz/corpus-frame/seed-11 \
	tests/fuzz/corpus-frame/seed-12 \
	tests/fuzz/corpus-frame/seed-13 \
	tests/fuzz/corpus-frame/seed-14 \
	tests/fuzz/corpus-frame/seed-15 \
	tests/fuzz/corpus-frame/seed-16 \
	tests/fuzz/corpus-frame/seed-17 \
	tests/fuzz/corpus-frame/seed-18 \
	tests/fuzz/corpus-frame/seed-19 \
	tests/fuzz/corpus-frame/seed-20 \
	tests/fuzz/corpus-frame/seed-21 \
	tests/fuzz/corpus-frame/seed-22 \
	tests/fuzz/corpus-frame/seed-23

FUZZ_TARGETS += tests/fuzz/fuzz-encap
EXTRA_DIST += \
	tests/fuzz/fuzz-encap.c \
	tests/fuzz/corpus-encap/seed-00 \
	tests/fuzz/corpus-encap/seed-01 \
	tests/fuzz/corpus-encap/seed-02 \
	tests/fuzz/corpus-encap/seed-03 \
	tests/fuzz/corpus-encap/seed-04 \
	tests/fuzz/corpus-encap/seed-05 \
	tests/fuzz/corpus-encap/seed-06 \
	tests/fuzz/corpus-encap/seed-07

FUZZ_TARGETS += tests/fuzz/fuzz-cm
EXTRA_DIST += \
	tests/fuzz/corpus-cm/crossed-dreq \
	tests/fuzz/corpus-cm/handshake \
	tests/fuzz/corpus-cm/inject-10 \
	tests/fuzz/corpus-cm/inject-11 \
	tests/fuzz/corpus-cm/inject-12 \
	tests/fuzz/corpus-cm/inject-13 \
	tests/fuzz/corpus-cm/inject-14 \
	tests/fuzz/corpus-cm/inject-15 \
	tests/fuzz/corpus-cm/inject-16 \
	tests/fuzz/corpus-cm/inject-req \
	tests/fuzz/corpus-cm/lossy \
	tests/fuzz/corpus-cm/mra \
	tests/fuzz/corpus-cm/reject \
	tests/fuzz/corpus-cm/req-mad

FUZZ_TARGETS += tests/fuzz/fuzz-transport
EXTRA_DIST += \
	tests/fuzz/fuzz-transport.c \
	tests/fuzz/corpus-transport/seed-00 \
	tests/fuzz/corpus-transport/seed-01 \
	tests/fuzz/corpus-transport/seed-02 \
	tests/fuzz/corpus-transport/seed-03 \
	tests/fuzz/corpus-transport/seed-04 \
	tests/fuzz/corpus-transport/seed-05 \
	tests/fuzz/corpus-transport/seed-06 \
	tests/fuzz/corpus-transport/seed-07 \
	tests/fuzz/corpus-transport/seed-08 \
	tests/fuzz/corpus-transport/seed-09 \
	tests/fuzz/corpus-transport/seed-10 \
	tests/fuzz/corpus-transport/seed-11 \
	tests/fuzz/corpus-transport/seed-12 \
	tests/fuzz/corpus-transport/seed-13 \
	tests/fuzz/corpus-transport/seed-14 \
	tests/fuzz/corpus-transport/seed-15 \
	tests/fuzz/corpus-transport/seed-16 \
	tests/fuzz/corpus-transport/seed-17 \
	tests/fuzz/corpus-transport/seed-18 \
	tests/fuzz/corpus-transport/seed-19 \
	tests/fuzz/corpus-transport/seed-20 \
	tests/fuzz/corpus-transport/seed-21 \
	tests/fuzz/corpus-transport/seed-22 \
	tests/fuzz/corpus-transport/seed-23

# The DCN control-message decoder (dcn/msg.c): the first code that
# touches what a DCN sends.
FUZZ_TARGETS += tests/fuzz/fuzz-dcn-msg
EXTRA_DIST += \
	tests/fuzz/fuzz-dcn-msg.c \
	tests/fuzz/corpus-dcn-msg/connect \
	tests/fuzz/corpus-dcn-msg/create_cq \
	tests/fuzz/corpus-dcn-msg/create_qp \
	tests/fuzz/corpus-dcn-msg/hello \
	tests/fuzz/corpus-dcn-msg/listen \
	tests/fuzz/corpus-dcn-msg/modify \
	tests/fuzz/corpus-dcn-msg/reg_mr \
	tests/fuzz/corpus-dcn-msg/resolve
