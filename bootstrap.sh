#!/usr/bin/env bash
# Set up kyokun on a fresh Debian 12 machine: install the packages that are
# missing (build and test dependencies), build into build/, and convert the
# guide's worked case in samples/ into all three outputs under out/.
#
# Usage: ./bootstrap.sh        (uses sudo for apt-get when not run as root)
set -euo pipefail
cd "$(dirname "$0")"

packages=(
    # build
    build-essential cmake pkg-config gettext
    libxlsxwriter-dev libxml2-dev libzip-dev libcmocka-dev
    # tests: independent readers of our outputs and the Japanese locale
    python3 python3-openpyxl jing libreoffice-writer-nogui libreoffice-calc-nogui
    poppler-utils fonts-noto-cjk unzip zip locales groff-base
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
fi

# Japanese messages need a ja_JP.UTF-8 locale.
if ! locale -a 2>/dev/null | grep -qi '^ja_JP\.utf-\?8$'; then
    "${sudo[@]}" sed -i 's/^# *ja_JP.UTF-8 UTF-8/ja_JP.UTF-8 UTF-8/' /etc/locale.gen
    "${sudo[@]}" locale-gen >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo ${KYOKUN_CMAKE_FLAGS:-}
cmake --build build -j"$(nproc)"

mkdir -p out
build/bin/kyokun convert --force --lang ja -o out/ samples/guide-case.ja.xlsx
echo "Outputs are in out/."
