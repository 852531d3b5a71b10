$IMGTOOL create -f qcow2 -o extended_l2=on,compat=0.10 x.img 1M; rc=$?; ls; exit $rc
