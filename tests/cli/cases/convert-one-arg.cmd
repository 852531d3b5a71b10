$IMGTOOL convert x.img
