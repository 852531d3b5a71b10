$IMGTOOL create -f qcow2 -o compression_type=zstd,compat=v2 x.img 1M; rc=$?; ls; exit $rc
