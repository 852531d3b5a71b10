$IMGTOOL create -f raw -o preallocation=metadata x.img 1M; rc=$?; ls; exit $rc
