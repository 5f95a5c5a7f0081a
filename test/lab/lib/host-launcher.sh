#!/bin/bash
# Runs one host: bash host-launcher.sh NAME PIDFILE CGROUP_DIR... -- NSPAWN_ARGS...
# Joins the host's own cgroups first (nspawn --keep-unit puts payload/ and supervisor/ under
# the cgroup it starts in), then boots the host again whenever it reboots (nspawn exit 133).
name=$1 pidfile=$2
shift 2
while [[ $1 != -- ]]; do
	echo "$BASHPID" >"$1/cgroup.procs" || exit 1
	shift
done
shift
echo "$BASHPID" >"$pidfile"
while :; do
	echo "lab: $(date '+%F %T') booting $name"
	systemd-nspawn "$@"
	rc=$?
	# `stop` leaves a stopping file, so a reboot racing with it does not come back.
	[[ $rc == 133 && ! -e ${pidfile%/*}/stopping ]] || { echo "lab: $(date '+%F %T') $name stopped (nspawn exit $rc)"; exit "$rc"; }
done
