# tests/e2e/scripts/segv_status.sh — a parent shell sees its children die by
# signals: a real SIGSEGV (a null-pointer read in python), a SIGSEGV sent with
# kill, and a SIGKILL. $? is 128 + the signal number.
python3 -c 'import ctypes; ctypes.string_at(0)' 2>/dev/null
echo "python null read: $?"
sh -c 'kill -SEGV $$'
echo "kill -SEGV: $?"
sh -c 'kill -KILL $$'
echo "kill -KILL: $?"
sh -c 'exit 3'
echo "exit 3: $?"
