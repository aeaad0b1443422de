#!/bin/sh
# containers/images/build.sh OUT BINDIR: build the images of containers/images/*/ into an OCI-like
# image layout in OUT (the OCI image-spec's image-layout.md: oci-layout, index.json, and
# blobs/sha256/HEX for every manifest, config and layer, each named by the SHA-256 of its bytes).
#   index.json -> one manifest per image (annotation org.opencontainers.image.ref.name = NAME)
#   manifest   -> its config and its layers, lowest first (manifest.md)
#   layer      -> a cpio "newc" archive of the image's folder (OCI layers are tar; cpio is what the
#                 toy OS already reads), deletions as OCI whiteouts: ".wh.NAME", ".wh..wh..opq"
# An image whose image.conf names a parent lists the parent's layers first: the same digests, so
# the blobs are shared, never copied. base also gets the OS's programs (BINDIR/NAME.elf) in /bin.
# Every file has mtime 0 and owner root: the same sources give the same digests.
set -eu
out=$1 bindir=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out/blobs/sha256"
stage=$(mktemp -d) && trap 'rm -rf "$stage"' EXIT
blob() {  # FILE MEDIATYPE -> stores FILE, prints its descriptor {mediaType, digest, size}
    h=$(sha256sum "$1" | cut -d' ' -f1)
    cp "$1" "$out/blobs/sha256/$h"
    printf '{"mediaType":"%s","digest":"sha256:%s","size":%s}' "$2" "$h" "$(stat -c %s "$1")"
}
conf() { sed -n "s/^$2=//p" "$here/$1/image.conf"; }
json_list() { first=1; printf '['; for w in "$@"; do [ $first = 1 ] || printf ','; first=0; printf '"%s"' "$w"; done; printf ']'; }
manifests=
for img in base app slim; do
    d=$stage/$img && mkdir -p "$d"
    (cd "$here/$img" && find . -type f ! -name image.conf | while read -r f; do
        mkdir -p "$d/$(dirname "$f")" && cp "$f" "$d/$f"; done)
    if [ "$img" = base ]; then
        mkdir -p "$d/bin" "$d/proc" "$d/dev" "$d/sys/fs/cgroup" "$d/tmp"
        for e in "$bindir"/*.elf; do
            n=$(basename "$e" .elf); [ "$n" = init ] || [ "$n" = ctr ] || cp "$e" "$d/bin/$n"; done
        cp "$d/bin/test" "$d/bin/["
        chmod 755 "$d/bin/"*; chmod 1777 "$d/tmp"
    fi
    find "$d" -exec touch -h -d @0 {} +
    (cd "$d" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 --reproducible) > "$stage/$img.cpio"
    layer=$(blob "$stage/$img.cpio" application/vnd.vx86.image.layer.v1.cpio)
    parent=$(conf $img parent)
    { [ -z "$parent" ] || cat "$stage/$parent.layers"; echo "$layer"; } > "$stage/$img.layers"
    diff_ids=$(grep -o 'sha256:[0-9a-f]*' "$stage/$img.layers" | sed 's/.*/"&"/' | paste -sd, -)
    printf '{"architecture":"386","os":"linux","config":{"Hostname":"%s","Env":%s,"Cmd":%s,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":[%s]}}\n' \
        "$(conf $img hostname)" "$(json_list $(conf $img env))" "$(json_list $(conf $img cmd))" "$diff_ids" > "$stage/$img.config"
    config=$(blob "$stage/$img.config" application/vnd.oci.image.config.v1+json)
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\n"config":%s,\n"layers":[%s]}\n' \
        "$config" "$(paste -sd, "$stage/$img.layers" | sed 's/},{/},\n{/g')" > "$stage/$img.manifest"
    m=$(blob "$stage/$img.manifest" application/vnd.oci.image.manifest.v1+json)
    manifests="$manifests${manifests:+,
}${m%\}},\"annotations\":{\"org.opencontainers.image.ref.name\":\"$img\"}}"
done
printf '{"imageLayoutVersion":"1.0.0"}\n' > "$out/oci-layout"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\n%s]}\n' "$manifests" > "$out/index.json"
