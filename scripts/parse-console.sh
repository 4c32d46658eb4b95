#!/bin/bash
# Turn a test VM's serial console into result rows (run-vm.sh writes them
# to build/results/LABEL-MODE.tsv):
#   parse-console.sh CONSOLE LIST [QEMU_RC [SECONDS]]
# LIST is the boot's test list (NAME TIMEOUT COMMAND...; testbed/init runs
# it and prints @@BEGIN NAME ... @@END NAME RC SECONDS around each test).
# Rows, tab-separated:
#   NAME STATUS SECONDS NSUB [NOTE]
# STATUS: pass | fail | skip | timeout. NSUB: the number of kselftest TAP
# subtests the test printed, each then on its own row
#   NAME/SUBTEST STATUS - sub
# NOTE, on failures only: why the harness failed the row, or, for a test
# with subtests, that its exit status is not explained by failed subtests
# (a crash, an assertion, TAP cut short): "exit 139", "exit 1, 3 of 17
# subtests reported", "missing binary", "no @@END line", ...
# Every entry of LIST, and dmesg-clean (init's own last check), gets
# exactly one row, in list order: none or several @@END lines for it are a
# failed row. An @@END for a name not in LIST is a failed row too. Then
# vm-completed (the VM printed @@DONE), or emulator-selfcheck when it
# aborted (@@ABORT).
# Kernel messages can land in the middle of a marker line: a marker is
# found anywhere in a line, but only with all its fields intact.
set -euo pipefail
con=$1 list=$2 qrc=${3:-0} secs=${4:--}
[ -r "$con" ] || { echo "parse-console: cannot read $con" >&2; exit 1; }
[ -r "$list" ] || { echo "parse-console: cannot read $list" >&2; exit 1; }

awk -v listfile="$list" -v qrc="$qrc" -v secs="$secs" '
function flush(name,    i) {	# the subtests since @@BEGIN belong to NAME
	if (!(name in cnt)) {
		cnt[name] = 0
		if (!(name in inlist))
			extra[++nextra] = name
	}
	for (i = 1; i <= pn; i++)
		subrows[name] = subrows[name] sprintf("%s/%s\t%s\t-\tsub\n", name, psub[i], pst[i])
	nsub[name] += pn
	pn = 0; running = 0
}
function row(name, st, s, n, note) {
	printf "%s\t%s\t%s\t%s", name, st, s, n
	if (note != "")
		printf "\t%s", note
	printf "\n"
}
function emit(name,    c, note) {
	c = (name in cnt) ? cnt[name] : 0
	if (c == 1) {
		row(name, st[name], tsecs[name], nsub[name] + 0, note_of[name])
	} else {
		if (c > 1)
			note = c " @@END lines"
		else if (abort != "")
			note = "not run: the emulator self-check failed"
		else if (!done)
			note = "no @@END line: the VM did not finish its list"
		else
			note = "no @@END line (garbled console line?)"
		if (!(name in inlist))
			note = note ", not in the list"
		row(name, "fail", "-", nsub[name] + 0, note)
	}
	printf "%s", subrows[name]
}
BEGIN {
	while ((getline l < listfile) > 0) {
		split(l, f, " ")
		if (f[1] == "" || f[1] ~ /^#/ || f[3] == "")
			continue
		if (!(f[1] in inlist))
			order[++n] = f[1]
		inlist[f[1]] = 1
	}
	close(listfile)
	order[++n] = "dmesg-clean"
	inlist["dmesg-clean"] = 1
}
match($0, /@@BEGIN [^ ]+/) {
	if (running)
		flush(cur)
	cur = substr($0, RSTART + 8, RLENGTH - 8)
	running = 1; pn = 0; nfail = 0; plan = ""
	next
}
running && /^1\.\.[0-9]+/ {
	plan = $0; sub(/^1\.\./, "", plan); sub(/[^0-9].*$/, "", plan)
	next
}
running && /^(not )?ok [0-9]+/ {
	line = $0; s = (line ~ /^not ok/) ? "fail" : "pass"
	sub(/^(not )?ok /, "", line)
	num = line; sub(/[^0-9].*$/, "", num)
	sub(/^[0-9]+ */, "", line)
	if (line ~ /^# *(SKIP|skip)/) {
		# kselftest: "ok N # SKIP NAME: why"
		s = "skip"; sub(/^# *(SKIP|skip) */, "", line); sub(/:.*$/, "", line)
	} else {
		if (line ~ /# *(SKIP|skip)/)
			s = "skip"
		sub(/ *#.*$/, "", line)
	}
	gsub(/\t/, " ", line); sub(/ +$/, "", line)
	if (line == "")
		line = num
	if (s == "fail")
		nfail++
	psub[++pn] = line; pst[pn] = s
	next
}
match($0, /@@END [^ ]+ ([0-9]+|timeout|missing) [0-9]+/) {
	split(substr($0, RSTART, RLENGTH), f, " ")
	name = f[2]; rc = f[3]
	if (!running) {
		pn = 0; nfail = 0; plan = ""
	}
	k = pn
	flush(name)
	if (++cnt[name] > 1)
		next
	tsecs[name] = f[4]
	note = ""
	if (rc == "0") {
		s = "pass"
	} else if (rc == "4") {
		s = "skip"
	} else if (rc == "timeout") {
		s = "timeout"
	} else if (rc == "missing") {
		s = "fail"; note = "missing binary"
	} else {
		s = "fail"
		# exit 1 with failed subtests and the whole plan reported is
		# the failed subtests; anything else is a failure of its own
		if (!(rc == "1" && nfail > 0 && (plan == "" || k >= plan + 0)))
			note = "exit " rc
		if (plan != "" && k < plan + 0)
			note = note ", " k " of " plan " subtests reported"
	}
	st[name] = s; note_of[name] = note
	next
}
/@@ABORT/ { abort = $0 }
/@@DONE/ { done = 1 }
END {
	if (running)
		flush(cur)
	for (i = 1; i <= n; i++)
		emit(order[i])
	for (i = 1; i <= nextra; i++)
		emit(extra[i])
	if (abort != "")
		row("emulator-selfcheck", "fail", "-", 0, "")
	else if (!done)
		row("vm-completed", "fail", secs, 0, "qemu rc=" qrc)
	else
		row("vm-completed", "pass", secs, 0, "")
}' "$con"
