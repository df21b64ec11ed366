#!/usr/bin/env bash
# pictures.sh: the README's screenshots, made from the real binary so they stay true.
#
# Builds cognitolab, runs it on the local lab inside tmux (HOME and XDG dirs in a temp
# dir, so nothing of yours is read or written), drives chapter 4 to mid-run at 120x40
# and presenter mode after chapter 4, captures each screen with
# `tmux capture-pane -p -e`, turns it into HTML with aha and screenshots that with
# headless chromium into docs/pictures/*.png.
#
# Needs: go, tmux, aha, chromium (apt-get install -y tmux aha chromium).
# Usage: scripts/pictures.sh [outdir]   (default docs/pictures)
# Also useful to look at any screen while working on the TUI:
#   SIZES="80x24" SCENES="chapter4-midrun" scripts/pictures.sh /tmp/pics
set -euo pipefail

cd "$(dirname "$0")/.."
out=${1:-docs/pictures}
mkdir -p "$out"
out=$(cd "$out" && pwd)

for tool in go tmux aha; do
	command -v "$tool" >/dev/null || { echo "pictures.sh: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chromium" ] || { echo "pictures.sh: chromium is missing (apt-get install -y chromium)" >&2; exit 1; }

work=$(mktemp -d)
sock="$work/tmux.sock"
cleanup() { tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "building cognitolab…"
go build -o "$work/cognitolab" ./cmd/cognitolab

t() { tmux -S "$sock" "$@"; }
screen() { t capture-pane -p -t lab; }

# keys sends each key on its own with a short pause, as a person would type.
keys() {
	for k in "$@"; do
		t send-keys -t lab "$k"
		sleep 0.2
	done
}

# wait_for polls the screen until it shows every argument (at most 60 s).
wait_for() {
	local i s ok
	for i in $(seq 1 300); do
		s=$(screen)
		ok=1
		for w in "$@"; do
			case "$s" in *"$w"*) ;; *) ok=0; break ;; esac
		done
		[ "$ok" = 1 ] && return 0
		sleep 0.2
	done
	echo "pictures.sh: the screen never showed: $*" >&2
	screen >&2
	exit 1
}

# start runs the binary in a fresh tmux session of the given size (extra args follow).
start() {
	local size=$1; shift
	t kill-server 2>/dev/null || true
	rm -rf "$work/home"
	mkdir -p "$work/home"
	t new-session -d -s lab -x "${size%x*}" -y "${size#*x}" \
		"env -i PATH=$PATH HOME=$work/home XDG_CONFIG_HOME=$work/home/.config TERM=xterm-256color COLORTERM=truecolor LANG=C.UTF-8 $work/cognitolab $*"
	wait_for "Chapters ·"
}

# chapter4 opens chapter 4 from the home screen. If an inputs form opens on the way
# (older builds opened it on the first n or c), enter goes through it with the defaults.
chapter4() {
	keys g j j j Enter
	wait_for "Login through the ALB"
}

# step_until presses n until a screen line matches the regexp (bounded), getting
# through an inputs form if one opens.
step_until() {
	local re=$1 i
	for i in $(seq 1 20); do
		screen | grep -Eq "$re" && return 0
		if screen | grep -q "Username"; then keys Enter; continue; fi
		keys n
		sleep 0.8
	done
	echo "pictures.sh: no screen line matched $re" >&2
	screen >&2
	exit 1
}

# snap captures the pane with its colours and renders it to $out/$1.png.
snap() {
	local name=$1 size=$2 cols rows
	cols=${size%x*}
	rows=${size#*x}
	sleep 0.5
	t capture-pane -p -e -t lab >"$work/$name.ans"
	# aha writes the page; the style makes it a terminal: black, monospace, no margins.
	aha --black --no-header <"$work/$name.ans" >"$work/$name.body"
	{
		echo '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
		echo 'html,body{margin:0;background:#000;color:#ddd}'
		echo 'pre{margin:0;padding:8px;font:15px/18px "DejaVu Sans Mono","Liberation Mono",monospace;white-space:pre}'
		echo '</style></head><body><pre>'
		cat "$work/$name.body"
		echo '</pre></body></html>'
	} >"$work/$name.html"
	# DejaVu Sans Mono at 15px is ~9.04px wide; 18px a row; 8px padding around.
	local w=$((cols * 905 / 100 + 24)) h=$((rows * 18 + 16))
	"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$work/chromium" \
		--screenshot="$out/$name.png" --window-size="$w,$h" \
		"file://$work/$name.html" >/dev/null 2>&1
	echo "wrote $out/$name.png"
}

sizes=${SIZES:-120x40}
scenes=${SCENES:-chapter4-midrun presenter}
for size in $sizes; do
	suffix=""
	[ "$size" = 120x40 ] || suffix="-$size"
	for scene in $scenes; do
		case $scene in
		chapter4-midrun)
			# Mid-run: the redirect to Cognito's login form, the POST /login and the
			# ALB's /oauth2/idpresponse are on screen, the app's 200 still to come.
			start "$size"
			chapter4
			step_until "[0-9] GET +302 browser → ALB +/oauth2/idpresponse"
			snap "chapter4-midrun$suffix" "$size"
			;;
		presenter)
			# Presenter mode after chapter 4: the whole timeline, the current hop's card.
			start "$size" --present
			chapter4
			keys c
			wait_for "chapter done"
			snap "presenter$suffix" "$size"
			;;
		*) echo "pictures.sh: unknown scene $scene" >&2; exit 1 ;;
		esac
	done
done
