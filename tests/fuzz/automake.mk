# libFuzzer harnesses.  Each tests/fuzz/fuzz-NAME.c defines
# LLVMFuzzerTestOneInput() and is listed in FUZZ_TARGETS; a seed corpus,
# if any, lives in tests/fuzz/corpus-NAME/.  "make check-fuzz" builds every
# harness with clang -fsanitize=fuzzer,address,undefined against the engine
# sources and runs each for FUZZ_SECONDS.

# (owner: wire)

# (owner: cm)
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
