#!/bin/sh
# Install the Debian packages a make target needs.  As root: apt-get installs
# what is missing.  Otherwise: print the exact command and fail.
# Usage: tools/deps.sh build|run|iso|test|bench
set -e
build="gcc binutils make python3 linux-libc-dev musl-tools"
run="$build qemu-system-x86 qemu-system-data gdb"
# faketime pins the clock grub-mkrescue reads, for a reproducible ISO.
iso="$build grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools ovmf faketime"
test="$run $iso libcmocka-dev python3 python3-pytest python3-scapy dnsmasq-base iproute2 \
iputils-ping arping curl wrk clang libclang-rt-14-dev"
bench="$test"

case "$1" in
build) want=$build ;;
run) want=$run ;;
iso) want=$iso ;;
test) want=$test ;;
bench) want=$bench ;;
*) echo "deps.sh: unknown group '$1'" >&2; exit 2 ;;
esac

# One dpkg-query for the lot: packages it does not know are missing too.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $want 2>/dev/null |
            awk '/ install ok installed$/ { print $1 }')
missing=""
for p in $want; do
    case " $(echo $installed) " in
    *" $p "*) ;;
    *) case " $missing " in *" $p "*) ;; *) missing="$missing $p" ;; esac ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
    echo "deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends $missing >/dev/null
else
    echo "Missing Debian packages. Run:" >&2
    echo "  sudo apt-get install$missing" >&2
    exit 1
fi
