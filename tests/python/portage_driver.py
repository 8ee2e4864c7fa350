"""Calls portage's spawn the way emerge does for each ebuild phase, for
test_portage.py: python3 portage_driver.py SITEDIR PHASE...

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
"""

import asyncio
import json
import os
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
PORTAGE_UID = 65534  # the stand-in for portage:portage
PHASE_SCRIPT = ('echo "$EBUILD_PHASE $(id -u) $(umask) '
                '$(readlink /proc/self/ns/net) $(readlink /proc/self/ns/ipc) '
                '$(readlink /proc/self/ns/pid)"')


def doebuild_keywords(phase, fd_pipes):
    """What portage.process.spawn_bash gets besides the command."""
    keywords = {"fd_pipes": fd_pipes, "returnproc": True,
                "opt_name": "[cat/pkg-1] bash",
                "env": {"PATH": "/usr/bin:/bin", "EBUILD_PHASE": phase}}
    if os.getuid() == 0:
        keywords.update(
            unshare_net=phase not in IPC_PHASES,
            unshare_ipc=phase not in IPC_PHASES,
            unshare_mount=True,
            unshare_pid=phase not in GLOBAL_PID_PHASES)
        if phase in USERPRIV_PHASES:
            keywords.update(uid=PORTAGE_UID, gid=PORTAGE_UID,
                            groups=[PORTAGE_UID], umask=0o22)
    keywords["warn_on_large_env"] = "warn-on-large-env" in FEATURES
    if phase == "depend":
        keywords["close_fds"] = False
    return keywords


async def run_phase(phase):
    loop = asyncio.get_running_loop()
    read_fd, write_fd = os.pipe()
    null_input = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
    try:
        proc = portage.process.spawn_bash(
            PHASE_SCRIPT, **doebuild_keywords(
                phase, {0: null_input, 1: write_fd, 2: write_fd}))
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
            "output": output.decode(errors="replace")}


def main():
    for phase in sys.argv[2:]:
        print(json.dumps(asyncio.run(run_phase(phase))), flush=True)


if __name__ == "__main__":
    main()
