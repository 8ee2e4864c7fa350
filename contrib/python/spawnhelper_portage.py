# SPDX-License-Identifier: LGPL-2.1-or-later
"""spawnhelper_portage: run a whole portage through spawn-helper.

One step enables it for every portage program (emerge, ebuild,
egencache, ...): install spawnhelper.py, this module and
spawnhelper-portage.pth into Python's site-packages, then set
SPAWNHELPER_PORTAGE=1 in the environment that starts portage (for
example ``SPAWNHELPER_PORTAGE=1 emerge ...``, or a line in
/etc/env.d). The .pth file is read by every Python at start-up; with
the variable unset it costs one lookup in os.environ and imports
nothing.

Why so: portage has no hook for its spawn function, and its modules
bind it at import time (``from portage.process import spawn`` in
fetch, movefile, socks5, getbinpkg, output, dispatch-conf), so the
replacement must be in place before portage's own modules load. A
bashrc runs inside a phase (too late, and in bash); make.conf is read
by portage after its imports. Python's start-up (.pth) is the one place
that comes before them all.

``install()`` replaces ``portage.process.spawn`` the moment
``portage.process`` has been executed (an import hook), so every module
that imports the name afterwards gets ours; names bound before (when
``install()`` is called late) are replaced in every loaded module.
``uninstall()`` puts portage's own back everywhere.

Each ebuild phase (``is_phase()``: what doebuild's spawn starts) gets
the sandbox it needs and nothing more (``phase_options()`` says which
helper options, ``phase_kind()`` which row of README.md's phase table),
portage's own spawns that are no phases what they write as root
(``tool_options()``: fetchers, quickpkg, the binary package
extractors) and nothing else: a phase portage runs as root builds
the image in the read-only view of the host, where only portage's own
paths are writable (``writable_paths()``), with the capabilities
src_install uses and ``--seccomp-profile install``; a phase that
changes the live system (preinst, postinst, prerm, postrm, config) sees
the host writable (``--unsafe-writable-host``, listed in the record);
a userpriv phase keeps the build profile. With the helper's kernel
sandbox (``--sandbox-write`` and its kin), ``portage.process.
spawn_sandbox`` runs the phase's ``bash -c`` directly under it, with
the options ``sandbox_options()`` builds from SANDBOX_WRITE,
SANDBOX_PREDICT, SANDBOX_READ, SANDBOX_DENY and SANDBOX_LOG, and
``sandbox_capable`` is true.
"""

import importlib
import importlib.abc
import inspect
import os
import re
import shlex
import sys

import spawnhelper

__all__ = ["install", "uninstall", "spawn", "spawn_sandbox", "installed",
           "phase_kind", "phase_options", "sandbox_options",
           "writable_paths", "private_tmp", "host_tmp_paths",
           "signing_paths", "tool_options", "is_phase", "binpkg_dirs",
           "binpkg_download",
           "sandbox_supported"]

MODULE = "portage.process"


# Phases that change the live system (ROOT): pkg_preinst too, where
# acct-user's useradd writes /etc/passwd before the merge. Portage runs
# them unsandboxed, in the host's pid namespace.
LIVE_PHASES = frozenset(["preinst", "postinst", "prerm", "postrm", "config"])
# Root phases that make or read the image in ${D}; None is
# misc-functions.sh (install_qa_check, preinst_sfperms, ...), which
# portage runs with EBUILD_PHASE unset.
IMAGE_PHASES = frozenset(["install", "instprep", "package", "rpm", None])
# What src_install's fowners, fperms 4711/2711, mknod and a copy into
# portage-owned directories need (tests/python/phases: each one's case)
IMAGE_CAPS = ("cap_chown", "cap_dac_override", "cap_fowner", "cap_fsetid",
              "cap_mknod")
# Any other root phase: only into portage's 0700 directories, which
# portage:portage owns (portage's _prepare_build_dirs)
ROOT_CAPS = ("cap_dac_override",)
# A live phase is root on the host, as in portage: setcap (fcaps.eclass),
# useradd, service restarts. By number: cap_chown is 0.
ALL_CAPS = (
    "cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner",
    "cap_fsetid", "cap_kill", "cap_setgid", "cap_setuid", "cap_setpcap",
    "cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast",
    "cap_net_admin", "cap_net_raw", "cap_ipc_lock", "cap_ipc_owner",
    "cap_sys_module", "cap_sys_rawio", "cap_sys_chroot", "cap_sys_ptrace",
    "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot", "cap_sys_nice",
    "cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod",
    "cap_lease", "cap_audit_write", "cap_audit_control", "cap_setfcap",
    "cap_mac_override", "cap_mac_admin", "cap_syslog", "cap_wake_alarm",
    "cap_block_suspend", "cap_audit_read", "cap_perfmon", "cap_bpf",
    "cap_checkpoint_restore")

# Gentoo's sandbox defaults (its /etc/sandbox.d), our own list: the
# terminals, the fd links, /dev/null and kin, the temporary directories
# and configure's conftest files. PORTAGE_DEFAULT_WRITE adds portage's
# own (ebuild.sh's addwrite of ${PORTAGE_TMPDIR}/portage, the build
# directory).
SANDBOX_DEFAULT_WRITE = (
    "/dev/fd", "/proc/self/fd", "/dev/zero", "/dev/null", "/dev/full",
    "/dev/console", "/dev/tty", "/dev/vc", "/dev/pty", "/dev/tts",
    "/dev/ptmx", "/dev/pts", "/dev/shm", "/tmp", "/var/tmp", "/usr/tmp",
    "/tmp/conftest", "/lib/conftest", "/lib32/conftest", "/lib64/conftest",
    "/tmp/cf", "/lib/cf", "/lib32/cf", "/lib64/cf")
# the phase's own directories, from its environment
PHASE_DIRS = ("PORTAGE_BUILDDIR", "T", "D", "HOME", "WORKDIR")


def _colon_list(value):
    """SANDBOX_* style: absolute paths, colon-separated, normalized."""
    paths = []
    for path in (value or "").split(":"):
        if path.startswith("/"):
            path = os.path.normpath(path)
            if path.startswith("//"):
                path = path[1:]
            if path not in paths:
                paths.append(path)
    return paths


def _below(path, top):
    return path == top or path.startswith(top.rstrip("/") + "/")


def _portage_dirs(env):
    """The phase's directories, the build directory's parent (where
    portage and ebuild-ipc take its lock, .${PF}.portage_lockfile; below
    ${PORTAGE_TMPDIR}/portage but where a caller of doebuild put the
    build directory elsewhere), the directory of the package phase's
    PORTAGE_BINPKG_TMPFILE (in PKGDIR, where __dyn_package writes the
    binary package) and with FEATURES=binpkg-signing what its signing
    command writes (signing_paths), the fetcher's DISTDIR (a spawn with
    EBUILD_PHASE=fetch, as fetch makes it), portage's
    ${PORTAGE_TMPDIR}/portage
    and, with FEATURES ccache or distcc, their directories (ebuild.sh's
    addwrite of them)."""
    paths = [env.get(name) for name in PHASE_DIRS]
    for name in ("PORTAGE_BUILDDIR", "PORTAGE_BINPKG_TMPFILE"):
        if env.get(name):
            paths.append(os.path.dirname(os.path.normpath(env[name])))
    if env.get("PORTAGE_TMPDIR"):
        paths.append(os.path.join(env["PORTAGE_TMPDIR"], "portage"))
    features = (env.get("FEATURES") or "").split()
    if env.get("PORTAGE_BINPKG_TMPFILE") and "binpkg-signing" in features:
        paths += signing_paths(env)
    if env.get("EBUILD_PHASE") == "fetch":
        # portage's fetcher (fetch's _spawn_fetch: FETCHCOMMAND and the
        # DISTDIR write test) downloads into DISTDIR
        paths += [env.get("DISTDIR"), env.get("PORTAGE_ACTUAL_DISTDIR")]
    if "ccache" in features:
        paths.append(env.get("CCACHE_DIR"))
    if "distcc" in features:
        paths.append(env.get("DISTCC_DIR"))
    return _colon_list(":".join(p for p in paths if p))


# portage's configuration files, as portage reads them: its defaults
# (make.globals: installed, else in portage's own tree), then make.conf
# in its two places below PORTAGE_CONFIGROOT, later ones winning
MAKE_GLOBALS = ("usr/share/portage/config/make.globals", "cnf/make.globals")
MAKE_CONF = ("etc/make.conf", "etc/portage/make.conf")


def _make_conf(env):
    """The settings of portage's make.globals and make.conf for the
    phase's PORTAGE_CONFIGROOT (EPREFIX, PORTAGE_BASE_PATH), read by
    portage's own reader (portage.util.getconfig; without portage
    loaded, none)."""
    if "portage" not in sys.modules:
        return {}
    try:
        getconfig = importlib.import_module("portage.util").getconfig
    except (ImportError, AttributeError):
        return {}
    defaults = [os.path.join(env.get("EPREFIX") or "/", MAKE_GLOBALS[0])]
    if env.get("PORTAGE_BASE_PATH"):
        defaults.append(os.path.join(env["PORTAGE_BASE_PATH"],
                                     MAKE_GLOBALS[1]))
    root = env.get("PORTAGE_CONFIGROOT") or env.get("EPREFIX") or "/"
    settings = {}
    for path in ([p for p in defaults if os.path.isfile(p)][:1]
                 + [os.path.join(root, name) for name in MAKE_CONF]):
        try:
            found = getconfig(path, tolerant=True, allow_sourcing=True,
                              expand=dict(settings), recursive=True)
        except Exception:  # noqa: BLE001  portage's ParseError and kin
            found = None   # (portage fails on such a file itself)
        settings.update(found or {})
    return settings


# flock(1)'s options that take a value in the next word
FLOCK_VALUED = ("-w", "--timeout", "--wait", "-E", "--conflict-exit-code")


def signing_paths(env):
    """FEATURES=binpkg-signing: what the package phase's signing command
    writes, the gpg home (BINPKG_GPG_SIGNING_GPG_HOME) and the directory
    of the lock file that BINPKG_GPG_SIGNING_BASE_COMMAND's flock takes
    (make.globals: /run/lock). Portage signs from the phase
    (gpkg-helper.py) with settings it reads afresh from make.conf, and
    the phase's environment does not carry them (past the first phase,
    portage passes only its whitelist), so they are read the same way
    (_make_conf)."""
    settings = _make_conf(env)
    paths = [settings.get("BINPKG_GPG_SIGNING_GPG_HOME")]
    try:
        words = shlex.split(settings.get("BINPKG_GPG_SIGNING_BASE_COMMAND")
                            or "")
    except ValueError:
        words = []
    if words and os.path.basename(words[0]) == "flock":
        words = iter(words[1:])
        for word in words:
            if word in FLOCK_VALUED:
                next(words, None)
            elif not word.startswith("-"):
                paths.append(os.path.dirname(os.path.normpath(word)))
                break
    return [p for p in paths if p]


def host_tmp_paths(env, top="/tmp"):
    """The paths below top (/tmp) that a phase's environment names
    (portage's tree, PORTAGE_TMPDIR, EPREFIX, the repositories: every
    value, split at colons and white space, but SANDBOX_*'s, which list
    what a phase may write, not what it needs). Portage on a tmpfs
    PORTAGE_TMPDIR and portage's own test playgrounds live there."""
    paths = []
    # a word below top starts with this, so a value without it (most of
    # a phase's ~350) names none: not split (once per spawn)
    below = top.rstrip("/") + "/"
    for name, value in env.items():
        if (not isinstance(value, str) or below not in value
                or name.startswith("SANDBOX_")):
            continue
        for word in value.replace(":", " ").split():
            if word.startswith(below) and word not in paths:
                paths.append(word)
    return paths


# where a root phase's temporary directory of its own (a tmpfs) may go,
# in order: programs (Python's tempfile, without TMPDIR) look there
PRIVATE_TMP_DIRS = ("/tmp", "/var/tmp")


def private_tmp(env):
    """Where a root phase gets a temporary directory of its own (a
    tmpfs in the view): /tmp, unless its environment names paths below
    the host's /tmp (host_tmp_paths), which a tmpfs would hide; then
    the host's /tmp is read-only in the view but for writable_paths(),
    and the tmpfs goes on /var/tmp if nothing is named below that
    (None: neither)."""
    for top in PRIVATE_TMP_DIRS:
        if not host_tmp_paths(env, top):
            return top
    return None


def resolv_conf_binds(resolv_conf="/etc/resolv.conf"):
    """A root spawn's view has an empty /run (the helper's safe default:
    root's daemons' sockets are not there): where resolv_conf links into
    it (systemd-resolved's stub-resolv.conf), the file it names, bound
    read-only, so that names still resolve. The file alone, not its
    directory, which holds resolved's socket too."""
    target = os.path.realpath(resolv_conf)
    if (target != resolv_conf and _below(target, "/run")
            and os.path.isfile(target)):
        return [("ro-bind", target)]
    return []


def writable_paths(env, tmp=False):
    """What a root phase may write in the read-only view: its own
    directories (${PORTAGE_BUILDDIR} and its parent, ${T}, ${D},
    ${HOME}, ${WORKDIR}, ${PORTAGE_TMPDIR}/portage, PKGDIR's for the
    package phase: _portage_dirs) and the SANDBOX_WRITE of its
    environment, those that exist, each once (not below another). Left
    out: /dev and /proc (the view has its own /dev: null, zero, full,
    tty, ptmx, pts, shm, the fd links), the phase's private temporary
    directory and what is below it (private_tmp(): a tmpfs, written,
    but nothing lands on the host), /tmp, /var/tmp and / themselves.
    tmp: private_tmp(env) when the caller has it already."""
    chosen = []
    candidates = _portage_dirs(env) + _colon_list(env.get("SANDBOX_WRITE"))
    if tmp is False:
        tmp = private_tmp(env)
    for path in sorted(candidates, key=len):
        if (path in ("/",) + PRIVATE_TMP_DIRS
                or any(_below(path, top) for top in ("/dev", "/proc"))
                or (tmp and _below(path, tmp))
                or any(_below(path, top) for top in chosen)
                or not os.path.exists(path)):
            continue
        chosen.append(path)
    return [p for p in candidates if p in chosen]


# Gentoo's defaults that are the host's shared temporary directories: a
# root phase (which keeps CAP_FSETID) must not leave a setuid file there
# to outlive the build; it gets a /tmp of its own instead
HOST_TMP_DIRS = ("/tmp", "/var/tmp", "/usr/tmp")


def sandbox_options(env, root=False):
    """The kernel sandbox's options for a FEATURES=sandbox phase, from
    its environment: --sandbox-write for SANDBOX_WRITE, Gentoo's
    defaults (for a root phase without the host's temporary
    directories, HOST_TMP_DIRS) and portage's directories; --sandbox-predict for
    SANDBOX_PREDICT, ${HOME} and PORTAGE_GPG_DIR; --sandbox-read and
    --sandbox-deny for SANDBOX_READ and SANDBOX_DENY; --sandbox-log
    SANDBOX_LOG; --sandbox-grants, since portage's addwrite and
    addpredict widen them while the phase runs."""
    home = env.get("HOME")
    defaults = [path for path in SANDBOX_DEFAULT_WRITE
                if not (root and path in HOST_TMP_DIRS)]
    write = (_colon_list(env.get("SANDBOX_WRITE"))
             + defaults + _portage_dirs(env)
             + _colon_list(home and os.path.join(home, ".bash_history")))
    predict = (_colon_list(env.get("SANDBOX_PREDICT")) + _colon_list(home)
               + _colon_list(env.get("PORTAGE_GPG_DIR")))
    options = []
    for option, paths in (("sandbox-write", write),
                          ("sandbox-predict", predict),
                          ("sandbox-read",
                           _colon_list(env.get("SANDBOX_READ"))),
                          ("sandbox-deny",
                           _colon_list(env.get("SANDBOX_DENY")))):
        for path in paths:
            if (option, path) not in options:
                options.append((option, path))
    if env.get("SANDBOX_LOG"):
        options.append(("sandbox-log", env["SANDBOX_LOG"]))
    options.append(("sandbox-grants", None))
    return options


def _host_root():
    return os.getuid() == 0


def caller_caps():
    """The capabilities of ALL_CAPS this process has (effective): what a
    live phase keeps (the helper refuses to keep one the caller lacks,
    as in a container without cap_sys_resource)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("CapEff:"):
                    mask = int(line.split()[1], 16)
                    return tuple(name for bit, name in enumerate(ALL_CAPS)
                                 if mask >> bit & 1)
    except OSError:
        pass
    return ()


def _keep(names):
    """--cap-keep of those of names this process has (none: no option)."""
    have = caller_caps()
    kept = [name for name in names if name in have]
    return [("cap-keep", ",".join(kept))] if kept else []


def phase_kind(phase, kwargs, host_root=None):
    """Which sandbox a phase gets (README.md's phase table): "caller"
    (portage not run by root: nothing to drop), "userpriv" (uid given),
    "live" (writes the live system), "image" (root, builds the image)
    or "root" (any other root phase)."""
    if host_root is None:
        host_root = _host_root()
    uid = kwargs.get("uid")
    if not host_root:
        return "caller"
    if uid not in (None, 0):
        return "userpriv"
    if phase in LIVE_PHASES:
        return "live"
    if phase in IMAGE_PHASES:
        return "image"
    return "root"


def phase_options(phase, kwargs, env, sandbox=False, host_root=None):
    """The helper options (a list of (option, value) pairs, value None
    for a flag) for one ebuild phase (EBUILD_PHASE, None for
    misc-functions.sh) spawned with portage's kwargs in env; with
    sandbox (spawn_sandbox), the kernel sandbox's too. Namespaces are
    not among them: they stay as portage's kwargs ask."""
    kind = phase_kind(phase, kwargs, host_root)
    options = []
    if kind == "userpriv":
        options.append(("seccomp-profile", "build"))
    elif kind == "live":
        # root on the host, as portage runs these: the view would refuse
        # what they are for (ldconfig, useradd, eselect, setcap)
        options += [("unsafe-writable-host", None)]
        options += _keep(ALL_CAPS)
        options.append(("seccomp-profile", "none"))
        if not kwargs.get("unshare_pid"):
            # portage's global pid phases: a daemon a postinst starts
            # outlives it
            options.append(("unsafe-share-pids", None))
    elif kind in ("image", "root"):
        image = kind == "image"
        options += _keep(IMAGE_CAPS if image else ROOT_CAPS)
        options.append(("seccomp-profile", "install" if image else "build"))
        tmp = private_tmp(env)
        if tmp:
            options.append(("tmpfs", tmp))
        options += [("writable", path) for path in writable_paths(env, tmp)]
        options += resolv_conf_binds()
    if sandbox:
        options += sandbox_options(env, root=kind in ("image", "root"))
    return options


# doebuild's spawn (portage.package.ebuild.doebuild.spawn) starts every
# ebuild phase: _doebuild_spawn's ebuild.sh phases (EbuildProcess, the
# depend phase of EbuildMetadataPhase, nofetch), misc-functions.sh
# (MiscFunctionsProcess) and portage.spawn's callers. It always names
# the process "[CPV] bash", "[CATEGORY/PF] sandbox" or "[...] fakeroot"
# (opt_name) and starts it through spawn_bash, spawn_sandbox or
# spawn_fakeroot, which pass that name on. Nothing else in portage
# gives an opt_name of that shape (spawn_bash's own default is the
# command's first word), so the name, not the environment, says what
# is a phase: portage hands its whole settings (PORTAGE_BUILDDIR,
# sometimes EBUILD_PHASE) to spawns that are none (the binhost fetcher,
# the binary package extractors).
DOEBUILD_OPT_NAME = re.compile(r"\[[^\n]*\] (bash|sandbox|fakeroot)\Z")


def is_phase(kwargs):
    """Whether portage's spawn with kwargs is an ebuild phase: started
    by doebuild's spawn (its opt_name, DOEBUILD_OPT_NAME)."""
    name = kwargs.get("opt_name")
    return isinstance(name, str) and bool(DOEBUILD_OPT_NAME.match(name))


def _view(env, paths):
    """A root spawn's read-only view with paths writable (those that
    exist) and a temporary directory of its own (private_tmp)."""
    options = []
    tmp = private_tmp(env)
    if tmp:
        options.append(("tmpfs", tmp))
    for path in _colon_list(":".join(p for p in paths if p)):
        if os.path.exists(path) and not (tmp and _below(path, tmp)):
            options.append(("writable", path))
    return options + resolv_conf_binds()


def _quickpkg_paths(env):
    """quickpkg's: PKGDIR (made here if missing, as quickpkg's
    ensure_dirs would make it first thing, as root: so that it can be
    bound writable) and with FEATURES=binpkg-signing the signing paths
    (signing_paths)."""
    paths = [env.get("PKGDIR")]
    if env.get("PKGDIR"):
        try:
            os.makedirs(env["PKGDIR"], exist_ok=True)
        except OSError:
            pass
    if "binpkg-signing" in (env.get("FEATURES") or "").split():
        paths += signing_paths(env)
    return paths


def _binrepo_locations(env):
    """The ``location`` of each binhost repository in
    ${PORTAGE_CONFIGROOT}/etc/portage/binrepos.conf, read with portage's
    own reader (portage.binrepo.config.BinRepoConfigLoader, as bintree
    reads it; without portage loaded, none)."""
    if "portage" not in sys.modules:
        return []
    try:
        loader = importlib.import_module(
            "portage.binrepo.config").BinRepoConfigLoader
        conf = importlib.import_module("portage.const").BINREPOS_CONF_FILE
        repos = loader([os.path.join(env.get("PORTAGE_CONFIGROOT") or "/",
                                     conf)], env)
        return [repo.location for repo in repos.values() if repo.location]
    except Exception:  # noqa: BLE001  portage's errors: nothing recognised
        return []


def binpkg_dirs(env):
    """Where portage keeps binary packages, from a spawn's environment
    (portage's settings): PKGDIR, ${EPREFIX}/var/cache/binhost (where
    a binrepos.conf repository without a location of its own keeps its
    packages) and the locations binrepos.conf names."""
    dirs = [env.get("PKGDIR"),
            os.path.join(env.get("EPREFIX") or "/", "var/cache/binhost")]
    dirs += _binrepo_locations(env)
    return [d for d in dirs if d and d.startswith("/")]


# bintree's names of a binary package (getname: .tbz2 and .xpak for
# xpak, .gpkg.tar); its fetcher downloads to that name + ".partial"
BINPKG_SUFFIXES = (".tbz2", ".xpak", ".gpkg.tar")
PARTIAL = ".partial"


def binpkg_download(words, env):
    """The directory that portage's binary package fetcher downloads
    into, or None. BinpkgFetcher runs FETCHCOMMAND (RESUMECOMMAND) with
    ${DISTDIR}/${FILE} expanded to its download, the package's path +
    ".partial", in a directory it has just made (ensure_dirs). Recognised
    from the arguments: a word (or an --option=VALUE's value) naming a
    binary package's .partial file whose directory exists below
    binpkg_dirs(), symlinks resolved on both sides. Only there: that
    is where portage puts binary packages anyway, so a command that
    names such a file gains no more than the fetcher's own right to
    write packages; a .partial name anywhere else (/etc, /usr/bin)
    gains nothing."""
    candidates = []
    for word in words[1:]:
        if not isinstance(word, str):
            continue
        if word.startswith("-") and "=" in word:
            word = word.split("=", 1)[1]
        if (word.startswith("/") and word.endswith(PARTIAL)
                and word[:-len(PARTIAL)].endswith(BINPKG_SUFFIXES)):
            candidates.append(os.path.realpath(os.path.dirname(word)))
    if not candidates:
        return None  # binrepos.conf is read only for a likely fetcher
    tops = [os.path.realpath(d) for d in binpkg_dirs(env)]
    tops = [top for top in tops if top != "/"]
    for directory in candidates:
        if (os.path.isdir(directory)
                and any(_below(directory, top) for top in tops)):
            return directory
    return None


def tool_options(mycommand, kwargs, env, host_root=None):
    """The helper options for a spawn of portage's that is no ebuild
    phase (is_phase), None where it gets none (the read-only view of
    "Safe by default" for a root command, nothing writable):

    - portage's fetcher (fetch's _spawn_fetch: FETCHCOMMAND and its
      DISTDIR write test, with EBUILD_PHASE=fetch in the environment):
      the fetch row (phase_options: as root, DISTDIR writable too);
    - as root: quickpkg (vartree's FEATURES=unmerge-backup and
      downgrade-backup: the script or its interpreter's first argument)
      gets PKGDIR writable (_quickpkg_paths);
    - as root: the binary package fetcher (binpkg_download) gets the
      directory of its download writable, nothing else;
    - as root: portage's own steps on a build directory, the package's
      settings (PORTAGE_BUILDDIR) as environment (BinpkgExtractorAsync
      unpacking a binary package into ${D}, BinpkgEnvExtractor writing
      ${T}/environment, chpathtool, PackagePhase's copy of ${D} for
      PKG_INSTALL_MASK) get the build directory and its parent (where
      portage and ebuild-ipc take the build directory's lock) writable,
      nothing else of a phase's paths, with the image row's
      capabilities and profile: they make the image as an image phase
      does (tar -xp restores owners, setuid modes and device nodes in
      portage's 0700 directories)."""
    if host_root is None:
        host_root = _host_root()
    if env.get("EBUILD_PHASE") == "fetch":
        return phase_options("fetch", kwargs, env, host_root=host_root)
    if not host_root or kwargs.get("uid") not in (None, 0):
        return None
    words = [mycommand] if isinstance(mycommand, str) else list(mycommand)
    if any(os.path.basename(str(w).split()[0] if w else "") == "quickpkg"
           for w in words[:2]):
        return _view(env, _quickpkg_paths(env))
    download = binpkg_download(words, env)
    if download is not None:
        return _view(env, [download])
    if env.get("PORTAGE_BUILDDIR"):
        build = os.path.normpath(env["PORTAGE_BUILDDIR"])
        return (_keep(IMAGE_CAPS) + [("seccomp-profile", "install")]
                + _view(env, [build, os.path.dirname(build)]))
    return None


def spawn_arguments(mycommand, args, kwargs, sandbox=False):
    """What spawnhelper.spawn gets for portage's spawn(mycommand, *args,
    **kwargs): the options of an ebuild phase (is_phase: its
    EBUILD_PHASE's row, phase_options) or of portage's own spawns that
    are none (tool_options), with spawn_sandbox the kernel sandbox's,
    before the caller's own ``options``."""
    kwargs = dict(kwargs)
    env = args[0] if args else kwargs.get("env")
    if env is None:
        env = os.environ  # portage's spawn: the caller's environment
    if is_phase(kwargs):
        options = phase_options(env.get("EBUILD_PHASE") or None, kwargs,
                                env, sandbox)
    else:
        options = tool_options(mycommand, kwargs, env)
        if sandbox:
            # spawn_sandbox outside doebuild: sandboxed all the same
            root = _host_root() and kwargs.get("uid") in (None, 0)
            options = (options or []) + sandbox_options(env, root=root)
    if options is not None:
        given = kwargs.get("options") or []
        if isinstance(given, dict):
            given = list(given.items())
        kwargs["options"] = options + list(given)
    return mycommand, args, kwargs


def spawn(mycommand, *args, **kwargs):
    """portage.process.spawn, by spawnhelper.spawn: current portage's
    keyword arguments with portage's meaning (any other is a TypeError
    naming it); the count of large-environment warnings is portage's
    own (portage.process.env_too_large_warnings). An ebuild phase gets
    its own sandbox (phase_options)."""
    return _spawn(*spawn_arguments(mycommand, args, kwargs))


def _spawn(mycommand, args, kwargs):
    process = sys.modules.get(MODULE)
    counted = getattr(process, "env_too_large_warnings", None)
    if counted is not None:
        spawnhelper.env_too_large_warnings = counted
    try:
        return spawnhelper.spawn(mycommand, *args, **kwargs)
    finally:
        if counted is not None:
            process.env_too_large_warnings = \
                spawnhelper.env_too_large_warnings


def _bash():
    const = sys.modules.get("portage.const")
    return getattr(const, "BASH_BINARY", "/bin/bash")


def spawn_sandbox(mycommand, opt_name=None, **keywords):
    """portage.process.spawn_sandbox: the phase's ``bash -c mycommand``
    under the helper's kernel sandbox instead of Gentoo's LD_PRELOAD
    one (sandbox_options)."""
    if not opt_name:
        opt_name = os.path.basename(mycommand.split()[0])
    keywords["opt_name"] = opt_name
    return _spawn(*spawn_arguments([_bash(), "-c", mycommand], (), keywords,
                                   sandbox=True))


_sandbox_supported = None


def sandbox_supported():
    """Whether this helper has the kernel sandbox (--sandbox-write and
    its kin): asked once of the library's option table, nothing runs."""
    global _sandbox_supported
    if _sandbox_supported is None:
        try:
            spec = spawnhelper._Spec()
            spec.option("sandbox-grants")
            _sandbox_supported = True
        except (OSError, ValueError):
            _sandbox_supported = False
    return _sandbox_supported


# what introspection shows: portage's signature and our extras
spawn.__signature__ = inspect.signature(spawnhelper.spawn)

# portage's own, as found: spawn, spawn_sandbox, sandbox_capable
_original = {}


def installed():
    """Whether portage.process.spawn is ours now."""
    process = sys.modules.get(MODULE)
    return getattr(process, "spawn", None) is spawn


def _rebind(old, new):
    """Every module-level name bound to old, bound to new."""
    for module in list(sys.modules.values()):
        if module is sys.modules.get(__name__):
            continue  # our own names stay
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for name, value in list(namespace.items()):
            if value is old:
                namespace[name] = new


def _set_capable(value):
    """portage.process.sandbox_capable and the copies portage's modules
    imported by name (portage.package.ebuild.config's): a bool cannot be
    found by identity, so by name, in portage's modules only."""
    for name, module in list(sys.modules.items()):
        if ((name == "portage" or name.startswith("portage."))
                and isinstance(getattr(module, "sandbox_capable", None),
                               bool)):
            module.sandbox_capable = value


def _patch(process):
    if process.spawn is spawn:
        return
    _original["spawn"] = process.spawn
    process.spawn = spawn
    _rebind(_original["spawn"], spawn)
    old = getattr(process, "spawn_sandbox", None)
    if old is not None and sandbox_supported():
        _original["spawn_sandbox"] = old
        _original["sandbox_capable"] = process.sandbox_capable
        process.spawn_sandbox = spawn_sandbox
        _rebind(old, spawn_sandbox)
        _set_capable(True)


class _Loader(importlib.abc.Loader):
    """portage.process's own loader, then the patch."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _patch(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != MODULE:
            return None
        # the finders after this one find it as they would have
        index = sys.meta_path.index(self)
        for finder in sys.meta_path[index + 1:]:
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find else None
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def install():
    """Route portage's spawn through spawnhelper, now if portage.process
    is loaded, else as soon as it is."""
    process = sys.modules.get(MODULE)
    if process is not None and hasattr(process, "spawn"):
        _patch(process)
        return
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def uninstall():
    """portage's own spawn back, everywhere ours was bound."""
    sys.meta_path[:] = [f for f in sys.meta_path
                        if not isinstance(f, _Finder)]
    process = sys.modules.get(MODULE)
    if process is not None and "spawn" in _original:
        process.spawn = _original["spawn"]
        _rebind(spawn, _original["spawn"])
    if process is not None and "spawn_sandbox" in _original:
        process.spawn_sandbox = _original["spawn_sandbox"]
        _rebind(spawn_sandbox, _original["spawn_sandbox"])
        _set_capable(_original["sandbox_capable"])
    _original.clear()
