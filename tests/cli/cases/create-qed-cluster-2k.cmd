$IMGTOOL create -f qed -o cluster_size=2k x.img 1M; rc=$?; ls; exit $rc
