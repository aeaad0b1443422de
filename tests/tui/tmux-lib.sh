# Shared helpers of the tmux-driven front-end tests (sourced; POSIX sh). The caller sets SESSION and
# SOCKET (a private tmux server per run) and the counters `passed` and `failed`.
tm() { tmux -L "$SOCKET" "$@"; }
screen() { tm capture-pane -p -t "$SESSION"; }
keys() { tm send-keys -t "$SESSION" "$@"; }

wait_for() {   # wait_for TEXT [TENTHS]: until TEXT is on the screen (default 10 s)
    i=0
    while [ $i -lt "${2:-100}" ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

wait_for_re() {   # wait_for_re REGEX [TENTHS]
    i=0
    while [ $i -lt "${2:-100}" ]; do
        screen | grep -qE -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

check() {   # check NAME TEXT: the screen shows TEXT
    if screen | grep -qF -- "$2"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $1: screen does not show '$2'"
        screen | sed 's/^/    | /'
    fi
}

check_re() {   # check_re NAME REGEX
    if screen | grep -qE -- "$2"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $1: screen does not match /$2/"
        screen | sed 's/^/    | /'
    fi
}
