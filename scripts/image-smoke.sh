#!/usr/bin/env bash
# Proves docker/Dockerfile where no Docker engine runs (the project's machines have none).
# It reads the Dockerfile and carries it out: the build stage's COPY lines into a copy of the
# builder's /src and its `swift build` line verbatim on this machine (whose toolchain must be
# the builder image's); then the runtime stage instruction by instruction in a minimal Debian
# root (debootstrap --variant=minbase, what debian:bookworm-slim is made from): RUN under
# chroot, COPY to the same paths, ENV, USER, HEALTHCHECK, ENTRYPOINT. It then runs the entry
# point there as the image's user in a network namespace of its own and checks the health
# check, the WSDL, one lookup with the image's own binary, the test PKI generated in the TLS
# folder and a call over mutual TLS with it (the image's curl), a graceful stop, and a data
# directory bind-mounted with root as owner. An instruction it does not know fails the run, so
# the Dockerfile cannot drift away from what is smoke-tested.
#
#   sudo scripts/image-smoke.sh [--dockerfile PATH] [--work DIR] [--new-root]
#   scripts/image-smoke.sh --check      reads the Dockerfile only (a second, no root): every
#                                       instruction understood, every COPY source present, the
#                                       builder's toolchain this machine's (scripts/test.sh runs it)
#
# Work files go to .build-image/ (git ignores .build-*/): the builder's /src and its release
# build (incremental from one run to the next), the debootstrapped root kept as a tarball
# (--new-root makes it again), the image's root laid anew each run, and the logs.
# Slow (a release build, a Debian root): not part of CI. Linux only, as root.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
arguments=("$@")
dockerfile=docker/Dockerfile
work=$repo/.build-image
new_root=0
dry_run=0
while [ $# -gt 0 ]; do
    case "$1" in
        --dockerfile) dockerfile=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --new-root) new_root=1; shift ;;
        --check) dry_run=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "image-smoke: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
dockerfile=$(realpath "$dockerfile")
if [ "$dry_run" -eq 0 ]; then
    [ "$(id -u)" -eq 0 ] || { echo "image-smoke: needs root (debootstrap, chroot, namespaces)" >&2; exit 2; }
    mkdir -p "$work"
    work=$(realpath "$work")
    # Mounts (the root's /proc, a bind-mounted data directory) live in a mount namespace of
    # this run alone: they vanish with it, whatever way the script ends.
    if [ "${IMAGE_SMOKE_MOUNT_NAMESPACE:-}" != 1 ]; then
        exec unshare --mount --propagation private --fork --kill-child \
            env IMAGE_SMOKE_MOUNT_NAMESPACE=1 "$0" "${arguments[@]}"
    fi
fi

started=$SECONDS
log_dir=$work/logs
build_root=$work/builder  # the builder image's file system, as far as the Dockerfile writes it
root=$work/root           # the runtime image's file system
passed=0 failed=0

say() { echo "image-smoke: $*"; }
die() { echo "image-smoke: $*" >&2; exit 1; }
last=ok
check() {  # check NAME COMMAND...: one line per check, as the zeep check prints them; sets last
    local name=$1; shift
    if "$@"; then last=ok passed=$((passed + 1))
    else last=FAIL failed=$((failed + 1)); fi
    printf '%-4s %s\n' "$last" "$name"
}
version_matches() {  # version_matches 6.3.1 6.3: a tag names every patch release under it
    [ "$1" = "$2" ] || [[ $1 == "$2".* ]]
}
seconds() {  # a Dockerfile duration (10s, 1m, 1m30s) in whole seconds
    local text=$1 total=0 number
    while [[ $text =~ ^([0-9]+)(ms|s|m|h)(.*)$ ]]; do
        number=${BASH_REMATCH[1]}
        case "${BASH_REMATCH[2]}" in ms) number=0 ;; m) number=$((number * 60)) ;; h) number=$((number * 3600)) ;; esac
        total=$((total + number)); text=${BASH_REMATCH[3]}
    done
    [ -z "$text" ] || die "cannot read the duration $1"
    echo "$total"
}
json_words() {  # the strings of a JSON array, one a line (exec form of ENTRYPOINT, CMD, VOLUME)
    /usr/bin/python3 -c 'import json, sys; print("\n".join(json.loads(sys.argv[1])))' "$1" \
        || die "expected a JSON array of strings (exec form), got: $1"
}

# The Dockerfile's instructions, one a line: comment lines dropped, continuations joined.
instructions() {
    awk '
        /^[[:space:]]*#/ { next }
        {
            line = $0
            if (line ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", line); pending = pending line; next }
            line = pending line; pending = ""
            sub(/^[[:space:]]+/, "", line)
            if (line != "") print line
        }
        END { if (pending != "") print pending }
    ' "$dockerfile"
}

act() {  # runs its command, unless --check
    [ "$dry_run" -eq 1 ] || "$@"
}
# The log folder even with --check: the Dockerfile walk below logs into it (a fresh clone has none).
mkdir -p "$log_dir"
act mkdir -p "$build_root"
act scripts/setup.sh build image-smoke

# --- the image's file system -------------------------------------------------------------
base=$work/bookworm-minbase.tar
prepare_root() {
    if [ "$new_root" -eq 1 ] || [ ! -f "$base" ]; then
        say "debootstrap --variant=minbase bookworm (log: $log_dir/debootstrap.log)"
        rm -rf "$work/debootstrap"
        debootstrap --variant=minbase bookworm "$work/debootstrap" http://deb.debian.org/debian \
            >"$log_dir/debootstrap.log" 2>&1 || die "debootstrap failed: see $log_dir/debootstrap.log"
        tar -C "$work/debootstrap" -cf "$base.new" . && mv "$base.new" "$base"
        rm -rf "$work/debootstrap"
    fi
    # Never delete through a mount (a root's /proc, a bind-mounted folder).
    if grep -q " ${root}[/ ]" /proc/self/mountinfo; then die "$root has mounts; unmount them first"; fi
    rm -rf "$root" && mkdir -p "$root" && tar -C "$root" -xf "$base"
    # What debian:bookworm-slim has beside minbase: its APT sources (with updates and
    # security), and what Docker provides to a container: name resolution, /proc.
    rm -f "$root/etc/apt/sources.list"
    cat >"$root/etc/apt/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
    mount -t proc proc "$root/proc"
}

# --- carrying out the Dockerfile -------------------------------------------------------------
stage=0 builder_name="" build_workdir=/ workdir=/ user=root
image_env=() entrypoint=() command=() volumes=() exposed=() health_command=()
health_interval=30 health_timeout=30 health_start=0 health_retries=3

container_path() {  # container_path WORKDIR PATH: absolute in the container, a final / kept
    case "$2" in /*) echo "$2" ;; *) echo "${1%/}/$2" ;; esac
}
copy_into() {  # copy_into FS_ROOT DEST_IN_FS SOURCE...: Docker's COPY rules for files and folders
    local fs=$1 dest=$2; shift 2
    local target=$fs$dest source
    for source in "$@"; do
        [ -e "$source" ] || die "COPY: $source does not exist"
        [ "$dry_run" -eq 0 ] || continue
        if [ -d "$source" ]; then
            mkdir -p "$target"
            rsync -a --delete "$source/" "$target/"
        elif [[ $dest == */ ]] || [ -d "$target" ] || [ $# -gt 1 ]; then
            mkdir -p "$target" && rsync -a "$source" "$target/"
        else
            mkdir -p "$(dirname "$target")" && rsync -a "$source" "$target"
        fi
    done
}
user_ids() {  # uid:gid:home of USER in the image
    local name=${user%%:*}
    awk -F: -v u="$name" '$1 == u || $3 == u { print $3 ":" $4 ":" $6; found = 1 } END { exit !found }' \
        "$root/etc/passwd" || die "USER $user is not in the image's /etc/passwd"
}
in_image=()
image_command() {  # sets in_image: the command prefix that runs as USER with the image's ENV,
    # then the given VAR=VALUE pairs (as `docker run -e`), as a container's process starts
    local ids uid gid home
    ids=$(user_ids)
    uid=${ids%%:*} gid=${ids#*:} && gid=${gid%%:*} home=${ids##*:}
    in_image=(chroot --userspec="$uid:$gid" --groups="$gid" "$root" /usr/bin/env -i
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$home"
        "${image_env[@]}" "$@")
}

# The builder's own set-up: this machine's is done by the same script, its APT lists kept.
setup_line='^scripts/setup\.sh( [a-z-]+)*( *&& *rm -rf /var/lib/apt/lists/\*)?$'
build_instruction() {  # the builder stage
    local keyword=$1 args=$2
    case "$keyword" in
        WORKDIR) build_workdir=$(container_path "$build_workdir" "$args"); act mkdir -p "$build_root$build_workdir" ;;
        COPY)
            read -ra words <<<"$args"
            [[ ${words[0]} != --* ]] || die "builder COPY option ${words[0]} is not supported"
            local dest=${words[-1]} sources=()
            for source in "${words[@]:0:${#words[@]}-1}"; do sources+=("$repo/$source"); done
            copy_into "$build_root" "$(container_path "$build_workdir" "$dest")" "${sources[@]}" ;;
        RUN)
            if [[ $args =~ $setup_line ]]; then
                local purposes=${args%%&&*}
                purposes=${purposes%"${purposes##*[! ]}"}
                [ "$dry_run" -eq 0 ] || return 0
                say "builder: $purposes (on this machine; the APT lists are left alone)"
                # shellcheck disable=SC2086 # the purposes are words
                "$repo/scripts/setup.sh" ${purposes#scripts/setup.sh} </dev/null
            elif [[ $args == "swift build "* ]]; then
                [ "$dry_run" -eq 0 ] || return 0
                say "builder: $args (log: $log_dir/build.log)"
                local build_started=$SECONDS
                (cd "$build_root$build_workdir" && bash -c "$args") </dev/null >"$log_dir/build.log" 2>&1 \
                    || { tail -30 "$log_dir/build.log"; die "the build failed"; }
                say "builder: built in $((SECONDS - build_started)) s"
            else
                die "builder RUN not understood by this script: $args"
            fi ;;
        *) die "builder instruction $keyword not understood by this script" ;;
    esac
}

runtime_instruction() {  # the image's stage
    local keyword=$1 args=$2
    case "$keyword" in
        WORKDIR) workdir=$(container_path "$workdir" "$args"); act mkdir -p "$root$workdir" ;;
        COPY)
            read -ra words <<<"$args"
            local from="" dest=${words[-1]} sources=()
            local options=("${words[@]:0:${#words[@]}-1}")
            while [[ ${options[0]} == --* ]]; do
                case "${options[0]}" in
                    --from=*) from=${options[0]#--from=} ;;
                    *) die "COPY option ${options[0]} is not supported by this script" ;;
                esac
                options=("${options[@]:1}")
            done
            for source in "${options[@]}"; do
                if [ -z "$from" ]; then sources+=("$repo/$source")
                elif [ "$from" = "$builder_name" ]; then
                    [ "$dry_run" -eq 0 ] || return 0  # built by the builder: not there yet
                    sources+=("$build_root$(container_path "$build_workdir" "$source")")
                else die "COPY --from=$from: no such stage"; fi
            done
            local target
            target=$(container_path "$workdir" "$dest")
            copy_into "$root" "$target" "${sources[@]}"
            act chown -R 0:0 "$root${target%/}" ;;  # Docker's COPY gives root what it copies
        RUN)
            [ "$dry_run" -eq 0 ] || return 0
            say "image: RUN $(tr -s ' ' <<<"$args")"
            image_command
            "${in_image[@]}" /bin/sh -c "$args" </dev/null >>"$log_dir/image-run.log" 2>&1 \
                || { tail -30 "$log_dir/image-run.log"; die "RUN failed: $args"; } ;;
        ENV)
            local pair
            for pair in $args; do
                [[ $pair =~ ^[A-Za-z_][A-Za-z0-9_]*=[^\"\'\$]*$ ]] || die "ENV: only NAME=value pairs without quotes or \$ are understood: $pair"
                image_env+=("$pair")
            done ;;
        USER) user=$args; act user_ids >/dev/null ;;
        EXPOSE) read -ra exposed <<<"$args" ;;
        VOLUME) mapfile -t volumes < <(json_words "$args") ;;
        ENTRYPOINT) mapfile -t entrypoint < <(json_words "$args") ;;
        CMD) mapfile -t command < <(json_words "$args") ;;
        HEALTHCHECK)
            local rest=$args
            while [[ $rest =~ ^--([a-z-]+)=([^[:space:]]+)[[:space:]]+(.*)$ ]]; do
                case "${BASH_REMATCH[1]}" in
                    interval) health_interval=$(seconds "${BASH_REMATCH[2]}") ;;
                    timeout) health_timeout=$(seconds "${BASH_REMATCH[2]}") ;;
                    start-period) health_start=$(seconds "${BASH_REMATCH[2]}") ;;
                    retries) health_retries=${BASH_REMATCH[2]} ;;
                    *) die "HEALTHCHECK option --${BASH_REMATCH[1]} is not supported by this script" ;;
                esac
                rest=${BASH_REMATCH[3]}
            done
            [[ $rest == "CMD "* ]] || die "HEALTHCHECK: expected CMD, got: $rest"
            rest=${rest#CMD }
            if [[ $rest == "["* ]]; then mapfile -t health_command < <(json_words "$rest")
            else health_command=(/bin/sh -c "$rest"); fi ;;
        LABEL) ;;
        *) die "instruction $keyword not understood by this script" ;;
    esac
}

act truncate -s 0 "$log_dir/image-run.log"
while IFS= read -r -u 3 line; do
    keyword=${line%%[[:space:]]*}
    args=${line#"$keyword"}
    args=${args#"${args%%[![:space:]]*}"}
    keyword=${keyword^^}
    if [ "$keyword" = FROM ]; then
        stage=$((stage + 1))
        read -ra words <<<"$args"
        case "$stage" in
            1)
                [[ ${words[0]} =~ ^swift:([0-9.]+)-bookworm$ ]] || die "builder FROM ${words[0]}: expected swift:VERSION-bookworm"
                wanted=${BASH_REMATCH[1]}
                [ "${words[1]^^}" = AS ] && builder_name=${words[2]:-}
                [ -n "$builder_name" ] || die "the builder stage needs a name (FROM ... AS build)"
                have=$(swift --version 2>&1 | sed -n 's/.*Swift version \([0-9.]*\).*/\1/p' | head -1)
                check "toolchain: this machine's Swift $have is the builder image's swift:$wanted" \
                    version_matches "$have" "$wanted"
                grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release \
                    || die "the builder image is Debian bookworm; this machine is not: the binary would not be the image's" ;;
            2)
                [ "${words[0]}" = debian:bookworm-slim ] || die "runtime FROM ${words[0]}: this script lays out debian:bookworm-slim only"
                [ "$dry_run" -eq 1 ] || { say "image: FROM debian:bookworm-slim (a fresh minbase root in $root)"; prepare_root; } ;;
            *) die "a third stage is not understood by this script" ;;
        esac
    elif [ "$stage" -eq 1 ]; then build_instruction "$keyword" "$args"
    elif [ "$stage" -eq 2 ]; then runtime_instruction "$keyword" "$args"
    else die "instruction before FROM: $line"; fi
done 3< <(instructions)
[ "$stage" -eq 2 ] || die "expected two stages (builder, runtime), found $stage"
[ "${#entrypoint[@]}" -gt 0 ] || die "the image has no ENTRYPOINT"
[ "${#health_command[@]}" -gt 0 ] || die "the image has no HEALTHCHECK"
if [ "$dry_run" -eq 1 ]; then
    check "every instruction of $(basename "$dockerfile") understood, every COPY source present" true
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
fi
say "image laid out: user $user, exposes ${exposed[*]:-nothing}, volumes ${volumes[*]:-none}, entry point ${entrypoint[*]} ${command[*]}"

# --- running the image -----------------------------------------------------------------------
binary=$root${entrypoint[0]}
[[ ${entrypoint[0]} == /* ]] || binary=$root/usr/local/bin/${entrypoint[0]}
static_stdlib() { ! ldd "$binary" | grep -q libswiftCore; }
check "the binary carries the Swift runtime (--static-swift-stdlib)" static_stdlib
missing_libraries=$(chroot "$root" ldd "${binary#"$root"}" 2>&1 | grep 'not found' || true)
check "every shared library it loads is in the image${missing_libraries:+: $missing_libraries}" test -z "$missing_libraries"

# A network namespace of its own, as a container has: the port cannot clash with another
# server on this machine, and nothing outside can reach it.
unshare --net sleep 100000 &
net_holder=$!
server=""
cleanup() {
    [ -z "$server" ] || kill -KILL "$server" 2>/dev/null || true
    kill "$net_holder" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do  # until the holder is in its namespace: never run a server in this one
    [ "$(readlink "/proc/$net_holder/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.05
done
[ "$(readlink "/proc/$net_holder/ns/net")" != "$(readlink /proc/self/ns/net)" ] || die "no network namespace"
in_net() { nsenter --target "$net_holder" --net -- "$@"; }
in_net ip link set lo up

# As `docker run -e`: a port other than the image's, so that the health check must follow it,
# and the admin token a server listening beyond loopback requires.
port=18080
tls_port=18443
image_command INSI_SIM_PORT=$port INSI_SIM_TLS_PORT=$tls_port INSI_SIM_ADMIN_TOKEN=image-smoke-token
ids=$(user_ids)
owner=${ids%:*}
start_server() {  # start_server LOG: the entry point, in the background
    # nsenter, chroot and env each exec the next: $! is the server's own pid, as signals need.
    nsenter --target "$net_holder" --net -- "${in_image[@]}" "${entrypoint[@]}" "${command[@]}" \
        </dev/null >"$1" 2>&1 &
    server=$!
}
healthy() {  # as Docker waits: healthy before the start period and the retries run out
    local deadline=$((SECONDS + health_start + health_interval * health_retries))
    while [ "$SECONDS" -le "$deadline" ]; do
        kill -0 "$server" 2>/dev/null || return 1
        in_net timeout "$health_timeout" "${in_image[@]}" "${health_command[@]}" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}
stopped_with() {  # stopped_with success|failure: it ends within Docker's grace period (10 s), so
    local deadline=$((SECONDS + 10)) status=0
    while kill -0 "$server" 2>/dev/null && [ "$SECONDS" -le "$deadline" ]; do sleep 0.1; done
    kill -0 "$server" 2>/dev/null && return 1
    wait "$server" || status=$?
    server=""
    case "$1" in success) [ "$status" -eq 0 ] ;; failure) [ "$status" -ne 0 ] ;; esac
}

show_log() {  # why a server did not come up
    sed 's/^/    [log] /' "$1" | tail -5
}

start_server "$log_dir/serve.log"
check "HEALTHCHECK passes on INSI_SIM_PORT=$port (not the image's default)" healthy
[ "$last" = ok ] || show_log "$log_dir/serve.log"
wsdl=$(in_net "${in_image[@]}" curl -fsS "http://127.0.0.1:$port/lps?wsdl" 2>&1 || true)
check "the WSDL is served from the image's Resources, address BASE/lps" \
    grep -q "location=\"http://127.0.0.1:$port/lps\"" <<<"$wsdl"
lookup=$(in_net "${in_image[@]}" "${entrypoint[0]}" lookup --url "http://127.0.0.1:$port" \
    --nom ADRTROIS --prenoms DOMINIQUE --sexe F --naissance 1997-02-26 2>&1 || true)
printf '    [lookup] %s\n' "${lookup//$'\n'/$'\n'    [lookup] }"
check "a lookup with the image's binary finds INS 297022A020778" grep -q "INS: 297022A020778" <<<"$lookup"
tls_dir=$(printf '%s\n' "${image_env[@]}" | sed -n 's/^INSI_SIM_TLS_DIR=//p')
tls_generated() {
    [ -n "$tls_dir" ] && [ "$(stat -c %u:%g "$root$tls_dir/insi-auto.p12" 2>/dev/null)" = "$owner" ] \
        && [ -f "$root$tls_dir/ca.pem" ] && [ -f "$root$tls_dir/server.pem" ] && [ -f "$root$tls_dir/README.md" ]
}
check "the test PKI is generated in ${tls_dir:-(INSI_SIM_TLS_DIR unset)} by the image's user" tls_generated
cp "$repo/Tests/Fixtures/conformance/requests/traits-adrtrois-dominique.xml" "$root/tmp/image-smoke-request.xml"
mtls=$(in_net "${in_image[@]}" curl -sS --cacert "$tls_dir/ca.pem" --cert "$tls_dir/insi-auto.pem" --key "$tls_dir/insi-auto-key.pem" \
    -H 'Content-Type: application/soap+xml; charset=utf-8; action="urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"' \
    --data-binary @/tmp/image-smoke-request.xml "https://localhost:$tls_port/lps" 2>&1 || true)
check "a call over mutual TLS on INSI_SIM_TLS_PORT=$tls_port with insi-auto.pem (the image's curl) gets 00" \
    grep -q "<CodeCR>00</CodeCR>" <<<"$mtls"
[ "$last" = ok ] || printf '    [mtls] %s\n' "${mtls:0:300}"
data_dir=$(printf '%s\n' "${image_env[@]}" | sed -n 's/^INSI_SIM_DATA_DIR=//p')
written_by_user() { [ -n "$data_dir" ] && [ "$(stat -c %u:%g "$root$data_dir/lock" 2>/dev/null)" = "$owner" ]; }
check "the data directory ${data_dir:-(INSI_SIM_DATA_DIR unset)} is written by the image's user" written_by_user
kill -TERM "$server" 2>/dev/null || true
check "SIGTERM (docker stop) ends it gracefully, status 0" stopped_with success

# `docker run -v ./data:/var/lib/insi-sim/data` on a host folder Docker made: owned by root.
bind=$work/bind-data
rm -rf "$bind" && mkdir -p "$bind" && chown 0:0 "$bind" && chmod 755 "$bind"
mount --bind "$bind" "$root$data_dir"
start_server "$log_dir/serve-root-owned.log"
check "a bind-mounted data directory owned by root: refused at start, status non-zero" \
    stopped_with failure
sed -n 's/^.* critical /    [refused] /p' "$log_dir/serve-root-owned.log" | head -2
check "the refusal points at the data directory's permissions" \
    grep -q "check the permissions of the data directory" "$log_dir/serve-root-owned.log"
chown "$owner" "$bind"
start_server "$log_dir/serve-chowned.log"
check "the same folder after \`chown $owner\` (the documented fix): healthy" healthy
[ "$last" = ok ] || show_log "$log_dir/serve-chowned.log"
kill -TERM "$server" 2>/dev/null || true
stopped_with success || true
umount "$root$data_dir"

say "logs in $log_dir; took $((SECONDS - started)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
