#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/portage-phase.sh [--portage DIR] [BUILD_DIR]
#
# A portage-style phase spawn, timed through the portage integration
# (contrib/python/spawnhelper_portage.py's spawn) against portage's own
# portage.process.spawn, with the same keyword arguments, in one run:
# `bash -c` of a small phase-like command, an environment of the size
# portage passes a phase (ENV_KIB, 64 KiB by default, in 300 variables
# besides this shell's), and FEATURES="network-sandbox ipc-sandbox
# mount-sandbox pid-sandbox" as doebuild maps them (unshare_net,
# unshare_ipc, unshare_mount, unshare_pid = True, warn_on_large_env as
# FEATURES=warn-on-large-env). Two phases: a root one (src_install's
# keywords) and a userpriv one (uid, gid, groups and umask 022 as
# doebuild adds them with FEATURES=userpriv; uid 65534 stands for
# portage's). Each spawn function runs in a process of its own (so
# that the page faults portage's fork leaves in its caller stay on
# portage's side); one spawn of each in turn per round, the order
# swapped every round; prints medians, the spread, and portage's time
# over ours:
# wall time (the headline), then CPU time (user + system) of the whole
# process tree a spawn makes (this Python's own for the call, and that
# of every process it reaped: portage's forked children, or the helper
# with its init and the command), a fair figure on a loaded machine,
# and the page faults of the calling process during the call.
# Kernel work done later in kernel threads (a network namespace's
# teardown) is in neither. Nothing is asserted (the target of issue 13
# is >= 10x).
#
# Portage is needed to compare and is not part of this project: give a
# checkout of gentoo/portage with --portage DIR or PORTAGE_SRC=DIR
# (nothing in it is modified or built; its lib/ is imported). Without
# one, or not as root (portage unshares only as root), it says why and
# skips (exit 0). RUNS=100 spawns of each per line by default.
set -euo pipefail

PORTAGE=${PORTAGE_SRC:-}
if [ "${1:-}" = --portage ]; then
	PORTAGE=${2:?--portage DIR}
	shift 2
fi
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$SRC/_build}" && pwd)
RUNS=${RUNS:-100}
ENV_KIB=${ENV_KIB:-64}

skip()
{
	echo "bench/portage-phase.sh: skipped: $*"
	exit 0
}
[ -n "$PORTAGE" ] ||
	skip "no portage to compare with (PORTAGE_SRC=DIR or --portage DIR: a checkout of https://github.com/gentoo/portage)"
[ -f "$PORTAGE/lib/portage/process.py" ] ||
	skip "$PORTAGE is not a portage checkout (no lib/portage/process.py)"
[ "$(id -u)" = 0 ] ||
	skip "needs root (portage's spawn unshares namespaces only as root)"
[ -x "$BUILD/src/spawn-helper" ] ||
	skip "no $BUILD/src/spawn-helper (build first)"
PYTHON=${PYTHON:-/usr/bin/python3}

echo "portage: $PORTAGE ($(git -C "$PORTAGE" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout'))"
echo "helper: $BUILD/src/spawn-helper; $RUNS spawns of each per line, env $ENV_KIB KiB"

SPAWNHELPER_PATH=$BUILD/src/spawn-helper \
SPAWNHELPER_LIBRARY=$BUILD/lib/.libs/libspawnhelper.so.0 \
PYTHONPATH=$SRC/contrib/python:$PORTAGE/lib PYTHONDONTWRITEBYTECODE=1 \
RUNS=$RUNS ENV_KIB=$ENV_KIB exec "$PYTHON" - <<'EOF'
import os
import resource
import statistics
import sys
import tempfile
import time

import portage.process
import spawnhelper_portage

runs = int(os.environ["RUNS"])
theirs = portage.process.spawn
ours = spawnhelper_portage.spawn
assert theirs is not ours

# the phase's environment: this one's, then variables up to ENV_KIB
env = dict(os.environ)
want = int(os.environ["ENV_KIB"]) * 1024
count = 300
for i in range(count):
    size = sum(len(k) + len(v) + 2 for k, v in env.items())
    left = max(want - size, 0) // (count - i)
    name = "PHASE_VAR_%03d" % i
    env[name] = "x" * max(left - len(name) - 2, 1)
tmp = tempfile.mkdtemp(prefix="sh-portage-phase.")
os.chmod(tmp, 0o755)
env.update(T=tmp, EBUILD_PHASE="install", PORTAGE_BUILDDIR=tmp)
size = sum(len(k) + len(v) + 2 for k, v in env.items())

# a phase-like command: what ebuild.sh does around a phase function,
# in small
PHASE = r'''
cd "$T" || exit 1
__phase() { local f; for f in a b c; do [[ -n $f ]] || return 1; done; }
declare -F __phase >/dev/null && __phase && [[ -n $PHASE_VAR_001 ]]
'''
devnull = os.open(os.devnull, os.O_RDWR)
common = dict(env=env, opt_name="[app-misc/foo-1] bash",
              fd_pipes={0: devnull, 1: devnull, 2: devnull},
              unshare_net=True, unshare_ipc=True, unshare_mount=True,
              unshare_pid=True, warn_on_large_env=True)
phases = [
    ("root phase (src_install)", {}),
    ("userpriv phase (src_compile)",
     dict(uid=65534, gid=65534, groups=[65534], umask=0o22)),
]


def usage():
    """CPU seconds of this process and of the children it reaped, and
    this process's page faults"""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
            me.ru_minflt)


def once(spawn, kwargs):
    start, (start_cpu, start_faults) = time.perf_counter(), usage()
    rc = spawn(["/bin/bash", "-c", PHASE], **common, **kwargs)
    took = time.perf_counter() - start
    end_cpu, end_faults = usage()
    if rc != 0:
        sys.exit("bench/portage-phase.sh: %s returned %r"
                 % (spawn.__module__, rc))
    return took, end_cpu - start_cpu, end_faults - start_faults


driver_ends = []


def worker(spawn):
    """A process of its own that spawns with one function when asked.

    Both functions in one process would charge one's leftovers to the
    other: portage's spawn forks this Python process, which leaves every
    page of it write-protected, and whatever Python runs next pays a page
    fault at its first write to each (a few hundred per spawn, several ms
    on a VM). In emerge that is portage's own cost, paid by portage's
    next spawn; so each function gets its own process, and the rounds
    still alternate between them.
    """
    ask_r, ask_w = os.pipe()
    tell_r, tell_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        for fd in driver_ends + [ask_w, tell_r]:  # an EOF for each worker
            os.close(fd)
        status = 1
        try:  # never back into the caller's code
            with os.fdopen(ask_r) as asked, os.fdopen(tell_w, "w") as tell:
                for line in asked:
                    kwargs = phases[int(line)][1]
                    tell.write("%r %r %r\n" % once(spawn, kwargs))
                    tell.flush()
            status = 0
        except SystemExit as e:
            print(e, file=sys.stderr)
        finally:
            os._exit(status)
    os.close(ask_r)
    os.close(tell_w)
    driver_ends.extend((ask_w, tell_r))
    asked, told = os.fdopen(ask_w, "w"), os.fdopen(tell_r)

    def run(phase):
        asked.write("%d\n" % phase)
        asked.flush()
        line = told.readline()
        if not line:
            sys.exit("bench/portage-phase.sh: the %s worker died"
                     % spawn.__module__)
        return tuple(float(x) for x in line.split())

    def stop():
        asked.close()
        told.close()
        _, status = os.waitpid(pid, 0)
        if status != 0:
            sys.exit("bench/portage-phase.sh: the %s worker failed"
                     % spawn.__module__)
    run.stop = stop
    return run


print("environment: %d variables, %d bytes" % (len(env), size))
print("median (10th-90th percentile) of %d spawns each; each spawn "
      "function in a process of its own" % runs)
workers = {theirs: worker(theirs), ours: worker(ours)}
for phase, (name, kwargs) in enumerate(phases):
    # warm-up: imports, unshare checks, and the pages a worker shares
    # with this process since its fork
    for _ in range(3):
        for spawn in (theirs, ours):
            workers[spawn](phase)
    times = {theirs: [], ours: []}
    cpus = {theirs: [], ours: []}
    faults = {theirs: [], ours: []}
    for i in range(runs):
        for spawn in ((theirs, ours) if i % 2 == 0 else (ours, theirs)):
            took, took_cpu, took_faults = workers[spawn](phase)
            times[spawn].append(took)
            cpus[spawn].append(took_cpu)
            faults[spawn].append(took_faults)

    def show(samples):
        t = sorted(samples)
        q = statistics.quantiles(t, n=10)
        return "%.1f ms (%.1f-%.1f)" % (statistics.median(t) * 1e3,
                                        q[0] * 1e3, q[-1] * 1e3)

    def ratio(samples):
        return statistics.median(samples[theirs]) / statistics.median(
            samples[ours])
    print("%s\n  portage.process.spawn  %s\n  integration            %s\n"
          "  ratio (portage / integration): %.1fx\n"
          "  CPU time, process tree: portage %s, integration %s\n"
          "  CPU ratio (portage / integration): %.1fx\n"
          "  page faults in the calling process: portage %d, "
          "integration %d"
          % (name, show(times[theirs]), show(times[ours]), ratio(times),
             show(cpus[theirs]), show(cpus[ours]), ratio(cpus),
             statistics.median(faults[theirs]),
             statistics.median(faults[ours])), flush=True)
for run in workers.values():
    run.stop()
os.rmdir(tmp)
EOF
