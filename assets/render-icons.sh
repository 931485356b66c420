#!/usr/bin/env bash
# Regenerate every icon render from assets/icon.svg, deterministically
# (same SVG + same tool versions => byte-identical files; no timestamps embedded).
#
# Needs: rsvg-convert (librsvg2-bin), convert (imagemagick), png2icns (icnsutils)
#   apt-get install -y --no-install-recommends librsvg2-bin imagemagick icnsutils
#
# Writes:
#   assets/icons/hicolor/<N>x<N>/apps/hero-intake.png  N = 16 24 32 48 64 128 256 512
#                                                      (freedesktop layout; installed by the .deb)
#   assets/icons/hero-intake-256.png                   window icon (include_bytes! in src/)
#   assets/icons/hero-intake.ico                       Windows: 16 24 32 48 64 256 (the sizes Windows asks for)
#   assets/icons/hero-intake.icns                      macOS:   16 32 48 128 256 512
set -euo pipefail
cd "$(dirname "$0")"

svg=icon.svg
out=icons
sizes=(16 24 32 48 64 128 256 512)

for tool in rsvg-convert convert png2icns; do
    command -v "$tool" >/dev/null || { echo "render-icons.sh: '$tool' not found (see the header of this script)" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$out"

for n in "${sizes[@]}"; do
    dir="$out/hicolor/${n}x${n}/apps"
    mkdir -p "$dir"
    # rsvg-convert writes no tIME/tEXt chunks, so the output depends only on the SVG.
    rsvg-convert --width "$n" --height "$n" --format png "$svg" --output "$dir/hero-intake.png"
done

png() { echo "$out/hicolor/$1x$1/apps/hero-intake.png"; }

cp "$(png 256)" "$out/hero-intake-256.png"

# Windows .ico: BMP entries up to 64 px, PNG-compressed 256 px entry.
# -strip and exclude-chunks keep ImageMagick from embedding dates.
ico_pngs=(); for n in 16 24 32 48 64 256; do ico_pngs+=("$(png "$n")"); done
convert "${ico_pngs[@]}" \
    -strip -define png:exclude-chunks=date,time \
    "$out/hero-intake.ico"

# macOS .icns (png2icns only accepts 16, 32, 48, 128, 256, 512 and 1024 px images).
icns_pngs=(); for n in 16 32 48 128 256 512; do icns_pngs+=("$(png "$n")"); done
png2icns "$out/hero-intake.icns" "${icns_pngs[@]}" >/dev/null

ls -l "$out/hero-intake-256.png" "$out/hero-intake.ico" "$out/hero-intake.icns"
du -sh "$out"
