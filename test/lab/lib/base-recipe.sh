#!/bin/bash
# Builds the lab's base image: bash base-recipe.sh TARGET MIRROR CACHE_DIR PACKAGE...
# Everything that shapes the base is in this file or in the package lists, and both are hashed
# into the recipe (lib/base.sh), so editing either rebuilds the base on the next `up`.
set -euo pipefail
target=$1 mirror=$2 cache=$3
shift 3
packages=$(IFS=,; echo "$*")

# Two stages with dpkg's unsafe-io in between: the build is almost all dpkg, and its fsyncs
# are wasted on an image we can simply rebuild.
debootstrap --foreign --variant=minbase --cache-dir="$cache" --include="$packages" bookworm "$target" "$mirror"
echo force-unsafe-io >"$target/etc/dpkg/dpkg.cfg.d/lab-unsafe-io"
chroot "$target" /debootstrap/debootstrap --second-stage
rm "$target/etc/dpkg/dpkg.cfg.d/lab-unsafe-io"

in_base() { chroot "$target" "$@"; }

# Clones need their own identity: hostname, machine-id and ssh host keys are written per host.
rm -f "$target/etc/hostname" "$target"/etc/ssh/ssh_host_*
: >"$target/etc/machine-id"
ln -sf /etc/machine-id "$target/var/lib/dbus/machine-id"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$target/etc/hosts"
# Hosts reach nothing beyond the bridge and name each other through /etc/hosts.
echo '# lab hosts resolve each other through /etc/hosts' >"$target/etc/resolv.conf"

in_base systemctl enable systemd-networkd.service
# The HA tooling decides where these run; a fresh host runs none of them.
for unit in postgresql.service mariadb.service named.service isc-dhcp-server.service conserver-server.service \
	corosync.service pacemaker.service pcsd.service pcsd-ruby.service corosync-qdevice.service corosync-qnetd.service; do
	in_base systemctl disable "$unit"
done
# Debian's corosync.conf makes every host a one-node cluster named "debian" (and pcs refuses to
# set up a node that has one): a host is in no cluster until the role puts it in one.
rm -f "$target/etc/corosync/corosync.conf"
# Nothing may reach the outside from a lab host, so nothing should try.
in_base systemctl mask apt-daily.timer apt-daily-upgrade.timer
in_base sh -c 'systemctl list-unit-files --no-legend man-db.timer e2scrub_all.timer fstrim.timer 2>/dev/null | while read -r u _; do systemctl mask "$u"; done'

# The lab is a disposable test bed: a root login by key is how Ansible and the tests get in.
mkdir -p "$target/root/.ssh"
chmod 700 "$target/root/.ssh"

rm -rf "$target"/var/lib/apt/lists/* "$target"/var/cache/apt/*.bin "$target"/var/cache/apt/archives/*.deb
