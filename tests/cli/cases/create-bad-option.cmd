$IMGTOOL create --bogus x.img 1M; rc=$?; ls; exit $rc
