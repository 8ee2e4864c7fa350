# SPDX-License-Identifier: LGPL-2.1-or-later
# spawnhelper for an overlay: copy contrib/gentoo/sys-apps into it, put
# the release tarball where SRC_URI points (or in DISTDIR) and run
# `ebuild spawnhelper-0.1.0.ebuild manifest`.
#
# What was tried, and what was not: this ebuild has not been run by
# portage on a Gentoo system (no emerge, no pkgcheck, no QA of a real
# build). Its phases were run on Debian 12 against the make dist tarball
# with stand-ins for econf (the options EAPI 8's econf passes, libdir
# lib64), emake, use_enable/use_with and the python-r1 helpers, for
# USE="python test" and USE="static": configure knew every option,
# src_test's suites passed, and the files src_install expects were
# installed (README.md, For packagers).

EAPI=8

PYTHON_COMPAT=( python3_{10..13} )
inherit python-r1

DESCRIPTION="Setuid-free sandbox helper for build commands, its library and Python binding"
# (placeholder addresses until the project has a public home)
HOMEPAGE="https://github.com/spawnhelper/spawnhelper"
SRC_URI="https://github.com/spawnhelper/spawnhelper/releases/download/v${PV}/${P}.tar.xz"

LICENSE="LGPL-2.1+"
SLOT="0"
KEYWORDS="~amd64"
IUSE="python static test"
REQUIRED_USE="python? ( ${PYTHON_REQUIRED_USE} )"
RESTRICT="!test? ( test )"

# The helper links libcap and libseccomp shared (the library links
# neither); USE=static links it static-pie against their archives (faster
# spawns, see the README's "For packagers"), so a libseccomp or libcap
# security update then needs a rebuild of this package.
# libseccomp also compiled the built-in seccomp profiles at build time
# (README.md, For packagers): := rebuilds this package when its subslot
# changes; after a libseccomp update that changes its system call tables
# or the BPF it makes, rebuild this package too.
RDEPEND="
	sys-libs/libcap:=
	sys-libs/libseccomp:=
	python? ( ${PYTHON_DEPS} )
"
DEPEND="${RDEPEND}
	static? (
		sys-libs/libcap[static-libs(+)]
		sys-libs/libseccomp[static-libs(+)]
	)
	test? ( dev-libs/check )
"
BDEPEND="virtual/pkgconfig"

src_configure() {
	# the Python modules are installed per implementation below; Check
	# only with USE=test (configure would find it by itself)
	econf \
		$(use_enable static static-helper) \
		$(use_enable static static-deps) \
		$(use_with test check) \
		--without-musl \
		--without-python-sitedir
}

src_test() {
	# The unit tests and the library's hygiene; the integration suites
	# need namespaces, cgroups and root, which portage's build
	# environment does not give.
	emake check TESTS="tests/check-options tests/check-fdmap \
		tests/check-json tests/check-symbols.sh tests/check-headers.sh \
		tests/check-stages.sh"
}

install_python() {
	python_domodule contrib/python/spawnhelper.py \
		contrib/python/spawnhelper_portage.py
	insinto "$(python_get_sitedir)"
	doins contrib/python/spawnhelper-portage.pth
}

src_install() {
	default
	find "${ED}" -name '*.la' -delete || die
	if use python; then
		python_foreach_impl install_python
	fi
}
