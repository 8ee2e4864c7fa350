#!/bin/bash
# The integration tests as the current user, which must be root.
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP not root (the unprivileged run is integration-nobody.sh)"
	exit 0
fi
exec bash "$srcdir/integration.sh"
