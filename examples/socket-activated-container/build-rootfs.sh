#!/bin/sh
# Builds the tiny root filesystem the example's container runs: a statically linked busybox,
# the page it serves, an empty os-release and an empty /usr (systemd-nspawn wants both before it
# accepts a folder as an OS tree).
# Run it on every machine that may run web.socket (needs Debian's busybox-static).
#
#   build-rootfs.sh [FOLDER]     default: /var/lib/flotilla-examples/web-rootfs
set -eu
ROOTFS=${1:-/var/lib/flotilla-examples/web-rootfs}
BUSYBOX=${BUSYBOX:-/bin/busybox}

if ! [ -x "$BUSYBOX" ]; then
    echo "build-rootfs.sh: $BUSYBOX not found (apt-get install -y busybox-static)" >&2
    exit 1
fi
if command -v file >/dev/null 2>&1 && ! LC_ALL=C file -L "$BUSYBOX" | grep -q 'statically linked'; then
    echo "build-rootfs.sh: $BUSYBOX is not statically linked (install busybox-static)" >&2
    exit 1
fi
mkdir -p "$ROOTFS/bin" "$ROOTFS/www" "$ROOTFS/etc" "$ROOTFS/usr"
cp "$BUSYBOX" "$ROOTFS/bin/busybox.new"
mv "$ROOTFS/bin/busybox.new" "$ROOTFS/bin/busybox"
: > "$ROOTFS/etc/os-release"
cat > "$ROOTFS/www/index.html.new" <<'HTML'
<!doctype html>
<title>Flotilla</title>
<p>Hello from a socket-activated container run by Flotilla.</p>
HTML
mv "$ROOTFS/www/index.html.new" "$ROOTFS/www/index.html"
echo "root filesystem ready in $ROOTFS"
