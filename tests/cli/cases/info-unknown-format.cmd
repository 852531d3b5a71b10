$IMGTOOL info -f vmdk x.img
