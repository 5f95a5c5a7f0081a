# The base image: one debootstrap, reused by every host through overlay, rebuilt only when its
# recipe (lib/base-recipe.sh plus packages.d/*.list) changes.

base_packages() {
	local f
	for f in "$LAB_HOME"/packages.d/*.list; do
		[[ -e $f ]] && sed 's/#.*//' "$f"
	done | tr -s ' \t' '\n\n' | sed '/^$/d' | sort -u
}

base_recipe_hash() {
	{
		echo "suite=bookworm arch=$(dpkg --print-architecture)"
		cat "$LAB_HOME/lib/base-recipe.sh"
		base_packages
	} | sha256sum | cut -c1-16
}

# The Debian mirror this machine already uses for bookworm (XCAT_HA_LAB_MIRROR overrides).
debian_mirror() {
	if [[ -n ${XCAT_HA_LAB_MIRROR:-} ]]; then
		echo "$XCAT_HA_LAB_MIRROR"
		return
	fi
	local uri
	uri=$(
		{
			# deb822: a stanza whose Suites has bookworm; one-line: "deb [opts] URI bookworm ..."
			awk 'BEGIN { RS = ""; FS = "\n" }
				{ uri = ""; ok = 0; deb = 0
				  for (i = 1; i <= NF; i++) {
					if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
					if ($i ~ /^Suites:/ && $i ~ /[ \t]bookworm([ \t]|$)/) ok = 1
					if ($i ~ /^Types:/ && $i ~ /[ \t]deb([ \t]|$)/) deb = 1 }
				  if (ok && deb && uri != "") print uri }' /etc/apt/sources.list.d/*.sources 2>/dev/null
			sed -E -n 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+bookworm[[:space:]].*/\2/p' \
				/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
		} | head -n1
	)
	[[ -n $uri ]] || die "found no bookworm mirror in /etc/apt/sources.list{,.d}; set XCAT_HA_LAB_MIRROR=http://…/debian"
	echo "$uri"
}

base_is_current() {
	[[ -d $BASE_DIR && -f $LAB_DIR/base.recipe && $(<"$LAB_DIR/base.recipe") == "$(base_recipe_hash)" ]]
}

# Prints "kept" or "built"; builds into base.new and renames, so an interrupted build leaves no half base.
ensure_base() {
	if base_is_current; then
		echo kept
		return
	fi
	local running
	running=$(running_hosts)
	[[ -z $running ]] || die "the base recipe changed (lib/base-recipe.sh or packages.d/*.list) while hosts run ($running): run 'npm run lab:down', then 'npm run lab:up'"
	if [[ -d $HOSTS_STATE ]] && [[ -n $(ls -A "$HOSTS_STATE") ]]; then
		say "the base recipe changed: removing the stopped hosts' disks ($HOSTS_STATE), they belong to the old base"
		remove_tree "$HOSTS_STATE"
	fi
	local mirror hash log=$LOG_DIR/base-build.log
	mirror=$(debian_mirror)
	hash=$(base_recipe_hash)
	say "building the base image from $mirror (recipe $hash; log $log; takes a minute or two)"
	remove_tree "$LAB_DIR/base.new"
	mkdir -p "$LAB_DIR/debcache"
	# shellcheck disable=SC2046
	if ! bash "$LAB_HOME/lib/base-recipe.sh" "$LAB_DIR/base.new" "$mirror" "$LAB_DIR/debcache" $(base_packages) >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		die "building the base image failed; see $log"
	fi
	remove_tree "$BASE_DIR"; rm -f "$LAB_DIR/base.recipe"
	mv "$LAB_DIR/base.new" "$BASE_DIR"
	echo "$hash" >"$LAB_DIR/base.recipe"
	echo built
}
