# Sourced by the install scripts: apt_install PACKAGE… installs Debian packages, quietly, once asked for.
apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    echo "安装 $*（系统软件包）" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
  else
    echo "找不到 apt-get，无法安装 $*；请先用本机的包管理器安装它们" >&2; exit 1
  fi
}
