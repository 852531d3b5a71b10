$IMGTOOL compare x.img
