#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The completion tests as root (see run-as.sh).
exec bash "${SH_TESTS_SRCDIR:-$(dirname "$0")}/run-as.sh" root completion
