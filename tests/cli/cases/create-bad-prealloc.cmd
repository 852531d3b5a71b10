$IMGTOOL create -f qcow2 -o preallocation=sparse x.img 1M; rc=$?; ls; exit $rc
