$IMGTOOL --bogus
