# Reads test/lab/hosts.conf into HOST_NAMES (in file order), HOST_OCTET[name], HOST_GROUPS[name].

HOSTS_CONF=${XCAT_HA_LAB_HOSTS_CONF:-$LAB_HOME/hosts.conf}
HOST_NAMES=()
declare -A HOST_OCTET=() HOST_GROUPS=()

load_hosts_conf() {
	[[ -r $HOSTS_CONF ]] || die "cannot read $HOSTS_CONF"
	local line name octet groups extra n=0
	declare -A seen_octet=()
	while IFS= read -r line || [[ -n $line ]]; do
		n=$((n + 1))
		line=${line%%#*}
		read -r name octet groups extra <<<"$line"
		[[ -z $name ]] && continue
		local where="$HOSTS_CONF:$n"
		[[ -z $extra && -n $groups ]] || die "$where: expected 'NAME OCTET GROUPS', got: $line"
		# nspawn names the bridge-side veth vb-NAME; interface names stop at 15 characters.
		[[ $name =~ ^[a-z][a-z0-9-]{0,11}$ ]] || die "$where: host name '$name' must be a-z0-9- , start with a letter, at most 12 characters"
		[[ $octet =~ ^[1-9][0-9]$ ]] && ((octet >= 11 && octet <= 99)) ||
			die "$where: octet '$octet' must be 11-99 (.10 is the VIP; .2-.9 and .100-.254 stay free)"
		[[ $groups =~ ^[a-z_][a-z0-9_]*(,[a-z_][a-z0-9_]*)*$ ]] || die "$where: groups '$groups' must be comma-separated Ansible group names"
		[[ -z ${HOST_OCTET[$name]:-} ]] || die "$where: host $name defined twice"
		[[ -z ${seen_octet[$octet]:-} ]] || die "$where: octet $octet already used by ${seen_octet[$octet]}"
		seen_octet[$octet]=$name
		HOST_NAMES+=("$name")
		HOST_OCTET[$name]=$octet
		HOST_GROUPS[$name]=$groups
	done <"$HOSTS_CONF"
	((${#HOST_NAMES[@]} > 0)) || die "$HOSTS_CONF defines no host"
}

host_ip() { printf '%s.%s' "$LAB_NET" "${HOST_OCTET[$1]}"; }
host_known() { [[ -n ${HOST_OCTET[$1]:-} ]]; }
host_in_group() { [[ ,${HOST_GROUPS[$1]}, == *,$2,* ]]; }
# The shared storage (/HA) is mounted in every management node and every member of the MN pool.
host_has_shared() { host_in_group "$1" xcat_mn || host_in_group "$1" xcat_pool; }
require_host() { host_known "$1" || die "unknown host '$1' (hosts: ${HOST_NAMES[*]})"; }

# Names in group order of first appearance.
all_groups() {
	local name g
	declare -A seen=()
	for name in "${HOST_NAMES[@]}"; do
		for g in ${HOST_GROUPS[$name]//,/ }; do
			[[ -n ${seen[$g]:-} ]] || { seen[$g]=1; printf '%s\n' "$g"; }
		done
	done
}
