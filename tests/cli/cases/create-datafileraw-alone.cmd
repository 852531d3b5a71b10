$IMGTOOL create -f qcow2 -o data_file_raw=on x.img 1M; rc=$?; ls; exit $rc
