# Provision hooks: every executable test/lab/provision.d/*.sh, in name order, after the hosts
# answer ssh. The contract (README.md): idempotent, fast when there is nothing to do, exit
# non-zero on failure. Environment: XCAT_HA_LAB_DIR, LAB, LAB_HOSTS, LAB_CHANGED_HOSTS.

provision_hooks() {
	local f
	for f in "$LAB_HOME"/provision.d/*.sh; do
		[[ -f $f && -x $f ]] && echo "$f"
	done
	return 0
}

# run_provision_hooks "CHANGED HOSTS": prints one timing line per hook; dies on the first failure.
# CHANGED HOSTS: those booted since the hooks last succeeded (all of them on a fresh lab).
HOOKS_SKIPPED=''
run_provision_hooks() {
	local changed=$1 hook t0 rc hooks
	hooks=$(provision_hooks)
	if [[ -n ${XCAT_HA_LAB_SKIP_HOOKS:-} && ${XCAT_HA_LAB_SKIP_HOOKS} != 0 ]]; then
		loud "XCAT_HA_LAB_SKIP_HOOKS is set: provision hooks were NOT run." \
			"Skipped: $(echo "${hooks:-none}" | xargs -r -n1 basename | tr '\n' ' ')" \
			"The hosts lack whatever those hooks install (e.g. the xCAT double)."
		HOOKS_SKIPPED=1
		return 0
	fi
	for hook in $hooks; do
		t0=$EPOCHREALTIME
		rc=0
		XCAT_HA_LAB_DIR="$LAB_DIR" LAB="$LAB_SCRIPT" LAB_HOSTS="${HOST_NAMES[*]}" LAB_CHANGED_HOSTS="$changed" \
			"$hook" </dev/null >"$LOG_DIR/provision-$(basename "$hook").log" 2>&1 || rc=$?
		if ((rc != 0)); then
			tail -n 30 "$LOG_DIR/provision-$(basename "$hook").log" | sed 's/^/    | /' >&2
			loud "provision hook $(basename "$hook") FAILED (exit $rc); the hosts run but are not provisioned." \
				"Full log: $LOG_DIR/provision-$(basename "$hook").log" \
				"To bring the lab up without hooks: XCAT_HA_LAB_SKIP_HOOKS=1 npm run lab:up"
			explained_exit 1
		fi
		printf 'lab:   hook %-24s %6.2f s\n' "$(basename "$hook")" "$(elapsed_since "$t0")" >&2
	done
}

mark_provisioned() {
	local name
	[[ -n $HOOKS_SKIPPED ]] && return 0
	for name in "${HOST_NAMES[@]}"; do touch "$(host_dir "$name")/provisioned"; done
}
