$IMGTOOL create -f qed x.img 100T; rc=$?; ls; exit $rc
