#!/bin/bash
# Regenerate the fuzz seed corpora in tests/fuzz/corpus/NAME/ (NAME is a
# target without its "fuzz-" prefix) from images made by qemu-img and
# imgtool.  Seeds stay under 70 KiB each (the fuzzers run with
# -max_len=70000), so images use small clusters or are cut to 64 KiB.
#
#   tests/fuzz/make-corpus.sh     (needs qemu-img, python3, build/default/imgpoke
#                                  and ./imgtool)
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
POKE="$ROOT/build/default/imgpoke"
IMGTOOL="$ROOT/imgtool"
C="$ROOT/tests/fuzz/corpus"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

q() {
	qemu-img "$@" >/dev/null
}

# slice FILE OFFSET LENGTH [PREFIX-HEX]: bytes of FILE, after PREFIX.
slice() {
	python3 - "$@" <<'PY'
import sys
f, off, n = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
pre = bytes.fromhex(sys.argv[4]) if len(sys.argv) > 4 else b""
with open(f, "rb") as fp:
    fp.seek(off)
    sys.stdout.buffer.write(pre + fp.read(n))
PY
}

field() {
	"$POKE" "$1" dump | awk -v f="$2" '$1 == f { print $2 }'
}

ext_off() {
	"$POKE" "$1" ext | awk -v t="$2" '$2 == t { print $1; exit }'
}

peek_be() {
	echo $((16#$("$POKE" "$1" peek "$2" "$3")))
}

be32hex() {
	printf '%08x' "$1"
}

be64hex() {
	printf '%016x' "$1"
}

# luks FORMAT OPTION-PREFIX OPTIONS FILE SIZE
luks() {
	# LUKS key setup measures the CPU and now and then refuses: retry.
	for _ in 1 2 3 4 5; do
		qemu-img create -q -f "$1" --object secret,id=s0,data=seed \
			-o "$3,${2}key-secret=s0,${2}iter-time=50" "$4" "$5" \
			>/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# ---- images ------------------------------------------------------------------

head -c 3000 /dev/urandom >raw.bin
python3 -c '
import sys
sys.stdout.buffer.write(bytes(range(256)) * 64 + b"\0" * 8192 + b"\xaa" * 4096)
' >data.raw
q create -f qcow2 -o cluster_size=512 v3-512.qcow2 16M
q create -f qcow2 -o compat=0.10,cluster_size=512 v2-512.qcow2 16M
q create -f qcow2 -o cluster_size=4096 v3-4k.qcow2 64M
q create -f qcow2 -o cluster_size=4096,compression_type=zstd zstd-4k.qcow2 64M
q create -f qcow2 -o cluster_size=16k,extended_l2=on extl2-16k.qcow2 16M
q create -f qcow2 -o cluster_size=4096,refcount_bits=1,lazy_refcounts=on rc1-4k.qcow2 16M
q create -f qcow2 -o cluster_size=4096,refcount_bits=64 rc64-4k.qcow2 16M
q convert -O qcow2 -c -o cluster_size=4096 data.raw comp-4k.qcow2
q convert -O qcow2 -c -o cluster_size=4096,compression_type=zstd data.raw zcomp-4k.qcow2
q convert -O qcow2 -o cluster_size=512,compat=0.10 data.raw data-v2-512.qcow2
q create -f qcow2 -o cluster_size=512 snap-512.qcow2 16M
q snapshot -c first snap-512.qcow2
q snapshot -c second-snapshot snap-512.qcow2
q convert -O qcow2 -o cluster_size=512,compat=0.10 data.raw snap-v2-512.qcow2
q snapshot -c s snap-v2-512.qcow2
q create -f qcow2 -o cluster_size=4096 bitmap-4k.qcow2 16M
q bitmap --add bitmap-4k.qcow2 b0
q bitmap --add -g 4096 bitmap-4k.qcow2 bitmap-with-a-long-name
q bitmap --add --disable bitmap-4k.qcow2 off
q create -f qcow2 -o cluster_size=512 base.qcow2 16M
q create -f qcow2 -o cluster_size=512 -b base.qcow2 -F qcow2 over-512.qcow2
q create -f qcow2 -o cluster_size=512 -b base.raw -F raw -u over-raw-512.qcow2 16M
q create -f qcow2 -o cluster_size=4096,data_file=d.raw df-4k.qcow2 16M
q create -f qcow2 -o cluster_size=4096,data_file=d2.raw,data_file_raw=on df-raw-4k.qcow2 16M
luks qcow2 encrypt. encrypt.format=luks,encrypt.cipher-alg=aes-256,encrypt.cipher-mode=xts,cluster_size=4096 luks-xts.qcow2 16M
luks qcow2 encrypt. encrypt.format=luks,encrypt.cipher-alg=aes-128,encrypt.cipher-mode=cbc,encrypt.ivgen-alg=essiv,encrypt.ivgen-hash-alg=sha256,cluster_size=4096 luks-cbc.qcow2 16M
luks luks "" cipher-alg=twofish-256,hash-alg=sha512 raw.luks 1M
q create -f qed -o cluster_size=4096,table_size=1 t1-4k.qed 16M
q create -f qed -o cluster_size=4096,table_size=16 t16-4k.qed 16M
q create -f qed -o cluster_size=4096,table_size=2 -b base.qcow2 -F qcow2 over-4k.qed
q create -f qed -o cluster_size=4096,table_size=2 -b base.raw -F raw -u over-raw-4k.qed 16M
q convert -O qed -o cluster_size=4096,table_size=2 data.raw data-4k.qed
"$IMGTOOL" create -q -f qcow2 -o cluster_size=512 it-512.qcow2 16M
"$IMGTOOL" create -q -f qed -o cluster_size=4096,table_size=1 it-4k.qed 16M

# Only the corpora made here; read/ holds hand-checked seeds (an
# extended-L2 image small enough for -max_len needs a hand-built file).
rm -rf "$C"/{open,qcow2-header,qcow2-snapshots,qcow2-bitmaps,qed-header,luks}
mkdir -p "$C"/{open,qcow2-header,qcow2-snapshots,qcow2-bitmaps,qed-header,luks}

# ---- open and qcow2-header: whole images (at most 64 KiB) ---------------------

for f in *.qcow2 *.qed raw.bin raw.luks; do
	case $f in
	base.qcow2) continue ;;
	esac
	head -c 65536 "$f" >"$C/open/$f"
	case $f in
	*.qcow2) head -c 65536 "$f" >"$C/qcow2-header/$f" ;;
	esac
done

# A LUKS image whose encryption header extension claims only the LUKS
# header itself, so the whole thing fits in a seed and opens.
for f in luks-cbc.qcow2; do
	off=$(ext_off "$f" 0x0537be77)
	head -c 65536 "$f" >"$T/short.qcow2"
	"$POKE" "$T/short.qcow2" be64 $((off + 16)) 4096
	cp "$T/short.qcow2" "$C/open/${f%.qcow2}-short.qcow2"
	cp "$T/short.qcow2" "$C/qcow2-header/${f%.qcow2}-short.qcow2"
done

# ---- qcow2-snapshots: prefix (nb, cluster_bits, flags) + table ------------------

for f in snap-512.qcow2 snap-v2-512.qcow2; do
	so=$(field "$f" snapshots_offset)
	nb=$(field "$f" nb_snapshots)
	cb=$(field "$f" cluster_bits)
	slice "$f" "$so" 4096 "$(be32hex "$nb")$(printf '%02x' "$cb")000000" \
		>"$C/qcow2-snapshots/${f%.qcow2}"
done
# Two tables' worth in one: ask for one entry more than there are.
so=$(field snap-512.qcow2 snapshots_offset)
slice snap-512.qcow2 "$so" 4096 "$(be32hex 3)09010000" \
	>"$C/qcow2-snapshots/snap-512-short"

# ---- qcow2-bitmaps: prefix (nb, cluster_bits, size, file size) + directory -----

f=bitmap-4k.qcow2
off=$(ext_off "$f" 0x23852875)
nb=$(peek_be "$f" $((off + 8)) 4)
dsize=$(peek_be "$f" $((off + 16)) 8)
doff=$(peek_be "$f" $((off + 24)) 8)
pre="$(be32hex "$nb")0c000000$(be64hex "$(field "$f" size)")$(be64hex "$(stat -c %s "$f")")"
slice "$f" "$doff" "$dsize" "$pre" >"$C/qcow2-bitmaps/three"
first=$(( (24 + 2 + 7) / 8 * 8 ))
slice "$f" "$doff" "$first" \
	"$(be32hex 1)0c000000$(be64hex "$(field "$f" size)")$(be64hex "$(stat -c %s "$f")")" \
	>"$C/qcow2-bitmaps/one"

# ---- qed-header: the header and the backing name ------------------------------

for f in *.qed; do
	head -c 512 "$f" >"$C/qed-header/$f"
done

# ---- luks: the LUKS header behind qcow2's encryption extension, and raw LUKS --

for f in luks-xts.qcow2 luks-cbc.qcow2; do
	off=$(ext_off "$f" 0x0537be77)
	lo=$(peek_be "$f" $((off + 8)) 8)
	slice "$f" "$lo" 1024 >"$C/luks/${f%.qcow2}"
done
head -c 1024 raw.luks >"$C/luks/raw-twofish"

du -sh "$C"
