# The console of the L2 guest (testbed/l2/init) as TAP, for
# testbed/qemu-mte.sh (inside the test VM, busybox awk) and for
# scripts/harness-selftest.sh (on the host, with broken consoles):
#   awk -v mode=kselftests|nomte -v qrc=QEMU_EXIT -v list=L2_LIST \
#       -f results.awk CONSOLE
# Subtests: each kselftest result ("PROGRAM N DESCRIPTION"), each
# program's end (its exit status, all of its plan reported), then the
# guest's MTE view (kselftests: yes, nomte: no), every program of the list
# run (kselftests), the L2 kernel's log clean, the guest finished. A
# program that skips as a whole (exit 4, no result) is a skip; anything
# that cannot be read as a complete run is a failure. Exit 1 if a subtest
# failed.
function t(ok, d, skip) {
	out[++k] = (ok ? "ok " : "not ok ") k " " d (skip ? " # SKIP" : "")
	if (!ok)
		bad++
}
function end_prog(rc,    what) {
	ran[prog] = 1
	if (rc == "4" && nres == 0) {
		t(1, prog ": skipped (exit status 4)", 1)
	} else if (rc == "timeout") {
		t(0, prog ": timed out after " nres " results")
	} else if (plan == "") {
		t(0, prog ": exit status " rc ", no TAP plan")
	} else if (nres != plan) {
		t(0, prog ": exit status " rc ", " nres " of " plan " results")
	} else if (totals != "" && totals != nfail) {
		t(0, prog ": its totals say " totals " failed, " nfail " results failed")
	} else {
		# failed results are counted above; an exit that they do not
		# explain (a crash, an error before the plan) is a failure here
		what = prog ": exit status " rc
		t(rc == "0" || (rc == "1" && nfail > 0), what)
	}
	prog = ""
}
BEGIN {
	nlist = 0
	if (mode == "kselftests") {
		while ((getline l < list) > 0) {
			split(l, f, " ")
			if (f[1] != "" && f[1] !~ /^#/)
				want_run[++nlist] = f[1]
		}
		if (nlist == 0)
			t(0, "L2 list " list " unreadable or empty")
	}
}
{ sub(/\r$/, "") }
match($0, /L2:MTE (yes|no)/) { view = substr($0, RSTART + 7, RLENGTH - 7); next }
match($0, /L2:DMESG (clean|dirty)/) { dmesg = substr($0, RSTART + 9, RLENGTH - 9); next }
match($0, /L2:BEGIN [^ ]+/) {
	if (prog != "")
		t(0, prog ": no L2:END line")
	prog = substr($0, RSTART + 9, RLENGTH - 9)
	plan = ""; totals = ""; nres = 0; nfail = 0
	next
}
match($0, /L2:END [^ ]+ ([0-9]+|timeout) [0-9]+/) {
	split(substr($0, RSTART, RLENGTH), f, " ")
	if (f[2] != prog) {
		t(0, f[2] ": L2:END without its L2:BEGIN")
		prog = f[2]; plan = ""; totals = ""; nres = 0; nfail = 0
	}
	end_prog(f[3])
	next
}
/L2:DONE/ { done = 1; next }
prog != "" && /^1\.\.[0-9]+/ {
	plan = $0; sub(/^1\.\./, "", plan); sub(/[^0-9].*$/, "", plan)
	next
}
prog != "" && /^# Totals: pass:[0-9]+ fail:[0-9]+/ {
	totals = $4; sub(/^fail:/, "", totals)
	next
}
/^(not )?ok [0-9]+/ {
	ok = ($1 == "ok"); num = $(ok ? 2 : 3); d = $0
	sub(/^(not )?ok [0-9]+ */, "", d)
	if (prog == "") {
		t(0, "a TAP result outside any program: " d)
		next
	}
	skip = (d ~ /^# *SKIP/)
	sub(/^# *SKIP */, "", d)
	gsub(/#/, "-", d)
	nres++
	if (!ok)
		nfail++
	t(ok, prog " " num " " d, skip)
	next
}
END {
	if (prog != "")
		t(0, prog ": cut short (no L2:END line)")
	want = (mode == "nomte") ? "no" : "yes"
	t(view == want, "L2 guest sees MTE: " (view == "" ? "not reported" : view) " (want " want ")")
	for (i = 1; i <= nlist; i++)
		if (!(want_run[i] in ran))
			t(0, want_run[i] ": did not run")
	t(dmesg == "clean", "L2 kernel log clean: " (dmesg == "" ? "not reported" : dmesg))
	t(done && qrc == 0, "L2 guest finished (qemu exit " qrc ")")
	print "1.." k
	for (i = 1; i <= k; i++)
		print out[i]
	exit (bad > 0)
}
