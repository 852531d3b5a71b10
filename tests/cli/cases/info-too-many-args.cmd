$IMGTOOL info a b
