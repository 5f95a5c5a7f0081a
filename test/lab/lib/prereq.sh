# Makes sure this machine has what the lab needs; installs missing Debian packages with apt-get.

# command → Debian package that provides it
declare -A LAB_TOOLS=(
	[systemd-nspawn]=systemd-container
	[debootstrap]=debootstrap
	[ip]=iproute2
	[bridge]=iproute2
	[mkfs.ext4]=e2fsprogs
	[losetup]=mount
	[nsenter]=util-linux
	[flock]=util-linux
	[ssh]=openssh-client
	[ssh-keygen]=openssh-client
	[findmnt]=util-linux
	[ipmi_sim]=openipmi   # the virtual BMCs
	[ipmitool]=ipmitool   # `status` asks each BMC for its power state
	[ss]=iproute2
)

missing_packages() {
	local tool
	for tool in "${!LAB_TOOLS[@]}"; do
		command -v "$tool" >/dev/null || printf '%s\n' "${LAB_TOOLS[$tool]}"
	done | sort -u
	[[ -r /usr/share/keyrings/debian-archive-keyring.gpg ]] || echo debian-archive-keyring
}

ensure_prerequisites() {
	require_root
	local missing
	missing=$(missing_packages | sort -u | tr '\n' ' ')
	missing=${missing% }
	if [[ -n $missing ]]; then
		command -v apt-get >/dev/null || die "missing packages: $missing (install them; this machine has no apt-get)"
		say "installing missing packages with apt-get: $missing"
		# systemd-container pins the host's systemd libraries to its own version and adds
		# 'mymachines' to /etc/nsswitch.conf; both are harmless for the lab.
		if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >"$LOG_DIR/apt-install.log" 2>&1; then
			DEBIAN_FRONTEND=noninteractive apt-get update >>"$LOG_DIR/apt-install.log" 2>&1
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >>"$LOG_DIR/apt-install.log" 2>&1 ||
				die "could not install $missing with apt-get (log: $LOG_DIR/apt-install.log); install them by hand"
		fi
	fi
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || die "this kernel has no overlayfs; the lab cannot run here"
	[[ -e /dev/loop-control ]] || modprobe loop 2>/dev/null || die "no loop devices (/dev/loop-control); the lab's shared /HA cannot be created"
	[[ -f $CG_V2/cgroup.procs ]] ||
		die "no cgroup2 hierarchy at /sys/fs/cgroup or /sys/fs/cgroup/unified; the lab cannot control its hosts"
	# faults/power-off and pause use cgroup.kill (Linux 5.14) and cgroup.freeze (5.2).
	local kernel
	kernel=$(uname -r)
	printf '%s\n5.14\n' "${kernel%%-*}" | sort -V -C -r 2>/dev/null ||
		die "Linux $kernel is older than 5.14: no cgroup.kill, the lab's power-off cannot work"
}
