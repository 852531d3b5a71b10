$IMGTOOL create -f qcow2 -o refcount_bits=128 x.img 1M; rc=$?; ls; exit $rc
