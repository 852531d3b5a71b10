$IMGTOOL create -q -f qcow2 base.qcow2 1M && $IMGTOOL create -f qcow2 -o data_file=d.raw,data_file_raw=on -b base.qcow2 -F qcow2 x.img; rc=$?; ls; exit $rc
