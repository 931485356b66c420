#!/usr/bin/env bash
# A structure check of main.wxs on Linux with msitools' wixl (the real MSI needs WiX on
# Windows): builds an MSI from a copy without what wixl does not support (the
# sys.BUILDARCH check, SetProperty, Environment, the WixUI dialogs), with stand-in exes, then checks
# the tables the silent install relies on. Needs: apt-get install wixl msitools.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "check-wxs.sh: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# perl (essential on Debian): multi-line edits, byte for byte (the file is windows-1252).
perl -0pe '
    s{<\?if \$\(sys\.BUILDARCH\).*?<\?endif \?>}{<?define PlatformProgramFilesFolder = "ProgramFiles64Folder" ?>}s;
    s{<SetProperty [^>]*/>}{}g;
    s{<UI>.*?</UI>}{}s;
    s{<Environment\b[^>]*/>}{}gs;
    # wixl on Linux: forward slashes in file sources.
    s{(Source(?:File)?=\x27)([^\x27]*)}{my ($a, $b) = ($1, $2); $b =~ tr|\\\\|/|; "$a$b"}ge;
' packaging/windows/main.wxs >"$work/main.wxs"
for exe in hero-intake.exe hero-intake-cli.exe; do printf 'MZ stand-in\n' >"$work/$exe"; done
mkdir -p "$work/assets/icons"
cp assets/icons/hero-intake.ico "$work/assets/icons/"
# Relative paths: wixl resolves sources from the folder it runs in.
(cd "$work" && wixl -a x64 -D Version=0.1.0 -D CargoTargetBinDir=. -o check.msi main.wxs 2>&1 \
    | grep -v -e 'GLib-GObject-WARNING' -e '^$' || true)
[[ -f "$work/check.msi" ]] || fail "wixl did not build an MSI"

tables=$(msiinfo tables "$work/check.msi")
for t in CustomAction LaunchCondition InstallExecuteSequence Property File Shortcut; do
    grep -qx "$t" <<<"$tables" || fail "no $t table"
done
actions=$(msiinfo export "$work/check.msi" CustomAction)
grep -q 'WriteMachineSettings' <<<"$actions" || fail "no WriteMachineSettings custom action"
for word in '--environment "\[ENVIRONMENT\]"' '--practice-group-id "\[PRACTICE_GROUP_ID\]"' \
            '--locked "\[LOCKED\]"' '--base-url "\[BASE_URL\]"' '\[CommonAppDataFolder\]Hero Intake'; do
    grep -q -- "$word" <<<"$actions" || fail "the custom action does not pass $word"
done
# Captured first: msiinfo writes line by line, and a grep -q that stops reading early would
# kill it with SIGPIPE, failing the pipeline under pipefail.
sequence=$(msiinfo export "$work/check.msi" InstallExecuteSequence)
grep -q '^WriteMachineSettings	(ENVIRONMENT OR BASE_URL OR PRACTICE_GROUP_ID OR LOCKED) AND NOT (REMOVE~="ALL")	[0-9]' <<<"$sequence" \
    || fail "WriteMachineSettings is not scheduled with its condition"
[[ $(msiinfo export "$work/check.msi" LaunchCondition | grep -c 'must\|need') -ge 4 ]] \
    || fail "fewer than 4 launch conditions"
# (wixl ignores Property/@Secure: SecureCustomProperties is WiX's job on Windows.)
echo "check-wxs.sh: ok"
