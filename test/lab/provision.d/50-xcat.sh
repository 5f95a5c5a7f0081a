#!/bin/bash
# Provision hook: installs the lab's xCAT double (test/lab/xcat) into every host and sets up a
# fresh cluster: mn1 the active MN (xcatd running, cluster data defined), mn2 an initialised
# standby (xcatd stopped and disabled), sn1/sn2 service nodes (xcatd running), cn1 a node.
# Idempotent: the program is copied only when it changed, and hosts that were already set up
# are left as they are (a test may have moved the MN role or the nodes since).
# Environment (from `lab up`): LAB, XCAT_HA_LAB_DIR, LAB_HOSTS.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab_home=$(dirname "$here")
: "${XCAT_HA_LAB_DIR:?run by test/lab/lab}" "${LAB_HOSTS:?run by test/lab/lab}"
ssh_config=$XCAT_HA_LAB_DIR/ssh/config
on() { local h=$1; shift; ssh -F "$ssh_config" "$h" "$@"; }
t0=$EPOCHREALTIME
step() { printf '50-xcat: %-34s %5.2f s\n' "$1" "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')"; }

bundle=$(node "$lab_home/xcat/build.mjs")
sum=$(sha256sum "$bundle" | cut -c1-64)
step "bundle built"
cost_model=real
[[ ${XCAT_LAB_COST:-} == off ]] && cost_model=off

# hosts.conf: NAME OCTET GROUPS
declare -A group_of ip_of
while read -r name octet groups; do
	[[ -z $name || $name == \#* ]] && continue
	group_of[$name]=$groups
	ip_of[$name]=198.51.100.$octet
done <"$lab_home/hosts.conf"
hosts=($LAB_HOSTS)
in_group() { [[ ,${group_of[$1]:-}, == *,$2,* ]]; }

# 1. the program and its command links, on every host, in parallel
install_on() {
	local h=$1 fresh=0
	on "$h" grep -q /opt/xcat/bin /etc/environment 2>/dev/null || fresh=1
	if ! on "$h" "sha256sum /opt/xcat/lib/xcat-double.js 2>/dev/null | cut -c1-64" | grep -qx "$sum"; then
		on "$h" "mkdir -p /opt/xcat/lib && cat > /opt/xcat/lib/xcat-double.js.new && chmod 755 /opt/xcat/lib/xcat-double.js.new && mv /opt/xcat/lib/xcat-double.js.new /opt/xcat/lib/xcat-double.js" <"$bundle"
	fi
	# Debian's conserver pointed at xCAT's file, as an admin sets up a Debian xCAT host (real
	# makeconservercf does not): the tests that use consoles on a bare MN or SN need it. The xcat_ha
	# role does it on the MNs itself; test/e2e/mn-ha.test.ts removes this link first to prove that.
	on "$h" /usr/bin/node /opt/xcat/lib/xcat-double.js install --console-link >/dev/null
	# real xCAT's time, charged by the double (test/lab/xcat/src/cost.ts): on unless XCAT_LAB_COST=off
	on "$h" "printf '%s\n' ${cost_model} > /opt/xcat/lib/cost-model"
	# sshd reads /etc/environment once per connection: a multiplexed master opened before the
	# install would keep serving the old PATH, so ask it to exit
	if ((fresh)); then ssh -F "$ssh_config" -O exit "$h" 2>/dev/null || true; fi
}
pids=()
for h in "${hosts[@]}"; do install_on "$h" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done
step "program installed on ${#hosts[@]} hosts"

# 2. every MN gets what EL's postgresql-server package gives it: the `postgresql` unit for the EL
#    data directory, disabled (Debian's own clusters set to start manually), so the standby can run
#    the shared database after a failover and pgsqlsetup only enables and starts it
for h in "${hosts[@]}"; do
	in_group "$h" xcat_mn || continue
	on "$h" /opt/xcat/sbin/xcat-double pg-unit >/dev/null &
done
wait
step "PostgreSQL unit on every MN"

mn1=
for h in "${hosts[@]}"; do
	if in_group "$h" xcat_mn && [[ -z $mn1 ]]; then mn1=$h; fi
done
[[ -n $mn1 ]] || { echo "50-xcat: no host in group xcat_mn" >&2; exit 1; }
master_ip=${ip_of[$mn1]}

# 3. management nodes: xcatconfig -i once; every MN but the first becomes a standby
for h in "${hosts[@]}"; do
	in_group "$h" xcat_mn || continue
	# either mark means xCAT is set up there (an MN pool's promotion swaps them): never again
	if on "$h" test -e /etc/xCATMN -o -e /etc/xCATSN; then continue; fi
	on "$h" /opt/xcat/sbin/xcatconfig -i >/dev/null
	if [[ $h != "$mn1" ]]; then on "$h" systemctl disable --now --quiet xcatd; fi
	step "$h initialised as MN"
done

# 4. service nodes: /etc/xCATSN, local site table naming the MN, xcatd running
for h in "${hosts[@]}"; do
	in_group "$h" xcat_sn || continue
	if on "$h" test -e /etc/xCATSN -o -e /etc/xCATMN; then continue; fi
	on "$h" /opt/xcat/sbin/xcat-double sn-init --master "$master_ip" >/dev/null
	step "$h initialised as SN"
done

# 5. every MN's root key is accepted everywhere (xCAT pushes it to the nodes it installs)
keys=$(for h in "${hosts[@]}"; do if in_group "$h" xcat_mn; then on "$h" cat /root/.ssh/id_rsa.pub; fi; done)
for h in "${hosts[@]}"; do
	printf '%s\n' "$keys" | on "$h" 'mkdir -p /root/.ssh && touch /root/.ssh/authorized_keys && while read -r k; do [ -n "$k" ] && { grep -qxF "$k" /root/.ssh/authorized_keys || echo "$k" >> /root/.ssh/authorized_keys; }; done' &
done
wait
step "MN keys accepted on every host"

# 6. the cluster, on the active MN, once; node names in its /etc/hosts every time
if ! on "$mn1" test -e /etc/xcat/.lab-cluster-data; then
	on "$mn1" /opt/xcat/sbin/xcat-double cluster-data >/dev/null
	on "$mn1" touch /etc/xcat/.lab-cluster-data
	step "cluster data defined on $mn1"
fi
on "$mn1" env XCATBYPASS=1 /opt/xcat/sbin/makehosts >/dev/null
step "done"
