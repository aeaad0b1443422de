#!/bin/sh
# Install the Debian 12 packages vx86 needs to build, test and benchmark, on a machine that
# starts with little more than make and git.
#
#   scripts/install-deps.sh                     install (needs root; uses sudo if available)
#   scripts/install-deps.sh --check-or-install  quiet if everything is there; otherwise install
#                                               when root, or print the sudo command and fail
#   scripts/install-deps.sh --list              print the package names
set -eu

# One line per purpose, so it is clear why each package is here.
PACKAGES="
clang lld gcc libc6-dev make pkg-config binutils
libelf-dev libcapstone-dev liblua5.4-dev libncurses-dev libsdl2-dev libjansson-dev
check
qemu-system-x86 qemu-user cpio
bochs bochsbios vgabios bochs-term
tmux xvfb gdb python3 parallel llvm perl
coreutils diffutils sed bsdutils
librsvg2-bin
libsdl2-ttf-dev libsdl2-image-dev zlib1g-dev fonts-dejavu-core console-setup-linux
x11-apps x11-utils xdotool imagemagick libxml2-utils libx11-dev
munge slurmctld slurmd slurm-client
nodejs
"
# npm (the Kubernetes manifest's validator, scripts/sweep/k8s-validate.sh): Debian's package, unless
# a nodejs that bundles npm is installed already (NodeSource's, which conflicts with Debian's npm).
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

missing_packages() {
    for pkg in $PACKAGES; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || printf '%s ' "$pkg"
    done
}

install_packages() {
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update
        sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
    else
        echo "install-deps: need root to install: $*" >&2
        exit 1
    fi
}

mode=${1:-install}
case "$mode" in
--list)
    echo $PACKAGES
    ;;
--check-or-install)
    missing=$(missing_packages)
    [ -z "$missing" ] && exit 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "install-deps: installing missing packages: $missing"
        # shellcheck disable=SC2086  # word splitting is wanted: one argument per package
        install_packages $missing
    else
        echo "install-deps: missing packages; install them with:" >&2
        echo "  sudo apt-get install -y --no-install-recommends $missing" >&2
        exit 1
    fi
    ;;
install)
    missing=$(missing_packages)
    if [ -z "$missing" ]; then
        echo "install-deps: all packages are installed"
        exit 0
    fi
    # shellcheck disable=SC2086
    install_packages $missing
    ;;
-h|--help)
    sed -n "2,8p" "$0" | sed 's/^# \{0,1\}//'
    ;;
*)
    echo "install-deps: unknown option '$mode' (try --help)" >&2
    exit 2
    ;;
esac
