#!/usr/bin/env bash
# Builds .build/dist/medic_VERSION_ARCH.deb from the tree with dpkg-deb: the files of
# `make install PREFIX=/usr`, depending on the shared libraries the binary links against (found
# by dpkg-shlibdeps: libc6, libedit2, ...) and recommending libcurl4 (the https probe opens it at
# run time). Installable offline with `dpkg -i` where those libraries are present.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*static let current = "\(.*\)"/\1/p' Sources/MedicCLI/MedicCommand.swift)
arch=$(dpkg --print-architecture)
dist=$PWD/.build/dist
root=$dist/deb-root
deb=$dist/medic_${version}_${arch}.deb

rm -rf "$root" "$deb"
make --no-print-directory install DESTDIR="$root" PREFIX=/usr ZSH_COMPLETION_DIR=/usr/share/zsh/vendor-completions >/dev/null
gzip -9n "$root/usr/share/man/man1/medic.1"
install -d "$root/usr/share/doc/medic"
gzip -9nc README.md >"$root/usr/share/doc/medic/README.md.gz"

# dpkg-shlibdeps wants a debian/control to read; give it a minimal one in a scratch folder.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: medic\n\nPackage: medic\nArchitecture: any\n' >"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O "$root/usr/bin/medic" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies for $root/usr/bin/medic" >&2; exit 1; }
case $depends in *libedit*) ;; *) echo "build-deb: medic does not link libedit? ($depends)" >&2; exit 1 ;; esac

install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: medic
Version: $version
Architecture: $arch
Maintainer: The Medic authors <medic@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Recommends: libcurl4
Section: admin
Priority: optional
Description: guided runbook assistant for on-call engineers
 Medic walks an on-call engineer through a runbook written as a YAML decision
 tree: read-only checks run by themselves and branch on what they find; actions
 run only after an explicit confirmation; everything is recorded as a
 transcript for the incident. It validates runbooks like a compiler, tests them
 against recorded incidents and runs drills with nothing executed.
 .
 The shipped runbooks (nginx 502 and its family) are in /usr/share/medic/runbooks,
 where "medic run NAME" finds them.
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "built $deb"
dpkg-deb --field "$deb" Package Version Depends Recommends
