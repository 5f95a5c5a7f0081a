# `lab down [--keep]`: stop every host and remove all the lab created outside its base image.
# Works from whatever is there (cgroups, state dirs), not from hosts.conf, so it also cleans up
# after a crash, a half-finished up, or a host since removed from the config.

known_host_names() {
	local d
	{
		for d in "$HOSTS_STATE"/*/ "$CG_V2/$LAB_CGROUP"/*/; do [[ -d $d ]] && basename "$d"; done
		true
	} | sort -u
}

cmd_down() {
	local keep=no name t_down=$EPOCHREALTIME pids=() rc=0
	[[ ${1:-} == --keep ]] && keep=yes
	[[ -n ${1:-} && $keep == no ]] && die "usage: lab down [--keep]  (--keep keeps the hosts' disks and /HA for the next up)"
	require_root
	take_lock

	# BMCs first: none may power a host on while the hosts stop.
	phase bmc; stop_bmcs; phase_done

	phase hosts
	local names
	names=$(known_host_names)
	for name in $names; do
		(stop_host "$name") &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	for name in $names; do cleanup_host_runtime "$name"; done
	local root
	for root in "${CG_ROOTS[@]}"; do
		[[ -d $root/$LAB_CGROUP ]] && find "$root/$LAB_CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	# nspawn's shared lock on the base image outlives the hosts (it cannot clean /run on disk).
	[[ -d $BASE_DIR && -z $(running_hosts) ]] && rm -f "/run/systemd/nspawn/locks/$(stat -c 'inode-%d:%i' "$BASE_DIR")"
	rmdir /run/systemd/nspawn/propagate /run/systemd/nspawn/locks /run/systemd/nspawn 2>/dev/null || true
	phase_done "${names//$'\n'/ }"

	phase ssh; close_ssh_masters; phase_done

	phase shared
	unmount_shared
	[[ $keep == yes ]] || rm -f "$SHARED_IMG"
	rmdir "$SHARED_MNT" 2>/dev/null || true
	phase_done

	phase network; remove_bridge; phase_done

	if [[ $keep == no ]]; then
		phase disks; remove_tree "$HOSTS_STATE"; phase_done
	fi
	((rc == 0)) || die "some hosts did not stop cleanly (see above)"
	local note=''
	[[ $keep == no ]] || note=' (disks and /HA kept for the next up)'
	say "down: done in $(elapsed_since "$t_down") s$note"
}
