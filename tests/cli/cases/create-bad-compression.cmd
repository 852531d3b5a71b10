$IMGTOOL create -f qcow2 -o compression_type=lz4 x.img 1M; rc=$?; ls; exit $rc
