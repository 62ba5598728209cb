#!/usr/bin/env bash
# The Debian package: CPack builds it from the build folder, and the unpacked package runs codescope-cli --version,
# holds the GUI, its desktop entry, icon and valid AppStream metadata, and declares its library dependencies.
set -u
: "${BUILD:?BUILD must point at the build folder}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/e2e_support.sh"

check "cpack builds a .deb" expect_exit 0 cpack --config "$BUILD/CPackConfig.cmake" -B "$work/pkg"
deb=$(ls "$work"/pkg/*.deb 2>/dev/null | head -1)
check "the package file exists ($deb)" test -s "$deb"
check "the package unpacks" expect_exit 0 dpkg-deb -x "$deb" "$work/root"
check "the unpacked codescope-cli runs --version" bash -c "'$work/root/usr/bin/codescope-cli' --version | grep -q '^codescope-cli [0-9]'"
check "the GUI is packaged" test -x "$work/root/usr/bin/codescope"
check "no test or benchmark binaries are packaged" bash -c "! ls '$work/root/usr/bin' | grep -Eq 'test|bench'"
app=io.github.codescope.Codescope
check "desktop entry runs codescope" grep -q '^Exec=codescope' "$work/root/usr/share/applications/$app.desktop"
check "icon is installed" test -s "$work/root/usr/share/icons/hicolor/scalable/apps/$app.svg"
if command -v appstreamcli >/dev/null; then
  check "AppStream metadata validates" expect_exit 0 appstreamcli validate --no-net "$work/root/usr/share/metainfo/$app.metainfo.xml"
else
  check "AppStream metadata is installed" test -s "$work/root/usr/share/metainfo/$app.metainfo.xml"
fi
check "the package declares its library dependencies" bash -c \
  "dpkg-deb -f '$deb' Depends | grep -q libqt6widgets6 && dpkg-deb -f '$deb' Depends | grep -q libtorch"

finish
