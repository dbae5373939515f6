# Manual pages.  ovs-rdma-overlay(7) documents every configuration key,
# Interface status key and rdma-overlay/ command with its output format.
dist_man_MANS += Documentation/ovs-rdma-overlay.7
EXTRA_DIST += Documentation/benchmarks.md
