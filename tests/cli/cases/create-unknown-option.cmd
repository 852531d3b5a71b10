$IMGTOOL create -f qcow2 -o foo=1 x.img 1M; rc=$?; ls; exit $rc
