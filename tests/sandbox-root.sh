#!/bin/bash
# The sandbox tests as root (see run-as.sh).
exec bash "${SH_TESTS_SRCDIR:-$(dirname "$0")}/run-as.sh" root sandbox
