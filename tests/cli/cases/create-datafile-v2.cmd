$IMGTOOL create -f qcow2 -o data_file=d.raw,compat=0.10 x.img 1M; rc=$?; ls; exit $rc
