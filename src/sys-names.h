/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Names of errno values ("ENOENT"), their descriptions ("No such file
 * or directory") and signal abbreviations ("TERM"), indexed by number,
 * NULL where a number has none: generated at build time by gen-names
 * (sys-names.c). */
extern const char *const errno_names[];
extern const char *const errno_descriptions[];
extern const int n_errno_names;
extern const char *const signal_abbrevs[];
extern const int n_signal_abbrevs;
