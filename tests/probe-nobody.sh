#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The probe tests as nobody (see run-as.sh).
exec bash "${SH_TESTS_SRCDIR:-$(dirname "$0")}/run-as.sh" nobody probe
