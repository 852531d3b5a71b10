$IMGTOOL create -f qcow2 -o encrypt.format=luks x.img 1M; rc=$?; ls; exit $rc
