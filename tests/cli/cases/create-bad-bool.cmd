$IMGTOOL create -f qcow2 -o lazy_refcounts=maybe x.img 1M; rc=$?; ls; exit $rc
