# SPDX-License-Identifier: LGPL-2.1-or-later
"""Calls portage's spawn the way emerge does for each ebuild phase, for
test_portage.py:

  python3 portage_driver.py SITEDIR [--features F] [--tmpdir DIR]
                            [--script FILE] [--env NAME=VALUE]... PHASE...

SITEDIR holds spawnhelper-portage.pth, read as Python reads it from
site-packages at start-up (SPAWNHELPER_PORTAGE in the environment turns
the integration on); ``portage`` is our stand-in (tests/python/
fakeportage). The keyword arguments are those doebuild hands to
portage.process.spawn_bash for a phase: SpawnProcess's fd_pipes and
returnproc=True, then _doebuild_spawn's and doebuild.spawn's
namespaces, credentials, warn_on_large_env and close_fds, modelled on
portage's code (none of it copied). Like SpawnProcess, the driver closes
its end of the command's output pipe at once, reads the output to EOF in
the event loop, then awaits proc.wait() through ensure_future with a
done callback. One JSON line a phase.

--features replaces FEATURES (space-separated). --tmpdir makes doebuild's
build directory under DIR as portage does (PORTAGE_TMPDIR=DIR; the
directories below DIR/portage owned by the portage user, mode 0700; T,
HOME and WORKDIR made too, D left to the install phase) and gives the
phase its environment (PORTAGE_BUILDDIR, T, D, HOME, WORKDIR,
SANDBOX_LOG). --builddir puts PORTAGE_BUILDDIR there instead (as an API
consumer of doebuild may). --script runs "FILE PHASE" (as doebuild runs
"ebuild.sh PHASE") instead of the built-in line, through spawn_bash or
spawn_sandbox as doebuild picks them from FEATURES and the phase.
"""

import argparse
import asyncio
import json
import os
import shlex
import site
import sys

site.addsitedir(sys.argv[1])

import portage.process  # noqa: E402  (after the .pth hook, as emerge)

FEATURES = {"sandbox", "userpriv", "network-sandbox", "ipc-sandbox",
            "mount-sandbox", "pid-sandbox", "warn-on-large-env"}
# phases that keep the host's IPC and network, and the host's pids
IPC_PHASES = {"setup", "pretend", "config", "info", "preinst", "postinst",
              "prerm", "postrm"}
GLOBAL_PID_PHASES = {"config", "preinst", "prerm", "postinst", "postrm"}
# phases that run as the portage user with FEATURES=userpriv
USERPRIV_PHASES = {"depend", "unpack", "prepare", "configure", "compile",
                   "test"}
# phases portage never runs in Gentoo's sandbox
UNSANDBOXED_PHASES = {"clean", "cleanrm", "config", "help", "info",
                      "postinst", "preinst", "pretend", "postrm", "prerm",
                      "setup"}
# actionmap's phases whose "free" is nosandbox (userpriv without
# usersandbox)
NOSANDBOX_PHASES = {"configure", "compile", "test"}
PORTAGE_UID = 65534  # the stand-in for portage:portage
PHASE_SCRIPT = ('echo "$EBUILD_PHASE $(id -u) $(umask) '
                '$(readlink /proc/self/ns/net) $(readlink /proc/self/ns/ipc) '
                '$(readlink /proc/self/ns/pid)"')


def doebuild_keywords(phase, fd_pipes, features, env):
    """What portage.process.spawn_bash (or spawn_sandbox) gets besides
    the command."""
    keywords = {"fd_pipes": fd_pipes, "returnproc": True,
                "env": dict(env, EBUILD_PHASE=phase)}
    if os.getuid() == 0:
        keywords.update(
            unshare_net=("network-sandbox" in features
                         and phase not in IPC_PHASES),
            unshare_ipc="ipc-sandbox" in features and phase not in IPC_PHASES,
            unshare_mount="mount-sandbox" in features,
            unshare_pid=("pid-sandbox" in features
                         and phase not in GLOBAL_PID_PHASES))
        if droppriv(phase, features):
            keywords.update(uid=PORTAGE_UID, gid=PORTAGE_UID,
                            groups=[PORTAGE_UID], umask=0o22)
    keywords["warn_on_large_env"] = "warn-on-large-env" in features
    if phase == "depend":
        keywords["close_fds"] = False
    return keywords


def droppriv(phase, features):
    return (os.getuid() == 0 and "userpriv" in features
            and phase in USERPRIV_PHASES)


def spawn_function(phase, features):
    """doebuild's choice: spawn_bash for a free phase, else
    spawn_sandbox (actionmap's free, _doebuild_spawn's unsandboxed
    phases, then doebuild.spawn's own rule and sandbox_capable)."""
    drop = droppriv(phase, features)
    free = phase in UNSANDBOXED_PHASES
    if phase in NOSANDBOX_PHASES:
        free = free or ("userpriv" in features
                        and "usersandbox" not in features
                        or not portage.process.sandbox_capable)
    if not free:
        free = ((drop and "usersandbox" not in features)
                or (not drop and "sandbox" not in features
                    and "usersandbox" not in features))
    if not free and not portage.process.sandbox_capable:
        free = True
    if free:
        return "spawn_bash", "[cat/pkg-1] bash"
    return "spawn_sandbox", "[cat/pkg-1] sandbox"


def build_dirs(tmpdir, builddir=None):
    """doebuild's directories below tmpdir, as _prepare_build_dirs
    makes them (root running, portage owning): the phase's
    environment. builddir: a PORTAGE_BUILDDIR of the caller's (an API
    consumer's, not below ${PORTAGE_TMPDIR}/portage)."""
    builddir = builddir or os.path.join(tmpdir, "portage", "cat", "pkg-1")
    env = {"PORTAGE_TMPDIR": tmpdir, "PORTAGE_BUILDDIR": builddir,
           "T": os.path.join(builddir, "temp"),
           "D": os.path.join(builddir, "image"),
           "HOME": os.path.join(builddir, "homedir"),
           "WORKDIR": os.path.join(builddir, "work")}
    env["SANDBOX_LOG"] = os.path.join(env["T"], "sandbox.log")
    owner = PORTAGE_UID if os.getuid() == 0 else None
    for path, mode in ((os.path.join(tmpdir, "portage"), 0o700),
                       # the category directory, where portage keeps the
                       # build directory's lock (.${PF}.portage_lockfile)
                       (os.path.dirname(builddir), 0o700),
                       (builddir, 0o700), (env["T"], 0o755),
                       (env["HOME"], 0o755), (env["WORKDIR"], 0o755)):
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
        if owner is not None:
            os.chown(path, owner, owner)
    return env


async def run_phase(phase, args, env):
    loop = asyncio.get_running_loop()
    read_fd, write_fd = os.pipe()
    null_input = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
    name, opt_name = spawn_function(phase, args.features)
    command = PHASE_SCRIPT
    if args.script:
        command = "%s %s" % (shlex.quote(args.script), phase)
    try:
        proc = getattr(portage.process, name)(
            command, opt_name=opt_name, **doebuild_keywords(
                phase, {0: null_input, 1: write_fd, 2: write_fd},
                args.features, env))
    finally:
        os.close(write_fd)
        os.close(null_input)
    output = bytearray()
    eof = loop.create_future()

    def readable():
        data = os.read(read_fd, 65536)
        output.extend(data)
        if not data and not eof.done():
            eof.set_result(None)

    loop.add_reader(read_fd, readable)
    try:
        await asyncio.wait_for(eof, 60)
    finally:
        loop.remove_reader(read_fd)
        os.close(read_fd)
    ended = loop.create_future()
    waiter = asyncio.ensure_future(proc.wait(), loop=loop)
    waiter.add_done_callback(lambda f: ended.set_result(f.result()))
    rc = await asyncio.wait_for(ended, 60)
    return {"phase": phase, "rc": rc, "returncode": proc.returncode,
            "func": name, "output": output.decode(errors="replace")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sitedir")
    parser.add_argument("--features", type=lambda f: set(f.split()),
                        default=FEATURES)
    parser.add_argument("--tmpdir")
    parser.add_argument("--script")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--builddir")
    parser.add_argument("phases", nargs="+")
    args = parser.parse_args()
    env = {"PATH": "/usr/bin:/bin",
           "FEATURES": " ".join(sorted(args.features))}
    if args.tmpdir:
        env.update(build_dirs(args.tmpdir, args.builddir))
    env.update(item.split("=", 1) for item in args.env)
    for phase in args.phases:
        print(json.dumps(asyncio.run(run_phase(phase, args, env))),
              flush=True)


if __name__ == "__main__":
    main()
