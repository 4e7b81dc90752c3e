# Sourced by the install scripts: apt_install PACKAGE… installs Debian packages, quietly, once asked for.
apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    echo "安装 $*（系统软件包）" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    # another install on this machine holds the package lock: wait for it (up to 10 minutes) instead of failing
    local wait=(-o DPkg::Lock::Timeout=600)
    $SUDO apt-get "${wait[@]}" update -qq >/dev/null \
      && DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${wait[@]}" install -y -qq "$@" >/dev/null
  else
    echo "找不到 apt-get，无法安装 $*；请先用本机的包管理器安装它们" >&2; exit 1
  fi
}
