# `lab up`: build what is missing, boot what is not running, repair what a crash left, provision.

cmd_up() {
	local t_up=$EPOCHREALTIME changes=() r name
	mkdir -p "$LAB_DIR" "$LOG_DIR"
	phase prereq; ensure_prerequisites; phase_done
	take_lock
	load_hosts_conf

	phase base; r=$(ensure_base); phase_done "$r"
	[[ $r == kept ]] || changes+=("base $r")

	phase ssh; ensure_ssh_key; write_ssh_config; phase_done

	phase network; r=$(ensure_bridge); phase_done "bridge $LAB_BRIDGE $r"
	[[ $r == kept ]] || changes+=("bridge $r")

	phase shared; r=$(ensure_shared); phase_done "/HA $r, $SHARED_SIZE"
	[[ $r == kept ]] || changes+=("shared storage $r")

	# Before the hosts: a BMC runs whether its host is on or off, like real hardware.
	phase bmc
	r=$(ensure_bmcs)
	phase_done "${#HOST_NAMES[@]} ipmi_sim on $LAB_NET.1xx:$BMC_PORT${r:+; ${r//$'\n'/; }}"
	[[ -z $r ]] || mapfile -t -O "${#changes[@]}" changes <<<"$r"

	phase hosts
	local started=() stale=()
	for name in $(running_hosts); do host_known "$name" || stale+=("$name"); done
	for name in "${stale[@]}"; do
		say "host $name is no longer in hosts.conf: stopping it and removing its disk"
		stop_host "$name"
		remove_tree "$(host_dir "$name")"
		changes+=("removed $name")
	done
	for name in "${HOST_NAMES[@]}"; do
		if host_running "$name"; then
			host_config_current "$name" && continue
			say "host $name: its configuration changed, restarting it"
			stop_host "$name"
		elif host_has_processes "$name"; then
			say "host $name: leftovers of a crashed run found, clearing them"
			kill_host "$name"
		fi
		start_host "$name"
		started+=("$name")
	done
	for name in "${started[@]}"; do wait_host_ready "$name"; done
	for name in "${HOST_NAMES[@]}"; do
		[[ " ${started[*]} " == *" $name "* ]] && continue
		r=$(repair_running_host "$name")
		[[ -z $r ]] || mapfile -t -O "${#changes[@]}" changes <<<"$r"
	done
	phase_done "started: ${started[*]:-none}; running: ${HOST_NAMES[*]}"
	((${#started[@]} == 0)) || changes+=("started ${started[*]}")

	# Hosts booted since hooks last succeeded, also by an interrupted up or faults/power-on.
	local unprovisioned=()
	for name in "${HOST_NAMES[@]}"; do [[ -e $(host_dir "$name")/provisioned ]] || unprovisioned+=("$name"); done
	phase provision
	run_provision_hooks "${unprovisioned[*]}"
	mark_provisioned
	phase_done

	warn_if_inventory_stale
	if ((${#changes[@]} == 0)); then
		say "up: nothing changed; ${#HOST_NAMES[@]} hosts running ($(elapsed_since "$t_up") s)"
	else
		say "up: ${#HOST_NAMES[@]} hosts running in $(elapsed_since "$t_up") s; changed: $(IFS=';'; echo "${changes[*]}" | sed 's/;/; /g')"
	fi
}
