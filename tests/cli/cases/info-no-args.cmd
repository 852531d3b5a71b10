$IMGTOOL info
