# A host's own disk: the overlay upper directory over the base, and the identity and config
# written into it before boot (hostname, machine-id, ssh host keys, address, key, /etc/hosts).

host_upper() { printf '%s/upper' "$(host_dir "$1")"; }

# mkdir -p inside the upper dir, each new directory with the base's owner and mode: overlayfs
# shows the upper directory's attributes, so /root made 0755 here would be 0755 in the host.
upper_mkdir() {
	local upper=$1 rel=$2 path='' part
	for part in ${rel//\// }; do
		path+=/$part
		[[ -d $upper$path ]] && continue
		mkdir "$upper$path"
		if [[ -d $BASE_DIR$path ]]; then
			chown --reference="$BASE_DIR$path" "$upper$path"
			chmod --reference="$BASE_DIR$path" "$upper$path"
		fi
	done
}

# Writes FILE (relative to /) in the upper dir from stdin, only when its content differs.
upper_write() {
	local upper=$1 rel=$2 mode=$3 tmp
	upper_mkdir "$upper" "$(dirname "$rel")"
	tmp=$(mktemp "$upper/.lab-write.XXXXXX")
	cat >"$tmp"
	chmod "$mode" "$tmp"
	if cmp -s "$tmp" "$upper/$rel"; then rm -f "$tmp"; else mv "$tmp" "$upper/$rel"; fi
}

# The lab's block in /etc/hosts, between markers so it can be replaced without touching
# anything else a test or the HA tooling puts there.
etc_hosts_block() {
	local name
	echo "# BEGIN xcat-ha lab hosts (test/lab/hosts.conf)"
	for name in "${HOST_NAMES[@]}"; do
		printf '%s\t%s\n' "$(host_ip "$name")" "$name"
	done
	printf '%s\t%s\t# the VIP: held by the active management node\n' "$LAB_VIP" "$LAB_VIP_NAME"
	echo "# END xcat-ha lab hosts"
}

# stdin: an /etc/hosts; stdout: the same with the lab block replaced in place (or appended).
with_lab_hosts_block() {
	awk -v block="$(etc_hosts_block)" '
		/^# BEGIN xcat-ha lab hosts/ { print block; done = 1; skip = 1 }
		!skip { print }
		/^# END xcat-ha lab hosts/ { skip = 0 }
		END { if (!done) print block }'
}

# stdin: an /etc/hosts. True when its first entry for every lab name (and the VIP name) has
# the lab's address, whatever else the line says (xCAT's makehosts adds domain names).
lab_names_resolve() {
	local expected name
	expected=$(for name in "${HOST_NAMES[@]}"; do printf '%s=%s ' "$name" "$(host_ip "$name")"; done; printf '%s=%s' "$LAB_VIP_NAME" "$LAB_VIP")
	awk -v expected="$expected" '
		BEGIN { n = split(expected, pairs, " "); for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); want[kv[1]] = kv[2] } }
		{ sub(/#.*/, "") }
		NF >= 2 { for (i = 2; i <= NF; i++) if ($i in want && !($i in got)) got[$i] = $1 }
		END { for (k in want) if (got[k] != want[k]) exit 1 }'
}

network_unit() {
	cat <<-EOF
	[Match]
	Name=$LAB_IFACE

	[Network]
	Address=$(host_ip "$1")/24
	LinkLocalAddressing=no
	IPv6AcceptRA=no
	# A cut link (faults/cut-link) or an address added by hand (the VIP) must not make
	# networkd drop or reconfigure anything.
	ConfigureWithoutCarrier=yes
	IgnoreCarrierLoss=yes
	KeepConfiguration=yes
	EOF
}

# Fills the upper dir of a stopped host; idempotent, keeps identity that already exists.
prepare_host_disk() {
	local name=$1 upper
	upper=$(host_upper "$name")
	mkdir -p "$upper"
	echo "$name" | upper_write "$upper" etc/hostname 644
	if [[ ! -s $upper/etc/machine-id ]]; then
		systemd-id128 new | upper_write "$upper" etc/machine-id 444
	fi
	if ! compgen -G "$upper/etc/ssh/ssh_host_*_key" >/dev/null; then
		upper_mkdir "$upper" etc/ssh
		ssh-keygen -A -f "$upper" >/dev/null
	fi
	network_unit "$name" | upper_write "$upper" etc/systemd/network/10-$LAB_IFACE.network 644
	# the lab's key added, never replacing keys a host gained since (the MNs' keys that xCAT spreads)
	if ! grep -qxF "$(<"$SSH_KEY.pub")" "$upper/root/.ssh/authorized_keys" 2>/dev/null; then
		{ cat "$upper/root/.ssh/authorized_keys" 2>/dev/null || true; cat "$SSH_KEY.pub"; } | upper_write "$upper" root/.ssh/authorized_keys 600
	fi
	if [[ ! -f $upper/etc/hosts ]]; then
		with_lab_hosts_block <"$BASE_DIR/etc/hosts" | upper_write "$upper" etc/hosts 644
	elif ! lab_names_resolve <"$upper/etc/hosts"; then
		with_lab_hosts_block <"$upper/etc/hosts" | upper_write "$upper" etc/hosts 644
	fi
}

# Brings a running host's /etc/hosts block and root key up to date; prints what it changed.
refresh_running_host() {
	local name=$1 current wanted
	current=$( (host_exec "$name" cat /etc/hosts) 2>/dev/null) || current=''
	if ! printf '%s\n' "$current" | lab_names_resolve; then
		wanted=$(printf '%s\n' "$current" | with_lab_hosts_block)
		printf '%s\n' "$wanted" | (host_exec "$name" sh -c 'cat >/etc/hosts.lab-new && mv /etc/hosts.lab-new /etc/hosts')
		echo "$name:/etc/hosts"
	fi
	if ! (host_exec "$name" cat /root/.ssh/authorized_keys) 2>/dev/null | grep -qxF "$(<"$SSH_KEY.pub")"; then
		(host_exec "$name" sh -c 'mkdir -p -m 700 /root/.ssh && cat >>/root/.ssh/authorized_keys') <"$SSH_KEY.pub"
		echo "$name:authorized_keys"
	fi
}
