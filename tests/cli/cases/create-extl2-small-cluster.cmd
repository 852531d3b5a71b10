$IMGTOOL create -f qcow2 -o extended_l2=on,cluster_size=4k x.img 1M; rc=$?; ls; exit $rc
