$IMGTOOL create -f vmdk x.img 1M; rc=$?; ls; exit $rc
