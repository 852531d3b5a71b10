$IMGTOOL create -f qcow2 -o refcount_bits=8,compat=0.10 x.img 1M; rc=$?; ls; exit $rc
