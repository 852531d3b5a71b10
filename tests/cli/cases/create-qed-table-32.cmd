$IMGTOOL create -f qed -o table_size=32 x.img 1M; rc=$?; ls; exit $rc
