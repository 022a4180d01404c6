#!/bin/sh
# A holder nobody can wedge (issue 20): whatever a client, the descriptor
# limit or standard output does, the hold keeps answering others and ends
# on SIGTERM or its duration; at the end it removes only the files it
# made.  Socket clients that misbehave are python3 scripts.
. "$(dirname "$0")/lib.sh"

S=$T/ctl.sock
PY=python3
command -v "$PY" >/dev/null 2>&1 || { echo "1..0 # SKIP python3 missing (socket clients)"; exit 0; }

gone() { ! running "$1"; }

# holder ARGS...: numamem --hold with a control socket, in the background, ready
holder() {
	rm -f "$T/ready"
	"$NUMAMEM" --hold --control=unix:"$S" --ready-file="$T/ready" -q --size=2M "$@" >"$T/hold.out" 2>"$T/hold.err" &
	holder=$!
	wait_for 60 test -e "$T/ready"
}

# end_hold: SIGTERM, and the status in hold_rc (124: it did not end in 20 s)
end_hold() {
	kill -TERM "$holder" 2>/dev/null
	if wait_for 20 gone "$holder"; then wait "$holder"; hold_rc=$?; else
		kill -KILL "$holder" 2>/dev/null; wait "$holder"; hold_rc=124; fi
}

# client SCRIPT: python3 with the socket's path as sys.argv[1]
client() {
	"$PY" - "$S" "$@"
}

# 1. A client that sends and never reads: others are still answered,
#    SIGTERM still ends the hold.
check "a hold with a control socket starts" holder
client <<'X' >"$T/greedy.out" 2>&1 &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.setblocking(False)
sent, give_up = 0, time.time() + 240  # a bound: the test must not hang (slow under ASan)
try:
    while sent < 200000 and time.time() < give_up:  # ~1 GiB of answers owed, never read
        try:
            s.send(b"query\n" * 100)
            sent += 100
        except BlockingIOError:
            time.sleep(0.01)
except (BrokenPipeError, ConnectionResetError):
    print("dropped after", sent)
    sys.exit(0)
print("never dropped", sent)
X
greedy=$!
timeout 10 "$NUMAMEM" --connect="$S" query >"$T/ans" 2>"$T/cerr"
rc=$?
check "another client is answered while one never reads (status $rc)" \
	sh -c "[ $rc = 0 ] && grep -q '\"kind\":\"control\",.*,\"ok\":{\"command\":\"query\"' '$T/ans'"
wait_for 300 test -s "$T/greedy.out"
check "the client that never reads is dropped ($(cat "$T/greedy.out"))" grep -q '^dropped' "$T/greedy.out"
wait "$greedy"
end_hold
check "SIGTERM ends the hold (status $hold_rc)" [ "$hold_rc" = 0 ]
check "the socket is removed" [ ! -e "$S" ]

# 2. A NUL byte in a line: refused, not obeyed up to the NUL.
holder
client <<'X' >"$T/nul.out" 2>&1
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"quit\0junk\nquery\n")
f = s.makefile("rb")
import json
def bare(line):
    d = json.loads(line)
    return json.dumps({k: v for k, v in d.items() if k in ("ok", "error")}, separators=(",", ":"))
print(bare(f.readline()))
d = json.loads(f.readline())
print("ok query" if d.get("ok", {}).get("command") == "query" else json.dumps(d))
X
check "a line with a NUL byte is refused ($(head -n 1 "$T/nul.out"))" \
	[ "$(head -n 1 "$T/nul.out")" = '{"error":"line holds a NUL byte: refused"}' ]
check "and the next line is answered" [ "$(sed -n 2p "$T/nul.out")" = "ok query" ]
check "the hold goes on after it" kill -0 "$holder"
end_hold
check "then SIGTERM ends it (status $hold_rc)" [ "$hold_rc" = 0 ]

# 3. At the descriptor limit: a low ulimit -n still holds, and a client
#    beyond the limit is told and closed, not left waiting.
rm -f "$T/ready"
(ulimit -n 12 && exec "$NUMAMEM" --hold --control=unix:"$S" --ready-file="$T/ready" -q --size=2M) \
	>"$T/hold.out" 2>"$T/hold.err" &
holder=$!
wait_for 60 test -e "$T/ready"
check "ulimit -n 12: the hold starts and waits ($(head -c 200 "$T/hold.err"))" kill -0 "$holder"
client <<'X' >"$T/emfile.out" 2>&1
import socket, sys
socks, seen = [], {}
for i in range(12):                 # more than the limit leaves free
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    socks.append(s)
for s in socks:                     # each is answered or told, none waits
    try:
        s.sendall(b"query\n")
        line = s.makefile("rb").readline().decode()
        what = "ok" if ',"ok":{' in line else line.strip() or "closed"
    except socket.timeout:
        what = "timeout"
    except (BrokenPipeError, ConnectionResetError):
        what = "closed"
    seen[what] = seen.get(what, 0) + 1
print(" ".join("%s=%d" % kv for kv in sorted(seen.items())))
X
check "clients beyond the limit are told or closed, none waits ($(cat "$T/emfile.out"))" \
	sh -c "! grep -q 'timeout' '$T/emfile.out' && grep -q 'too many open files\|closed' '$T/emfile.out'"
timeout 10 "$NUMAMEM" --connect="$S" query >"$T/ans" 2>"$T/cerr"
rc=$?
check "once they are gone, clients are served again (status $rc)" [ "$rc" = 0 ]
end_hold
check "SIGTERM ends the hold at the limit (status $hold_rc)" [ "$hold_rc" = 0 ]

# 4. --control=stdio whose answers cannot be written: status 5.
echo query | "$NUMAMEM" --hold --control=stdio -q --size=2M >/dev/full 2>"$T/err"
rc=$?
check "--control=stdio to a full stdout: status 5 (got $rc)" [ "$rc" = 5 ]
check "with one line naming standard output ($(cat "$T/err"))" \
	sh -c "[ \"\$(wc -l <'$T/err')\" = 1 ] && grep -q '^numamem: cannot write to standard output: ' '$T/err'"

# 4b. A standard output nobody reads (a full pipe): SIGTERM still ends
#     the hold.  The witness that numamem reached the full pipe: it has
#     written nearly 64 KiB (/proc/PID/io wchar) of the answers it owes.
mkfifo "$T/in" "$T/outp"
sleep 600 <"$T/outp" &
stall=$!
"$NUMAMEM" --hold --control=stdio -q --size=2M <"$T/in" >"$T/outp" 2>"$T/err" &
holder=$!
exec 7>"$T/in"
i=0
while [ $i -lt 2000 ]; do echo query; i=$((i + 1)); done >&7
wchar() { sed -n 's/^wchar: //p' "/proc/$holder/io" 2>/dev/null; }
wait_for 60 sh -c "[ \"\$(sed -n 's/^wchar: //p' /proc/$holder/io)\" -ge 60000 ]"
check "a stalled reader: numamem filled the pipe ($(wchar) bytes written)" [ "$(wchar)" -ge 60000 ]
end_hold
check "a stalled reader of standard output: SIGTERM ends the hold (status $hold_rc)" [ "$hold_rc" = 0 ]
exec 7>&-
kill "$stall" 2>/dev/null
wait "$stall" 2>/dev/null

# 5. A hold longer than poll() can wait at once (30 days) still waits
#    with a positive timeout, and ends on SIGTERM.
if command -v strace >/dev/null 2>&1 && ! instrumented; then
	rm -f "$T/ready"
	strace -f -e trace=poll -o "$T/strace" "$NUMAMEM" --hold=30d --ready-file="$T/ready" -q --size=2M &
	holder=$!
	wait_for 60 test -e "$T/ready"
	# strace writes a call once it returns: SIGTERM ends the poll; strace
	# exits with numamem's status
	kill -TERM "$(pgrep -P "$holder" numamem)" 2>/dev/null
	if wait_for 20 gone "$holder"; then wait "$holder"; hold_rc=$?; else
		pkill -KILL -P "$holder"; kill -KILL "$holder"; wait "$holder"; hold_rc=124; fi
	timeout=$(grep -o 'poll(.*, [0-9]*, -\?[0-9]*)' "$T/strace" | head -n 1 | sed 's/.*, \(-\?[0-9]*\))$/\1/')
	check "--hold=30d: poll waits a positive time, at most a day ($timeout ms)" \
		sh -c "[ -n '$timeout' ] && [ '$timeout' -gt 0 ] && [ '$timeout' -le 86400000 ]"
	check "--hold=30d: SIGTERM ends it (status $hold_rc)" [ "$hold_rc" = 0 ]
else
	skip "--hold=30d: poll's timeout (strace missing, or numamem instrumented)"
	skip "--hold=30d: SIGTERM"
fi

# 6. Files put where numamem's were, during the hold, stay.
holder
rm -f "$S" "$T/ready"
echo "the user's" >"$S"
echo "the user's" >"$T/ready"
end_hold
check "a file put at the socket's path during the hold is left (status $hold_rc)" \
	[ "$(cat "$S" 2>/dev/null)" = "the user's" ]
check "a file put at the ready file's path during the hold is left" [ "$(cat "$T/ready" 2>/dev/null)" = "the user's" ]
rm -f "$S" "$T/ready"

done_testing
