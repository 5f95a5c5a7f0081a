# Paths, logging and phase timing shared by every lab command. Sourced, never run.

LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)   # test/lab
REPO_ROOT=$(cd "$LAB_HOME/../.." && pwd)
LAB_SCRIPT="$LAB_HOME/lab"
LAB_DIR=$(realpath -m "${XCAT_HA_LAB_DIR:-$REPO_ROOT/.lab}")
export XCAT_HA_LAB_DIR="$LAB_DIR"

LAB_NET=198.51.100
LAB_BRIDGE_ADDR=$LAB_NET.1
LAB_VIP=$LAB_NET.10
LAB_VIP_NAME=xcatmn-vip
LAB_BRIDGE=xhalab0
LAB_IFACE=host0                       # the interface name inside every host
# One cgroup parent per state directory, so two checkouts never touch each other's hosts.
LAB_CGROUP=xcat-ha-lab-$(printf %s "$LAB_DIR" | sha256sum | cut -c1-8)
# Pure cgroup2 (systemd's default) or hybrid (v1 name=systemd plus cgroup2 at unified/, this
# machine's layout). CG_V2 is where freeze and kill happen; CG_ROOTS get one cgroup per host each.
if [[ $(stat -fc %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]; then
	CG_V2=/sys/fs/cgroup
	CG_ROOTS=(/sys/fs/cgroup)
else
	CG_V2=/sys/fs/cgroup/unified
	CG_ROOTS=(/sys/fs/cgroup/systemd /sys/fs/cgroup/unified)
fi

BASE_DIR=$LAB_DIR/base
HOSTS_STATE=$LAB_DIR/hosts
SSH_DIR=$LAB_DIR/ssh
SHARED_IMG=$LAB_DIR/shared.img
SHARED_MNT=$LAB_DIR/shared
LOG_DIR=$LAB_DIR/logs

say() { printf 'lab: %s\n' "$*" >&2; }
# die in a $(...) subshell must also tell the main script that the error was explained:
# the subshell shares $$, so a file named after it carries the news.
LAB_EXPLAINED_FLAG=/tmp/.xcat-ha-lab-explained.$$
die() { printf 'lab: ERROR: %s\n' "$*" >&2; : >"$LAB_EXPLAINED_FLAG"; exit 1; }
explained_exit() { : >"$LAB_EXPLAINED_FLAG"; exit "$1"; }
# Under set -e a failing command ends the script: say so, rather than exit 1 in silence.
trap 'rc=$?
	if [[ $BASHPID == "$$" ]]; then
		((rc == 0)) || [[ -e $LAB_EXPLAINED_FLAG ]] ||
			printf "lab: ERROR: a command failed (exit %s); run with XCAT_HA_LAB_TRACE=1 to see which\n" "$rc" >&2
		rm -f "$LAB_EXPLAINED_FLAG"
	fi' EXIT
[[ -z ${XCAT_HA_LAB_TRACE:-} ]] || set -x
loud() {
	printf '\nlab: !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
	printf 'lab: !!! %s\n' "$@" >&2
	printf 'lab: !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
}

# phase NAME; ...; phase_done  prints how long the phase took.
PHASE_NAME='' PHASE_T0=''
phase() { PHASE_NAME=$1; PHASE_T0=$EPOCHREALTIME; }
phase_done() {
	local note=${1:-}
	printf 'lab: phase %-10s %6.2f s%s\n' "$PHASE_NAME" "$(elapsed_since "$PHASE_T0")" "${note:+  ($note)}" >&2
}
elapsed_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

# Poll CMD... every 0.1 s until it succeeds or SECONDS pass. Returns 1 on timeout.
wait_until() {
	local seconds=$1; shift
	local deadline=$((SECONDS + seconds))
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
}

require_root() {
	[[ $EUID -eq 0 ]] || die "the lab needs root (systemd-nspawn, a bridge, loop mounts, cgroups): run it as root, e.g. sudo npm run lab:up"
}

# Commands that change the lab take this lock, so two `up`/`down` never interleave.
take_lock() {
	mkdir -p "$LAB_DIR"
	exec {LAB_LOCK_FD}>"$LAB_DIR/lock"
	flock -w 600 "$LAB_LOCK_FD" || die "another lab command holds $LAB_DIR/lock"
}

# Unmounts everything mounted at or below DIR, deepest first (a crashed build can leave /proc).
unmount_under() {
	local dir
	dir=$(realpath -m "$1")
	findmnt -rn -o TARGET | awk -v d="$dir" '$0 == d || index($0, d "/") == 1' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# rm -rf that never follows a mount out of DIR's filesystem.
remove_tree() {
	[[ -e $1 ]] || return 0
	unmount_under "$1"
	rm -rf --one-file-system "$1"
}
