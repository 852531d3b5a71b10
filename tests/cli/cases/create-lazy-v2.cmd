$IMGTOOL create -f qcow2 -o lazy_refcounts=on,compat=0.10 x.img 1M; rc=$?; ls; exit $rc
