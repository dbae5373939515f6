# Scripts: the README's quick start (demo.sh, check.sh), what both use to
# install dependencies and build (bootstrap.sh), and the demo itself.
EXTRA_DIST += \
	utilities/bootstrap.sh \
	utilities/check.sh \
	utilities/demo.sh \
	utilities/ovs-rdma-overlay-demo
