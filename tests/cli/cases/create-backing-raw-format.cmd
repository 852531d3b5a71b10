$IMGTOOL create -f raw -b base.img -F raw x.img 1M; rc=$?; ls; exit $rc
