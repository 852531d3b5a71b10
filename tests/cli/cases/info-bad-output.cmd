$IMGTOOL info --output=xml x.img
