# `lab inventory [--write]`: inventory/lab/hosts.yml as hosts.conf says it should be.

INVENTORY_FILE=$REPO_ROOT/inventory/lab/hosts.yml

render_inventory() {
	local group name
	cat <<-'EOF'
	# The built-in lab (test/lab): generated from test/lab/hosts.conf by
	# `bash test/lab/lab inventory --write`. Edit hosts.conf, then regenerate.
	# Connection settings (the lab's key, ssh options, control sockets): group_vars/all/.
	# Every host reaches the lab network through interface host0; its virtual BMC (ipmi_sim on the
	# machine that runs the lab) answers at xcat_ha_bmc_address. BMC credentials: group_vars/all/bmc.yml.
	all:
	  children:
	EOF
	for group in $(all_groups); do
		printf '    %s:\n      hosts:\n' "$group"
		for name in "${HOST_NAMES[@]}"; do
			host_in_group "$name" "$group" || continue
			printf '        %s:\n          ansible_host: %s\n          xcat_ha_interface: %s\n          xcat_ha_bmc_address: %s\n' \
				"$name" "$(host_ip "$name")" "$LAB_IFACE" "$(bmc_ip "$name")"
		done
	done
}

inventory_current() { [[ -f $INVENTORY_FILE && $(<"$INVENTORY_FILE") == "$(render_inventory)" ]]; }

warn_if_inventory_stale() {
	inventory_current ||
		loud "inventory/lab/hosts.yml does not match test/lab/hosts.conf." \
			"Run: bash test/lab/lab inventory --write"
}

cmd_inventory() {
	load_hosts_conf
	case ${1:-} in
	--write) render_inventory >"$INVENTORY_FILE"; say "wrote $INVENTORY_FILE" ;;
	--check) inventory_current || die "inventory/lab/hosts.yml does not match hosts.conf; run: bash test/lab/lab inventory --write" ;;
	'') render_inventory ;;
	*) die "usage: lab inventory [--write|--check]" ;;
	esac
}
