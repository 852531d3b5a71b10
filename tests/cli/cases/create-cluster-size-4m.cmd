$IMGTOOL create -f qcow2 -o cluster_size=4M x.img 1M; rc=$?; ls; exit $rc
