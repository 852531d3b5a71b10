$IMGTOOL create -f qcow2 -o cluster_size=1000 x.img 1M; rc=$?; ls; exit $rc
