# The lab's own ssh key and an ssh config that reaches every host by name, without prompts.

SSH_KEY=$SSH_DIR/id_ed25519
SSH_CONFIG=$SSH_DIR/config
SSH_CONTROL_DIR=$SSH_DIR/cm           # `lab ssh` control sockets
ANSIBLE_CONTROL_DIR=$SSH_DIR/ansible-cp  # Ansible's (set by inventory/lab)

ensure_ssh_key() {
	mkdir -p "$SSH_DIR" "$SSH_CONTROL_DIR"
	chmod 700 "$SSH_DIR" "$SSH_CONTROL_DIR"
	[[ -f $SSH_KEY ]] || ssh-keygen -q -t ed25519 -N '' -C "xcat-ha-lab@$(hostname)" -f "$SSH_KEY"
}

write_ssh_config() {
	local name tmp=$SSH_CONFIG.tmp
	{
		echo "# Written by test/lab/lab; use: ssh -F $SSH_CONFIG mn1"
		for name in "${HOST_NAMES[@]}"; do
			printf 'Host %s\n  HostName %s\n' "$name" "$(host_ip "$name")"
		done
		printf 'Host %s\n  HostName %s\n' "$LAB_VIP_NAME" "$LAB_VIP"
		printf 'Host %s %s.*\n' "${HOST_NAMES[*]} $LAB_VIP_NAME" "$LAB_NET"
		cat <<-EOF
		  User root
		  IdentityFile $SSH_KEY
		  IdentitiesOnly yes
		  BatchMode yes
		  StrictHostKeyChecking no
		  UserKnownHostsFile /dev/null
		  LogLevel ERROR
		  ConnectTimeout 5
		  ControlMaster auto
		  ControlPath $SSH_CONTROL_DIR/%C
		  ControlPersist 120
		EOF
	} >"$tmp"
	mv "$tmp" "$SSH_CONFIG"
}

lab_ssh() { ssh -F "$SSH_CONFIG" "$@"; }

# Ends every ssh control master the lab or Ansible left running.
close_ssh_masters() {
	local sock
	for sock in "$SSH_CONTROL_DIR"/* "$ANSIBLE_CONTROL_DIR"/*; do
		[[ -S $sock ]] || continue
		ssh -o ControlPath="$sock" -O exit lab-host >/dev/null 2>&1 || true
		rm -f "$sock"
	done
}
