$IMGTOOL frobnicate
