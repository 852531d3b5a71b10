mkdir d; $IMGTOOL info d
